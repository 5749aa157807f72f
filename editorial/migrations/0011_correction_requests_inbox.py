"""事務局 and 施設情報担当 read and close the correction requests (corrections.CorrectionRequest)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0010_alerts_for_the_secretariat"),
        ("corrections", "0001_correction_requests"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
