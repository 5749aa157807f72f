"""Approval, scheduled publishing, revisions, editing sessions and page locks, through the admin."""

import datetime as dt
import html

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.action_menu import PageActionMenu
from wagtail.admin.models import EditingSession
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from council.models import MeetingPage, NewsPage
from editorial.roles import APPROVER, COUNCIL_WORKFLOW, FACILITY_EDITOR, SECRETARIAT
from facilities.models import FacilityPage, FacilityService, Municipality
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    agenda_item,
    meeting_form_data,
    stream,
)
from tests.twofactor import VerifiedClient

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"


def member(username, role, first_name=""):
    user = User.objects.create_user(username, f"{username}@example.jp", "x", first_name=first_name)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def site(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    facilities = FacilityIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "committee": committee,
        "news_index": NewsIndexPageFactory(parent=home_page),
        "facilities": facilities,
        "meeting": MeetingPageFactory(
            parent=committee,
            title="令和5年度 第1回全体会",
            slug="zentai-1",
            agenda=stream(agenda_item("相談支援の現状について")),
        ),
        "facility": FacilityPageFactory(
            parent=facilities, title="グループホーム さくら", services=[(GH, 5, [])]
        ),
        "secretariat": member("jimukyoku", SECRETARIAT, "事務局 花子"),
        "secretariat2": member("jimukyoku2", SECRETARIAT, "事務局 次郎"),
        "approver": member("shonin", APPROVER, "会長 太郎"),
        "facility_editor": member("shisetsu", FACILITY_EDITOR, "施設 三郎"),
    }


def meeting_form(meeting, action, **overrides):
    return meeting_form_data(
        **{
            "title": meeting.title,
            "slug": meeting.slug,
            "date": "2023-07-03",
            "agenda": streamfield([agenda_item("相談支援の現状について")]),
            "minutes": rich_text("<p>議事録</p>"),
            "action": action.removeprefix("action-"),
            **overrides,
        }
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def submit(client, site, title):
    meeting = site["meeting"]
    client.force_login(site["secretariat"])
    response = client.post(edit_url(meeting), meeting_form(meeting, "action-submit", title=title))
    assert response.status_code == 302
    meeting.refresh_from_db()
    return meeting


def workflow_action(client, page, action, comment=""):
    state = page.current_workflow_state
    task_state = state.current_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]),
        {"comment": comment},
    )


# --- Approval -----------------------------------------------------------------------------


def test_meeting_records_are_under_the_council_approval_workflow(site):
    assert site["meeting"].get_workflow().name == COUNCIL_WORKFLOW


def test_submitted_meeting_waits_for_approval_and_is_published_when_approved(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(議事録を追加)")
    state = meeting.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == COUNCIL_WORKFLOW
    assert MeetingPage.objects.get(pk=meeting.pk).title == "令和5年度 第1回全体会"
    assert client.get(meeting.url).content.decode().count("議事録を追加") == 0

    client.force_login(site["approver"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "議事録を追加" in dashboard  # 「あなたの承認待ち」 on the approver's dashboard
    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[meeting.pk, "live", meeting.latest_revision_id],
        )
    )
    assert compare.status_code == 200
    response = workflow_action(client, meeting, "approve", comment="確認しました")
    assert response.status_code in (200, 302)

    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.live and meeting.title == "令和5年度 第1回全体会(議事録を追加)"
    assert not meeting.has_unpublished_changes
    assert meeting.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    log = PageLogEntry.objects.filter(page=meeting, action="wagtail.publish").latest("timestamp")
    assert log.user == site["approver"]


def test_new_meeting_record_is_not_live_until_approved(client, site):
    committee = site["committee"]
    client.force_login(site["secretariat"])
    new = MeetingPage(title="令和5年度 第2回全体会")
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["council", "meetingpage", committee.pk]),
        meeting_form(new, "action-submit", date="2023-11-20"),
    )
    assert response.status_code == 302
    meeting = MeetingPage.objects.get(slug="2023-11-20")
    assert not meeting.live
    assert client.get("/about/zentai/2023-11-20/").status_code == 404

    client.force_login(site["approver"])
    workflow_action(client, meeting, "approve")
    meeting.refresh_from_db()
    assert meeting.live


