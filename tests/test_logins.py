"""Logins: throttling of failed logins, password rules and session expiry."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

ADMIN_LOGIN = "/admin/login/"
FRONT_LOGIN = "/_util/login/"
PASSWORD = "Kodama-henshu-2024!"
OFFICE = "198.51.100.10"
ELSEWHERE = "203.0.113.77"
LOCKED = "ログインを一時的に停止しています"


@pytest.fixture
def editor(home_page):
    user = User.objects.create_user("henshu", "henshu@example.jp", PASSWORD)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def attempt(client, username, password, address=OFFICE, url=ADMIN_LOGIN):
    return client.post(
        url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_from_that_address(client, editor):
    for _ in range(4):
        response = attempt(client, "henshu", "wrong-password")
        assert response.status_code == 200  # the login form again, with its error
        assert LOCKED not in response.content.decode()

    response = attempt(client, "henshu", "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body
    assert "事務局へご連絡ください" in body
    retry_at = timezone.localtime(timezone.now() + timedelta(minutes=30))
    assert f"{retry_at:%-H}時{retry_at:%M}分以降" in body or (
        # the minute may have turned between the attempt and this line
        f"{(retry_at - timedelta(minutes=1)):%-H}時{(retry_at - timedelta(minutes=1)):%M}分以降"
        in body
    )

    # The right password from the same address is refused too.
    response = attempt(client, "henshu", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert logged_in_as(client) is None

    # So is the front-end login used for private pages.
    response = attempt(client, "henshu", PASSWORD, url=FRONT_LOGIN)
    assert response.status_code == 429
    assert logged_in_as(client) is None

    # From another address the same account logs in.
    response = attempt(client, "henshu", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert logged_in_as(client) == str(editor.pk)


@pytest.mark.django_db
def test_other_accounts_at_the_same_address_are_not_locked_by_one_account(client, editor):
    User.objects.create_user("jimukyoku", "jimu@example.jp", PASSWORD)
    for _ in range(5):
        attempt(client, "henshu", "wrong-password")
    assert attempt(client, "henshu", PASSWORD).status_code == 429

    response = attempt(client, "jimukyoku", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) is not None


@pytest.mark.django_db
def test_the_front_end_login_is_throttled_too(client, editor):
    for _ in range(5):
        response = attempt(client, "henshu", "wrong-password", url=FRONT_LOGIN)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert attempt(client, "henshu", PASSWORD).status_code == 429  # the admin login as well


@pytest.mark.django_db
def test_an_address_trying_many_accounts_is_locked_at_its_own_limit(client, editor):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    for i in range(limit - 1):
        response = attempt(client, f"guess{i}", "wrong-password")
        assert response.status_code == 200, i
    # Below the address limit, the real editor still gets in from there.
    assert attempt(client, "henshu", PASSWORD).status_code == 302
    client.logout()

    assert attempt(client, f"guess{limit}", "wrong-password").status_code == 429
    assert attempt(client, "henshu", PASSWORD).status_code == 429
    assert logged_in_as(client) is None
    # Another address is not affected.
    assert attempt(client, "henshu", PASSWORD, address=ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, editor):
    for _ in range(5):
        attempt(client, "henshu", "wrong-password")
    assert attempt(client, "henshu", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert attempt(client, "henshu", PASSWORD).status_code == 302
    assert logged_in_as(client) == str(editor.pk)


@pytest.mark.django_db
def test_axes_reset_unlocks_an_account(client, editor):
    from django.core.management import call_command

    for _ in range(5):
        attempt(client, "henshu", "wrong-password")
    assert attempt(client, "henshu", PASSWORD).status_code == 429
    call_command("axes_reset_username", "henshu")
    assert attempt(client, "henshu", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_proxy_header_gives_the_address_only_when_configured(rf, settings):
    from editorial.logins import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=ELSEWHERE)
    settings.LOGIN_CLIENT_IP_HEADER = ""
    assert client_ip(request) == "127.0.0.1"
    settings.LOGIN_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(request) == ELSEWHERE


# --- Password rules ---------------------------------------------------------------------------


def new_user_data(password):
    return {
        "username": "atarashii",
        "email": "atarashii@example.jp",
        "first_name": "花子",
        "last_name": "児玉",
        "password1": password,
        "password2": password,
        "is_active": "on",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kodama1", "このパスワードは短すぎます。最低 12 文字以上必要です。"),
        ("password1234", "このパスワードは一般的すぎます。"),
        ("204819375520", "このパスワードは数字しか使われていません。"),
    ],
)
def test_a_weak_password_is_refused_when_an_admin_creates_a_user(
    admin_client, home_page, password, message
):
    response = admin_client.post(reverse("wagtailusers_users:add"), new_user_data(password))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="atarashii").exists()


@pytest.mark.django_db
def test_a_strong_password_is_accepted_when_an_admin_creates_a_user(admin_client, home_page):
    response = admin_client.post(reverse("wagtailusers_users:add"), new_user_data(PASSWORD))
    assert response.status_code == 302
    assert User.objects.get(username="atarashii").check_password(PASSWORD)


@pytest.mark.django_db
def test_a_weak_password_is_refused_when_an_editor_changes_it(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "",
            "name_email-last_name": "",
            "name_email-email": editor.email,
            "locale-preferred_language": "ja",
            "locale-current_time_zone": "Asia/Tokyo",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
            "password-old_password": PASSWORD,
            "password-new_password1": "henshu",
            "password-new_password2": "henshu",
        },
    )
    assert response.status_code == 200
    assert "このパスワードは短すぎます。" in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


# --- Sessions -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_ends_with_the_browser_and_after_a_working_day(client, editor):
    response = attempt(client, "henshu", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no lifetime of its own.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True

    session = Session.objects.get(session_key=cookie.value)
    remaining = session.expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < remaining <= timedelta(hours=8)

    assert client.get("/admin/").status_code == 200
    # Using the site does not push the end further (the session is not saved every request).
    assert Session.objects.get(session_key=cookie.value).expire_date == session.expire_date

    Session.objects.filter(session_key=cookie.value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)
