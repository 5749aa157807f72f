"""What the public needs to know about a meeting: 公開/非公開, 傍聴, the online link, and the
state of the minutes (議事録(案)/確定, 議事要旨), on the page, in listings, feeds and JSON-LD."""

import datetime as dt
import json
import re

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council.models import MeetingAccess, MeetingPage, MinutesKind, MinutesStatus
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    agenda_item,
    meeting_form_data,
    stream,
)

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    first = MeetingPageFactory(
        parent=plenary,
        title="サインレスの継続",
        slug="first",
        date=dt.date(2023, 7, 3),
        minutes="<p>委員から意見が出されました。</p>",
        minutes_status=MinutesStatus.DRAFT,
    )
    second = MeetingPageFactory(
        parent=plenary, title="計画の協議", slug="second", date=dt.date(2023, 11, 20)
    )
    upcoming = MeetingPageFactory(
        parent=plenary,
        title="次年度の計画",
        slug="upcoming",
        date=FUTURE,
        start_time=dt.time(14, 0),
        status="scheduled",
        venue="本庄市役所",
        format="hybrid",
        agenda=stream(agenda_item("活動計画(案)")),
        observer_seats=10,
        observer_apply_by=FUTURE - dt.timedelta(days=7),
        observer_application="事務局へ電話でお申し込みください。",
        observer_rules_url="https://example.org/bochou.html",
        online_url="https://example.org/live/123",
    )
    return {
        "home": home_page,
        "about": about,
        "archive": MeetingArchivePageFactory(parent=home_page),
        "plenary": plenary,
        "first": first,
        "second": second,
        "upcoming": upcoming,
    }


def errors_of(meeting):
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    return caught.value.message_dict


# --- Validation ---------------------------------------------------------------


def test_closed_meeting_needs_a_reason(council):
    meeting = MeetingPage.objects.get(pk=council["second"].pk)
    meeting.access = MeetingAccess.CLOSED
    assert errors_of(meeting)["closed_reason"] == [
        "非公開にするときは、非公開の理由を入れてください。"
    ]
    meeting.closed_reason = "個人の情報を含む事例を検討するため"
    meeting.full_clean()


def test_closed_meeting_takes_no_observer_details(council):
    meeting = MeetingPage.objects.get(pk=council["upcoming"].pk)
    meeting.access = MeetingAccess.CLOSED
    meeting.closed_reason = "個別の事例を扱うため"
    errors = errors_of(meeting)
    assert set(errors) == {
        "observer_seats",
        "observer_apply_by",
        "observer_application",
        "observer_rules_url",
    }
    assert "非公開の会議は傍聴できません" in errors["observer_seats"][0]


def test_apply_by_after_the_meeting_is_refused(council):
    meeting = MeetingPage.objects.get(pk=council["upcoming"].pk)
    meeting.observer_apply_by = meeting.date + dt.timedelta(days=1)
    [message] = errors_of(meeting)["observer_apply_by"]
    assert message.startswith("傍聴の申込期限は開催日(令和")
    meeting.observer_apply_by = meeting.date
    meeting.full_clean()


def test_seats_must_be_positive(council):
    meeting = MeetingPage.objects.get(pk=council["upcoming"].pk)
    meeting.observer_seats = 0
    assert errors_of(meeting)["observer_seats"] == ["傍聴の定員は1以上の数で入れてください。"]


def test_approval_before_the_meeting_is_refused(council):
    meeting = MeetingPage.objects.get(pk=council["first"].pk)
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.minutes_approved_on = dt.date(2023, 7, 2)
    assert errors_of(meeting)["minutes_approved_on"] == [
        "承認日は開催日(令和5年7月3日(月))以後の日にしてください。"
    ]


def test_approving_meeting_must_not_be_earlier_nor_itself(council):
    second = MeetingPage.objects.get(pk=council["second"].pk)
    second.minutes_status = MinutesStatus.APPROVED
    second.minutes_approved_at = council["first"]
    assert "開催日以後に開いた会議" in errors_of(second)["minutes_approved_at"][0]
    second.minutes_approved_at = second
    assert "この会議以外" in errors_of(second)["minutes_approved_at"][0]


def test_approval_details_only_with_approved_minutes(council):
    meeting = MeetingPage.objects.get(pk=council["first"].pk)
    meeting.minutes_approved_on = dt.date(2023, 11, 20)
    meeting.minutes_approved_at = council["second"]
    errors = errors_of(meeting)
    assert set(errors) == {"minutes_approved_on", "minutes_approved_at"}
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.full_clean()
    assert meeting.minutes_approval_text() == "令和5年11月20日の第2回全体会で承認"