def test_rejected_meeting_stays_unpublished_and_the_secretariat_sees_why(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(誤りあり)")
    client.force_login(site["approver"])
    workflow_action(client, meeting, "reject", comment="出席者の名前を確認してください")

    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.title == "令和5年度 第1回全体会"
    state = meeting.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "出席者の名前を確認してください"

    # The secretariat's editor shows who asked for changes, the comment, and the
    # button to submit again.
    client.force_login(site["secretariat"])
    page = html.unescape(client.get(edit_url(meeting)).content.decode())
    assert "出席者の名前を確認してください" in page
    assert "会長 太郎" in page
    assert "承認者による承認に再提出する" in page
    history = client.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[meeting.pk, state.pk])
    ).content.decode()
    assert "出席者の名前を確認してください" in html.unescape(history)


def test_secretariat_cannot_approve_its_own_submission(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(自分で承認)")
    workflow_action(client, meeting, "approve")
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.title == "令和5年度 第1回全体会"
    assert meeting.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_page_awaiting_approval_is_locked_for_the_secretariat(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(承認待ち)")
    client.force_login(site["secretariat2"])
    client.post(edit_url(meeting), meeting_form(meeting, "action-save", title="割り込み"))
    assert meeting.get_latest_revision_as_object().title == "令和5年度 第1回全体会(承認待ち)"


def test_secretariat_publishes_news_directly(client, site):
    news_index = site["news_index"]
    client.force_login(site["secretariat"])
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["council", "newspage", news_index.pk]),
        news_form("研修会のお知らせ", "kenshu", "action-publish"),
    )
    assert response.status_code == 302
    assert NewsPage.objects.get(slug="kenshu").live


# --- Scheduled publishing and unpublishing ------------------------------------------------


def news_form(title, slug, action, **overrides):
    data = {
        "title": title,
        "slug": slug,
        "date": "2026-04-01",
        "kind": "notice",
        "summary": "",
        "body": streamfield([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        action: action.removeprefix("action-"),
    }
    data.update(overrides)
    return nested_form_data(data)


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_news_scheduled_for_later_goes_live_only_when_publish_scheduled_runs_after_the_time(
    client, site
):
    news_index = site["news_index"]
    client.force_login(site["secretariat"])
    go_live = timezone.now() + dt.timedelta(days=1)
    client.post(
        reverse("wagtailadmin_pages:add", args=["council", "newspage", news_index.pk]),
        news_form("説明会のお知らせ", "setsumeikai", "action-publish", go_live_at=local(go_live)),
    )
    news = NewsPage.objects.get(slug="setsumeikai")
    revision = news.scheduled_revision
    assert revision is not None and not news.live

    call_command("publish_scheduled")
    news.refresh_from_db()
    assert not news.live  # the time has not come

    # Move the clock: the scheduled time is now an hour ago (both the schedule and
    # the date saved in the revision, which publishing reads again).
    past = timezone.now() - dt.timedelta(hours=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    call_command("publish_scheduled")
    news.refresh_from_db()
    assert news.live
    assert client.get(news.url).status_code == 200


def test_news_with_an_end_date_is_unpublished_when_publish_scheduled_runs_after_it(client, site):
    news = NewsPageFactory(parent=site["news_index"], title="募集のお知らせ", slug="boshu")
    client.force_login(site["secretariat"])
    expire = timezone.now() + dt.timedelta(days=7)
    client.post(
        edit_url(news),
        news_form(news.title, news.slug, "action-publish", expire_at=local(expire)),
    )
    news.refresh_from_db()
    assert news.live and news.expire_at is not None

    call_command("publish_scheduled")
    news.refresh_from_db()
    assert news.live

    NewsPage.objects.filter(pk=news.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=5))
    call_command("publish_scheduled")
    news.refresh_from_db()
    assert not news.live and news.expired
    assert client.get("/news/boshu/").status_code == 404


# --- Revisions: compare and restore -------------------------------------------------------


def facility_form(page, action, **overrides):
    service = FacilityService.objects.get(page=page)
    data = {
        "title": page.title,
        "slug": page.slug,
        "name_kana": page.name_kana,
        "operator": "",
        "corporate_number": "",
        "office_number": "",
        "municipality": str(Municipality.objects.get(name="本庄市").pk),
        "postal_code": "",
        "address": page.address,
        "latitude": "",
        "longitude": "",
        "phone": "",
        "fax": "",
        "email": "",
        "website": "",
        "hours_weekday": "",
        "hours_saturday": "",
        "hours_sunday": "",
        "hours_holiday": "",
        "closed_days": "",
        "services": inline_formset(
            [
                {
                    "id": str(service.pk),
                    "service_type": str(service.service_type_id),
                    "capacity": "6",
                    "notes": "",
                }
            ],
            initial=1,
            min=1,
        ),
        "kyoten_registered": "",
        "summary": "",
        "description": rich_text(""),
        "photos": inline_formset([]),
        "verified_on": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        action: action.removeprefix("action-"),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_meeting_revisions_can_be_compared_and_the_old_title_restored(client, site):
    meeting = site["meeting"]
    old_title = meeting.title
    old_revision = meeting.latest_revision
    submit(client, site, "令和5年度 第1回全体会(改)")
    client.force_login(site["approver"])
    workflow_action(client, meeting, "approve")
    meeting.refresh_from_db()
    assert meeting.title == "令和5年度 第1回全体会(改)"

    client.force_login(site["secretariat"])
    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[meeting.pk, old_revision.pk, meeting.latest_revision_id],
        )
    )
    assert compare.status_code == 200
    text = html.unescape(compare.content.decode())
    assert old_title in text and "(改)" in text

    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[meeting.pk, old_revision.pk])
    revert = client.get(revert_url)
    assert revert.status_code == 200
    assert f'value="{old_title}"' in html.unescape(revert.content.decode())

    # Restoring is saving the old version again; it then goes for approval like any change.
    client.post(revert_url, meeting_form(meeting, "action-submit", title=old_title))
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.get_latest_revision_as_object().title == old_title
    assert PageLogEntry.objects.filter(page=meeting, action="wagtail.revert").exists()
    client.force_login(site["approver"])
    workflow_action(client, meeting, "approve")
    assert MeetingPage.objects.get(pk=meeting.pk).title == old_title


