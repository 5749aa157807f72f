"""The council-wide feeds: new records as Atom, meetings as iCalendar."""

from wagtail.models import Page

from .feeds import CouncilFeed, meetings_calendar_response
from .models import ActivityReportPage, CommitteePage, MeetingPage, NewsPage


def council_atom(request):
    pages = Page.objects.type(MeetingPage, ActivityReportPage, NewsPage)
    return CouncilFeed(pages, title="児玉郡市自立支援協議会の新着情報")(request)


def council_calendar(request):
    return meetings_calendar_response(
        request,
        MeetingPage.objects.all(),
        name="児玉郡市自立支援協議会の会議",
        committees=CommitteePage.objects.live().only("title", "path", "depth"),
    )
