"""事業所担当: office accounts limited to their own facilities, invitations, approval of their
edits by 施設情報担当, vacancy entry, suspension, and the secretariat's screens."""

import datetime as dt
import html
import itertools
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from corrections.models import CorrectionRequest, CorrectionStatus
from editorial import roles
from editorial.roles import (
    APPROVER,
    FACILITY_APPROVAL_TASK,
    FACILITY_EDITOR,
    FACILITY_WORKFLOW,
    OFFICE_STAFF,
    SECRETARIAT,
)
from editorial.twofactor import devices
from facilities.models import FacilityPage, Municipality, ServiceType, TargetGroup
from offices.models import OfficeAccount, OfficeInvitation, token_digest
from tests.bulk import bulk_facilities
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyPageFactory,
)
from tests.test_workflow import facility_form
from tests.twofactor import VerifiedClient
from vacancies.models import VacancyFigure, month_start

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"
MONTHLY = "/admin/vacancies/monthly/"


def member(username, role, first_name=""):
    user = User.objects.create_user(username, f"{username}@example.jp", "x", first_name=first_name)
    user.groups.add(Group.objects.get(name=role))
    return user


def office_member(username, facilities, first_name=""):
    user = member(username, OFFICE_STAFF, first_name)
    account = OfficeAccount.objects.create(user=user)
    account.facilities.set(facilities)
    return user


@pytest.fixture
def site(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    index = FacilityIndexPageFactory(parent=home_page)
    own = FacilityPageFactory(
        parent=index, title="サンプルさくらホーム", name_kana="サクラ", services=[(GH, 5, [])]
    )
    other = FacilityPageFactory(
        parent=index, title="サンプルひまわり園", name_kana="ヒマワリ", services=[(GH, 4, [])]
    )
    return {
        "home": home_page,
        "committee": committee,
        "index": index,
        "own": own,
        "other": other,
        "vacancy": VacancyPageFactory(parent=home_page),
        "office": office_member("sakura", [own], "さくら 職員"),
        "secretariat": member("jimukyoku", SECRETARIAT, "事務局 花子"),
        "facility_editor": member("shisetsu", FACILITY_EDITOR, "施設 三郎"),
        "approver": member("shonin", APPROVER, "会長 太郎"),
    }


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def refused(response):
    return response.status_code in (302, 403, 404) and response.status_code != 200


# --- The role and the workflow -------------------------------------------------------------


def test_the_office_role_grants_no_page_and_needs_two_factor(site):
    group = Group.objects.get(name=OFFICE_STAFF)
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "keep_facilities",
        "view_correctionrequest",
        "change_correctionrequest",
    }
    assert not group.page_permissions.exists()
    assert OFFICE_STAFF in roles.TWO_FACTOR_ROLES
    assert devices.next_step(site["office"]) == devices.SETUP_STEP


def test_facility_pages_go_to_the_facility_editors_for_approval(site):
    workflow = site["own"].get_workflow()
    assert workflow.name == FACILITY_WORKFLOW
    task = workflow.tasks.get().specific
    assert task.name == FACILITY_APPROVAL_TASK
    assert list(task.groups.values_list("name", flat=True)) == [FACILITY_EDITOR]
    # The council's pages keep their own approvers.
    assert site["committee"].get_workflow().name == roles.COUNCIL_WORKFLOW


def test_the_tester_gives_change_on_own_facilities_only(site):
    office = site["office"]
    own = site["own"].permissions_for_user(office)
    assert own.can_edit() and own.can_submit_for_moderation()
    assert not own.can_publish() and not own.can_delete() and not own.can_unpublish()
    assert not own.can_move() and not own.can_lock() and not own.can_add_subpage()
    assert not own.can_set_view_restrictions()
    assert not site["other"].permissions_for_user(office).can_edit()
    assert not site["index"].permissions_for_user(office).can_edit()
    assert not site["committee"].permissions_for_user(office).can_edit()
    assert not site["home"].permissions_for_user(office).can_edit()


# --- Correction requests of its own facilities ---------------------------------------------