def test_facility_revisions_can_be_compared_and_the_old_title_restored(client, site):
    facility = site["facility"]
    old_title = facility.title
    old_revision = facility.latest_revision
    client.force_login(site["facility_editor"])
    response = client.post(
        edit_url(facility),
        facility_form(facility, "action-publish", title="グループホーム さくら(新)"),
    )
    assert response.status_code == 302
    facility = FacilityPage.objects.get(pk=facility.pk)
    assert facility.title == "グループホーム さくら(新)"
    assert facility.services.get().capacity == 6

    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[facility.pk, old_revision.pk, facility.latest_revision_id],
        )
    )
    assert compare.status_code == 200
    assert old_title in html.unescape(compare.content.decode())

    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[facility.pk, old_revision.pk])
    revert = client.get(revert_url)
    assert revert.status_code == 200
    assert f'value="{old_title}"' in html.unescape(revert.content.decode())
    client.post(revert_url, facility_form(facility, "action-publish", title=old_title))
    facility = FacilityPage.objects.get(pk=facility.pk)
    assert facility.title == old_title and facility.live
    assert PageLogEntry.objects.filter(page=facility, action="wagtail.revert").exists()


# --- Editing at the same time -------------------------------------------------------------


def ping(client, page, session, is_editing):
    data = {"revision_id": page.latest_revision_id}
    if is_editing:
        data["is_editing"] = "1"
    response = client.post(
        reverse(
            "wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", page.pk, session.pk]
        ),
        data,
    )
    assert response.status_code == 200
    return response.json()


def test_second_editor_is_told_that_someone_else_is_editing(client, site):
    meeting = site["meeting"]
    a, b = VerifiedClient(), VerifiedClient()
    a.force_login(site["secretariat"])
    b.force_login(site["secretariat2"])

    assert a.get(edit_url(meeting)).status_code == 200
    session_a = EditingSession.objects.get(user=site["secretariat"])
    first = ping(a, meeting, session_a, is_editing=True)
    assert first["other_sessions"] == []

    assert b.get(edit_url(meeting)).status_code == 200
    session_b = EditingSession.objects.get(user=site["secretariat2"])
    seen_by_b = ping(b, meeting, session_b, is_editing=False)
    assert [(s["user"], s["is_editing"]) for s in seen_by_b["other_sessions"]] == [
        ("事務局 花子", True)
    ]
    assert "事務局 花子" in seen_by_b["html"]

    # When A saves, B (still on the version it opened) is told a newer version exists.
    opened = meeting.latest_revision
    a.post(
        edit_url(meeting), meeting_form(meeting, "action-save", title="令和5年度 第1回全体会(A)")
    )
    meeting.refresh_from_db()
    assert meeting.latest_revision_id != opened.pk
    seen_by_b = b.post(
        reverse(
            "wagtailadmin_editing_sessions:ping",
            args=["wagtailcore", "page", meeting.pk, session_b.pk],
        ),
        {"revision_id": opened.pk, "revision_created_at": opened.created_at.isoformat()},
    ).json()
    newest = seen_by_b["other_sessions"][0]
    assert (newest["user"], newest["revision_id"]) == ("事務局 花子", meeting.latest_revision_id)
    assert "事務局 花子" in seen_by_b["html"]


