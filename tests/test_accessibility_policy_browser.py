"""The policy and test result pages in real Chromium (axe, phone width), and the yearly
test command run against a live server."""

import pytest
from django.core.management import call_command

from accessibility.models import AccessibilityTestRun
from tests.axe import assert_no_axe_violations
from tests.factories import (
    AccessibilityPolicyPageFactory,
    AccessibilityTestResultPageFactory,
    AccessibilityTestRunFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
)
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


@pytest.fixture
def policy_pages(live_home):
    policy = AccessibilityPolicyPageFactory(parent=live_home)
    result = AccessibilityTestResultPageFactory(
        parent=policy, test_run=AccessibilityTestRunFactory()
    )
    return policy, result


def test_policy_and_result_pages_have_no_axe_violations(live_server, page, policy_pages):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for target in policy_pages:
            page.goto(live_server.url + target.url)
            assert page.locator("h1").count() == 1
            assert_no_axe_violations(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (target.url, width)
    assert page.locator("table.checklist-table tbody tr").count() == 38
    # The checklist scrolls as a region that the keyboard reaches.
    page.locator(".table-scroll").focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"


def test_the_command_tests_the_chosen_pages_of_a_live_server(live_server, live_home):
    news = NewsIndexPageFactory(parent=live_home)
    for n in range(3):
        NewsPageFactory(parent=news, slug=f"n{n}", title=f"お知らせ{n}")
    StandardPageFactory(parent=live_home, slug="about", title="協議会について")
    policy = AccessibilityPolicyPageFactory(parent=live_home)
    AccessibilityTestResultPageFactory(parent=policy)

    call_command("accessibility_test", base_url=live_server.url, random=2, seed=11)

    run = AccessibilityTestRun.objects.get()
    assert run.seed == 11 and run.random_count == 2 and run.base_url == live_server.url
    urls = [p["url"] for p in run.pages]
    assert urls[:6] == [
        live_server.url + path
        for path in (
            "/",
            "/news/",
            "/news/n0/",
            "/about/",
            "/accessibility/",
            "/accessibility/test-result/",
        )
    ]
    assert len(urls) == 8 and len(set(urls)) == 8
    assert [p["kind"] for p in run.pages] == ["representative"] * 6 + ["random"] * 2
    assert run.violation_count == 0 and all(p["violations"] == 0 for p in run.pages)
    assert run.axe_version.startswith("4.")
    rows = {row["number"]: row for row in run.checklist_rows()}
    assert len(rows) == 38
    # axe checked the titles and the language; the browser tests recorded the keyboard.
    assert rows["2.4.2"]["result"] == "適合" and "document-title" in rows["2.4.2"]["method"]
    assert rows["3.1.1"]["result"] == "適合"
    assert rows["2.1.1"]["result"] == "適合" and "test_skip_link" in rows["2.1.1"]["method"]
    assert rows["1.2.2"]["result"] == "適合(適用なし)"
    assert rows["3.3.1"]["result"] == "未確認"
    assert not run.supports_conformance()
