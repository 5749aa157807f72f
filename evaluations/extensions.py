"""What the evaluations add to ふくしマップ, through ``facilities.extensions``.

A facility page shows its evaluations (newest year first). They are the data of
the evaluations list page: when that page is live and the visitor may not view
it, the facility pages show none either (``home.privacy``).
"""

from facilities.models import FacilityPage
from home.privacy import may_view, with_restricted

from .models import GroupHomeEvaluation, GroupHomeEvaluationIndexPage, public_meetings


def list_page(request):
    """The live evaluations list page (looked up once per request), or None."""
    if "_evaluation_list_page" not in request.__dict__:
        request._evaluation_list_page = with_restricted(
            GroupHomeEvaluationIndexPage.objects.live()
        ).first()
    return request._evaluation_list_page


def facility_evaluations(facility, request):
    """The facility page's 日中サービス支援型グループホームの評価, or None when it has none."""
    page = list_page(request)
    if page is not None and not may_view(request, page):
        return None
    evaluations = list(GroupHomeEvaluation.objects.filter(facility=facility).for_listing())
    if not evaluations:
        return None
    meetings = public_meetings(evaluations)
    return {
        "template": "evaluations/includes/facility_evaluations.html",
        "evaluations": [(e, meetings.get(e.meeting_id)) for e in evaluations],
        "list_page": page,
    }


def pages_showing_evaluations(page):
    """Facility pages with an evaluation show the list page's data."""
    if page.specific_class is not GroupHomeEvaluationIndexPage:
        return []
    facilities = GroupHomeEvaluation.objects.values("facility_id")
    return list(FacilityPage.objects.live().filter(pk__in=facilities).specific())
