"""Atom feeds of new meeting records, reports and news; iCalendar feeds of meetings."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from icalendar import Calendar, Event
from wagtail.models import Page, Site

FEED_LENGTH = 30
TOKYO = zoneinfo.ZoneInfo(settings.TIME_ZONE)


class CouncilFeed(Feed):
    """New and updated meeting records, yearly reports and news, newest first.

    Council-wide, or for one body when ``committee`` is given (news then
    stays out, as it belongs to no body).
    """

    feed_type = Atom1Feed
    author_name = "児玉郡市自立支援協議会"

    def __init__(self, committee=None):
        super().__init__()
        self.committee = committee

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        if self.committee:
            return f"{self.committee.title}の新着情報｜児玉郡市自立支援協議会"
        return "児玉郡市自立支援協議会の新着情報"

    def subtitle(self):
        return "会議の記録、活動報告・活動計画、お知らせの新着です。"

    def link(self):
        if self.committee:
            return self.committee.get_url(self.request)
        return "/"

    def items(self):
        from council.models import ActivityReportPage, MeetingPage, NewsPage

        types = [MeetingPage, ActivityReportPage]
        pages = Page.objects.live().public().type(*types)
        if self.committee:
            pages = pages.child_of(self.committee)
        else:
            pages = Page.objects.live().public().type(*types, NewsPage)
        return list(
            pages.order_by("-last_published_at", "-pk")
            .defer_streamfields()
            .specific()[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom1Feed marks <summary> as type="html"; the summary is plain text.
        return escape(item.summary or item.get_verbose_name())

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return f"tag:kodama-jiritsushien,2024:page-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.get_verbose_name()]


def meetings_calendar(meetings, name, host):
    """An RFC 5545 calendar with one VEVENT per meeting, times in Asia/Tokyo."""
    calendar = Calendar()
    calendar.add("prodid", "-//児玉郡市自立支援協議会//会議予定//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(dt.UTC)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        committee = getattr(meeting, "committee", None)
        event.add("summary", f"{committee.title} {meeting.title}" if committee else meeting.title)
        start = meeting.starts_at()
        if start is None or meeting.is_written:
            event.add("dtstart", meeting.date)
            event.add("dtend", meeting.date + dt.timedelta(days=1))
        else:
            event.add("dtstart", start.astimezone(TOKYO))
            end = meeting.ends_at()
            if end is None or end <= start:
                end = start + dt.timedelta(hours=1)
            event.add("dtend", end.astimezone(TOKYO))
        if meeting.venue and not meeting.is_written:
            event.add("location", meeting.venue)
        if meeting.status == "cancelled":
            event.add("status", "CANCELLED")
        elif meeting.status == "postponed":
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        description = [meeting.get_format_display(), meeting.get_status_display()]
        if meeting.summary:
            description.append(meeting.summary)
        event.add("description", "\n".join(description))
        if meeting.url_path:
            event.add("url", meeting.full_url or "")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def meetings_calendar_response(request, meetings, name):
    from council.models import CommitteePage

    meetings = list(meetings.live().public().defer_streamfields().order_by("date"))
    committees = {c.path: c for c in CommitteePage.objects.live().only("title", "path", "depth")}
    for meeting in meetings:
        meeting.committee = committees.get(meeting.path[: -Page.steplen])
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host()
    body = meetings_calendar(meetings, name, host).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


def council_atom(request):
    return CouncilFeed()(request)


def council_calendar(request):
    from council.models import MeetingPage

    return meetings_calendar_response(
        request, MeetingPage.objects.all(), name="児玉郡市自立支援協議会の会議"
    )
