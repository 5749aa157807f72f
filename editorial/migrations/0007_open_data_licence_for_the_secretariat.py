"""事務局 may change the open data licence (opendata.OpenDataSettings)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0006_page_privacy_for_the_secretariat"),
        ("opendata", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
