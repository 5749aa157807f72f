"""Correction requests in real Chromium: from the facility page to the thank-you page, the
error state, and the admin inbox where 施設情報担当 closes the request; axe on each."""

import pytest
from django.contrib.auth.models import Group, User

from corrections.models import CorrectionRequest, CorrectionStatus
from editorial.roles import FACILITY_EDITOR
from tests.axe import assert_no_axe_violations
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory
from tests.live import live_db
from tests.twofactor import app_device, enter_code

pytestmark = [pytest.mark.browser, live_db]


def no_overflow(page):
    return (
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )


@pytest.fixture
def facility(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    return FacilityPageFactory(
        parent=index, slug="himawari", title="サンプル作業所ひまわり", name_kana="ヒマワリ"
    )


def test_a_visitor_sends_a_correction_from_the_facility_page(live_server, page, facility):
    page.goto(live_server.url + facility.url)
    assert "情報更新: 今日" in page.inner_text("main")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="掲載内容の修正を依頼する").click()
    page.wait_for_url(f"**/corrections/{facility.pk}/")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page)
        assert no_overflow(page)
    assert "サンプル作業所ひまわり" in page.inner_text("main")

    # Only full-width spaces: the error summary and the field's message, in Japanese.
    page.get_by_label("修正してほしい内容(必須)").fill("\u3000\u3000")
    page.get_by_role("button", name="修正を依頼する").click()
    summary = page.get_by_role("alert")
    assert "修正してほしい内容を書いてください。" in summary.inner_text()
    field = page.get_by_label("修正してほしい内容(必須)")
    assert field.get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    assert not CorrectionRequest.objects.exists()

    field.fill("営業時間が変わりました。平日は 9:00〜16:00 です。")
    page.get_by_label("連絡先(任意)").fill("山田 0495-00-0000")
    page.get_by_role("button", name="修正を依頼する").click()
    page.wait_for_url(f"**/corrections/{facility.pk}/sent/")
    assert page.get_by_role("heading", level=1).inner_text() == "修正の依頼を受け付けました"
    assert "このあとの流れ" in page.inner_text("main")
    assert_no_axe_violations(page)
    item = CorrectionRequest.objects.get()
    assert item.contact == "山田 0495-00-0000" and item.status == CorrectionStatus.OPEN

    page.get_by_role("link", name="「サンプル作業所ひまわり」のページに戻る").click()
    page.wait_for_url(f"**{facility.url}")
    assert "営業時間が変わりました" not in page.content()

    # The search results with their freshness, sorted by it.
    page.goto(live_server.url + facility.get_parent().url + "?sort=updated")
    assert "情報更新: 今日" in page.locator(".facility-card").first.inner_text()
    assert_no_axe_violations(page)


def test_the_facility_editor_closes_the_request_in_the_inbox(live_server, page, facility):
    CorrectionRequest.objects.create(
        facility=facility, message="電話番号が違います。\n正しくは 0495-00-1111 です。"
    )
    user = User.objects.create_user("shisetsu", password="shisetsu-pass-2024")  # noqa: S106
    user.groups.add(Group.objects.get(name=FACILITY_EDITOR))
    device = app_device(user)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "shisetsu")
    page.fill("#id_password", "shisetsu-pass-2024")
    page.keyboard.press("Enter")
    enter_code(page, device)
    page.wait_for_url("**/admin/")
    tasks = page.locator("#editor-tasks-corrections")
    assert "掲載内容の修正の依頼(未対応)(1件)" in tasks.inner_text()

    page.goto(live_server.url + "/admin/corrections/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="サンプル作業所ひまわり").click()
    assert "正しくは 0495-00-1111 です。" in page.inner_text("main")
    assert_no_axe_violations(page)

    page.get_by_label("対応済み(ページを直した、または直す必要がなかった)").check()
    page.get_by_label("対応のメモ").fill("電話番号を直しました。")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url("**/admin/corrections/")
    assert "「対応済み」にしました" in page.content()
    # Wagtail's message fades in; axe reads the colours once it has.
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
    assert_no_axe_violations(page)
    item = CorrectionRequest.objects.get()
    assert item.status == CorrectionStatus.DONE and item.handled_by == user
