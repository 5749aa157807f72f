"""The editors' roles (groups), their permissions, the 「施設の写真」 collection and the
approval workflows, as defined in ``editorial/roles.py``."""

from django.db import migrations

from editorial import roles


def create_roles(apps, schema_editor):
    roles.create_model_permissions(apps)
    roles.apply_roles(apps)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name__in=[w.name for w in roles.WORKFLOWS]).delete()
    Task.objects.filter(name=roles.APPROVAL_TASK).delete()
    Group.objects.filter(name__in=[r.name for r in roles.ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("home", "0001_initial"),
        ("council", "0002_seed_business_items"),
        ("facilities", "0004_address_help"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