# --- The meeting page --------------------------------------------------------------


def test_upcoming_meeting_shows_observers_before_the_agenda(client, council):
    html = client.get(council["upcoming"].url).content.decode()
    observers = html.index('id="observers-heading"')
    assert observers < html.index('id="agenda-heading"') < html.index('id="minutes-heading"')
    section = html[observers : html.index('id="agenda-heading"')]
    assert "10人" in section
    assert f'<time datetime="{council["upcoming"].observer_apply_by.isoformat()}">' in section
    assert "事務局へ電話でお申し込みください。" in section
    assert 'href="https://example.org/bochou.html"' in section
    assert 'href="https://example.org/live/123"' in html
    assert "オンラインで参加・視聴する" in html


def test_closed_upcoming_meeting_says_so_with_the_reason(client, council):
    MeetingPage.objects.filter(pk=council["upcoming"].pk).update(
        access=MeetingAccess.CLOSED,
        closed_reason="個人の情報を含む事例を検討するため",
        observer_seats=None,
    )
    html = client.get(council["upcoming"].url).content.decode()
    section = html[html.index('id="observers-heading"') : html.index('id="agenda-heading"')]
    assert "非公開" in section and "個人の情報を含む事例を検討するため" in section
    assert "人</dd>" not in section


def test_past_meeting_shows_draft_minutes_without_observers(client, council):
    html = client.get(council["first"].url).content.decode()
    assert 'id="observers-heading"' not in html
    heading = re.search(r'<h2 id="minutes-heading">(.*?)</h2>', html, re.S).group(1)
    assert "議事録" in heading and "案" in heading
    minutes = html[html.index('id="minutes-heading"') :]
    assert "この議事録は<strong>案</strong>です" in minutes
    assert minutes.index("案</strong>です") < minutes.index("委員から意見が出されました。")


def test_approved_minutes_name_the_approving_meeting_with_a_link(client, council):
    MeetingPage.objects.filter(pk=council["first"].pk).update(
        minutes_status=MinutesStatus.APPROVED,
        minutes_approved_on=dt.date(2023, 11, 20),
        minutes_approved_at=council["second"],
    )
    html = client.get(council["first"].url).content.decode()
    assert (
        f'<a href="{council["second"].url}">令和5年11月20日の第2回全体会で承認</a>されました。'
        in html
    )
    assert "案</strong>です" not in html


def test_summary_kind_is_named_as_such(client, council):
    MeetingPage.objects.filter(pk=council["first"].pk).update(
        minutes_kind=MinutesKind.SUMMARY, minutes_status=MinutesStatus.APPROVED
    )
    html = client.get(council["first"].url).content.decode()
    heading = re.search(r'<h2 id="minutes-heading">(.*?)</h2>', html, re.S).group(1)
    assert heading.startswith("議事要旨") and "確定" in heading


# --- Listings -------------------------------------------------------------------


def item_of(html, title):
    start = html.index(title)
    return html[html.rindex('<li class="meeting-item">', 0, start) : html.index("</li>", start)]


@pytest.mark.parametrize("listing", ["plenary", "archive"])
def test_listing_entries_show_access_and_minutes_state(client, council, listing):
    MeetingPage.objects.filter(pk=council["second"].pk).update(
        access=MeetingAccess.CLOSED,
        closed_reason="事例検討のため",
        minutes_kind=MinutesKind.SUMMARY,
        minutes_status=MinutesStatus.APPROVED,
    )
    html = client.get(council[listing].url).content.decode()
    first = item_of(html, "サインレスの継続")
    assert 'class="tag tag--open">公開<' in first
    assert 'class="tag tag--minutes-draft">議事録(案)<' in first
    second = item_of(html, "計画の協議")
    assert 'class="tag tag--closed">非公開<' in second
    assert 'class="tag tag--minutes-approved">議事要旨 確定<' in second
    upcoming = item_of(html, "次年度の計画")
    assert "tag--minutes-" not in upcoming


# --- iCalendar and JSON-LD -----------------------------------------------------------


