"""Every public page type in real Chromium: reflow at 320 px and at 200% zoom, the keyboard
alone (skip link, no trap, a visible focus), the forced-colours mode and the reading aids
without axe violations, and targets of at least 24×24 CSS px (WCAG 2.2, 2.5.8).

One site is built per test and every page type is visited in one browser tab; the failures
of all pages are collected, so one run names every page that fails a check.

Zoom: a browser zoomed to 200% lays a 1280×900 window out as a 640×450 CSS px viewport
with two device pixels to the CSS pixel. The tests give Chromium exactly that (viewport
640×450, ``device_scale_factor`` 2), so media queries and reflow behave as with the zoom
control. CSS ``zoom`` on the root element would be the other choice, but media queries
still see 1280 px under it, so the layout a visitor gets would not be the one tested.
"""

import pytest
from wagtail.models import get_page_models

from tests.axe import axe_violations
from tests.factories import (
    GlossaryTermFactory,
    StandardPageFactory,
    paragraph,
    stream,
)
from tests.live import live_db
from tests.test_query_budget import Content

pytestmark = [pytest.mark.browser, live_db]

ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}
PHONE_320 = {"viewport": {"width": 320, "height": 640}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TABS = 25

OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"

# The focused element: a key that stays the same for the same element, and whether its
# focus shows (an outline of 2 px or more, or a box shadow ring).
FOCUSED = """() => {
  window.__keys = window.__keys || new WeakMap();
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!window.__keys.has(el)) window.__keys.set(el, window.__keys.size || Math.random());
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  return {
    key: String(window.__keys.get(el)),
    name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.value || "").trim().slice(0, 20),
    visible: outline || s.boxShadow !== "none",
  };
}"""

# Targets under 24×24 CSS px that are not links inside a sentence (the inline exception
# of WCAG 2.5.8): a link drawn inline whose block holds more text than the link. Fields
# hidden from everyone (the forms' honeypot, aria-hidden and out of the tab order) are
# not targets.
SMALL_TARGETS = """() => {
  const small = [];
  const targets = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary");
  for (const el of targets) {
    if (!el.closest("main, header, footer") || el.closest("[aria-hidden=true]")) continue;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (s.visibility === "hidden" || r.width <= 1 || r.height <= 1) continue;
    if (r.width >= 24 && r.height >= 24) continue;
    if (s.display === "inline") {
      let block = el.parentElement;
      while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
      const own = (el.textContent || "").trim().length;
      if (block && (block.textContent || "").trim().length > own) continue;
    }
    small.push(`${el.tagName.toLowerCase()} 「${(el.textContent || el.name || "").trim().slice(0, 20)}」 ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return small;
}"""


def page_types(home):
    """One page of every public page type, and the public views that are not pages."""
    content = Content(home)
    content.grow_to(facilities=3, meetings=2)
    GlossaryTermFactory()
    GlossaryTermFactory(term="共同生活援助", reading="きょうどうせいかつえんじょ")
    plain = StandardPageFactory(
        parent=home,
        title="やさしい日本語",
        slug="yasashii",
        intro="協議会のことを、やさしい日本語で説明します。",
        body=stream(
            ("heading", {"text": "サービスを探したいとき", "level": "h2"}),
            paragraph(
                '<p>計画相談支援を使うときは、<a href="/fukushi-map/">ふくしマップ</a>で'
                "近くの事業所を探します。共同生活援助は、グループホームのことです。</p>"
            ),
            paragraph("<ul><li>住んでいる市や町を選びます。</li><li>種類を選びます。</li></ul>"),
        ),
    )
    urls = content.urls()
    urls.update(
        {
            "やさしい日本語": plain.url,
            "オープンデータ API の説明": content.opendata.url + "api/",
            "お知らせメールの登録": "/alerts/",
            "掲載内容の修正の依頼": f"/corrections/{content.facility.pk}/",
            "ページが見つかりません": "/no-such-page/",
        }
    )
    return urls


@pytest.fixture
def site(live_home):
    return page_types(live_home)


def local_only(context, live_server):
    """Requests that would leave the live server (map tiles) are refused."""
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )


def report(failures):
    """Every failing page and what failed, one line each (dicts of lists are cut short)."""
    return "\n" + "\n".join(f"{name}: {problems}" for name, problems in failures.items())


def visit(tab, live_server, name, path):
    response = tab.goto(live_server.url + path)
    expected = 404 if name == "ページが見つかりません" else 200
    assert response.status == expected, (name, path, response.status)


def test_every_public_page_type_is_visited(site):
    visited = {name.split(" ")[0] for name in site}
    public = {
        model._meta.label
        for model in get_page_models()
        if model._meta.app_label != "wagtailcore" and model.is_creatable
    }
    assert public - visited == set()


