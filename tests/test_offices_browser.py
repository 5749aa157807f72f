"""事業所担当 in real Chromium: 事務局 invites, the office's staff accept the invitation, enrol
their authenticator app, land on 「担当する事業所」 and enter vacancies; axe on each new form."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import SECRETARIAT
from tests.axe import assert_no_axe_violations
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory, VacancyPageFactory
from tests.live import live_db
from tests.test_council_browser import shot
from tests.twofactor import app_code, app_device, enter_code

pytestmark = [pytest.mark.browser, live_db]

GH = "共同生活援助(介護サービス包括型)"
PASSWORD = "jimukyoku-pass-2024"  # noqa: S105


def settle(page):
    """Wagtail's messages fade in; axe reads the colours once they have."""
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")


@pytest.fixture
def facilities(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    VacancyPageFactory(parent=live_home)
    return [
        FacilityPageFactory(
            parent=index,
            slug="sakura",
            title="サンプルさくらホーム",
            name_kana="サクラ",
            services=[(GH, 5, [])],
        ),
        FacilityPageFactory(
            parent=index,
            slug="himawari",
            title="サンプルひまわり園",
            name_kana="ヒマワリ",
            services=[(GH, 4, [])],
        ),
    ]


def test_an_invited_office_makes_its_account_and_reaches_only_its_facility(
    live_server, page, facilities
):
    secretariat = User.objects.create_user("jimukyoku", password=PASSWORD)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT))
    device = app_device(secretariat)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "jimukyoku")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    enter_code(page, device)

    page.goto(live_server.url + "/admin/offices/invite/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="招待のメールを送る").click()
    assert "メールアドレスを入力してください。" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    page.goto(live_server.url + "/admin/offices/invite/")
    page.get_by_label("メールアドレス(必須)").fill("staff@example.jp")
    page.get_by_label("サンプルさくらホーム").check()
    shot(page, "26-office-invite")
    page.get_by_role("button", name="招待のメールを送る").click()
    page.wait_for_url("**/admin/offices/")
    assert "staff@example.jp" in page.inner_text("main")
    settle(page)
    assert_no_axe_violations(page)

    link = re.search(r"http://\S+/offices/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()
    page.goto(live_server.url + "/" + link.split("/", 3)[3])  # the mail's host is the setting's
    assert "サンプルさくらホーム" in page.inner_text("main")
    assert_no_axe_violations(page)
    page.get_by_label("ユーザー名(必須)").fill("sakura")
    page.get_by_label("パスワード(必須)").fill("sakura-saku-2026")
    page.get_by_label("パスワード(確認のためもう一度)(必須)").fill("sakura-chiru-2026")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, "27-office-accept")
    page.get_by_role("button", name="アカウントを作る").click()
    assert "2つのパスワードが一致しません。" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("パスワード(必須)").fill("sakura-saku-2026")
    page.get_by_label("パスワード(確認のためもう一度)(必須)").fill("sakura-saku-2026")
    page.get_by_role("button", name="アカウントを作る").click()

    page.wait_for_url("**/admin/two-factor/setup/**")
    office = User.objects.get(username="sakura")
    pending = TOTPDevice.objects.get(user=office, confirmed=False)
    page.fill("#id_code", app_code(pending))
    page.get_by_role("button", name="設定する").click()
    page.wait_for_url("**/admin/two-factor/recovery-codes/**")
    page.get_by_role("button", name="控えました。次へ進む").click()

    page.wait_for_url("**/admin/offices/mine/")
    main = page.inner_text("main")
    assert "サンプルさくらホーム" in main and "サンプルひまわり園" not in main
    settle(page)
    assert_no_axe_violations(page)
    sidebar = page.locator("#wagtail-sidebar").inner_text()
    assert "担当する事業所" in sidebar and "ページ" not in sidebar and "画像" not in sidebar
    shot(page, "28-office-facilities")

    page.get_by_role("link", name="今月の空き情報を入力する").click()
    page.wait_for_url("**/admin/vacancies/monthly/**")
    main = page.inner_text("main")
    assert "サンプルさくらホーム" in main and "サンプルひまわり園" not in main
    shot(page, "29-office-vacancy-monthly")
