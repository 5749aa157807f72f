"""Meeting pages with 傍聴 details and with draft minutes, in real Chromium with axe."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.axe import assert_no_axe_violations
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    agenda_item,
    stream,
)
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


@pytest.fixture
def meetings(live_home):
    about = CouncilIndexPageFactory(parent=live_home)
    MeetingArchivePageFactory(parent=live_home)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    day = timezone.localdate() + dt.timedelta(days=30)
    upcoming = MeetingPageFactory(
        parent=plenary,
        title="次年度の活動計画",
        date=day,
        start_time=dt.time(14, 0),
        status="scheduled",
        format="hybrid",
        venue="本庄市役所",
        agenda=stream(agenda_item("活動計画(案)", "discussion")),
        observer_seats=10,
        observer_apply_by=day - dt.timedelta(days=7),
        observer_application="事務局へ電話でお申し込みください。",
        observer_rules_url="https://example.org/bochou.html",
        online_url="https://example.org/live/1",
    )
    draft = MeetingPageFactory(
        parent=plenary,
        title="サインレスの継続",
        date=dt.date(2023, 7, 3),
        minutes="<p>委員から意見が出されました。</p>",
        minutes_status="draft",
    )
    return {"plenary": plenary, "upcoming": upcoming, "draft": draft}


def test_meeting_pages_with_observers_and_draft_minutes_have_no_axe_violations(
    live_server, page, meetings
):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + meetings["upcoming"].url)
        headings = page.locator("main h2").all_inner_texts()
        assert headings.index("傍聴") < headings.index("議題")
        assert_no_axe_violations(page)

        page.goto(live_server.url + meetings["draft"].url)
        assert "案です" in page.locator("section[aria-labelledby=minutes-heading]").inner_text()
        assert_no_axe_violations(page)

        page.goto(live_server.url + meetings["plenary"].url)
        assert page.locator(".tag--minutes-draft").inner_text() == "議事録(案)"
        assert_no_axe_violations(page)
