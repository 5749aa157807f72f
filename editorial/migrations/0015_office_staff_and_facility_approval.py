"""The group 事業所担当 (office accounts), 事務局's invitation and suspension permissions, and
the workflow 「事業所情報の承認」 on ふくしマップ, approved by 施設情報担当."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0014_japanese_names_for_the_roots"),
        ("offices", "0002_invitations"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
