"""Reading aids in real Chromium: every combination of 文字サイズ × 背景色 × ふりがな on a
few page types with axe at zero violations, the bar by keyboard, the choice kept
from page to page, and targets of at least 24×24 px."""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    agenda_item,
    stream,
)
from tests.live import live_db, wait_until

pytestmark = pytest.mark.browser

TEXT_SIZES = ("standard", "large", "xlarge")
BG_COLORS = ("white", "black", "blue")
RUBY = ("0", "1")


@pytest.fixture
def site(live_home):
    about = CouncilIndexPageFactory(parent=live_home, show_in_menus=True)
    plenary = CommitteePageFactory(
        parent=about, title="全体会", slug="zentai", kind="plenary", usual_schedule="年3回"
    )
    meeting = MeetingPageFactory(
        parent=plenary,
        title="第1回全体会",
        date=dt.date(2023, 7, 3),
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        venue="本庄市役所 3階会議室",
        agenda=stream(
            agenda_item("地域生活支援拠点について", "approval", "整備の状況を報告", "継続を決定")
        ),
        minutes="<p>上里町と神川町の委員から、申し込みの手続きについて意見が出されました。</p>",
    )
    index = FacilityIndexPageFactory(parent=live_home, show_in_menus=True)
    facility = FacilityPageFactory(
        parent=index,
        title="ひまわり作業所",
        name_kana="ヒマワリサギョウショ",
        phone="0495-12-3456",
        latitude=Decimal("36.240000"),
        longitude=Decimal("139.190000"),
        services=[("就労継続支援B型", 20, ["知的", "精神"])],
        features=["送迎あり"],
    )
    FacilityPageFactory(
        parent=index, title="美里町生活介護センター", services=[("生活介護", 10, [])]
    )
    return {
        "home": "/",
        "meeting": meeting.url,
        "facility": facility.url,
        "facility_search": index.url + "?q=作業所",
    }


@pytest.fixture
def page(page, live_server):
    """Requests that would leave the live server (map tiles) are refused."""
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    return page


def set_aids(context, live_server, text_size, bg_color, ruby):
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (("text_size", text_size), ("bg_color", bg_color), ("ruby", ruby))
        ]
    )


def bar_option(page, group, label):
    return page.get_by_role("group", name=group).get_by_role("link", name=label, exact=True)


@live_db
@pytest.mark.parametrize("text_size", TEXT_SIZES)
def test_every_combination_has_no_axe_violations(live_server, page, site, text_size):
    for bg_color, ruby in itertools.product(BG_COLORS, RUBY):
        set_aids(page.context, live_server, text_size, bg_color, ruby)
        for name, path in site.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, name
            classes = (page.locator("html").get_attribute("class") or "").split()
            assert (f"text-{text_size}" in classes) == (text_size != "standard"), name
            assert (f"bg-{bg_color}" in classes) == (bg_color != "white"), name
            assert ("ruby" in classes) == (ruby == "1"), name
            assert (page.locator("main ruby").count() > 0) == (ruby == "1"), name
            for group, value in (("文字サイズ", text_size), ("背景色", bg_color)):
                label = {"standard": "標準", "large": "大", "xlarge": "特大"}.get(value) or {
                    "white": "白",
                    "black": "黒",
                    "blue": "青",
                }[value]
                assert bar_option(page, group, label).get_attribute("aria-current") == "true"
            assert_no_axe_violations(page)


@live_db
def test_text_size_and_colours_change_what_is_drawn(live_server, page, site):
    page.goto(live_server.url + "/")
    sizes = {}
    for text_size in TEXT_SIZES:
        set_aids(page.context, live_server, text_size, "white", "0")
        page.goto(live_server.url + "/")
        sizes[text_size] = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert sizes["standard"] < sizes["large"] < sizes["xlarge"]
    assert sizes["xlarge"] == pytest.approx(sizes["standard"] * 1.5)

    colours = {}
    for bg_color in BG_COLORS:
        set_aids(page.context, live_server, "standard", bg_color, "0")
        page.goto(live_server.url + site["meeting"])
        colours[bg_color] = page.evaluate(
            "[getComputedStyle(document.querySelector('main p')).backgroundColor,"
            " getComputedStyle(document.querySelector('main p')).color]"
        )
    assert colours["black"] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert colours["blue"] == ["rgb(0, 48, 135)", "rgb(255, 255, 255)"]
    assert colours["white"][1] == "rgb(26, 26, 26)"