def test_calendar_description_carries_observers_and_online_link(client, council):
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    event = events["全体会 次年度の計画"]
    lines = str(event["description"]).split("\n")
    apply_by = council["upcoming"].observer_apply_by
    assert "公開(傍聴できます)" in lines
    assert "傍聴の定員: 10人" in lines
    assert any(line.startswith("傍聴の申込期限: 令和") for line in lines)
    assert f"{apply_by.month}月{apply_by.day}日" in str(event["description"])
    assert "傍聴の申込方法: 事務局へ電話でお申し込みください。" in lines
    assert "傍聴要領: https://example.org/bochou.html" in lines
    assert "オンライン参加・動画: https://example.org/live/123" in lines
    assert str(event["url"]).endswith(council["upcoming"].url)
    assert str(event["conference"]) == "https://example.org/live/123"
    assert event["conference"].params["VALUE"] == "URI"
    # For an in-person meeting the link (a video, say) is in the description only.
    MeetingPage.objects.filter(pk=council["upcoming"].pk).update(format="in_person")
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    event = next(e for e in calendar.walk("VEVENT") if "次年度の計画" in str(e["summary"]))
    assert "conference" not in event
    assert "オンライン参加・動画: https://example.org/live/123" in str(event["description"])


def test_calendar_description_of_a_closed_meeting_gives_the_reason(client, council):
    MeetingPage.objects.filter(pk=council["second"].pk).update(
        access=MeetingAccess.CLOSED, closed_reason="事例検討のため"
    )
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    event = next(e for e in calendar.walk("VEVENT") if "計画の協議" in str(e["summary"]))
    lines = str(event["description"]).split("\n")
    assert "非公開(傍聴できません)" in lines and "非公開の理由: 事例検討のため" in lines
    assert not any(line.startswith("傍聴の定員") for line in lines)


def jsonld(html):
    return json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])


def test_jsonld_has_attendance_mode_and_virtual_location(client, council):
    data = jsonld(client.get(council["upcoming"].url).content.decode())
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["location"] == [
        {"@type": "Place", "name": "本庄市役所"},
        {"@type": "VirtualLocation", "url": "https://example.org/live/123"},
    ]
    data = jsonld(client.get(council["second"].url).content.decode())
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert "location" not in data


# --- The editor's form ---------------------------------------------------------------


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def test_admin_edit_round_trip(admin_client, council):
    upcoming = council["upcoming"]
    form = admin_client.get(edit_url(upcoming)).content.decode()
    for label in ("公開と傍聴", "議事録の状態", "オンライン参加・動画のリンク", "傍聴の申込期限"):
        assert label in form
    data = meeting_form_data(
        title="計画の協議",
        slug="second",
        date="2023-11-20",
        access="closed",
        closed_reason="個別の事例を扱うため",
        online_url="https://example.org/video/2",
        minutes_kind="summary",
        minutes_status="approved",
        minutes_approved_on="2024-02-02",
    )
    response = admin_client.post(edit_url(council["second"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    second = MeetingPage.objects.get(pk=council["second"].pk)
    assert (second.access, second.closed_reason) == ("closed", "個別の事例を扱うため")
    assert second.online_url == "https://example.org/video/2"
    assert (second.minutes_kind, second.minutes_status) == ("summary", "approved")
    assert second.minutes_approved_on == dt.date(2024, 2, 2)


def test_admin_refuses_closed_without_reason_and_changes_nothing(admin_client, council):
    data = meeting_form_data(title="計画の協議", slug="second", access="closed")
    response = admin_client.post(edit_url(council["second"]), data)
    assert response.status_code == 200
    assert "非公開にするときは、非公開の理由を入れてください。" in response.content.decode()
    assert MeetingPage.objects.get(pk=council["second"].pk).access == "open"


# --- Migration of existing meetings ------------------------------------------------------


def test_migration_marks_existing_minutes_approved(council):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("council.migrations.0005_meeting_access_and_minutes_status")
    MeetingPage.objects.update(minutes_status="")
    MeetingPage.objects.filter(pk=council["second"].pk).update(minutes="<p><br/></p>")
    # A version saved before the field existed, still waiting to be published.
    draft = council["first"].save_revision()
    draft.content.pop("minutes_status")
    draft.save(update_fields=["content"])

    migration.mark_existing_minutes_approved(apps, None)

    states = dict(MeetingPage.objects.values_list("slug", "minutes_status"))
    assert states == {"first": "approved", "second": "", "upcoming": ""}
    draft.refresh_from_db()
    assert draft.content["minutes_status"] == "approved"
    assert draft.as_object().minutes_status == "approved"
