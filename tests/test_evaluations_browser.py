"""Group-home evaluations in real Chromium: axe on the yearly list page and on a facility page
that shows an evaluation, at desktop and phone widths."""

import datetime as dt

import pytest

from tests.axe import assert_no_axe_violations
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    GroupHomeEvaluationFactory,
    GroupHomeEvaluationIndexPageFactory,
    MeetingPageFactory,
    day_service_group_home,
)
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


@pytest.fixture
def evaluations(live_home):
    facilities = FacilityIndexPageFactory(parent=live_home)
    about = CouncilIndexPageFactory(parent=live_home)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentaikai", kind="plenary")
    meeting = MeetingPageFactory(parent=plenary, title="第3回全体会", date=dt.date(2025, 2, 7))
    index = GroupHomeEvaluationIndexPageFactory(
        parent=live_home, intro="<p>協議会が年度ごとに行う評価です。</p>"
    )
    home = day_service_group_home(facilities, title="ひだまりホーム")
    GroupHomeEvaluationFactory(
        facility=home,
        meeting=meeting,
        outcomes={"地域との連携": "needs_improvement"},
        reported_on=dt.date(2025, 3, 10),
    )
    GroupHomeEvaluationFactory(
        facility=day_service_group_home(facilities, title="あおぞらホーム"),
        fiscal_year=2025,
        evaluated_on=dt.date(2025, 11, 20),
    )
    return {"index": index, "home": home}


def test_list_and_facility_pages_have_no_axe_violations(live_server, page, evaluations):
    paths = [
        evaluations["index"].url,
        evaluations["index"].url + "?nendo=2024",
        evaluations["index"].url + "?nendo=1999",
        evaluations["home"].url,
    ]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert_no_axe_violations(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways at {width}px"
    page.goto(live_server.url + evaluations["home"].url)
    assert page.get_by_role("heading", name="令和6年度の評価").is_visible()
    assert "改善が必要" in page.locator("#evaluation-heading").locator("..").inner_text()