@live_db
def test_the_bar_by_keyboard_and_the_choice_is_kept_across_pages(live_server, page, site):
    page.goto(live_server.url + site["meeting"])
    large = bar_option(page, "文字サイズ", "大")
    for _ in range(40):
        page.keyboard.press("Tab")
        if large.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("「大」に Tab で届きません")
    page.keyboard.press("Enter")
    page.wait_for_url("**#reading-aids")
    assert "text-large" in page.locator("html").get_attribute("class")
    assert page.url.startswith(live_server.url + site["meeting"])
    # focus comes back to the bar: the next Tab is its first choice
    assert page.evaluate("document.activeElement.id") == "reading-aids"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "標準"
    assert bar_option(page, "文字サイズ", "大").get_attribute("aria-current") == "true"
    assert bar_option(page, "文字サイズ", "標準").get_attribute("aria-current") is None

    # 背景色 黒 and ふりがな あり, each by Tab and Enter
    for group, label in (("背景色", "黒"), ("ふりがな", "あり")):
        option = bar_option(page, group, label)
        for _ in range(10):
            page.keyboard.press("Tab")
            if option.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail(f"「{label}」に Tab で届きません")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        page.locator("html.ruby" if label == "あり" else "html.bg-black").wait_for(state="attached")
    assert page.locator("html").get_attribute("class") == "text-large bg-black ruby"
    assert page.locator("main ruby", has_text="上里町").first.inner_text().startswith("上里町")
    assert page.locator("main rt", has_text="かみさとまち").count() == 1

    # remembered on every other page
    for path in (site["facility"], site["facility_search"], "/"):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("class") == "text-large bg-black ruby", path
        assert bar_option(page, "ふりがな", "あり").get_attribute("aria-current") == "true"

    # back to the defaults
    for group, label in (("ふりがな", "なし"), ("背景色", "白"), ("文字サイズ", "標準")):
        bar_option(page, group, label).click()
        # each choice loads the page again: wait until the new page marks it as chosen
        expect(bar_option(page, group, label)).to_have_attribute("aria-current", "true")
    assert page.locator("html").get_attribute("class") is None
    assert page.locator("ruby").count() == 0


@live_db
def test_ruby_link_works_without_javascript(live_server, browser, site):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(live_server.url + site["meeting"] + "?ruby=1")
        assert page.locator("main rt", has_text="かみかわまち").count() == 1
        page.goto(live_server.url + site["meeting"])
        assert page.locator("main ruby").count() == 0
        # Without JavaScript each option is a link to a new page: expect() waits for it to load.
        bar_option(page, "ふりがな", "あり").click()
        expect(page.locator("main rt", has_text="かみかわまち")).to_have_count(1)
        bar_option(page, "背景色", "青").click()
        expect(page.locator("html")).to_have_class(re.compile(r"\bbg-blue\b"))
    finally:
        context.close()


@live_db
@pytest.mark.parametrize("width", [320, 1280])
def test_bar_targets_are_at_least_24px_and_nothing_scrolls_sideways(live_server, page, site, width):
    page.set_viewport_size({"width": width, "height": 800})
    for text_size in TEXT_SIZES:
        set_aids(page.context, live_server, text_size, "white", "1")
        page.goto(live_server.url + site["meeting"])
        if width <= 640:
            # On a phone the bar is folded under the header's 「文字・色」 button.
            toggle = page.get_by_role("button", name="文字・色")
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
        links = page.locator(".reading-aids a")
        assert links.count() == 8
        for i in range(8):
            box = links.nth(i).bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, (text_size, i, box)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), text_size


