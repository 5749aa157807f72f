"""The compact header on a phone (390×844), in real Chromium: the site name and three
disclosure buttons; each page's own title on the first screen; without JavaScript the
navigation is still there."""

import pytest

from tests.axe import assert_no_axe_violations
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
)
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def pages(live_home):
    about = CouncilIndexPageFactory(parent=live_home, show_in_menus=True)
    body = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    index = FacilityIndexPageFactory(parent=live_home, show_in_menus=True)
    return {
        "home": live_home,
        "about": about,
        "meeting": MeetingPageFactory(parent=body, title="相談支援体制の協議", slug="m1"),
        "facilities": index,
        "facility": FacilityPageFactory(parent=index, title="サンプルひだまりホーム", slug="f1"),
    }


def test_every_page_shows_its_own_title_on_the_first_phone_screen(live_server, page, pages):
    page.set_viewport_size(PHONE)
    for key in ("about", "meeting", "facilities", "facility"):
        page.goto(live_server.url + pages[key].url)
        title = page.locator("main h1").first
        box = title.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"] / 2, key
        assert not page.locator("#site-menu").is_visible()


def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(live_server, page, pages):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + pages["meeting"].url)
    menu = page.get_by_role("button", name="メニュー")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-menu").get_by_role("link", name="協議会について").is_visible()
    assert_no_axe_violations(page)

    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    nav_link = page.locator("#site-menu").get_by_role("link", name="協議会について")
    assert nav_link.is_visible()
    assert_no_axe_violations(page)
    # The open menu comes next in the tab order (after the 「文字・色」 button at most).
    for _ in range(2):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#site-menu')"):
            break
    assert page.evaluate("!!document.activeElement.closest('#site-menu')")
    # Escape inside the menu closes it and returns to the button.
    nav_link.focus()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent") == "メニュー"
    page.keyboard.press("Space")
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert menu.get_attribute("aria-expanded") == "false"


def test_search_behind_its_button_focuses_the_field(live_server, page, pages):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + pages["home"].url)
    assert not page.locator("#site-search-q").is_visible()
    page.get_by_role("button", name="検索", exact=True).click()
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("グループホーム")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")


def test_without_javascript_the_navigation_and_search_stay_reachable(browser, live_server, pages):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(live_server.url + pages["meeting"].url)
        assert page.locator("#site-menu").get_by_role("link", name="協議会について").is_visible()
        assert page.locator("#site-search-q").is_visible()
        assert not page.get_by_role("button", name="メニュー").is_visible()
    finally:
        context.close()


def test_on_a_wide_screen_nothing_is_folded(live_server, page, pages):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + pages["meeting"].url)
    assert page.locator("#site-menu").is_visible() and page.locator("#site-search-q").is_visible()
    assert not page.get_by_role("button", name="メニュー").is_visible()
    assert_no_axe_violations(page)