def test_the_inbox_shows_only_its_own_facilities_requests(client, site):
    mine = CorrectionRequest.objects.create(facility=site["own"], message="電話番号が違います")
    theirs = CorrectionRequest.objects.create(facility=site["other"], message="住所が違います")
    client.force_login(site["office"])
    inbox = client.get(reverse("corrections_admin")).content.decode()
    assert "電話番号が違います" in inbox and "住所が違います" not in inbox
    dashboard = client.get("/admin/").content.decode()
    assert reverse("corrections_admin_detail", args=[mine.pk]) in dashboard
    assert reverse("corrections_admin_detail", args=[theirs.pk]) not in dashboard

    other_url = reverse("corrections_admin_detail", args=[theirs.pk])
    assert refused(client.get(other_url))
    client.post(other_url, {"status": "done", "note": "対応しました"})
    theirs.refresh_from_db()
    assert theirs.status == CorrectionStatus.OPEN

    response = client.post(
        reverse("corrections_admin_detail", args=[mine.pk]),
        {"status": "done", "note": "電話番号を直しました"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == CorrectionStatus.DONE and mine.handled_by == site["office"]


def test_a_new_request_mails_its_facilitys_office_account_only(client, site, mailoutbox):
    office_member("himawari", [site["other"]])
    CorrectionRequest.objects.all().delete()
    client.post(
        f"/corrections/{site['own'].pk}/",
        {"message": "営業時間が変わりました", "contact": "", "website": ""},
        REMOTE_ADDR="198.51.100.8",
    )
    assert CorrectionRequest.objects.filter(facility=site["own"]).exists()
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert "sakura@example.jp" in recipients
    assert "himawari@example.jp" not in recipients


def test_a_suspended_office_account_loses_the_requests(client, site):
    CorrectionRequest.objects.create(facility=site["own"], message="電話番号が違います")
    OfficeAccount.objects.filter(user=site["office"]).update(suspended_at=timezone.now())
    office = User.objects.get(pk=site["office"].pk)
    assert not CorrectionRequest.objects.for_user(office).exists()


# --- What an office account reaches --------------------------------------------------------


def test_the_office_menu_shows_only_its_facilities_vacancies_and_help(client, site):
    client.force_login(site["office"])
    page = client.get("/admin/").content.decode()
    props = html.unescape(page)
    names = set(re.findall(r'"name": "([^"]+)"', props))
    assert {"office-facilities", "vacancy-monthly", "corrections", "help"} <= names
    for hidden in (
        "explorer",
        "images",
        "documents",
        "snippets",
        "reports",
        "settings",
        "office-accounts",
    ):
        assert hidden not in names, hidden


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/settings/home/secretariatcontact/",
        "/admin/snippets/",
        "/admin/offices/",
        "/admin/offices/invite/",
        "/admin/vacancies/csv/",
        "/admin/vacancies/csv/upload/",
        "/admin/vacancies/vacancyfigure/",
        "/admin/reports/page-types-usage/",
    ],
)
def test_the_office_account_is_refused_everything_else_by_url(client, site, url):
    client.force_login(site["office"])
    response = client.get(url)
    assert refused(response), url


def test_the_office_account_opens_its_own_facility_only(client, site):
    client.force_login(site["office"])
    assert client.get(edit_url(site["own"])).status_code == 200
    for page in (site["other"], site["index"], site["committee"], site["home"]):
        assert refused(client.get(edit_url(page))), page.title
    assert refused(client.get(reverse("wagtailadmin_pages:add_subpage", args=[site["index"].pk])))
    assert refused(client.get(reverse("wagtailadmin_pages:delete", args=[site["own"].pk])))


def test_a_post_to_another_facility_changes_nothing(client, site):
    other = site["other"]
    client.force_login(site["office"])
    response = client.post(edit_url(other), facility_form(other, "action-submit", title="乗っ取り"))
    assert refused(response)
    other = FacilityPage.objects.get(pk=other.pk)
    assert other.title == "サンプルひまわり園"
    assert other.get_latest_revision_as_object().title == "サンプルひまわり園"
    assert not WorkflowState.objects.filter(object_id=str(other.pk)).exists()


