"""The root collection and the root of the page tree get Japanese names (Wagtail: 「Root」)."""

from django.db import migrations

from editorial.roles import ROOT_COLLECTION_NAME, ROOT_PAGE_TITLE


def rename(apps, schema_editor):
    apps.get_model("wagtailcore", "Collection").objects.filter(depth=1, name="Root").update(
        name=ROOT_COLLECTION_NAME
    )
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title="Root").update(
        title=ROOT_PAGE_TITLE, draft_title=ROOT_PAGE_TITLE
    )


def rename_back(apps, schema_editor):
    apps.get_model("wagtailcore", "Collection").objects.filter(
        depth=1, name=ROOT_COLLECTION_NAME
    ).update(name="Root")
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=ROOT_PAGE_TITLE).update(
        title="Root", draft_title="Root"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0013_accessibility_policy_for_the_secretariat"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
