"""事務局 keeps the 読み仮名辞書 of the ふりがな (home.ReadingEntry)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0011_correction_requests_inbox"),
        ("home", "0004_reading_dictionary"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
