"""Retire the groups and workflow Wagtail creates on a new site.

Wagtail's "Editors" and "Moderators" hold add/change (and, for Moderators,
publish) on the root page: a user put in them would edit every section and
publish council records without approval. The council's roles replace them,
so they are removed while nobody belongs to them, and the default
"Moderators approval" workflow is switched off unless a page is in it.
"""

from django.db import migrations

DEFAULT_GROUPS = ["Editors", "Moderators"]
DEFAULT_WORKFLOW = "Moderators approval"


def retire_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Task = apps.get_model("wagtailcore", "Task")

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW, active=True):
        in_use = WorkflowState.objects.filter(
            workflow=workflow, status__in=["in_progress", "needs_changes"]
        ).exists()
        if not in_use:
            workflow.active = False
            workflow.save(update_fields=["active"])
            workflow.workflow_pages.all().delete()
            Task.objects.filter(name=DEFAULT_WORKFLOW, workflow_tasks__workflow=workflow).update(
                active=False
            )
    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        if not group.user_set.exists():
            group.delete()


class Migration(migrations.Migration):
    dependencies = [("editorial", "0001_roles")]

    operations = [migrations.RunPython(retire_defaults, migrations.RunPython.noop)]