def test_a_publish_post_from_an_office_account_never_publishes(client, site):
    own = site["own"]
    client.force_login(site["office"])
    client.post(edit_url(own), facility_form(own, "action-publish", title="直接公開"))
    assert FacilityPage.objects.get(pk=own.pk).title == "サンプルさくらホーム"


def test_an_office_edit_waits_for_the_facility_editors_approval(client, site):
    own = site["own"]
    client.force_login(site["office"])
    response = client.post(
        edit_url(own) + "?next=" + reverse("offices_mine"),
        facility_form(own, "action-submit", title="サンプルさくらホーム(新)", phone="0495-00-1111"),
    )
    assert response.status_code == 302
    own = FacilityPage.objects.get(pk=own.pk)
    assert own.title == "サンプルさくらホーム"  # not published yet
    state = own.current_workflow_state
    assert state.workflow.name == FACILITY_WORKFLOW
    assert state.requested_by == site["office"]
    mine = client.get(reverse("offices_mine")).content.decode()
    assert "承認待ちの変更があります" in mine

    # 承認者 approves council and home page changes, not facility details.
    approver = VerifiedClient()
    approver.force_login(site["approver"])
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[own.pk, "approve", task_state.pk])
    approver.post(url, {"comment": ""})
    assert FacilityPage.objects.get(pk=own.pk).title == "サンプルさくらホーム"

    editor = VerifiedClient()
    editor.force_login(site["facility_editor"])
    assert editor.post(url, {"comment": ""}).status_code in (200, 302)
    own = FacilityPage.objects.get(pk=own.pk)
    assert own.title == "サンプルさくらホーム(新)" and own.phone == "0495-00-1111"
    assert own.live_revision.user == site["office"]


def test_the_facilities_page_lists_its_facilities_with_edit_links(client, site):
    client.force_login(site["office"])
    page = html.unescape(client.get(reverse("offices_mine")).content.decode())
    assert "サンプルさくらホーム" in page and "サンプルひまわり園" not in page
    assert f"{edit_url(site['own'])}?next=/admin/offices/mine/" in page
    assert "今月の空き情報を入力する" in page
    # Only office accounts have one.
    client.force_login(site["secretariat"])
    assert refused(client.get(reverse("offices_mine")))


# --- Vacancy figures -------------------------------------------------------------------------


def post_row(client, facility, vacancies, month=None):
    month = month or month_start()
    data = {
        "month": f"{month:%Y-%m}",
        "loaded_at": timezone.now().isoformat(),
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "5000",
        "form-0-facility": str(facility.pk),
        "form-0-service_type": str(ServiceType.objects.get(name=GH).pk),
        "form-0-vacancies": vacancies,
        "form-0-for_whom": "any",
        "form-0-note": "",
    }
    return client.post(MONTHLY, data)


def test_the_vacancy_screen_shows_and_saves_only_its_own_rows(client, site):
    client.force_login(site["office"])
    page = client.get(MONTHLY).content.decode()
    assert "サンプルさくらホーム" in page and "サンプルひまわり園" not in page
    assert "CSVを取り込む" not in page

    assert post_row(client, site["own"], "2").status_code == 302
    figure = VacancyFigure.objects.get()
    assert figure.facility == site["own"] and figure.vacancies == 2
    assert figure.entered_by == site["office"]

    response = post_row(client, site["other"], "3")
    assert response.status_code == 200
    assert "対象でない事業所" in response.content.decode()
    assert VacancyFigure.objects.count() == 1


def test_a_refusal_names_no_other_facility(client, site):
    """The 「ほかの人が保存しました」 check looks at the account's own rows only."""
    opened = timezone.now() - dt.timedelta(minutes=5)
    VacancyFigure.objects.create(
        facility=site["other"],
        service_type=ServiceType.objects.get(name=GH),
        month=month_start(),
        vacancies=1,
    )
    client.force_login(site["office"])
    data = {
        "month": f"{month_start():%Y-%m}",
        "loaded_at": opened.isoformat(),
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "5000",
        "form-0-facility": str(site["own"].pk),
        "form-0-service_type": str(ServiceType.objects.get(name=GH).pk),
        "form-0-vacancies": "1",
        "form-0-for_whom": "any",
        "form-0-note": "",
    }
    assert client.post(MONTHLY, data).status_code == 302
    assert VacancyFigure.objects.get(facility=site["own"]).entered_by == site["office"]


