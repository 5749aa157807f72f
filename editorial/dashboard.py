"""The dashboard's list of what needs doing, limited to what the editor may act on.

Apps below ``editorial`` add sections through the Wagtail hook
``editor_tasks_sections``: fn(user, today) -> None, or a dict with the keys of
the sections below (key, heading, count, empty, items). Returning None leaves
the section out (for a user the section is not for).
"""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from council.models import MeetingPage
from facilities.models import FacilityPage
from facilities.models.facility import STALE_AFTER_MONTHS
from handouts.scans import SCAN_HEADING, SCAN_WHY, scans

MINUTES_DUE_AFTER_DAYS = 60
SHOWN_PER_SECTION = 10
EDITOR_TASKS_SECTIONS_HOOK = "editor_tasks_sections"


def editable_pages(user):
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])


def meetings_without_minutes(user, today=None):
    """Meetings held more than 60 days ago whose minutes are still empty."""
    return (
        MeetingPage.objects.filter(pk__in=editable_pages(user).values("pk"))
        .minutes_overdue(MINUTES_DUE_AFTER_DAYS, today)
        .only("pk", "title", "date", "path", "depth")
        .order_by("date", "pk")
    )


def meetings_with_draft_minutes(user, today=None):
    """Meetings held more than 60 days ago whose minutes are still 議事録(案)."""
    return (
        MeetingPage.objects.filter(pk__in=editable_pages(user).values("pk"))
        .minutes_awaiting_approval(MINUTES_DUE_AFTER_DAYS, today)
        .only("pk", "title", "date", "path", "depth")
        .order_by("date", "pk")
    )


def meeting_section(key, heading, empty, meetings, today):
    count = meetings.count()
    shown = list(meetings[:SHOWN_PER_SECTION])
    parents = {
        p.path: p.title
        for p in Page.objects.filter(path__in={m.path[: -Page.steplen] for m in shown}).only(
            "path", "title"
        )
    }
    return {
        "key": key,
        "heading": heading,
        "count": count,
        "empty": empty,
        "items": [
            {
                "title": m.title,
                "context": parents.get(m.path[: -Page.steplen], ""),
                "date": m.date,
                "date_label": "開催日",
                "note": f"{(today - m.date).days}日経過",
                "url": reverse("wagtailadmin_pages:edit", args=[m.pk]),
            }
            for m in shown
        ],
    }


def facilities_to_verify(user, today=None):
    """Facilities whose details were last confirmed 13 months ago or more, oldest first."""
    return (
        FacilityPage.objects.filter(pk__in=editable_pages(user).values("pk"))
        .needs_verification(today)
        .only("pk", "title", "verified_on")
        .order_by(F("verified_on").asc(nulls_first=True), "title")
    )


def pages_awaiting_approval(user):
    """Pages in an approval workflow the user can review or could edit."""
    reviewable = TaskState.objects.reviewable_by(user).values("workflow_state_id")
    editable_ids = [str(pk) for pk in editable_pages(user).values_list("pk", flat=True)]
    return (
        WorkflowState.objects.active()
        .filter(base_content_type__model="page", base_content_type__app_label="wagtailcore")
        .filter(Q(pk__in=reviewable) | Q(object_id__in=editable_ids))
        .select_related("requested_by", "current_task_state__task")
        .order_by("created_at")
    )


class EditorTasksPanel(Component):
    """「対応が必要なこと」: overdue minutes, minutes still 案, facilities to re-check, scanned
    PDFs without text, what other apps add (open correction requests), pages awaiting approval."""

    name = "editor_tasks"
    template_name = "editorial/editor_tasks_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        sections = []

        if MeetingPage.objects.filter(pk__in=editable_pages(self.user).values("pk")).exists():
            sections.append(
                meeting_section(
                    "minutes",
                    f"開催から{MINUTES_DUE_AFTER_DAYS}日を過ぎても議事録がない会議",
                    "議事録の入力が遅れている会議はありません。",
                    meetings_without_minutes(self.user, today),
                    today,
                )
            )
            sections.append(
                meeting_section(
                    "draft-minutes",
                    f"開催から{MINUTES_DUE_AFTER_DAYS}日を過ぎても議事録が「案」のままの会議",
                    "承認を待っている議事録(案)はありません。",
                    meetings_with_draft_minutes(self.user, today),
                    today,
                )
            )

        facilities = facilities_to_verify(self.user, today)
        count = facilities.count()
        if (
            count
            or FacilityPage.objects.filter(pk__in=editable_pages(self.user).values("pk")).exists()
        ):
            sections.append(
                {
                    "key": "verify",
                    "heading": f"{STALE_AFTER_MONTHS}か月以上、内容を確かめていない事業所",
                    "count": count,
                    "empty": f"すべての事業所が{STALE_AFTER_MONTHS}か月以内に確かめられています。",
                    "items": [
                        {
                            "title": f.title,
                            "date": f.verified_on,
                            "date_label": "最終確認日",
                            "note": "" if f.verified_on else "確認日が未入力",
                            "url": reverse("wagtailadmin_pages:edit", args=[f.pk]),
                        }
                        for f in facilities[:SHOWN_PER_SECTION]
                    ],
                }
            )

        scanned = scans(editable_pages(self.user))
        if scanned:
            sections.append(
                {
                    "key": "scans",
                    "heading": SCAN_HEADING,
                    "count": len(scanned),
                    "empty": "",
                    "items": [
                        {
                            "title": document.title,
                            "context": page.title,
                            "note": f"{SCAN_WHY}。文字の入ったPDFに差し替えてください。",
                            "url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                        }
                        for document, page in scanned[:SHOWN_PER_SECTION]
                    ],
                }
            )

        for hook in hooks.get_hooks(EDITOR_TASKS_SECTIONS_HOOK):
            section = hook(self.user, today)
            if section:
                sections.append(section)

        waiting = pages_awaiting_approval(self.user)
        count = waiting.count()
        states = list(waiting[:SHOWN_PER_SECTION])
        titles = dict(
            Page.objects.filter(pk__in=[int(s.object_id) for s in states]).values_list(
                "pk", "title"
            )
        )
        sections.append(
            {
                "key": "approval",
                "heading": "承認を待っているページ",
                "count": count,
                "empty": "承認を待っているページはありません。",
                "items": [
                    {
                        "title": titles.get(int(s.object_id), ""),
                        "date": timezone.localtime(s.created_at).date(),
                        "date_label": "申請日",
                        "note": " ".join(
                            part
                            for part in (
                                s.requested_by
                                and f"申請: {s.requested_by.get_full_name() or s.requested_by.get_username()}",
                                s.status == WorkflowState.STATUS_NEEDS_CHANGES and "差し戻し中",
                            )
                            if part
                        ),
                        "url": reverse("wagtailadmin_pages:edit", args=[int(s.object_id)]),
                    }
                    for s in states
                ],
            }
        )
        return {"sections": sections, "shown_per_section": SHOWN_PER_SECTION}