# 読み上げ: Chromium here has no voices, so the tests give it a speech synthesis of
# their own that records what it is asked to say; each sentence ends when the test says.
FAKE_SPEECH = """
(() => {
  const voices = %s;
  const fake = {
    said: [], current: null, paused: false, cancelled: 0,
    getVoices() { return voices; },
    speak(u) { this.said.push(u.text); this.current = u; setTimeout(() => u.onstart && u.onstart(), 0); },
    pause() { this.paused = true; },
    resume() { this.paused = false; },
    cancel() { this.cancelled += 1; this.current = null; },
    addEventListener() {},
  };
  window.__finishSentence = () => { const u = fake.current; fake.current = null; if (u && u.onend) u.onend(); };
  Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""
JAPANESE = '[{"name": "日本語", "lang": "ja-JP", "default": true}]'


def said(page):
    return page.evaluate("window.speechSynthesis.said")


def highlighted(page):
    return page.evaluate(
        "CSS.highlights.has('read-aloud') ? [...CSS.highlights.get('read-aloud')][0].toString() : null"
    )


@live_db
def test_read_aloud_sentence_by_sentence_with_the_sentence_highlighted(live_server, page, site):
    page.add_init_script(FAKE_SPEECH % JAPANESE)
    set_aids(page.context, live_server, "standard", "white", "1")
    page.goto(live_server.url + site["meeting"])
    speech = page.get_by_role("group", name="読み上げ")
    assert speech.is_visible()
    assert_no_axe_violations(page)

    speech.get_by_role("button", name="開始").click()
    wait_until(page, "window.speechSynthesis.said.length === 1")
    first = said(page)[0]
    wait_until(page, "CSS.highlights.has('read-aloud')")
    assert first.strip() == "全体会・令和5年度第1回"
    assert page.get_by_role("status").inner_text() == "読み上げを始めました。"

    # sentence after sentence; the ruby's readings are not read twice
    for _ in range(30):
        page.evaluate("window.__finishSentence()")
        if any("上里町" in s for s in said(page)):
            break
    sentence = next(s for s in said(page) if "上里町" in s)
    assert sentence == "上里町と神川町の委員から、申し込みの手続きについて意見が出されました。"
    assert not any("かみさとまち" in s for s in said(page))
    wait_until(page, "window.speechSynthesis.current !== null")
    assert highlighted(page).startswith("上里町")

    pause = speech.get_by_role("button", name="一時停止")
    pause.click()
    assert pause.get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.speechSynthesis.paused") is True
    pause.click()
    assert pause.get_attribute("aria-pressed") == "false"
    assert page.evaluate("window.speechSynthesis.paused") is False

    speech.get_by_role("button", name="停止", exact=True).click()
    assert highlighted(page) is None
    assert page.get_by_role("status").inner_text() == "読み上げを停止しました。"
    count = len(said(page))
    page.evaluate("window.__finishSentence()")
    assert len(said(page)) == count  # nothing more after 停止


@live_db
@pytest.mark.parametrize("bg_color", BG_COLORS)
def test_read_aloud_controls_pass_axe_in_every_colour(live_server, page, site, bg_color):
    page.add_init_script(FAKE_SPEECH % JAPANESE)
    set_aids(page.context, live_server, "large", bg_color, "0")
    page.goto(live_server.url + "/")
    speech = page.get_by_role("group", name="読み上げ")
    speech.get_by_role("button", name="開始").focus()
    page.keyboard.press("Enter")
    wait_until(page, "CSS.highlights.has('read-aloud')")
    speech.get_by_role("button", name="一時停止").click()
    for i in range(3):
        box = speech.get_by_role("button").nth(i).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    assert_no_axe_violations(page)


@live_db
@pytest.mark.parametrize("voices", ["[]", '[{"name": "English", "lang": "en-US"}]', None])
def test_read_aloud_is_hidden_without_a_japanese_voice(live_server, page, site, voices):
    if voices is not None:
        page.add_init_script(FAKE_SPEECH % voices)
    page.goto(live_server.url + "/")
    assert page.locator("[data-read-aloud]").count() == 1
    assert not page.locator("[data-read-aloud]").is_visible()
    assert page.get_by_role("group", name="読み上げ").count() == 0
