"""The e-mail alert sign-up in real Chromium: axe on the form, its error state and the pages after it."""

import pytest
from django.core import mail

from alerts.models import Subscriber
from tests.axe import assert_no_axe_violations
from tests.factories import CommitteePageFactory, CouncilIndexPageFactory, NewsIndexPageFactory
from tests.live import live_db

pytestmark = [pytest.mark.browser, live_db]


def no_overflow(page):
    return (
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        <= 0
    )


def test_sign_up_pages_have_no_axe_violations(live_server, page, live_home):
    about = CouncilIndexPageFactory(parent=live_home)
    CommitteePageFactory(parent=about, title="全体会", slug="zentaikai", kind="plenary")
    CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    NewsIndexPageFactory(parent=live_home)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/alerts/")
        assert_no_axe_violations(page)
        assert no_overflow(page)

    # Nothing chosen and a bad address: the summary and the field errors, in Japanese.
    page.get_by_label("メールアドレス(必須)").fill("not-an-address")
    page.get_by_role("button", name="確認のメールを送る").click()
    summary = page.get_by_role("alert")
    assert "メールアドレスの形が正しくありません" in summary.inner_text()
    assert "1つ以上選んでください" in summary.inner_text()
    assert_no_axe_violations(page)

    page.get_by_label("メールアドレス(必須)").fill("taro@example.jp")
    page.get_by_label("相談支援部会").check()
    page.get_by_role("button", name="確認のメールを送る").click()
    assert page.get_by_role("heading", level=1).inner_text() == "確認のメールを送りました"
    assert_no_axe_violations(page)
    assert len(mail.outbox) == 1

    subscriber = Subscriber.objects.get()
    page.goto(live_server.url + f"/alerts/unsubscribe/{subscriber.token}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="配信を停止する").click()
    assert page.get_by_role("heading", level=1).inner_text() == "配信を停止しました"
    assert not Subscriber.objects.exists()
