"""The meeting listing shared by each body's page and the council-wide archive."""

from wagtail.models import Page

from home.listing import FiscalYearFilter, keep_out_of_page_cache, paginate, single_param

PER_PAGE = 20


def meeting_listing(request, meetings, committees=None):
    """Context for a listing of ``meetings`` (a MeetingPage queryset) filtered by ``?nendo=``
    and, council-wide (``committees`` given), by ``?body=``.

    Upcoming meetings come first in their own list; held (and cancelled)
    meetings follow, newest first, paginated. Unknown filter values are
    ignored with a note, never an error.
    """
    notes = []
    selected_committee = None
    if committees is not None:
        wanted = single_param(request, "body")
        if wanted:
            selected_committee = next((c for c in committees if c.slug == wanted), None)
            if selected_committee is None:
                keep_out_of_page_cache(request)
                notes.append(
                    "指定された会議・部会は見つかりませんでした。すべての会議を表示しています。"
                )
            else:
                meetings = meetings.child_of(selected_committee)

    year_filter = FiscalYearFilter.from_request(
        request,
        meetings.order_by().values_list("fiscal_year", flat=True).distinct(),
        what="会議の記録",
    )
    if year_filter.note:
        notes.append(year_filter.note)

    upcoming = list(meetings.upcoming().defer_streamfields().order_by("date", "start_time"))
    records = year_filter.apply(meetings.records().defer_streamfields(), year_field="fiscal_year")
    records_page = paginate(request, records.order_by("-date", "-start_time", "-pk"), PER_PAGE)

    shown = meetings.model.attach_numbers([*upcoming, *records_page.object_list])
    if committees is not None:
        by_path = {c.path: c for c in committees}
        for meeting in shown:
            meeting.committee = by_path.get(meeting.path[: -Page.steplen])

    return {
        "upcoming_meetings": upcoming,
        "meetings_page": records_page,
        "year_filter": year_filter,
        "committees": committees,
        "selected_committee": selected_committee,
        "filter_notes": notes,
    }
