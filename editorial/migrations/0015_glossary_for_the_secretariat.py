"""事務局 keeps the 用語集 (home.GlossaryTerm)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0014_japanese_names_for_the_roots"),
        ("home", "0005_glossary"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
