"""事務局 sees how many subscribe to the e-mail alerts and removes addresses (alerts.Subscriber)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0009_group_home_evaluations_for_the_secretariat"),
        ("alerts", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
