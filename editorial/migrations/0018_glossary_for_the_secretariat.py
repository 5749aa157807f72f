"""事務局 keeps the 用語集 (home.GlossaryTerm)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0017_correction_requests_for_office_staff"),
        ("home", "0005_glossary"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