def test_editors_of_other_sections_cannot_ping_a_page(client, site):
    client.force_login(site["facility_editor"])
    response = client.post(
        reverse(
            "wagtailadmin_editing_sessions:ping",
            args=["wagtailcore", "page", site["meeting"].pk, 1],
        )
    )
    assert response.status_code == 404


def test_locked_page_cannot_be_edited_by_another_editor(client, site):
    meeting = site["meeting"]
    client.force_login(site["secretariat"])
    response = client.post(reverse("wagtailadmin_pages:lock", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.locked and meeting.locked_by == site["secretariat"]

    client.force_login(site["secretariat2"])
    page = html.unescape(client.get(edit_url(meeting)).content.decode())
    assert "事務局 花子" in page  # who holds the lock
    response = client.post(
        edit_url(meeting), meeting_form(meeting, "action-save", title="ロック中の変更")
    )
    assert response.status_code == 200
    assert meeting.get_latest_revision_as_object().title == "令和5年度 第1回全体会"
    # Only the holder (or an administrator) may unlock it.
    client.post(reverse("wagtailadmin_pages:unlock", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.locked

    client.force_login(site["secretariat"])
    client.post(reverse("wagtailadmin_pages:unlock", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert not meeting.locked


# --- Reviewing is not writing ----------------------------------------------------------------


def test_approver_cannot_save_or_publish_their_own_wording(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(提出版)")
    revisions = meeting.revisions.count()
    client.force_login(site["approver"])

    for action in ("action-save", "action-publish"):
        response = client.post(
            edit_url(meeting),
            meeting_form(meeting, action, title="承認者が書き換えた題名"),
            follow=True,
        )
        assert "承認者は内容を書き換えたり" in response.content.decode()

    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.revisions.count() == revisions
    assert meeting.title == "令和5年度 第1回全体会"  # the live version is untouched
    assert meeting.get_latest_revision_as_object().title == "令和5年度 第1回全体会(提出版)"
    assert meeting.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_approving_from_the_editor_publishes_what_was_submitted_not_the_form(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(提出版)")
    client.force_login(site["approver"])
    data = meeting_form(meeting, "action-workflow-action", title="承認者が書き換えた題名")
    data["workflow-action-name"] = "approve"
    data["workflow-action-extra-data"] = '{"comment": "確認しました"}'

    response = client.post(edit_url(meeting), data, follow=True)

    assert "承認" in response.content.decode()
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.live and meeting.title == "令和5年度 第1回全体会(提出版)"
    state = meeting.workflow_states.get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.current_task_state.comment == "確認しました"


def test_approver_menu_offers_review_actions_only(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(提出版)")
    client.force_login(site["approver"])
    body = client.get(edit_url(meeting)).content.decode()
    assert 'name="action-save-draft"' not in body and 'name="action-publish"' not in body
    assert 'data-workflow-action-name="approve"' in body
    assert 'data-workflow-action-name="reject"' in body
    # The main button is a review action, not 「非公開」.
    request = RequestFactory().get(edit_url(meeting))
    request.user = site["approver"]
    menu = PageActionMenu(request, view="edit", page=meeting, lock=None, locked_for_user=False)
    assert menu.default_item.name == "reject"
    assert "action-unpublish" in {item.name for item in menu.menu_items}

    client.force_login(site["secretariat"])
    news = NewsPageFactory(parent=site["news_index"], title="お知らせ(下書き)")
    body = client.get(edit_url(news)).content.decode()
    assert 'name="action-publish"' in body  # writers keep their buttons


def test_approver_cannot_bulk_publish_a_waiting_page(client, site):
    meeting = submit(client, site, "令和5年度 第1回全体会(提出版)")
    client.force_login(site["approver"])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={meeting.pk}", {}, follow=True)

    assert "承認者は内容を書き換えたり" in response.content.decode()
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.title == "令和5年度 第1回全体会"
    assert meeting.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