def test_other_roles_keep_the_whole_vacancy_screen(client, site):
    client.force_login(site["facility_editor"])
    page = client.get(MONTHLY).content.decode()
    assert "サンプルさくらホーム" in page and "サンプルひまわり園" in page
    client.force_login(site["approver"])
    assert refused(client.get(MONTHLY))


# --- The secretariat: inviting, listing, suspending --------------------------------------------


def invite(client, site, email="staff@example.jp", facilities=None):
    facilities = facilities if facilities is not None else [site["own"]]
    return client.post(
        reverse("offices_invite"),
        {"email": email, "facilities": [str(f.pk) for f in facilities]},
    )


def link_in(message):
    return re.search(r"http://[^\s]+/offices/invitation/([^/\s]+)/", message.body)


def test_the_secretariat_invites_by_mail_with_a_one_time_link(client, site):
    client.force_login(site["secretariat"])
    assert client.get(reverse("offices_invite")).status_code == 200
    response = invite(client, site)
    assert response.status_code == 302
    invitation = OfficeInvitation.objects.get()
    assert invitation.invited_by == site["secretariat"]
    assert list(invitation.facilities.all()) == [site["own"]]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.jp"]
    token = link_in(mail.outbox[0]).group(1)
    assert "サンプルさくらホーム" in mail.outbox[0].body
    assert invitation.token_hash == token_digest(token) != token
    assert token not in str(OfficeInvitation.objects.values().get())
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "facilities": []}, "メールアドレスを入力してください。"),
        ({"email": "not-an-address", "facilities": []}, "メールアドレスの形が正しくありません。"),
        ({"email": "a@example.jp", "facilities": []}, "担当する事業所を1つ以上選んでください。"),
        ({"email": "a@example.jp", "facilities": ["999999"]}, "選べない事業所が含まれています。"),
        ({"email": "a@example.jp", "facilities": ["x"]}, "選べない事業所が含まれています。"),
        ({"email": "jimukyoku@example.jp", "facilities": ["OWN"]}, "すでにあります"),
    ],
)
def test_bad_invitations_are_refused_in_japanese(client, site, data, message):
    data = {
        **data,
        "facilities": [str(site["own"].pk) if f == "OWN" else f for f in data["facilities"]],
    }
    client.force_login(site["secretariat"])
    response = client.post(reverse("offices_invite"), data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not OfficeInvitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize("role", [APPROVER, FACILITY_EDITOR])
def test_only_the_secretariat_manages_office_accounts(client, site, role):
    client.force_login(member("someone", role))
    assert refused(client.get(reverse("offices_accounts")))
    assert refused(client.get(reverse("offices_invite")))
    assert refused(invite(client, site))
    account = site["office"].office_account
    assert refused(client.post(reverse("offices_suspend", args=[account.pk])))
    assert not OfficeInvitation.objects.exists()
    account.refresh_from_db()
    assert account.suspended_at is None


def test_the_list_shows_facilities_and_last_login_and_suspends(client, site):
    office = site["office"]
    User.objects.filter(pk=office.pk).update(last_login=timezone.now())
    client.force_login(site["secretariat"])
    page = html.unescape(client.get(reverse("offices_accounts")).content.decode())
    assert "さくら 職員" in page and "サンプルさくらホーム" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">令和', page)

    account = office.office_account
    client.post(reverse("offices_suspend", args=[account.pk]))
    account.refresh_from_db()
    assert account.suspended_at is not None
    assert not site["own"].permissions_for_user(User.objects.get(pk=office.pk)).can_edit()
    client.post(reverse("offices_reactivate", args=[account.pk]))
    account.refresh_from_db()
    assert account.suspended_at is None


def test_a_suspended_accounts_open_session_is_logged_out_in_japanese(client, site):
    client.force_login(site["office"])
    assert client.get(reverse("offices_mine")).status_code == 200
    OfficeAccount.objects.filter(user=site["office"]).update(suspended_at=timezone.now())
    response = client.get(reverse("offices_mine"), follow=True)
    assert response.redirect_chain[0][0] == reverse("wagtailadmin_login")
    assert "利用を停止したため、ログアウトしました" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A post in the open session changes nothing either.
    response = client.post(edit_url(site["own"]), facility_form(site["own"], "action-submit"))
    assert response.status_code == 302
    assert not WorkflowState.objects.exists()


def test_the_other_editors_pay_no_query_for_office_accounts(client, site):
    client.force_login(site["facility_editor"])
    client.get(edit_url(site["own"]))
    with CaptureQueriesContext(connection) as ctx:
        client.get(edit_url(site["own"]))
    assert not [q for q in ctx.captured_queries if "offices_" in q["sql"]]


# --- Accepting an invitation -----------------------------------------------------------------


@pytest.fixture
def invitation_link(client, site):
    client.force_login(site["secretariat"])
    invite(client, site)
    client.logout()
    return link_in(mail.outbox[-1]).group(0)


def accept(client, link, username="sakura2", password="hana-saku-2026-aki"):
    return client.post(
        link,
        {
            "full_name": "山田 花子",
            "username": username,
            "password1": password,
            "password2": password,
        },
    )


def test_accepting_makes_the_account_then_asks_for_two_factor(site, invitation_link):
    browser = VerifiedClient()
    page = browser.get(invitation_link)
    assert page.status_code == 200 and "サンプルさくらホーム" in page.content.decode()
    response = accept(browser, invitation_link)
    assert response.status_code == 302 and response.url == reverse("offices_mine")
    user = User.objects.get(username="sakura2")
    assert user.email == "staff@example.jp" and user.get_full_name() == "山田 花子"
    assert list(user.groups.values_list("name", flat=True)) == [OFFICE_STAFF]
    assert list(user.office_account.facilities.all()) == [site["own"]]
    invitation = OfficeInvitation.objects.get()
    assert invitation.accepted_at and invitation.account == user.office_account
    # Logged in but not verified: the admin sends the account to enrol its authenticator app.
    nxt = browser.get(reverse("offices_mine"))
    assert nxt.status_code == 302 and nxt.url.startswith(reverse(devices.SETUP_STEP))


def test_a_reused_link_is_refused(site, invitation_link):
    accept(VerifiedClient(), invitation_link)
    again = VerifiedClient()
    response = again.get(invitation_link)
    assert response.status_code == 410
    assert "すでに使われ" in response.content.decode()
    response = accept(again, invitation_link, username="another")
    assert response.status_code == 410
    assert not User.objects.filter(username="another").exists()


def test_an_expired_link_is_refused(site, invitation_link):
    OfficeInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    browser = VerifiedClient()
    response = browser.get(invitation_link)
    assert response.status_code == 410 and "有効期限" in response.content.decode()
    assert accept(browser, invitation_link).status_code == 410
    assert not User.objects.filter(username="sakura2").exists()


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 300, "%00" * 30, "../../admin"])
def test_a_forged_link_is_refused(client, site, invitation_link, token):
    response = client.get(f"/offices/invitation/{token}/")
    assert response.status_code == 404
    if "/" not in token:  # otherwise no route matches: the site's own 404 page
        assert "正しくありません" in response.content.decode()
    response = client.post(f"/offices/invitation/{token}/", {"username": "x", "password1": "y"})
    assert response.status_code == 404
    assert not User.objects.filter(username="x").exists()


