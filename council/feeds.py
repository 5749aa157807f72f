"""Atom feeds of new meeting records, reports and news; iCalendar feeds of meetings."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator
from icalendar import Calendar, Event
from wagtail.models import Page, Site

from home.conditional import conditional_response
from home.text import clean_text, xml_text

FEED_LENGTH = 30
TOKYO = zoneinfo.ZoneInfo(settings.TIME_ZONE)


class XMLTextGenerator(SimplerXMLGenerator):
    """Writes only characters XML 1.0 allows, in text and attributes.

    Text is cleaned when saved (``home.text``); this keeps a row stored before that,
    or written past the models, from failing the feed for everyone.
    """

    def characters(self, content):
        super().characters(xml_text(content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_text(value) for key, value in (attrs or {}).items()})


class SafeAtom1Feed(Atom1Feed):
    def write(self, outfile, encoding):
        # Atom1Feed.write with the generator above.
        handler = XMLTextGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class CouncilFeed(Feed):
    """New and updated pages of ``pages`` (meeting records, yearly reports, news), newest first."""

    feed_type = SafeAtom1Feed
    author_name = "児玉郡市自立支援協議会"
    subtitle = "会議の記録、活動報告・活動計画、お知らせの新着です。"

    def __init__(self, pages, *, title, link_page=None):
        super().__init__()
        self.pages = pages
        self.feed_title = title
        self.link_page = link_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return conditional_response(request, super().__call__(request, *args, **kwargs))

    def title(self):
        return self.feed_title

    def link(self):
        return self.link_page.get_url(self.request) if self.link_page else "/"

    def items(self):
        return list(
            self.pages.live()
            .public()
            .order_by("-last_published_at", "-pk")
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
    calendar.add("x-wr-calname", clean_text(name, multiline=False))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        # When the event's information was last revised (RFC 5545, 3.8.7.2, for a calendar
        # without METHOD): the page's last publication. Not the time of the request, so an
        # unchanged calendar is the same text and keeps its ETag (304 answers).
        changed = meeting.last_published_at or meeting.latest_revision_created_at or now
        event.add("dtstamp", changed.astimezone(dt.UTC))
        committee = getattr(meeting, "committee", None)
        summary = f"{committee.title} {meeting.title}" if committee else meeting.title
        # Cleaned again here: see XMLTextGenerator.
        event.add("summary", clean_text(summary, multiline=False))
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
            event.add("location", clean_text(meeting.venue, multiline=False))
        event.add("status", meeting.calendar_status)
        description = [meeting.get_format_display(), meeting.get_status_display()]
        description.extend(meeting.observer_lines())
        if meeting.online_url:
            description.append(f"オンライン参加・動画: {meeting.online_url}")
        # The editor's free text last, after the facts a calendar reader scans for.
        if meeting.summary:
            description.append(meeting.summary)
        event.add("description", clean_text("\n".join(description), multiline=True))
        if meeting.url_path:
            event.add("url", meeting.full_url or "")
        if meeting.online_url and meeting.can_join_online:
            # RFC 7986: calendar apps show a "join" link for it.
            event.add(
                "conference",
                meeting.online_url,
                parameters={"VALUE": "URI", "LABEL": "オンライン参加"},
            )
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def meetings_calendar_response(request, meetings, name, committees):
    """``meetings``: a MeetingPage queryset; ``committees``: the bodies they may belong to."""
    meetings = list(meetings.live().public().defer_streamfields().order_by("date"))
    by_path = {c.path: c for c in committees}
    for meeting in meetings:
        meeting.committee = by_path.get(meeting.path[: -Page.steplen])
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host()
    body = meetings_calendar(meetings, name, host).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return conditional_response(request, response)
