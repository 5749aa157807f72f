"""The meeting listing shared by each body's page and the council-wide archive."""

from django.utils import timezone
from wagtail.models import Page

from home.dates import fiscal_year_label
from home.models import paginate, year_param

PER_PAGE = 20
UPCOMING_STATUSES = ("scheduled", "postponed")


def _single(request, name):
    """The first value of a query parameter, or '' (repeated parameters are not an error)."""
    values = request.GET.getlist(name)
    return values[0].strip() if values else ""


def meeting_listing(request, meetings, committees=None):
    """Context for a meeting listing filtered by ``?nendo=`` and, council-wide, ``?body=``.

    Upcoming meetings come first in their own list; held (and cancelled)
    meetings follow, newest first, paginated. Unknown filter values are
    ignored with a note, never an error.
    """
    notes = []
    today = timezone.localdate()

    selected_committee = None
    if committees is not None:
        wanted = _single(request, "body")
        if wanted:
            selected_committee = next((c for c in committees if c.slug == wanted), None)
            if selected_committee is None:
                notes.append(
                    "指定された会議・部会は見つかりませんでした。すべての会議を表示しています。"
                )
            else:
                meetings = meetings.child_of(selected_committee)

    years = sorted(set(meetings.values_list("fiscal_year", flat=True).distinct()), reverse=True)
    selected_year = None
    wanted_year = _single(request, "nendo")
    if wanted_year:
        if year_param(wanted_year) in years:
            selected_year = year_param(wanted_year)
        else:
            notes.append("指定された年度の会議の記録はありません。すべての年度を表示しています。")

    is_upcoming = {"date__gte": today, "status__in": UPCOMING_STATUSES}
    upcoming = list(
        meetings.filter(**is_upcoming).defer_streamfields().order_by("date", "start_time")
    )
    records = meetings.exclude(**is_upcoming).defer_streamfields()
    if selected_year is not None:
        records = records.filter(fiscal_year=selected_year)
    records_page = paginate(request, records.order_by("-date", "-start_time", "-pk"), PER_PAGE)

    from council.models.meeting import attach_numbers

    shown = attach_numbers([*upcoming, *records_page.object_list])
    if committees is not None:
        by_path = {c.path: c for c in committees}
        for meeting in shown:
            meeting.committee = by_path.get(meeting.path[: -Page.steplen])

    return {
        "upcoming_meetings": upcoming,
        "meetings_page": records_page,
        "fiscal_years": [(y, fiscal_year_label(y)) for y in years],
        "selected_year": selected_year,
        "committees": committees,
        "selected_committee": selected_committee,
        "filter_notes": notes,
    }
