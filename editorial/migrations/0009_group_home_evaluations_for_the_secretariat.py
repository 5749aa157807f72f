"""事務局 records the group-home evaluations (evaluations.GroupHomeEvaluation, EvaluationItem)
and publishes their list page directly."""

from django.db import migrations

from editorial import roles


def grant(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0008_roles_for_booklet"),
        ("evaluations", "0002_usual_items"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
