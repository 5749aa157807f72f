"""Logins: throttling of failed logins and page passwords, password rules and session expiry."""

import io
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from editorial import logins
from editorial.addresses import UNKNOWN_ADDRESS, client_address
from editorial.models import AccountLoginFailure, PagePasswordFailure
from home.models import SecretariatContact
from tests.factories import StandardPageFactory

ADMIN_LOGIN = "/admin/login/"
FRONT_LOGIN = "/_util/login/"
PASSWORD = "Kodama-henshu-2024!"
OFFICE = "198.51.100.10"
ELSEWHERE = "203.0.113.77"
LOCKED = "ログインを一時的に停止しています"
ACCOUNT_LOCKED = "このアカウントを一時的にロックしました"


@pytest.fixture
def editor(home_page):
    user = User.objects.create_user("henshu", "henshu@example.jp", PASSWORD)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def attempt(client, username, password, address=OFFICE, url=ADMIN_LOGIN, **extra):
    return client.post(
        url,
        {"username": username, "password": password, "next": "/"},
        REMOTE_ADDR=address,
        **extra,
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
    for _ in range(5):
        attempt(client, "henshu", "wrong-password")
    assert attempt(client, "henshu", PASSWORD).status_code == 429
    call_command("axes_reset_username", "henshu")
    assert attempt(client, "henshu", PASSWORD).status_code == 302


# --- Addresses: IPv6 per /64, proxies ----------------------------------------------------------


@pytest.mark.django_db
def test_ipv6_addresses_in_one_64_share_the_count(client, editor):
    for host in range(1, 6):
        response = attempt(client, "henshu", "wrong-password", address=f"2001:db8:1:2::{host}")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "2001:db8:1:2::"

    # Any other address in the same /64 is refused too, even with the right password.
    response = attempt(client, "henshu", PASSWORD, address="2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert response.status_code == 429
    assert logged_in_as(client) is None

    # Another /64 is another place.
    response = attempt(client, "henshu", PASSWORD, address="2001:db8:1:3::1")
    assert response.status_code == 302
    assert logged_in_as(client) == str(editor.pk)


@pytest.mark.django_db
def test_one_64_trying_many_accounts_is_locked_at_the_address_limit(client, editor):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        response = attempt(client, f"guess{i}", "wrong-password", address=f"2001:db8:aa:bb::{i:x}")
    assert response.status_code == 429
    assert attempt(client, "henshu", PASSWORD, address="2001:db8:aa:bb::beef").status_code == 429
    assert attempt(client, "henshu", PASSWORD, address="2001:db8:aa:bc::1").status_code == 302


@pytest.mark.django_db
def test_an_ipv4_mapped_ipv6_address_counts_as_the_ipv4_address(client, editor):
    for _ in range(3):
        attempt(client, "henshu", "wrong-password", address=OFFICE)
    for _ in range(2):
        response = attempt(client, "henshu", "wrong-password", address=f"::ffff:{OFFICE}")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # No proxy: the header is whatever the client wrote and is ignored.
        (0, OFFICE, ELSEWHERE, OFFICE),
        (0, OFFICE, f"{ELSEWHERE}, 192.0.2.1", OFFICE),
        # nginx in front: it appends the address it saw; anything left of it is the client's.
        (1, "127.0.0.1", OFFICE, OFFICE),
        (1, "127.0.0.1", f"{ELSEWHERE}, {OFFICE}", OFFICE),
        (1, "", f"{ELSEWHERE},{OFFICE}", OFFICE),
        # A load balancer and nginx: the second from the right.
        (2, "127.0.0.1", f"{OFFICE}, 10.0.0.2", OFFICE),
        (2, "127.0.0.1", f"{ELSEWHERE}, 192.0.2.1, {OFFICE}, 10.0.0.2", OFFICE),
        # Fewer entries than proxies, no header, garbage: the connection's address.
        (2, "127.0.0.1", OFFICE, "127.0.0.1"),
        (1, "127.0.0.1", None, "127.0.0.1"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", f"{OFFICE}, unknown", "127.0.0.1"),
        (1, "127.0.0.1", f"{OFFICE},", "127.0.0.1"),
        # Forms proxies write, and IPv6 counted per /64.
        (1, "127.0.0.1", "198.51.100.10:52113", OFFICE),
        (1, "127.0.0.1", "[2001:db8:5:6:7::8]:443", "2001:db8:5:6::"),
        (1, "::1", " 2001:DB8:5:6::9 ", "2001:db8:5:6::"),
        (1, "127.0.0.1", f"::ffff:{OFFICE}", OFFICE),
        (0, "fe80::1%eth0", None, "fe80::"),
        # No usable address anywhere: one shared count.
        (0, "", None, UNKNOWN_ADDRESS),
        (0, "garbage", None, UNKNOWN_ADDRESS),
        (1, "", "999.1.1.1", UNKNOWN_ADDRESS),
        (1, "", "２００１:db8::1", UNKNOWN_ADDRESS),
        (1, "", "x" * 10_000, UNKNOWN_ADDRESS),
        (3, "", "\x00, ,", UNKNOWN_ADDRESS),
    ],
)
def test_the_client_address_is_read_from_as_many_proxies_as_configured(
    rf, settings, proxies, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_address(rf.post("/admin/login/", **meta)) == expected


def test_the_proxy_header_can_be_another_one(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    request = rf.post(
        "/admin/login/",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP=OFFICE,
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert client_address(request) == OFFICE


@pytest.mark.django_db
def test_without_proxies_a_spoofed_header_does_not_escape_the_lock(client, editor):
    for i in range(5):
        response = attempt(client, "henshu", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert response.status_code == 429
    response = attempt(client, "henshu", PASSWORD, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 429
    assert logged_in_as(client) is None


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_saw_is_counted(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        # The client makes up the left part; nginx appends the real address.
        response = attempt(
            client,
            "henshu",
            "wrong-password",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, {OFFICE}",
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == OFFICE
    response = attempt(
        client, "henshu", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{OFFICE}"
    )
    assert response.status_code == 429

    # Another client behind the same proxy is not locked.
    response = attempt(
        client, "henshu", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_two_proxies_the_address_the_first_one_saw_is_counted(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for i in range(5):
        response = attempt(
            client,
            "henshu",
            "wrong-password",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, {OFFICE}, 10.0.0.{i}",
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == OFFICE
    response = attempt(
        client,
        "henshu",
        PASSWORD,
        address="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, 10.0.0.9",
    )
    assert response.status_code == 302


# --- One account from many addresses ---------------------------------------------------------


def many_addresses(count):
    """Addresses in different /64s and /24s, so no limit per address is reached."""
    return [f"2001:db8:{i:x}::1" if i % 2 else f"192.0.2.{i}" for i in range(1, count + 1)]


def lock_by_many_addresses(client, username):
    limit = settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT
    responses = [
        attempt(client, username, "wrong-password", address=address)
        for address in many_addresses(limit)
    ]
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    return responses[-1]


@pytest.fixture
def contact(home_page):
    contact = SecretariatContact.for_site(home_page.get_site())
    contact.name = "児玉郡市自立支援協議会 事務局"
    contact.phone = "0495-72-0000"
    contact.fax = "0495-72-0001"
    contact.email = "jimukyoku@example.jp"
    contact.save()
    return contact


@pytest.mark.django_db
def test_an_account_guessed_from_many_addresses_is_locked_everywhere(
    client, editor, contact, mailoutbox
):
    response = lock_by_many_addresses(client, "henshu")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body
    assert ACCOUNT_LOCKED in body
    assert "どの場所からも" in body
    assert "事務局へご連絡ください" in body
    assert "0495-72-0000" in body and "0495-72-0001" in body and "jimukyoku@example.jp" in body
    retry_at = timezone.localtime(
        AccountLoginFailure.objects.order_by("attempted_at").first().attempted_at
        + settings.LOGIN_DAILY_PERIOD
    )
    assert f"{retry_at:%-H}時{retry_at:%M}分以降" in body

    # The right password from a new place is refused, on both logins.
    assert attempt(client, "henshu", PASSWORD, address="203.0.113.200").status_code == 429
    response = attempt(client, "henshu", PASSWORD, address="203.0.113.201", url=FRONT_LOGIN)
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.content.decode()
    assert logged_in_as(client) is None

    # Other accounts are not affected.
    User.objects.create_user("jimukyoku", "jimu@example.jp", PASSWORD)
    assert attempt(client, "jimukyoku", PASSWORD, address="203.0.113.202").status_code == 302


@pytest.mark.django_db
def test_the_account_holder_is_told_by_e_mail_once(client, editor, contact, mailoutbox):
    editor.last_name, editor.first_name = "児玉", "花子"
    editor.save()
    lock_by_many_addresses(client, "henshu")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["henshu@example.jp"]
    assert message.subject == "【児玉郡市自立支援協議会】アカウントを一時的にロックしました"
    assert "児玉 花子 様" in message.body
    assert "「henshu」" in message.body
    assert "パスワードは変わっていません" in message.body
    assert "事務局へご連絡ください" in message.body
    assert "0495-72-0000" in message.body and "jimukyoku@example.jp" in message.body
    assert "以降" in message.body

    # Trying on while it is locked sends nothing more and counts no more failures.
    for address in ("203.0.113.1", "203.0.113.2", "2001:db8:ff::1"):
        assert attempt(client, "henshu", "wrong-password", address=address).status_code == 429
    assert len(mailoutbox) == 1
    assert AccountLoginFailure.objects.count() == settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT


@pytest.mark.django_db
def test_an_unknown_account_name_looks_locked_the_same_and_nobody_is_mailed(
    client, editor, contact, mailoutbox
):
    known = lock_by_many_addresses(client, "henshu")
    mailoutbox.clear()
    unknown = lock_by_many_addresses(client, "dareka")
    assert unknown.status_code == known.status_code == 429

    def message(response):
        body = response.content.decode()
        body = re.sub(r"\d+年\d+月\d+日 \d+時\d+分", "(日時)", body)
        return body

    assert message(unknown) == message(known)
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_account_without_an_e_mail_address_is_locked_without_a_message(
    client, editor, mailoutbox
):
    editor.email = ""
    editor.save()
    assert lock_by_many_addresses(client, "henshu").status_code == 429
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_mail_server_that_fails_does_not_break_the_lock(client, editor, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(logins, "send_mail", refuse)
    response = lock_by_many_addresses(client, "henshu")
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.content.decode()


@pytest.mark.django_db
def test_the_account_lock_lifts_a_day_after_the_failures(client, editor):
    lock_by_many_addresses(client, "henshu")
    assert attempt(client, "henshu", PASSWORD, address="203.0.113.200").status_code == 429

    # Half the failures a day old: below the limit again.
    half = settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT // 2
    old = AccountLoginFailure.objects.order_by("attempted_at")[:half].values_list("pk", flat=True)
    AccountLoginFailure.objects.filter(pk__in=list(old)).update(
        attempted_at=timezone.now() - settings.LOGIN_DAILY_PERIOD - timedelta(minutes=1)
    )
    assert attempt(client, "henshu", PASSWORD, address="203.0.113.201").status_code == 302
    assert logged_in_as(client) == str(editor.pk)


@pytest.mark.django_db
def test_failures_spread_over_more_than_a_day_do_not_lock(client, editor):
    limit = settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT
    for address in many_addresses(limit - 1):
        attempt(client, "henshu", "wrong-password", address=address)
    AccountLoginFailure.objects.update(
        attempted_at=timezone.now() - settings.LOGIN_DAILY_PERIOD - timedelta(minutes=1)
    )
    response = attempt(client, "henshu", "wrong-password", address="203.0.113.200")
    assert response.status_code == 200
    # Records older than a day are dropped as new ones come in.
    assert AccountLoginFailure.objects.count() == 1


@pytest.mark.django_db
def test_axes_reset_username_lifts_the_account_lock(client, editor):
    lock_by_many_addresses(client, "henshu")
    call_command("axes_reset_username", "henshu", stdout=io.StringIO())
    assert not AccountLoginFailure.objects.exists()
    assert attempt(client, "henshu", PASSWORD, address="203.0.113.200").status_code == 302


@pytest.mark.django_db
def test_axes_reset_ip_takes_any_address_of_a_64(client, editor):
    for host in range(1, 6):
        attempt(client, "henshu", "wrong-password", address=f"2001:db8:1:2::{host}")
    call_command("axes_reset_ip", "2001:db8:1:2::abcd", stdout=io.StringIO())
    assert not AccessAttempt.objects.exists()
    assert not AccountLoginFailure.objects.exists()
    assert attempt(client, "henshu", PASSWORD, address="2001:db8:1:2::1").status_code == 302


# --- Odd input never breaks the login ----------------------------------------------------------


ODD_NAMES = [
    "x" * 300,
    "編" * 10_000,
    "へんしゅう",
    "ｊｉｍｕｋｙｏｋｕ",
    "henshu\x00",
    "' OR 1=1 --",
    "😀" * 200,
]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ODD_NAMES)
@pytest.mark.parametrize("url", [ADMIN_LOGIN, FRONT_LOGIN])
def test_odd_user_names_are_counted_without_errors(client, editor, username, url):
    for _ in range(5):
        response = attempt(client, username, "wrong-password", url=url)
        assert response.status_code in (200, 429)
    assert attempt(client, "henshu", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_very_long_user_name_is_locked_like_any_other(client, editor):
    # Django's login form passes any length on (the admin's refuses more than 254 characters).
    name = "n" * 1000
    for _ in range(5):
        response = attempt(client, name, "wrong-password", url=FRONT_LOGIN)
    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == "n" * 255


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": ""},
        {"REMOTE_ADDR": "garbage"},
        {"REMOTE_ADDR": "not an address, really", "HTTP_X_FORWARDED_FOR": "\x00\x01"},
        {"REMOTE_ADDR": "２００１:db8::1"},
        {"REMOTE_ADDR": "1" * 5000},
        {"REMOTE_ADDR": OFFICE, "HTTP_X_FORWARDED_FOR": "x" * 10_000},
        {"REMOTE_ADDR": OFFICE, "HTTP_X_FORWARDED_FOR": "ä, ö, ü"},
    ],
)
@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_odd_addresses_and_headers_never_break_the_login(client, editor, settings, meta, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    for _ in range(5):
        response = client.post(
            ADMIN_LOGIN, {"username": "henshu", "password": "wrong-password"}, **meta
        )
        assert response.status_code in (200, 429)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": "", "password": ""},
        {"username": "henshu"},
        {"password": "wrong-password"},
        {"username": ["henshu", "other"], "password": "x"},
        {"username": "henshu", "password": "p" * 100_000},
    ],
)
def test_incomplete_login_forms_never_break(client, editor, data):
    response = client.post(ADMIN_LOGIN, data, REMOTE_ADDR=OFFICE)
    assert response.status_code in (200, 429)


# --- Password-protected pages ---------------------------------------------------------------


PAGE_PASSWORD = "bukai-shiryou-2024"
PAGE_LOCKED = "パスワードの入力を一時的に停止しています"
PAGE_CONTENT = "部会の資料"


def protect(page, password=PAGE_PASSWORD):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
    )


@pytest.fixture
def restriction(home_page):
    return protect(StandardPageFactory(parent=home_page, title=PAGE_CONTENT, slug="shiryou"))


def enter_page_password(client, restriction, password, address=OFFICE, **extra):
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, restriction.page_id]
    )
    return client.post(
        url,
        {"password": password, "return_url": restriction.page.url},
        REMOTE_ADDR=address,
        **extra,
    )


def view_page(client, restriction, address=OFFICE):
    return client.get(restriction.page.url, REMOTE_ADDR=address)


def shows_the_page(response):
    return response.status_code == 200 and f"<h1>{PAGE_CONTENT}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_five_wrong_page_passwords_lock_that_page_for_that_address(client, restriction, contact):
    response = view_page(client, restriction)
    assert response.status_code == 200 and not shows_the_page(response)  # the password form

    for _ in range(4):
        response = enter_page_password(client, restriction, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
        assert PAGE_LOCKED not in response.content.decode()
    response = enter_page_password(client, restriction, "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert PAGE_LOCKED in body
    assert "事務局へご連絡ください" in body
    assert "0495-72-0000" in body and "0495-72-0001" in body and "jimukyoku@example.jp" in body
    retry_at = timezone.localtime(
        PagePasswordFailure.objects.order_by("attempted_at").first().attempted_at
        + settings.LOGIN_COOL_OFF
    )
    assert f"{retry_at:%-H}時{retry_at:%M}分以降" in body

    # The right password is refused while locked, and the page is not shown.
    response = enter_page_password(client, restriction, PAGE_PASSWORD)
    assert response.status_code == 429
    assert PAGE_LOCKED in response.content.decode()
    response = view_page(client, restriction)
    assert response.status_code == 429
    assert PAGE_LOCKED in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    # From another place the right password works.
    response = enter_page_password(client, restriction, PAGE_PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert shows_the_page(view_page(client, restriction, address=ELSEWHERE))


@pytest.mark.django_db
def test_the_right_page_password_works_again_after_the_cool_off(client, restriction):
    for _ in range(5):
        enter_page_password(client, restriction, "wrong-password")
    assert enter_page_password(client, restriction, PAGE_PASSWORD).status_code == 429
    # Tries during the lock are not counted.
    assert PagePasswordFailure.objects.count() == 5

    PagePasswordFailure.objects.update(
        attempted_at=timezone.now() - settings.LOGIN_COOL_OFF - timedelta(minutes=1)
    )
    response = view_page(client, restriction)
    assert response.status_code == 200 and not shows_the_page(response)
    response = enter_page_password(client, restriction, PAGE_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == restriction.page.url
    assert shows_the_page(view_page(client, restriction))


@pytest.mark.django_db
def test_page_passwords_from_one_64_share_the_count(client, restriction):
    for host in range(1, 6):
        response = enter_page_password(
            client, restriction, "wrong-password", address=f"2001:db8:7:8::{host}"
        )
    assert response.status_code == 429
    response = enter_page_password(client, restriction, PAGE_PASSWORD, address="2001:db8:7:8::99")
    assert response.status_code == 429
    response = enter_page_password(client, restriction, PAGE_PASSWORD, address="2001:db8:7:9::1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_is_locked_on_one_page_and_then_on_all_pages(client, home_page, restriction):
    others = [
        protect(StandardPageFactory(parent=home_page), password=f"other-password-{i}")
        for i in range(5)
    ]
    for _ in range(5):
        enter_page_password(client, restriction, "wrong-password")
    assert enter_page_password(client, restriction, PAGE_PASSWORD).status_code == 429
    # A lock on one page does not keep the address from another page.
    assert enter_page_password(client, others[0], "other-password-0").status_code == 302

    # Over the pages, the address limit: 5 + 3 × 5 = 20.
    for other in others[1:4]:
        for _ in range(5):
            enter_page_password(client, other, "wrong-password")
    assert PagePasswordFailure.objects.count() == settings.LOGIN_ADDRESS_FAILURE_LIMIT
    response = enter_page_password(client, others[4], "other-password-4")
    assert response.status_code == 429
    assert "この場所からのパスワードの誤りが続いた" in response.content.decode()
    assert enter_page_password(client, others[4], "other-password-4", ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_a_page_guessed_from_many_addresses_is_locked_for_everybody(client, restriction):
    limit = settings.PAGE_PASSWORD_DAILY_FAILURE_LIMIT
    PagePasswordFailure.objects.bulk_create(
        PagePasswordFailure(restriction=restriction, ip_address=f"2001:db8:{i:x}::")
        for i in range(limit - 1)
    )
    response = enter_page_password(client, restriction, "wrong-password", address="192.0.2.1")
    assert response.status_code == 429
    assert "どの場所からも" in response.content.decode()
    for address in ("192.0.2.2", "2001:db8:ffff::1"):
        assert enter_page_password(client, restriction, PAGE_PASSWORD, address).status_code == 429
        assert view_page(client, restriction, address).status_code == 429

    PagePasswordFailure.objects.update(
        attempted_at=timezone.now() - settings.LOGIN_DAILY_PERIOD - timedelta(minutes=1)
    )
    assert enter_page_password(client, restriction, PAGE_PASSWORD, "192.0.2.2").status_code == 302


@pytest.mark.django_db
def test_a_missing_page_password_is_not_counted(client, restriction):
    for _ in range(10):
        assert enter_page_password(client, restriction, "").status_code == 200
    assert not PagePasswordFailure.objects.exists()


@pytest.mark.django_db
def test_page_passwords_behind_a_proxy_count_the_address_it_saw(client, restriction, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        response = enter_page_password(
            client,
            restriction,
            "wrong-password",
            address="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, {OFFICE}",
        )
    assert response.status_code == 429
    response = enter_page_password(
        client, restriction, PAGE_PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_axes_reset_ip_also_lifts_page_password_locks(client, restriction):
    for _ in range(5):
        enter_page_password(client, restriction, "wrong-password")
    call_command("axes_reset_ip", OFFICE, stdout=io.StringIO())
    assert enter_page_password(client, restriction, PAGE_PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["p" * 100_000, "パスワード", "bukai\x00shiryou", "' OR 1=1 --", "😀" * 1000, " "],
)
def test_odd_page_passwords_never_break(client, restriction, password):
    for _ in range(5):
        response = enter_page_password(client, restriction, password)
        assert response.status_code in (200, 429)
    assert enter_page_password(client, restriction, PAGE_PASSWORD, ELSEWHERE).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": ""},
        {"REMOTE_ADDR": "garbage", "HTTP_X_FORWARDED_FOR": "\x00"},
        {"REMOTE_ADDR": "２００１:db8::1", "HTTP_X_FORWARDED_FOR": "x" * 10_000},
    ],
)
@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_odd_addresses_never_break_the_page_password(client, restriction, settings, meta, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = dict(meta)
    address = meta.pop("REMOTE_ADDR")
    for _ in range(5):
        response = enter_page_password(client, restriction, "wrong-password", address, **meta)
    assert response.status_code == 429
    response = client.get(restriction.page.url, REMOTE_ADDR=address, **meta)
    assert response.status_code == 429


@pytest.mark.django_db
def test_odd_page_password_requests_never_break(client, restriction):
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, restriction.page_id]
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200
    assert client.post(
        url, {"password": ["a", "b"], "return_url": "//evil.example"}
    ).status_code in (
        200,
        302,
    )
    response = client.post(url, {"password": PAGE_PASSWORD, "return_url": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
    missing = [(restriction.pk + 1000, restriction.page_id), (restriction.pk, 999_999)]
    for args in missing:
        url = reverse("wagtailcore_authenticate_with_password", args=args)
        assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 404


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
