"""E-mail alerts: double opt-in, one message per subscriber per published page, unsubscribe
without login, abuse limits, and 事務局's screen."""

import datetime as dt
import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import PageViewRestriction

from alerts import throttle
from alerts.mail import CONFIRM_SALT
from alerts.models import Delivery, Subscriber
from editorial.roles import APPROVER, FACILITY_EDITOR, SECRETARIAT
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

SUBSCRIBE = "/alerts/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "plenary": CommitteePageFactory(
            parent=about, title="全体会", slug="zentaikai", kind="plenary"
        ),
        "operating": CommitteePageFactory(
            parent=about, title="運営会議", slug="unei", kind="operating"
        ),
        "soudan": CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan"),
        "news": NewsIndexPageFactory(parent=home_page),
    }


def sign_up(client, email, remote_addr="198.51.100.1", **choices):
    data = {"email": email, "website": ""}
    for key, value in choices.items():
        if key == "committees":
            data["committees"] = [c.pk for c in value]
        elif value:
            data[key] = "on"
    return client.post(SUBSCRIBE, data, REMOTE_ADDR=remote_addr)


def link_in(message, name):
    match = re.search(rf"https?://\S+/alerts/{name}/[^/\s]+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def confirmed(client, email, **choices):
    sign_up(client, email, **choices)
    confirm_path = link_in(mail.outbox[-1], "confirm")
    assert client.post(confirm_path).status_code == 200
    mail.outbox.clear()
    return Subscriber.objects.get(email=email)


def alerts_to(email):
    return [m for m in mail.outbox if m.to == [email]]


# --- Double opt-in -------------------------------------------------------------------------


def test_nothing_is_sent_until_the_address_is_confirmed(client, site):
    response = sign_up(client, "taro@example.jp", committees=[site["plenary"]])
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["taro@example.jp"]
    assert "登録の確認" in confirmation.subject
    MeetingPageFactory(parent=site["plenary"], title="第1回全体会")
    assert len(mail.outbox) == 1  # the meeting sent nothing to the unconfirmed address

    confirm_path = link_in(confirmation, "confirm")
    page = client.get(confirm_path)
    assert page.status_code == 200 and "登録する" in page.content.decode()
    assert Subscriber.objects.get().confirmed_at is None  # opening the link alone does not confirm
    assert client.post(confirm_path).status_code == 200
    assert Subscriber.objects.get().confirmed_at is not None

    MeetingPageFactory(parent=site["plenary"], title="第2回全体会")
    assert [m.subject for m in mail.outbox[1:]] == ["[児玉郡市自立支援協議会] 第2回全体会"]


def test_the_page_after_signing_up_is_in_japanese(client, site):
    response = client.get(reverse("alerts:sent"))
    assert "確認のメールを送りました" in response.content.decode()


# --- Sending -------------------------------------------------------------------------------


def test_a_page_is_announced_once_to_each_subscriber_even_if_published_again(client, site):
    confirmed(client, "a@example.jp", committees=[site["plenary"]])
    confirmed(client, "b@example.jp", everything=True)
    meeting = MeetingPageFactory(parent=site["plenary"], title="第1回全体会")
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.jp", "b@example.jp"]
    meeting.title = "第1回全体会(資料を追加)"
    meeting.save_revision().publish()
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(page=meeting).count() == 2


def test_each_message_links_to_the_page_and_carries_one_click_unsubscribe(client, site):
    subscriber = confirmed(client, "a@example.jp", news=True)
    item = NewsPageFactory(parent=site["news"], title="研修会のご案内")
    (message,) = mail.outbox
    assert item.get_full_url() in message.body
    unsubscribe = reverse("alerts:unsubscribe", args=[subscriber.token])
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"].endswith(unsubscribe + ">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_only_the_chosen_lists_are_sent(client, site):
    confirmed(client, "plenary@example.jp", committees=[site["plenary"]])
    confirmed(client, "soudan@example.jp", committees=[site["soudan"], site["operating"]])
    confirmed(client, "news@example.jp", news=True)
    confirmed(client, "all@example.jp", everything=True)

    MeetingPageFactory(parent=site["plenary"])
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.jp", "plenary@example.jp"]
    mail.outbox.clear()
    ActivityReportPageFactory(parent=site["soudan"])
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.jp", "soudan@example.jp"]
    mail.outbox.clear()
    NewsPageFactory(parent=site["news"])
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.jp", "news@example.jp"]


def test_a_private_page_sends_nothing(client, site):
    confirmed(client, "a@example.jp", everything=True)
    restriction = PageViewRestriction.objects.create(page=site["plenary"], restriction_type="login")
    meeting = MeetingPageFactory(parent=site["plenary"], title="非公開の会議")
    meeting.save_revision().publish()
    assert mail.outbox == []
    assert not Delivery.objects.exists()
    # Once anyone may view it, publishing it announces it.
    restriction.delete()
    meeting.save_revision().publish()
    assert [m.subject for m in mail.outbox] == ["[児玉郡市自立支援協議会] 非公開の会議"]


def test_a_later_subscriber_is_not_told_of_an_old_page_published_again(client, site):
    meeting = MeetingPageFactory(parent=site["plenary"])
    confirmed(client, "late@example.jp", everything=True)
    meeting.save_revision().publish()
    assert mail.outbox == []
    MeetingPageFactory(parent=site["plenary"])
    assert len(mail.outbox) == 1


def test_pages_of_other_types_send_nothing(client, site):
    confirmed(client, "a@example.jp", everything=True)
    CommitteePageFactory(parent=site["plenary"].get_parent(), title="こども部会")
    assert mail.outbox == []


# --- Unsubscribing -------------------------------------------------------------------------


def test_unsubscribe_by_link_without_login(client, site):
    subscriber = confirmed(client, "a@example.jp", everything=True)
    path = reverse("alerts:unsubscribe", args=[subscriber.token])
    page = client.get(path)
    assert page.status_code == 200 and "配信を停止する" in page.content.decode()
    assert Subscriber.objects.exists()  # GET only asks
    response = client.post(path)
    assert response.status_code == 200 and "配信を停止しました" in response.content.decode()
    assert not Subscriber.objects.exists()
    MeetingPageFactory(parent=site["plenary"])
    assert mail.outbox == []
    again = client.post(path)
    assert again.status_code == 404 and "見つかりません" in again.content.decode()


def test_one_click_unsubscribe_needs_no_form_token(site):
    from django.test import Client

    setup = Client()
    subscriber = confirmed(setup, "a@example.jp", everything=True)
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        reverse("alerts:unsubscribe", args=[subscriber.token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("kind", ["forged", "expired", "unknown"])
def test_bad_confirmation_links_give_a_japanese_message(client, site, kind, settings):
    sign_up(client, "a@example.jp", news=True)
    subscriber = Subscriber.objects.get()
    if kind == "forged":
        value = signing.dumps(subscriber.token, salt=CONFIRM_SALT, key="not-the-site-key")
    elif kind == "expired":
        # Signed four days ago: past the three days the link is good for.
        with mock.patch("time.time", return_value=time.time() - 4 * 24 * 3600):
            value = signing.dumps(subscriber.token, salt=CONFIRM_SALT)
    else:
        value = signing.dumps("no-such-token", salt=CONFIRM_SALT)
    for method in (client.get, client.post):
        response = method(reverse("alerts:confirm", args=[value]))
        assert response.status_code == 404
        assert "このリンクは使えません" in response.content.decode()
        assert "期限" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_a_confirmation_link_used_twice_says_so(client, site):
    sign_up(client, "a@example.jp", news=True)
    path = link_in(mail.outbox[0], "confirm")
    client.post(path)
    again = client.post(path)
    assert again.status_code == 200 and "すでに済んでいます" in again.content.decode()


# --- The form and its limits ---------------------------------------------------------------


def test_the_form_shows_the_lists_and_the_privacy_notice(client, site):
    html = client.get(SUBSCRIBE).content.decode()
    for name in ("全体会", "運営会議", "相談支援部会", "お知らせ", "すべての新しい記録"):
        assert name in html
    assert "個人情報の取り扱い" in html and "配信を停止すると" in html


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-address", "メールアドレスの形が正しくありません"),
        ("", "メールアドレスを入力してください"),
    ],
)
def test_a_bad_address_gives_a_japanese_error(client, site, email, error):
    response = sign_up(client, email, news=True)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and "入力を確かめてください" in html
    assert mail.outbox == [] and not Subscriber.objects.exists()


def test_choosing_nothing_gives_a_japanese_error(client, site):
    response = sign_up(client, "a@example.jp")
    assert response.status_code == 400
    assert "1つ以上選んでください" in response.content.decode()
    assert mail.outbox == []


def test_a_filled_honeypot_sends_nothing(client, site):
    response = client.post(
        SUBSCRIBE, {"email": "a@example.jp", "news": "on", "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert mail.outbox == [] and not Subscriber.objects.exists()


def test_requests_from_one_client_are_limited(client, site):
    for n in range(throttle.PER_CLIENT):
        assert sign_up(client, f"user{n}@example.jp", news=True).status_code == 302
    response = sign_up(client, "late@example.jp", news=True)
    assert response.status_code == 429
    assert "1時間ほどたってから" in response.content.decode()
    assert not Subscriber.objects.filter(email="late@example.jp").exists()
    # Another client is not affected.
    assert (
        sign_up(client, "late@example.jp", remote_addr="203.0.113.9", news=True).status_code == 302
    )


def test_clients_behind_the_trusted_proxy_are_counted_by_their_own_address(client, site, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(throttle.PER_CLIENT):
        response = client.post(
            SUBSCRIBE,
            {"email": f"user{n}@example.jp", "news": "on"},
            REMOTE_ADDR="",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        assert response.status_code == 302
    limited = client.post(
        SUBSCRIBE, {"email": "x@example.jp", "news": "on"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    other = client.post(
        SUBSCRIBE, {"email": "y@example.jp", "news": "on"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert (limited.status_code, other.status_code) == (429, 302)


def test_mails_to_one_address_are_limited_silently(client, site):
    responses = [
        sign_up(client, "a@example.jp", remote_addr=f"198.51.100.{n}", news=True)
        for n in range(throttle.PER_EMAIL + 2)
    ]
    assert {r.status_code for r in responses} == {302}
    assert len(mail.outbox) == throttle.PER_EMAIL


def test_the_answer_does_not_tell_whether_an_address_is_subscribed(client, site):
    confirmed(client, "known@example.jp", news=True)
    known = sign_up(client, "known@example.jp", committees=[site["plenary"]])
    unknown = sign_up(client, "new@example.jp", committees=[site["plenary"]])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["known@example.jp"], ["new@example.jp"]]
    already, confirmation = mail.outbox
    assert "すでに登録されています" in already.subject and "/alerts/unsubscribe/" in already.body
    assert "/alerts/confirm/" in confirmation.body
    # The confirmed subscription is unchanged by the second request.
    known_subscriber = Subscriber.objects.get(email="known@example.jp")
    assert known_subscriber.news and not known_subscriber.committees.exists()


# --- 事務局's screen -------------------------------------------------------------------------


def user_in(role):
    user = User.objects.create_user(username=f"u-{role}", password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


def test_secretariat_sees_counts_and_removes_an_address(client, site):
    confirmed(client, "a@example.jp", committees=[site["plenary"], site["soudan"]])
    confirmed(client, "b@example.jp", committees=[site["plenary"]], news=True)
    sign_up(client, "pending@example.jp", committees=[site["plenary"]])
    client.force_login(user_in(SECRETARIAT))
    response = client.get(reverse("alerts_admin"))
    assert response.status_code == 200
    counts = dict(response.context["counts"])
    assert counts["全体会"] == 2 and counts["相談支援部会"] == 1 and counts["運営会議"] == 0
    assert counts["お知らせ"] == 1 and counts["すべての新しい記録とお知らせ"] == 0
    assert "a@example.jp" in response.content.decode()

    target = Subscriber.objects.get(email="a@example.jp")
    removed = client.post(reverse("alerts_admin_remove", args=[target.pk]))
    assert removed.status_code == 302
    assert not Subscriber.objects.filter(email="a@example.jp").exists()


@pytest.mark.parametrize("role", [APPROVER, FACILITY_EDITOR])
def test_other_roles_see_no_addresses(client, site, role):
    subscriber = confirmed(client, "a@example.jp", news=True)
    client.force_login(user_in(role))
    response = client.get(reverse("alerts_admin"))
    assert response.status_code == 403
    assert "a@example.jp" not in response.content.decode()
    assert client.post(reverse("alerts_admin_remove", args=[subscriber.pk])).status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize("value", ["abc", "999999", "'; DROP TABLE x"])
def test_a_tampered_committee_choice_gives_a_japanese_error(client, site, value):
    response = client.post(SUBSCRIBE, {"email": "a@example.jp", "committees": [value]})
    assert response.status_code == 400
    assert "選べない会議・部会が送られました" in response.content.decode()
    assert mail.outbox == [] and not Subscriber.objects.exists()


def test_a_private_committee_is_not_offered(client, site):
    PageViewRestriction.objects.create(page=site["operating"], restriction_type="login")
    assert "運営会議" not in client.get(SUBSCRIBE).content.decode()
    response = sign_up(client, "a@example.jp", committees=[site["operating"]])
    assert response.status_code == 400


# --- Query counts --------------------------------------------------------------------------


def make_subscribers(count, **choices):
    for n in range(count):
        subscriber = Subscriber.objects.create(
            email=f"s{n}@example.jp", confirmed_at=dt.datetime.now(dt.UTC), news=True
        )
        subscriber.committees.set(choices.get("committees", []))


@pytest.mark.parametrize("count", [1, 10])
def test_sending_costs_a_fixed_number_of_queries_per_subscriber(
    site, count, django_assert_max_num_queries
):
    from alerts.tasks import send_page_alerts

    make_subscribers(count)
    item = NewsPageFactory(parent=site["news"])
    Delivery.objects.all().delete()
    mail.outbox.clear()
    # Reading the page and the subscribers, then per subscriber a savepoint, the insert and its release.
    with django_assert_max_num_queries(4 + 3 * count):
        sent = send_page_alerts.call(page_id=item.pk)
    assert sent == count == len(mail.outbox)


def test_the_secretariat_screen_costs_the_same_for_many_addresses(
    client, site, django_assert_max_num_queries
):
    client.force_login(user_in(SECRETARIAT))
    make_subscribers(1, committees=[site["plenary"]])
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("alerts_admin"))
    before = Subscriber.objects.count()
    for n in range(20):
        subscriber = Subscriber.objects.create(email=f"more{n}@example.jp")
        subscriber.committees.set([site["soudan"], site["plenary"]])
    assert Subscriber.objects.count() == before + 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("alerts_admin"))
    assert "more19@example.jp" in response.content.decode()