def test_a_link_opened_in_another_accounts_session_is_refused(client, site, invitation_link):
    client.force_login(site["facility_editor"])
    response = client.get(invitation_link)
    assert response.status_code == 403
    assert "別のアカウントでログインしています" in response.content.decode()
    assert accept(client, invitation_link).status_code == 403
    assert OfficeInvitation.objects.get().accepted_at is None


def test_a_revoked_or_resent_link_stops_working(client, site, invitation_link):
    invitation = OfficeInvitation.objects.get()
    client.force_login(site["secretariat"])
    client.post(reverse("offices_resend", args=[invitation.pk]))
    new_link = link_in(mail.outbox[-1]).group(0)
    assert new_link != invitation_link
    client.post(reverse("offices_revoke", args=[invitation.pk]))
    client.logout()
    assert client.get(invitation_link).status_code == 404
    response = client.get(new_link)
    assert response.status_code == 410 and "取り消しました" in response.content.decode()


@pytest.mark.parametrize(
    "username, password, password2, message",
    [
        ("", "hana-saku-2026-aki", "hana-saku-2026-aki", "ユーザー名を入力してください。"),
        ("jimukyoku", "hana-saku-2026-aki", "hana-saku-2026-aki", "すでに使われています"),
        ("やまだ", "hana-saku-2026-aki", "hana-saku-2026-aki", "半角"),
        ("sakura2", "hana-saku-2026-aki", "different-2026", "一致しません"),
        ("sakura2", "1234", "1234", "パスワード"),
        ("sakura2", "password", "password", "パスワード"),
    ],
)
def test_bad_account_details_are_refused_in_japanese(
    site, invitation_link, username, password, password2, message
):
    browser = VerifiedClient()
    response = browser.post(
        invitation_link,
        {"full_name": "", "username": username, "password1": password, "password2": password2},
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "入力を確かめてください" in text and message in text
    assert OfficeInvitation.objects.get().accepted_at is None
    assert not User.objects.filter(username="sakura2").exists()


# --- Queries do not grow with the number of facilities and accounts --------------------------


def test_office_pages_keep_their_query_count_from_5_to_500(client, site):
    munis = list(Municipality.objects.all())
    gh = [ServiceType.objects.get(name=GH)]
    groups = list(TargetGroup.objects.all())
    office = site["office"]
    office.office_account.facilities.add(site["other"])
    group = Group.objects.get(name=OFFICE_STAFF)
    month = month_start()

    def grow(count, prefix, accounts_too=None):
        ids = bulk_facilities(site["index"], count, munis, gh, groups, prefix=prefix)
        site["index"].refresh_from_db()
        User.objects.bulk_create(
            [
                User(username=f"{prefix}-{n}", email=f"{prefix}{n}@example.jp")
                for n in range(accounts_too or count)
            ]
        )
        users = list(User.objects.filter(username__startswith=f"{prefix}-"))
        group.user_set.add(*users)
        OfficeAccount.objects.bulk_create([OfficeAccount(user=u) for u in users])
        accounts = list(OfficeAccount.objects.filter(user__in=users).order_by("pk"))
        through = OfficeAccount.facilities.through
        through.objects.bulk_create(
            [
                through(officeaccount_id=a.pk, facilitypage_id=pk)
                for a, pk in zip(accounts, itertools.cycle(ids))
            ]
        )
        VacancyFigure.objects.bulk_create(
            [
                VacancyFigure(facility_id=pk, service_type=gh[0], month=month, vacancies=1)
                for pk in ids
            ]
        )

    urls = ["/admin/", reverse("offices_mine"), MONTHLY, edit_url(site["own"])]
    client.force_login(office)

    def measure():
        counts = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            counts[url] = len(ctx.captured_queries)
        return counts

    grow(3, "few", accounts_too=4)  # 5 facilities, 5 office accounts
    assert FacilityPage.objects.count() == 5 and OfficeAccount.objects.count() == 5
    few = measure()
    grow(495, "many")
    assert FacilityPage.objects.count() == 500 and OfficeAccount.objects.count() == 500
    many = measure()
    assert few == many


def test_unknown_accounts_and_used_invitations_are_404_not_500(client, site, invitation_link):
    accept(VerifiedClient(), invitation_link)
    invitation = OfficeInvitation.objects.get()
    client.force_login(site["secretariat"])
    for name, pk in (
        ("offices_suspend", 999999),
        ("offices_reactivate", 999999),
        ("offices_resend", invitation.pk),
        ("offices_revoke", invitation.pk),
    ):
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    assert (
        client.get(reverse("offices_suspend", args=[site["office"].office_account.pk])).status_code
        == 405
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert len(mail.outbox) == 1
