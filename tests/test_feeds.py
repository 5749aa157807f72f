"""Atom and iCalendar feeds, parsed with feedparser and icalendar."""

import datetime as dt
import zoneinfo

import feedparser
import icalendar
import pytest

from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    consult = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    news = NewsIndexPageFactory(parent=home_page)
    return {
        "archive": MeetingArchivePageFactory(parent=home_page),
        "plenary": plenary,
        "consult": consult,
        "first": MeetingPageFactory(
            parent=plenary,
            title="第1回全体会",
            date=dt.date(2023, 7, 3),
            start_time=dt.time(14, 0),
            end_time=dt.time(15, 30),
            venue="本庄市役所",
            summary="サインレスの継続を決めました。",
        ),
        "written": MeetingPageFactory(
            parent=plenary, title="第2回全体会", date=dt.date(2023, 11, 20), format="written"
        ),
        "cancelled": MeetingPageFactory(
            parent=consult,
            title="中止の会",
            date=dt.date(2023, 8, 21),
            start_time=dt.time(10, 0),
            status="cancelled",
        ),
        "news": NewsPageFactory(parent=news, title="協働体制の報告"),
    }


def test_council_atom_feed_parses_and_lists_meetings_reports_and_news(client, council):
    response = client.get("/feeds/atom.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = {e.title for e in feed.entries}
    assert {"第1回全体会", "第2回全体会", "中止の会", "協働体制の報告"} <= titles
    entry = next(e for e in feed.entries if e.title == "第1回全体会")
    assert entry.link.endswith(council["first"].url)
    assert entry.summary == "サインレスの継続を決めました。"


def test_body_atom_feed_has_only_that_bodys_pages(client, council):
    feed = feedparser.parse(client.get(council["consult"].url + "feed/atom/").content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["中止の会"]
    assert "相談支援部会" in feed.feed.title


def events(content):
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_ical_feed_is_valid_with_tokyo_times(client, council):
    response = client.get("/feeds/meetings.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "\r\nEND:VCALENDAR" in body
    calendar, by_summary = events(response.content)
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    timezones = [tz["tzid"] for tz in calendar.walk("VTIMEZONE")]
    assert timezones == ["Asia/Tokyo"]
    first = by_summary["全体会 第1回全体会"]
    start = first.decoded("dtstart")
    assert start == dt.datetime(2023, 7, 3, 14, 0, tzinfo=TOKYO)
    assert first["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert first.decoded("dtend") == dt.datetime(2023, 7, 3, 15, 30, tzinfo=TOKYO)
    assert str(first["location"]) == "本庄市役所"
    for event in by_summary.values():
        assert event["uid"] and event["dtstamp"]
    written = by_summary["全体会 第2回全体会"]
    assert written.decoded("dtstart") == dt.date(2023, 11, 20)
    assert "書面開催" in str(written["description"])
    assert str(by_summary["相談支援部会 中止の会"]["status"]) == "CANCELLED"


def test_body_ical_feed_has_only_that_bodys_meetings(client, council):
    _, by_summary = events(client.get(council["plenary"].url + "feed/ical/").content)
    assert set(by_summary) == {"全体会 第1回全体会", "全体会 第2回全体会"}


def test_unpublished_meetings_stay_out_of_feeds(client, council):
    council["first"].unpublish()
    assert "第1回全体会" not in client.get("/feeds/meetings.ics").content.decode()
    feed = feedparser.parse(client.get("/feeds/atom.xml").content)
    assert "第1回全体会" not in {e.title for e in feed.entries}


def test_archive_links_its_feeds(client, council):
    html = client.get(council["archive"].url).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/atom.xml"' in html and 'href="/feeds/meetings.ics"' in html


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_counts_do_not_grow(client, council, count, django_assert_max_num_queries):
    for n in range(count):
        MeetingPageFactory(
            parent=council["plenary"], date=dt.date(2023, 5, 1) + dt.timedelta(days=n)
        )
    with django_assert_max_num_queries(12):
        client.get("/feeds/meetings.ics")
    with django_assert_max_num_queries(12):
        client.get("/feeds/atom.xml")
