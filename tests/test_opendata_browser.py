"""The open data page and the API guide in real Chromium: axe, narrow screens, keyboard."""

import pytest

from tests.axe import assert_no_axe_violations
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    OpenDataPageFactory,
    VacancyPageFactory,
)
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


@pytest.fixture
def opendata(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    FacilityPageFactory(parent=index, services=[("生活介護", 20, ["知的"])])
    VacancyPageFactory(parent=live_home)
    return OpenDataPageFactory(parent=live_home)


def test_open_data_page_and_api_guide_have_no_axe_violations(live_server, page, opendata):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for url in (opendata.url, opendata.url + "api/"):
            page.goto(live_server.url + url)
            assert_no_axe_violations(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, url
    page.goto(live_server.url + opendata.url)
    assert page.locator("section.dataset h2").all_inner_texts() == [
        "ふくしマップの事業所一覧",
        "会議の記録の一覧",
        "空き情報(最新の月)",
    ]
    download = page.get_by_role("link", name="ふくしマップの事業所一覧(CSV: facilities.csv)")
    assert download.get_attribute("href") == "/opendata/facilities.csv"
