"""事業所担当 handle the correction requests of their own facilities."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0016_vacancy_reminders_for_the_secretariat")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
