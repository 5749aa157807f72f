"""Only the secretariat (and superusers) may change who can view a page."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0005_page_password_failures"),
        ("home", "0003_page_privacy_permission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