REFLOW_SETTINGS = {
    "320 px": (PHONE_320, None),
    "200% zoom of 1280 px": (ZOOM_200, None),
    "320 px, large text, black and ruby": (PHONE_320, ("large", "black", "1")),
}


def test_no_sideways_scrolling_at_320_px_and_200_percent_zoom(live_server, browser, site):
    failures = {}
    for setting, (options, aids) in REFLOW_SETTINGS.items():
        context = browser.new_context(locale="ja-JP", **options)
        local_only(context, live_server)
        if aids:
            context.add_cookies(
                [
                    {"name": name, "value": value, "url": live_server.url}
                    for name, value in zip(("text_size", "bg_color", "ruby"), aids, strict=True)
                ]
            )
        tab = context.new_page()
        for name, path in site.items():
            visit(tab, live_server, name, path)
            overflow = tab.evaluate(OVERFLOW)
            if overflow > 0:
                failures[f"{name} ({setting})"] = f"{overflow}px"
        context.close()
    assert failures == {}, report(failures)


def test_the_keyboard_alone_skip_link_no_trap_and_visible_focus(live_server, browser, site):
    context = browser.new_context(locale="ja-JP", **DESKTOP)
    local_only(context, live_server)
    tab = context.new_page()
    failures = []
    for name, path in site.items():
        visit(tab, live_server, name, path)
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.className") != "skip-link":
            failures.append(f"{name}: the first Tab stop is not the skip link")
        tab.keyboard.press("Enter")
        if tab.evaluate("document.activeElement.id") != "main":
            failures.append(f"{name}: the skip link does not move focus to main")
        previous = None
        for _ in range(TABS):
            tab.keyboard.press("Tab")
            focused = tab.evaluate(FOCUSED)
            if focused is None:  # past the last stop: out of the page, no trap
                break
            if previous is not None and focused["key"] == previous["key"]:
                failures.append(f"{name}: focus stays on {focused['name']}")
                break
            if not focused["visible"]:
                failures.append(f"{name}: no visible focus on {focused['name']}")
            previous = focused
    context.close()
    assert failures == []


def test_forced_colours_mode_has_no_axe_violations(live_server, browser, site):
    context = browser.new_context(locale="ja-JP", forced_colors="active", **DESKTOP)
    local_only(context, live_server)
    tab = context.new_page()
    assert tab.evaluate("matchMedia('(forced-colors: active)').matches")
    failures = {}
    for name, path in site.items():
        visit(tab, live_server, name, path)
        if violations := axe_violations(tab):
            failures[name] = violations
    context.close()
    assert failures == {}, report(failures)


def test_reading_aids_on_have_no_axe_violations(live_server, browser, site):
    context = browser.new_context(locale="ja-JP", **DESKTOP)
    local_only(context, live_server)
    tab = context.new_page()
    # Chosen as a visitor does, through the bar's links.
    for choice in ("text_size=large", "bg_color=black", "ruby=1"):
        tab.goto(f"{live_server.url}/aids/?{choice}&next=/")
    assert tab.locator("html").get_attribute("class") == "text-large bg-black ruby"
    failures = {}
    for name, path in site.items():
        visit(tab, live_server, name, path)
        assert tab.locator("main ruby").count() > 0, name
        if violations := axe_violations(tab):
            failures[name] = violations
    context.close()
    assert failures == {}, report(failures)


def test_targets_are_at_least_24px_or_links_in_a_sentence(live_server, browser, site):
    failures = {}
    for width, options in (("1280 px", DESKTOP), ("320 px", PHONE_320)):
        context = browser.new_context(locale="ja-JP", **options)
        local_only(context, live_server)
        tab = context.new_page()
        for name, path in site.items():
            visit(tab, live_server, name, path)
            if small := tab.evaluate(SMALL_TARGETS):
                failures[f"{name} ({width})"] = sorted(set(small))
        context.close()
    assert failures == {}, report(failures)


def test_a_marked_term_is_a_link_in_a_sentence_with_ruby(live_server, browser, site):
    context = browser.new_context(locale="ja-JP", **DESKTOP)
    tab = context.new_page()
    visit(tab, live_server, "やさしい日本語", site["やさしい日本語"] + "?ruby=1")
    term = tab.locator("main a.glossary-term").first
    assert term.locator("ruby").count() > 0
    assert term.evaluate("el => el.textContent.replace(/[ぁ-ん]+/g, '')") == "計画相談支援"
    term.click()
    tab.wait_for_url("**/yogoshu/#term-*")
    target = tab.locator(":target")
    assert target.locator(".glossary__word").inner_text() == "計画相談支援"
    context.close()
