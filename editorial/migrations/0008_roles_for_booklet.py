"""事務局 and 施設情報担当 may build the printed ふくしマップ (booklet.build_booklet)."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0007_open_data_licence_for_the_secretariat"),
        ("booklet", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
