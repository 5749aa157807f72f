"""Indexes for the substring search of ``SearchEntry`` (see ``home.substring``).

PostgreSQL: the ``pg_trgm`` extension (a trusted extension: the database's
owner may create it) and GIN trigram indexes on the key columns. SQLite: an FTS5 trigram table kept in step by triggers. Other
databases get nothing and search without an index.
"""

from django.db import migrations

from home import substring


def create(apps, schema_editor):
    substring.create_index(schema_editor, substring.SEARCH_ENTRY)


def drop(apps, schema_editor):
    substring.drop_index(schema_editor, substring.SEARCH_ENTRY)


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0005_glossary"),
    ]

    operations = [migrations.RunPython(create, drop)]
