"""The printed ふくしマップ's download link on the map page, in real Chromium."""

import pytest

from booklet.builder import build_booklet
from tests.axe import assert_no_axe_violations
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


def test_map_page_with_the_booklet_link_has_no_axe_violations(live_server, page, live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    FacilityPageFactory(parent=index, title="サンプル作業所", services=[("生活介護", 20, [])])
    booklet = build_booklet()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + index.url)
        link = page.get_by_role("link", name="ふくしマップの冊子をダウンロード")
        assert link.is_visible()
        assert_no_axe_violations(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == booklet.file.open("rb").read()
