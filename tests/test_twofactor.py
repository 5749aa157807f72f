"""Two-factor login: enrolment, codes, recovery codes, who must use it, reset, the deploy check.

Logins here go through the login views with a plain ``django.test.Client``
(password only); the codes are computed from the device's key as the phone's
authenticator app does (tests/twofactor.py).
"""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction

from editorial.roles import (
    APPROVER,
    CONSULTATION_OFFICE,
    FACILITY_EDITOR,
    OFFICE_STAFF,
    ROLES,
    SECRETARIAT,
    TWO_FACTOR_ROLES,
)
from editorial.twofactor import devices
from editorial.twofactor.checks import two_factor_required_check
from editorial.twofactor.middleware import OPEN_VIEWS
from tests.factories import VacancyPageFactory
from tests.test_production import PRODUCTION_ENV, ROOT
from tests.twofactor import VerifiedClient, app_code, app_device, fresh_code

PASSWORD = "Kodama-henshu-2024!"
LOGIN = "/admin/login/"
VERIFY = "/admin/two-factor/verify/"
SETUP = "/admin/two-factor/setup/"
CODES = "/admin/two-factor/recovery-codes/"

pytestmark = pytest.mark.django_db


def member(username, role=None, superuser=False):
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.jp", PASSWORD)
    user = User.objects.create_user(username, f"{username}@example.jp", PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def secretariat(home_page):
    return member("jimukyoku", SECRETARIAT)


@pytest.fixture
def facility_editor(home_page):
    return member("shisetsu", FACILITY_EDITOR)


def password_login(username, next_url="/admin/"):
    """A browser that has sent the right password to the admin's login page, and no code yet."""
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == next_url
    return client


def body(response):
    return response.content.decode()


def form_error(response):
    """The error shown under the code field."""
    found = re.findall(r'class="error-message"[^>]*>(.*?)</', body(response), re.S)
    return " ".join(error.strip() for error in found)


def waited(device):
    """As if the editor waited out the pause that a wrong code imposes."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(hours=1)
    )


def is_verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


# --- Who must ----------------------------------------------------------------------------------


def test_the_roles_say_who_must_use_two_factor_login():
    assert set(TWO_FACTOR_ROLES) == {SECRETARIAT, APPROVER, OFFICE_STAFF}
    assert {role.name for role in ROLES if not role.two_factor_required} == {
        FACILITY_EDITOR,
        CONSULTATION_OFFICE,
    }


def test_superusers_and_the_required_roles_must_enrol_the_others_may(home_page):
    cases = {
        member("kanri", superuser=True): devices.SETUP_STEP,
        member("jimukyoku", SECRETARIAT): devices.SETUP_STEP,
        member("shonin", APPROVER): devices.SETUP_STEP,
        member("shisetsu", FACILITY_EDITOR): None,
        member("soudan", CONSULTATION_OFFICE): None,  # no admin at all
    }
    for user, step in cases.items():
        assert devices.next_step(User.objects.get(pk=user.pk)) == step, user.username


# --- Enrolment at the first login --------------------------------------------------------------


def test_a_secretariat_enrols_at_its_first_login(secretariat):
    client = password_login("jimukyoku")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/admin/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = body(page)
    assert "<h1>二要素認証の設定</h1>" in html
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    # The QR code, and the same key as text for those who cannot scan it.
    assert 'src="data:image/svg+xml' in html
    assert devices.secret_text(device) in html
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", devices.secret_text(device))
    assert "児玉郡市自立支援協議会" in html and "jimukyoku" in html
    assert 'autocomplete="one-time-code"' in html
    # Reloading keeps the key the phone may already have scanned.
    assert devices.secret_text(device) in body(client.get(f"{SETUP}?next=/admin/"))
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1

    wrong = client.post(SETUP, {"code": app_code(device, 5), "next": "/admin/"})
    assert wrong.status_code == 200
    assert "確認コードが正しくありません" in form_error(wrong)
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    waited(device)

    done = client.post(SETUP, {"code": app_code(device), "next": "/admin/"})
    assert done.status_code == 302
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2F"
    device.refresh_from_db()
    assert device.confirmed and is_verified(client)

    shown = client.get(done["Location"])
    html = body(shown)
    stored = sorted(
        StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    )
    assert len(stored) == 10
    assert [
        code.replace("-", "") for code in re.findall(r"<code>(\w{4}-\w{4})</code>", html)
    ] == stored
    assert "この画面を閉じると、回復コードは二度と表示されません" in html
    assert "data-two-factor-print" in html

    finished = client.post(CODES, {"next": "/admin/"})
    assert finished["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Shown once: the page has nothing to show any more.
    again = body(client.get(CODES))
    assert "表示できる回復コードはありません" in again
    assert not any(code in again for code in stored)


def test_enrolling_accepts_full_width_digits(secretariat):
    client = password_login("jimukyoku")
    client.get(SETUP)
    device = devices.pending_device(secretariat)
    full_width = app_code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(SETUP, {"code": full_width}).status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_letter_code_while_enrolling_asks_for_the_six_digits(secretariat):
    client = password_login("jimukyoku")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "abcd-efgh"})
    assert "6桁の数字を入力してください" in form_error(response)


# --- Logging in with a code --------------------------------------------------------------------


@pytest.fixture
def enrolled(secretariat):
    return app_device(secretariat)


def test_every_later_login_asks_for_the_code(enrolled):
    client = password_login("jimukyoku", next_url="/admin/documents/")
    response = client.get("/admin/documents/")
    assert response["Location"] == f"{VERIFY}?next=/admin/documents/"
    page = client.get(response["Location"])
    assert "<h1>確認コードの入力</h1>" in body(page)
    assert "スマートフォンが手元にないとき" in body(page)

    session_before = client.cookies["sessionid"].value
    response = client.post(VERIFY, {"code": app_code(enrolled), "next": "/admin/documents/"})
    assert response.status_code == 302 and response["Location"] == "/admin/documents/"
    assert client.get("/admin/documents/").status_code == 200
    assert is_verified(client)
    assert client.cookies["sessionid"].value != session_before  # a new session key
    enrolled.refresh_from_db()
    assert enrolled.last_used_at is not None


def test_a_code_from_the_next_period_is_accepted_for_a_slow_clock(enrolled):
    client = password_login("jimukyoku")
    assert client.post(VERIFY, {"code": app_code(enrolled, 1)}).status_code == 302


def test_a_wrong_code_is_refused_with_a_clear_message(enrolled):
    client = password_login("jimukyoku")
    response = client.post(VERIFY, {"code": app_code(enrolled, 7), "next": "/admin/"})
    assert response.status_code == 200
    assert form_error(response) == devices.MESSAGES[devices.WRONG]
    assert not is_verified(client)
    assert client.get("/admin/").status_code == 302


def test_a_used_code_is_refused_as_used(enrolled):
    code = app_code(enrolled)
    first = password_login("jimukyoku")
    assert first.post(VERIFY, {"code": code}).status_code == 302

    second = password_login("jimukyoku")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "この確認コードは、もう使われています" in form_error(response)
    assert not is_verified(second)


def test_an_expired_code_is_refused_as_too_old(enrolled):
    client = password_login("jimukyoku")
    response = client.post(VERIFY, {"code": app_code(enrolled, -4)})
    assert response.status_code == 200
    assert "この確認コードは古くなっています" in form_error(response)
    assert not is_verified(client)


def test_wrong_codes_in_a_row_make_the_editor_wait(enrolled):
    client = password_login("jimukyoku")
    client.post(VERIFY, {"code": app_code(enrolled, 9)})
    # Even the right code is refused until the pause is over.
    response = client.post(VERIFY, {"code": app_code(enrolled)})
    assert "コードを続けて間違えたため" in form_error(response)
    assert "秒ほど待ってから" in form_error(response)
    assert not is_verified(client)
    waited(enrolled)
    assert client.post(VERIFY, {"code": app_code(enrolled)}).status_code == 302


@pytest.mark.parametrize(
    "code",
    ["", "   ", "12345", "1234567", "x" * 41, "<script>", "１２３-abc", "🔑🔑🔑🔑🔑🔑"],
)
def test_odd_input_on_the_code_page_gives_a_message(enrolled, code):
    client = password_login("jimukyoku")
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert form_error(response)
    assert "<script>" not in body(response).split("</h1>", 1)[1].split("<footer", 1)[0]
    assert not is_verified(client)


# --- Recovery codes ----------------------------------------------------------------------------


def recovery_codes(user):
    return devices.new_recovery_codes(user)


def test_a_recovery_code_logs_in_once(enrolled, secretariat):
    codes = recovery_codes(secretariat)
    typed = devices.format_recovery_code(codes[3]).upper()  # as copied from paper

    client = password_login("jimukyoku")
    response = client.post(VERIFY, {"code": typed, "next": "/admin/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "回復コードでログインしました(残り9個)" in body(response)
    assert is_verified(client)

    again = password_login("jimukyoku")
    response = again.post(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert "既に使われています" in form_error(response)
    assert not is_verified(again)
    assert devices.remaining_recovery_codes(secretariat) == 9


def test_a_recovery_code_typed_in_full_width_with_a_long_dash_works(enrolled, secretariat):
    code = recovery_codes(secretariat)[0]
    full_width = "".join(
        chr(ord(char) + 0xFEE0) for char in code
    )  # ａｂ１… as a Japanese IME types
    typed = full_width[:4] + "ー" + full_width[4:]
    client = password_login("jimukyoku")
    assert client.post(VERIFY, {"code": typed}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(enrolled, secretariat):
    old = recovery_codes(secretariat)
    client = VerifiedClient()
    client.force_login(secretariat)
    confirm = client.get("/admin/two-factor/recovery-codes/new/")
    assert "今までの回復コード(残り10個)は、使えなくなります" in body(confirm)
    response = client.post("/admin/two-factor/recovery-codes/new/")
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2Faccount%2F"
    new = set(StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert all(devices.format_recovery_code(code) in body(client.get(CODES)) for code in new)

    fresh = password_login("jimukyoku")
    assert "既に使われています" in form_error(fresh.post(VERIFY, {"code": old[0]}))


def test_a_session_verified_by_a_recovery_code_survives_new_codes(enrolled, secretariat):
    code = recovery_codes(secretariat)[0]
    client = password_login("jimukyoku")
    client.post(VERIFY, {"code": code})
    client.post("/admin/two-factor/recovery-codes/new/")
    assert client.get("/admin/").status_code == 200


# --- Nothing in the admin before the second step -------------------------------------------------


def route_paths(patterns, prefix=""):
    """Every path() route under ``patterns``, with sample values in its parameters."""
    samples = {
        "int": "1",
        "str": "x",
        "slug": "x",
        "path": "x",
        "uuid": "0" * 8 + "-0000" * 3 + "-" + "0" * 12,
    }
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # re_path() routes: Wagtail's are also reachable through path() ones
        route = re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), str(entry.pattern)
        )
        if isinstance(entry, URLResolver):
            yield from route_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def admin_paths():
    admin = next(
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == "admin/"
    )
    paths = []
    for path in route_paths(admin.url_patterns, "/admin/"):
        try:
            match = resolve(path)
        except Exception:
            continue
        if match.url_name not in OPEN_VIEWS:
            paths.append(path)
    return sorted(set(paths))


@pytest.mark.parametrize("who", ["superuser", SECRETARIAT, APPROVER])
def test_required_roles_reach_no_admin_page_before_enrolling(home_page, who):
    user = member("kanri", superuser=True) if who == "superuser" else member("henshu", who)
    client = password_login(user.username)
    paths = admin_paths()
    assert len(paths) > 150, paths
    let_through = []
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code != 302 or not response["Location"].startswith(SETUP + "?next="):
                let_through.append(f"{method.__name__.upper()} {path}: {response.status_code}")
    assert let_through == []
    # The public site too: a password alone opens nothing that needs an account.
    response = client.get(home_page.url)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_an_enrolled_account_reaches_no_admin_page_before_its_code(enrolled):
    client = password_login("jimukyoku")
    for path in admin_paths():
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY + "?next="), path
    # Nor may it register another phone instead of giving the code.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)


def test_nothing_is_saved_by_a_post_before_the_code(enrolled, home_page):
    client = password_login("jimukyoku")
    response = client.post(
        f"/admin/pages/{home_page.pk}/edit/", {"title": "書き換え", "action-publish": "1"}
    )
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    home_page.refresh_from_db()
    assert home_page.title == "児玉郡市自立支援協議会"


# --- Optional for 施設情報担当 ----------------------------------------------------------------


def test_a_facility_editor_uses_the_admin_without_it_and_may_turn_it_on(facility_editor):
    client = password_login("shisetsu")
    assert client.get("/admin/").status_code == 200
    account = body(client.get("/admin/account/"))
    assert "二要素認証" in account and "使っていません" in account
    assert "二要素認証を設定する" in account
    assert f"{SETUP}?next=%2Fadmin%2Faccount%2F" in account

    page = client.get(f"{SETUP}?next=/admin/account/")
    assert "次の3つの手順で設定してください" in body(page)
    device = devices.pending_device(facility_editor)
    response = client.post(SETUP, {"code": app_code(device), "next": "/admin/account/"})
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2Faccount%2F"
    assert client.post(CODES, {"next": "/admin/account/"})["Location"] == "/admin/account/"
    account = body(client.get("/admin/account/"))
    assert "使っています" in account and "回復コードの残り: 10個" in account
    assert "二要素認証をやめる" in account  # optional for this role

    # From now on the code is asked at every login.
    later = password_login("shisetsu")
    assert later.get("/admin/")["Location"].startswith(VERIFY)
    assert later.post(VERIFY, {"code": fresh_code(device)}).status_code == 302

    # And it can be turned off again.
    assert "二要素認証をやめると" in body(later.get("/admin/two-factor/turn-off/"))
    response = later.post("/admin/two-factor/turn-off/", follow=True)
    assert "二要素認証をやめました" in body(response)
    assert not devices.has_device(facility_editor)
    assert password_login("shisetsu").get("/admin/").status_code == 200


def test_a_required_role_cannot_turn_it_off(enrolled, secretariat):
    recovery_codes(secretariat)
    client = VerifiedClient()
    client.force_login(secretariat)
    account = body(client.get("/admin/account/"))
    assert "あなたの役割では、二要素認証は必須です" in account
    assert "二要素認証をやめる" not in account
    response = client.post("/admin/two-factor/turn-off/", follow=True)
    assert "やめることはできません" in body(response)
    assert TOTPDevice.objects.filter(user=secretariat).exists()
    assert StaticDevice.objects.filter(user=secretariat).exists()


def test_changing_phones_keeps_the_old_app_until_the_new_one_is_confirmed(enrolled, secretariat):
    client = password_login("jimukyoku")
    client.post(VERIFY, {"code": app_code(enrolled)})
    page = client.get(f"{SETUP}?next=/admin/account/")
    assert "新しいスマートフォンの認証アプリを登録します" in body(page)
    new = devices.pending_device(secretariat)
    assert new.pk != enrolled.pk and devices.app_device(secretariat).pk == enrolled.pk

    assert client.post(SETUP, {"code": app_code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=secretariat)) == [new]
    assert client.get("/admin/").status_code == 200  # verified by the new app
    later = password_login("jimukyoku")
    assert "正しくありません" in form_error(later.post(VERIFY, {"code": app_code(enrolled)}))


# --- The front-end login (pages restricted to 相談支援事業所) --------------------------------------


@pytest.fixture
def restricted(home_page):
    page = VacancyPageFactory(parent=home_page)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=CONSULTATION_OFFICE)])
    return page


def front_login(username, url):
    client = Client()
    response = client.post(
        "/_util/login/", {"username": username, "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    return client


def test_readers_log_in_on_the_site_with_their_password_only(restricted):
    member("soudan", CONSULTATION_OFFICE)
    client = front_login("soudan", restricted.url)
    response = client.get(restricted.url)
    assert response.status_code == 200
    assert "空き情報" in body(response)
    assert not TOTPDevice.objects.exists()


def test_an_admin_account_logging_in_on_the_site_gives_its_code_too(restricted):
    admin = member("kanri", superuser=True)
    device = app_device(admin)
    client = front_login("kanri", restricted.url)
    response = client.get(restricted.url)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={restricted.url}"
    response = client.post(VERIFY, {"code": app_code(device), "next": restricted.url})
    assert response["Location"] == restricted.url
    assert client.get(restricted.url).status_code == 200


def test_the_front_end_login_page_tells_editors_about_the_code(restricted):
    page = body(Client().get(f"/_util/login/?next={restricted.url}"))
    assert "確認コード" in page


# --- Reset by a superuser ----------------------------------------------------------------------


def test_a_superuser_resets_an_editor_who_lost_the_phone(enrolled, secretariat):
    recovery_codes(secretariat)
    editor = password_login("jimukyoku")
    editor.post(VERIFY, {"code": app_code(enrolled)})
    assert editor.get("/admin/").status_code == 200

    admin = VerifiedClient()
    admin.force_login(member("kanri", superuser=True))
    listing = body(admin.get("/admin/two-factor/users/"))
    assert "jimukyoku" in listing and "登録済み" in listing and "必須" in listing
    assert f"/admin/two-factor/users/{secretariat.pk}/reset/" in listing
    confirm = body(admin.get(f"/admin/two-factor/users/{secretariat.pk}/reset/"))
    assert "jimukyoku さん" in confirm and "リセットする" in confirm
    response = admin.post(f"/admin/two-factor/users/{secretariat.pk}/reset/", follow=True)
    assert "jimukyoku さんの二要素認証をリセットしました" in body(response)
    assert not devices.has_device(secretariat)

    # The editor's open session must enrol again before anything else.
    response = editor.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_only_superusers_see_the_two_factor_list_and_reset(enrolled, secretariat):
    other = member("jimukyoku2", SECRETARIAT)
    client = VerifiedClient()
    client.force_login(other)
    assert "二要素認証の状況" not in body(client.get("/admin/"))
    for response in (
        client.get("/admin/two-factor/users/"),
        client.post(f"/admin/two-factor/users/{secretariat.pk}/reset/"),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert devices.has_device(secretariat)


def test_resetting_an_unknown_account_is_a_404(home_page):
    admin = VerifiedClient(raise_request_exception=False)
    admin.force_login(member("kanri", superuser=True))
    assert admin.post("/admin/two-factor/users/999999/reset/").status_code == 404
    assert admin.post("/admin/two-factor/users/abc/reset/").status_code == 404


def test_the_reset_command_for_a_superuser_who_lost_the_phone(home_page, capsys):
    admin = member("kanri", superuser=True)
    app_device(admin)
    recovery_codes(admin)
    call_command("reset_two_factor", "kanri")
    assert "「kanri」の二要素認証をリセットしました" in capsys.readouterr().out
    assert not devices.has_device(admin)
    call_command("reset_two_factor", "kanri")
    assert "変更はありません" in capsys.readouterr().out
    with pytest.raises(CommandError, match="ユーザー名「dareka」のアカウントはありません"):
        call_command("reset_two_factor", "dareka")


# --- Tampered and stale posts --------------------------------------------------------------------


def test_confirming_without_a_pending_enrolment_starts_over(secretariat):
    client = password_login("jimukyoku")
    response = client.post(SETUP, {"code": "123456", "next": "/admin/"}, follow=True)
    assert response.status_code == 200
    assert "登録の手続きが見つかりませんでした" in body(response)
    assert not devices.has_device(secretariat)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_next_never_leaves_the_site(enrolled, next_url):
    client = password_login("jimukyoku")
    response = client.post(VERIFY, {"code": app_code(enrolled), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_tampered_posts_give_messages_not_errors(enrolled, secretariat):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)
    posts = [
        (VERIFY, {"code": ["123456", "654321"]}),
        (VERIFY, {"codes": "123456"}),
        (VERIFY, {"code": "\x00\x01"}),
        (SETUP, {"code": "1" * 1000}),
        (CODES, {"next": "\x00"}),
        ("/admin/two-factor/recovery-codes/new/", {"x": "1"}),
        ("/admin/two-factor/turn-off/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302), (url, data, response.status_code)
    assert devices.has_device(secretariat)
    assert "使えない文字" in form_error(client.post(VERIFY, {"code": "12\x003456"}))
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)(VERIFY).status_code == 405


def test_the_codes_page_without_new_codes_shows_nothing(enrolled, secretariat):
    client = VerifiedClient()
    client.force_login(secretariat)
    session = client.session
    session["editorial_two_factor_new_codes"] = "not a list"
    session.save()
    assert "表示できる回復コードはありません" in body(client.get(CODES))


# --- The setting and the deploy check ------------------------------------------------------------


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_with_the_requirement_off_only_enrolled_accounts_give_a_code(secretariat):
    assert password_login("jimukyoku").get("/admin/").status_code == 200
    device = app_device(secretariat)
    client = password_login("jimukyoku")
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": app_code(device)}).status_code == 302


def test_the_deploy_check_warns_when_the_requirement_is_off(settings):
    assert two_factor_required_check(None) == []
    settings.TWO_FACTOR_REQUIRED = False
    assert [w.id for w in two_factor_required_check(None)] == ["editorial.W001"]
    settings.TWO_FACTOR_REQUIRED = True
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "editorial.twofactor.middleware.TwoFactorMiddleware"
    ]
    assert [w.id for w in two_factor_required_check(None)] == ["editorial.W002"]


def production_check(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TWO_FACTOR_REQUIRED")
    }
    env.update(PRODUCTION_ENV)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_in_production_with_the_requirement_off():
    result = production_check(TWO_FACTOR_REQUIRED="false")
    assert result.returncode != 0
    assert "editorial.W001" in result.stderr + result.stdout
    assert "TWO_FACTOR_REQUIRED" in result.stderr + result.stdout


def test_a_misspelt_setting_is_a_clear_error():
    result = production_check(TWO_FACTOR_REQUIRED="off")
    assert result.returncode != 0
    assert "環境変数 TWO_FACTOR_REQUIRED は true か false にしてください" in result.stderr
