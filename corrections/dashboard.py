"""The dashboard's 「対応が必要なこと」 gains the open correction requests (hook ``editor_tasks_sections``)."""

from django.urls import reverse

from home.dates import as_date

from .admin_views import may_view
from .models import CorrectionRequest

SHOWN = 10


def open_requests_section(user, today):
    """Open requests about the facilities ``user`` may edit, oldest first; only for the inbox's users."""
    if not may_view(user):
        return None
    waiting = CorrectionRequest.objects.for_user(user).open()
    count = waiting.count()
    shown = (
        list(
            waiting.select_related("facility")
            .only("pk", "created_at", "facility__title")
            .order_by("created_at", "pk")[:SHOWN]
        )
        if count
        else []
    )
    return {
        "key": "corrections",
        "heading": "掲載内容の修正の依頼(未対応)",
        "count": count,
        "empty": "未対応の修正の依頼はありません。",
        "items": [
            {
                "title": item.facility.title,
                "date": item.created_at,
                "date_label": "受付日",
                "note": f"{(today - as_date(item.created_at)).days}日経過",
                "url": reverse("corrections_admin_detail", args=[item.pk]),
            }
            for item in shown
        ],
    }
