"""事務局 sets the day of the monthly vacancy reminders (空き情報の催促のメール)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0015_office_staff_and_facility_approval"),
        ("offices", "0003_monthly_reminders"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
