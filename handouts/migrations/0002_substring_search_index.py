"""Indexes for the substring search of the handouts' text (see ``home.substring``)."""

from django.db import migrations

from handouts.models import HANDOUT_TEXT
from home import substring


def create(apps, schema_editor):
    substring.create_index(schema_editor, HANDOUT_TEXT)


def drop(apps, schema_editor):
    substring.drop_index(schema_editor, HANDOUT_TEXT)


class Migration(migrations.Migration):

    dependencies = [
        ("handouts", "0001_initial"),
        ("home", "0006_substring_search_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
