"""事務局 publishes the ウェブアクセシビリティ方針 and its yearly 試験結果 directly."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0012_reading_dictionary_for_the_secretariat"),
        ("accessibility", "0001_policy_and_test_results"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
