"""Every public page type in real Chromium: axe (WCAG 2.2 A/AA), keyboard, reflow at 200% zoom."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations, axe_violations
from tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    paragraph,
    stream,
)
from tests.live import live_db

pytestmark = pytest.mark.browser


@pytest.fixture
def site_pages(live_home):
    about = StandardPageFactory(
        parent=live_home,
        title="協議会について",
        slug="about",
        show_in_menus=True,
        intro="協議会の目的としくみを紹介します。",
        body=stream(
            ("heading", {"text": "協議会の目的", "level": "h2"}),
            paragraph("<p>地域の障害福祉の課題を話し合います。</p>"),
            (
                "table",
                {
                    "caption": "会議の一覧",
                    "table": {"data": [["会議", "回数"], ["全体会", "年3回"]]},
                    "first_row_is_header": True,
                    "first_col_is_header": True,
                },
            ),
        ),
    )
    sitemap = StandardPageFactory(
        parent=live_home, title="サイトマップ", slug="sitemap", page_listing="site"
    )
    news_index = NewsIndexPageFactory(parent=live_home, show_in_menus=True)
    news = [
        NewsPageFactory(
            parent=news_index,
            title=f"グループホームのお知らせ{n}",
            slug=f"gh-{n}",
            date=dt.date(2024, 4, 1) + dt.timedelta(days=n),
            summary="研修会の案内です。",
        )
        for n in range(25)
    ]
    return {"about": about, "sitemap": sitemap, "news_index": news_index, "news": news[0]}


def urls(pages):
    return {
        "home": "/",
        "standard": pages["about"].url,
        "sitemap": pages["sitemap"].url,
        "news_index": pages["news_index"].url,
        "news_index_filtered": pages["news_index"].url + "?nendo=2024&page=2",
        "news": pages["news"].url,
        "search": "/search/?q=グループホーム",
        "search_empty": "/search/",
        "not_found": "/no-such-page/",
    }


@live_db
def test_every_page_type_has_no_axe_violations(live_server, page, site_pages):
    for name, path in urls(site_pages).items():
        response = page.goto(live_server.url + path)
        assert response.status in (200, 404), name
        assert page.locator("h1").count() == 1, name
        assert_no_axe_violations(page)


@live_db
def test_every_page_type_reflows_at_200_percent_zoom(live_server, browser, site_pages):
    # 1280 CSS px at 200% zoom leaves 640 CSS px; WCAG 1.4.10 asks for 320.
    for width in (640, 320):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800})
        tab = context.new_page()
        for name, path in urls(site_pages).items():
            tab.goto(live_server.url + path)
            overflow = tab.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        context.close()


@live_db
def test_skip_link_and_search_by_keyboard_alone(live_server, page, site_pages):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(live_server.url + "/")
    # Tab order: skip link, site name, search box.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("ぐるーぷほーむ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "25件" in page.locator(".search-summary").inner_text()
    assert page.locator(".search-results mark").first.inner_text() == "グループホーム"


@live_db
def test_focus_is_visible_on_links(live_server, page, site_pages):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@live_db
def test_year_filter_and_pagination_work_without_javascript(live_server, browser, site_pages):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    tab = context.new_page()
    tab.goto(live_server.url + site_pages["news_index"].url)
    # A click waits for the next page to start loading, not to finish: expect() waits for both.
    tab.get_by_role("link", name="令和6年度").click()
    expect(tab).to_have_url(re.compile(r"nendo=2024"))
    tab.get_by_role("link", name="次へ").click()
    expect(tab).to_have_url(re.compile(r"nendo=2024.*page=2|page=2.*nendo=2024"))
    expect(tab.locator(".news-list li")).to_have_count(5)
    context.close()


def test_axe_helper_reports_real_violations(page):
    page.set_content(
        '<html lang="ja"><body><main><img src="x.png"><button></button></main></body></html>'
    )
    ids = {v.split(" ")[0] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= ids


@live_db
def test_header_navigation_marks_the_current_section(live_server, page, site_pages):
    """The menu entry of the page's section says so to screen readers and to the eye."""
    nav = page.get_by_role("navigation", name="メインメニュー")

    def looks(name):
        link = nav.get_by_role("link", name=name, exact=True)
        return link.get_attribute("aria-current"), link.evaluate(
            "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).fontWeight]"
        )

    page.goto(live_server.url + site_pages["news"].url)
    news_state, news_style = looks("お知らせ")
    about_state, about_style = looks("協議会について")
    top_state, _ = looks("トップ")
    assert news_state == "true"
    assert about_state is None and top_state is None
    assert news_style != about_style

    page.goto(live_server.url + site_pages["news_index"].url)
    assert looks("お知らせ")[0] == "page"

    page.goto(live_server.url + "/")
    assert looks("トップ")[0] == "page"
    assert looks("お知らせ")[0] is None


@live_db
def test_pages_read_and_mark_the_current_item_in_the_forced_colours_mode(
    live_server, browser, site_pages
):
    context = browser.new_context(locale="ja-JP", forced_colors="active")
    tab = context.new_page()
    assert tab.evaluate("matchMedia('(forced-colors: active)').matches")
    for name, path in urls(site_pages).items():
        tab.goto(live_server.url + path)
        overflow = tab.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, name
        assert_no_axe_violations(tab)
    # The current section in the menu is marked by more than a background colour.
    tab.goto(live_server.url + site_pages["about"].url)
    current = tab.locator(".global-nav a[aria-current]")
    assert current.count() == 1
    style = current.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderTopStyle, s.textDecorationLine]; }"
    )
    assert style[0] == "solid" and "underline" in style[1]
    # Focus stays visible: an outline, which the mode keeps (box shadows it drops).
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    focus = tab.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert focus[0] == "solid" and focus[1] >= 2
    context.close()
