"""Correction requests: the public form from a facility page, its abuse limits and bad input,
the admin inbox (who sees it, closing a request, its queries) and the dashboard count."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageViewRestriction

from corrections import throttle
from corrections.models import CorrectionRequest, CorrectionStatus
from editorial.roles import APPROVER, CONSULTATION_OFFICE, FACILITY_EDITOR, SECRETARIAT
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory

pytestmark = pytest.mark.django_db

MESSAGE = "電話番号が変わっています。新しい番号は 0495-00-1234 です。"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(home_page):
    return FacilityIndexPageFactory(parent=home_page)


@pytest.fixture
def facility(index):
    return FacilityPageFactory(parent=index, title="サンプル作業所ひまわり")


def form_url(page):
    return f"/corrections/{page.pk}/"


def send(client, page, message=MESSAGE, contact="", website="", remote_addr="198.51.100.7"):
    return client.post(
        form_url(page),
        {"message": message, "contact": contact, "website": website},
        REMOTE_ADDR=remote_addr,
    )


def user_in(role, name=None):
    user = User.objects.create_user(username=name or f"u-{role}", password="x")  # noqa: S106
    user.groups.add(Group.objects.get(name=role))
    return user


# --- The public form -----------------------------------------------------------------------


def test_the_facility_page_links_to_the_form_and_the_request_is_stored(client, facility):
    page = client.get(facility.url)
    html = page.content.decode()
    assert "掲載内容の修正を依頼する" in html
    assert f'href="{form_url(facility)}"' in html

    form = client.get(form_url(facility))
    assert form.status_code == 200
    body = form.content.decode()
    assert "サンプル作業所ひまわり" in body and "csrfmiddlewaretoken" in body
    assert 'name="website"' in body  # the honeypot

    response = send(client, facility, contact="山田 0495-00-0000\r\n")
    assert response.status_code == 302
    assert response.url == f"/corrections/{facility.pk}/sent/"
    item = CorrectionRequest.objects.get()
    assert item.facility_id == facility.pk
    assert item.message == MESSAGE and item.contact == "山田 0495-00-0000"
    assert item.status == CorrectionStatus.OPEN and item.handled_by is None

    thanks = client.get(response.url)
    assert thanks.status_code == 200
    text = thanks.content.decode()
    assert "修正の依頼を受け付けました" in text and "このあとの流れ" in text
    assert facility.url in text


def test_the_form_needs_the_csrf_token(facility):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(form_url(facility), {"message": MESSAGE})
    assert response.status_code == 403
    assert not CorrectionRequest.objects.exists()


def test_nothing_typed_is_shown_on_the_public_site(client, facility):
    send(client, facility, message="秘密の内容ABC", contact="連絡先XYZ")
    for url in (facility.url, facility.get_parent().url, f"/corrections/{facility.pk}/sent/"):
        html = client.get(url).content.decode()
        assert "秘密の内容ABC" not in html and "連絡先XYZ" not in html
    # The site search does not find the facility by the request's words.
    assert facility.title not in client.get("/search/?q=秘密の内容ABC").content.decode()


def test_a_filled_honeypot_stores_nothing_and_answers_like_a_person(client, facility):
    response = send(client, facility, website="https://spam.example/")
    assert response.status_code == 302
    assert response.url == f"/corrections/{facility.pk}/sent/"
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize(
    ("message", "contact", "error"),
    [
        ("あ" * 10_000, "", "2,000文字までで書いてください(いまは10000文字です)"),
        ("", "", "修正してほしい内容を書いてください。"),
        ("   \u3000\u3000 \n\t\u3000", "", "修正してほしい内容を書いてください。"),
        ("\u200b\u3000\ufeff", "", "修正してほしい内容を書いてください。"),
        ('<a href="https://spam.example/">安い</a>', "", "HTML のタグ(<…>)は使えません"),
        ("<script>alert(1)</script>", "", "HTML のタグ(<…>)は使えません"),
        ("住所が違います。", "<b>山田</b>", "HTML のタグ(<…>)は使えません"),
        ("住所が違います。", "あ" * 201, "連絡先は200文字までで書いてください"),
    ],
)
def test_bad_input_gives_a_japanese_error_and_stores_nothing(
    client, facility, message, contact, error
):
    response = send(client, facility, message=message, contact=contact)
    assert response.status_code == 400
    html = response.content.decode()
    assert "入力を確かめてください" in html
    assert error.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "<script>alert(1)</script>" not in html
    assert not CorrectionRequest.objects.exists()


def test_text_is_cleaned_and_an_ordinary_less_than_sign_is_text(client, facility):
    send(client, facility, message="\u3000定員<10人 と書いてありますが\x00、20人です。\r\n")
    item = CorrectionRequest.objects.get()
    assert item.message == "定員<10人 と書いてありますが、20人です。"


def test_a_missing_unpublished_or_restricted_facility_is_404(client, index, facility):
    draft = FacilityPageFactory(parent=index, title="下書きの事業所")
    draft.unpublish()
    restricted = FacilityPageFactory(parent=index, title="制限した事業所")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for pk in (0, 999_999, draft.pk, restricted.pk, index.pk, 10**30):
        for method in ("get", "post"):
            response = getattr(client, method)(
                f"/corrections/{pk}/", {"message": MESSAGE} if method == "post" else {}
            )
            assert response.status_code == 404, (pk, method)
            assert "この事業所のページは見つかりません" in response.content.decode()
        assert client.get(f"/corrections/{pk}/sent/").status_code == 404
    assert client.get("/corrections/abc/").status_code == 404
    assert not CorrectionRequest.objects.exists()
    # The restricted page offers no link to a form that would answer 404.
    restricted_html = client.get(restricted.url)
    assert "掲載内容の修正を依頼する" not in restricted_html.content.decode()


def test_requests_are_limited_per_client_address(client, facility):
    for _ in range(throttle.PER_CLIENT):
        assert send(client, facility).status_code == 302
    refused = send(client, facility)
    assert refused.status_code == 429
    assert "受け付けを止めています" in refused.content.decode()
    assert CorrectionRequest.objects.count() == throttle.PER_CLIENT
    # Another address still gets through.
    assert send(client, facility, remote_addr="198.51.100.8").status_code == 302


def test_requests_are_limited_per_facility(client, index, facility):
    for n in range(throttle.PER_FACILITY):
        assert send(client, facility, remote_addr=f"203.0.113.{n}").status_code == 302
    refused = send(client, facility, remote_addr="203.0.113.200")
    assert refused.status_code == 429
    assert CorrectionRequest.objects.count() == throttle.PER_FACILITY
    other = FacilityPageFactory(parent=index)
    assert send(client, other, remote_addr="203.0.113.201").status_code == 302


# --- The admin inbox -------------------------------------------------------------------------


def make_requests(facility, n, status=CorrectionStatus.OPEN):
    now = timezone.now()
    return CorrectionRequest.objects.bulk_create(
        CorrectionRequest(
            facility=facility,
            message=f"依頼{i}",
            contact="",
            status=status,
            created_at=now - dt.timedelta(hours=i),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("role", [SECRETARIAT, FACILITY_EDITOR])
def test_secretariat_and_facility_editors_see_the_inbox(client, facility, role):
    make_requests(facility, 2)
    client.force_login(user_in(role))
    home = client.get("/admin/").content.decode()
    assert "修正の依頼" in home and reverse("corrections_admin") in home
    inbox = client.get(reverse("corrections_admin"))
    assert inbox.status_code == 200
    html = inbox.content.decode()
    assert "依頼0" in html and "サンプル作業所ひまわり" in html


@pytest.mark.parametrize("role", [APPROVER, CONSULTATION_OFFICE])
def test_other_roles_cannot_see_the_inbox_by_menu_or_url(client, facility, role):
    (item,) = make_requests(facility, 1)
    client.force_login(user_in(role))
    home = client.get("/admin/")
    if home.status_code == 200:
        assert reverse("corrections_admin") not in home.content.decode()
    for url in (reverse("corrections_admin"), reverse("corrections_admin_detail", args=[item.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "依頼0" not in response.content.decode()
    closing = client.post(
        reverse("corrections_admin_detail", args=[item.pk]), {"status": "done", "note": ""}
    )
    assert closing.status_code in (302, 403)
    item.refresh_from_db()
    assert item.status == CorrectionStatus.OPEN


def test_anonymous_visitors_are_sent_to_the_login(client, facility):
    (item,) = make_requests(facility, 1)
    for url in (reverse("corrections_admin"), reverse("corrections_admin_detail", args=[item.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    client.post(reverse("corrections_admin_detail", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.status == CorrectionStatus.OPEN


def test_an_account_sees_only_the_requests_of_facilities_it_may_edit(
    client, django_user_model, index, facility
):
    other = FacilityPageFactory(parent=index, title="別の事業所")
    make_requests(facility, 1)
    (elsewhere,) = make_requests(other, 1)
    elsewhere.message = "別の事業所への依頼"
    elsewhere.save()
    # An account with the inbox permission and "change" on one facility page only.
    user = django_user_model.objects.create_user("office", password="x")  # noqa: S106
    group = Group.objects.create(name="事業所ひまわり")
    group.permissions.add(
        *Group.objects.get(name=FACILITY_EDITOR).permissions.filter(
            content_type__app_label__in=["wagtailadmin", "corrections"]
        )
    )
    GroupPagePermission.objects.create(group=group, page=facility, permission_type="change")
    user.groups.add(group)
    client.force_login(user)
    html = client.get(reverse("corrections_admin")).content.decode()
    assert "依頼0" in html and "別の事業所への依頼" not in html
    detail = client.get(reverse("corrections_admin_detail", args=[elsewhere.pk]))
    assert detail.status_code == 404


def test_marking_done_and_rejected_with_a_note(client, facility):
    first, second = make_requests(facility, 2)
    editor = user_in(FACILITY_EDITOR)
    client.force_login(editor)
    detail = client.get(reverse("corrections_admin_detail", args=[first.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "依頼0" in html and "対応を記録する" in html
    assert "<textarea" in html and 'name="message"' not in html  # the request is not editable

    done = client.post(
        reverse("corrections_admin_detail", args=[first.pk]),
        {"status": "done", "note": "電話番号を直しました。\x00"},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == CorrectionStatus.DONE
    assert first.note == "電話番号を直しました。"
    assert first.handled_by == editor and first.handled_at is not None
    assert first.message == "依頼0"

    no_reason = client.post(
        reverse("corrections_admin_detail", args=[second.pk]), {"status": "rejected", "note": " "}
    )
    assert no_reason.status_code == 400
    assert "理由をメモに書いてください" in no_reason.content.decode()
    second.refresh_from_db()
    assert second.status == CorrectionStatus.OPEN

    rejected = client.post(
        reverse("corrections_admin_detail", args=[second.pk]),
        {"status": "rejected", "note": "事業所に確かめたところ、掲載どおりでした。"},
    )
    assert rejected.status_code == 302
    second.refresh_from_db()
    assert second.status == CorrectionStatus.REJECTED

    # Closed requests leave the default list, and show under their status.
    assert "依頼0" not in client.get(reverse("corrections_admin")).content.decode()
    done_list = client.get(reverse("corrections_admin"), {"status": "done"}).content.decode()
    assert "依頼0" in done_list and "依頼1" not in done_list
    rejected_list = client.get(reverse("corrections_admin"), {"status": "rejected"})
    assert "依頼1" in rejected_list.content.decode()


def test_closing_twice_or_with_a_forged_status_changes_nothing(client, facility):
    (item,) = make_requests(facility, 1)
    client.force_login(user_in(SECRETARIAT))
    url = reverse("corrections_admin_detail", args=[item.pk])
    forged = client.post(url, {"status": "open", "note": "x"})
    assert forged.status_code == 400
    assert "「対応済み」か「対応しない」から選んでください" in forged.content.decode()
    assert 'href="#id_status_0"' in forged.content.decode()
    too_long = client.post(url, {"status": "done", "note": "あ" * 2001})
    assert too_long.status_code == 400
    item.refresh_from_db()
    assert item.status == CorrectionStatus.OPEN and item.note == ""

    client.post(url, {"status": "done", "note": "直しました。"})
    again = client.post(url, {"status": "rejected", "note": "上書き"}, follow=True)
    assert "すでに対応が記録されています" in again.content.decode()
    item.refresh_from_db()
    assert item.status == CorrectionStatus.DONE and item.note == "直しました。"


def test_bad_status_filter_and_unknown_request_in_the_inbox(client, facility):
    make_requests(facility, 1)
    client.force_login(user_in(SECRETARIAT))
    bad = client.get(reverse("corrections_admin"), {"status": "<x>", "page": "zz"})
    assert bad.status_code == 200
    assert "状態の指定が正しくないため" in bad.content.decode()
    assert client.get("/admin/corrections/999999/").status_code == 404
    assert client.get(f"/admin/corrections/{10**30}/").status_code == 404


@pytest.mark.parametrize("role", [SECRETARIAT, FACILITY_EDITOR])
def test_the_dashboard_counts_open_requests(client, facility, role):
    make_requests(facility, 3)
    make_requests(facility, 2, status=CorrectionStatus.DONE)
    client.force_login(user_in(role))
    html = client.get("/admin/").content.decode()
    section = html.split('id="editor-tasks-corrections"')[1].split("</section>")[0]
    assert "掲載内容の修正の依頼(未対応)(3件)" in section
    assert "サンプル作業所ひまわり" in section


def test_the_dashboard_leaves_the_section_out_for_other_roles(client, facility):
    make_requests(facility, 1)
    client.force_login(user_in(APPROVER))
    assert 'id="editor-tasks-corrections"' not in client.get("/admin/").content.decode()


def _inbox_queries(client, django_assert_max_num_queries, index, n, limit):
    for i in range(n):
        make_requests(FacilityPageFactory(parent=index, title=f"事業所{i:03}"), 1)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(reverse("corrections_admin"), {"status": "all"})
    assert response.status_code == 200
    return len(captured)


def test_the_inbox_makes_as_many_queries_for_50_requests_as_for_5(
    client, index, django_assert_max_num_queries
):
    client.force_login(user_in(FACILITY_EDITOR))
    client.get(reverse("corrections_admin"))  # sessions and permissions warmed up
    few = _inbox_queries(client, django_assert_max_num_queries, index, 5, 25)
    many = _inbox_queries(client, django_assert_max_num_queries, index, 45, few)
    assert CorrectionRequest.objects.count() == 50
    assert many == few


# --- Notification ------------------------------------------------------------------------------


def test_a_new_request_is_mailed_to_those_who_handle_the_facility(
    client, django_user_model, index, facility, mailoutbox
):
    secretariat = user_in(SECRETARIAT)
    secretariat.email = "jimukyoku@example.jp"
    secretariat.save()
    editor = user_in(FACILITY_EDITOR)
    editor.email = "shisetsu@example.jp"
    editor.save()
    user_in(FACILITY_EDITOR, name="no-address")  # no e-mail address: nothing to send
    approver = user_in(APPROVER)
    approver.email = "shounin@example.jp"
    approver.save()
    gone = user_in(FACILITY_EDITOR, name="gone")
    gone.email = "gone@example.jp"
    gone.is_active = False
    gone.save()
    # An account that handles another facility only.
    other = FacilityPageFactory(parent=index, title="別の事業所")
    office = django_user_model.objects.create_user("office", email="office@example.jp")
    group = Group.objects.create(name="別の事業所の担当")
    group.permissions.add(
        *Group.objects.get(name=FACILITY_EDITOR).permissions.filter(
            content_type__app_label="corrections"
        )
    )
    GroupPagePermission.objects.create(group=group, page=other, permission_type="change")
    office.groups.add(group)

    send(client, facility, message="秘密の内容ABC", contact="連絡先XYZ")
    item = CorrectionRequest.objects.get()
    assert sorted(m.to[0] for m in mailoutbox) == ["jimukyoku@example.jp", "shisetsu@example.jp"]
    message = mailoutbox[0]
    assert message.subject == "[児玉郡市自立支援協議会] 修正の依頼: サンプル作業所ひまわり"
    assert f"/admin/corrections/{item.pk}/" in message.body
    assert "秘密の内容ABC" not in message.body and "連絡先XYZ" not in message.body
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)

    mailoutbox.clear()
    send(client, other, remote_addr="198.51.100.99")
    assert sorted(m.to[0] for m in mailoutbox) == [
        "jimukyoku@example.jp",
        "office@example.jp",
        "shisetsu@example.jp",
    ]


def test_no_mail_for_a_robot_or_bad_input(client, facility, mailoutbox):
    secretariat = user_in(SECRETARIAT)
    secretariat.email = "jimukyoku@example.jp"
    secretariat.save()
    send(client, facility, website="https://spam.example/")
    send(client, facility, message="\u3000")
    assert mailoutbox == []
