"""The roles' grants on the vacancy figures and the 空き情報 page, now in their own app."""

from django.db import migrations

from editorial import roles


def complete_roles(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_retire_wagtail_default_groups"),
        ("vacancies", "0002_tables_of_their_own"),
    ]

    operations = [migrations.RunPython(complete_roles, migrations.RunPython.noop)]
