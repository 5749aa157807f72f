"""The dashboard's 「対応が必要なこと」 panel: overdue minutes, facilities to re-check, approvals."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowTask

from council.models import MeetingPage
from editorial.dashboard import (
    facilities_to_verify,
    meetings_with_draft_minutes,
    meetings_without_minutes,
    pages_awaiting_approval,
)
from home.dates import months_before
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")


@pytest.fixture
def facilities(home_page):
    return FacilityIndexPageFactory(parent=home_page)


def meeting(committee, days_ago, minutes="", status="held", title=None):
    date = timezone.localdate() - dt.timedelta(days=days_ago)
    return MeetingPageFactory(
        parent=committee,
        title=title or f"{days_ago}日前の会議",
        date=date,
        status=status,
        minutes=minutes,
    )


def editor(django_user_model, name, pages=()):
    """A user with admin access and change permission on the given pages."""
    user = django_user_model.objects.create_user(name, password="x")  # noqa: S106
    group = Group.objects.create(name=f"{name}のグループ")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for page in pages:
        GroupPagePermission.objects.create(group=group, page=page, permission_type="change")
    user.groups.add(group)
    return user


def panel(html, key):
    return html.split(f'id="editor-tasks-{key}"')[1].split("</section>")[0]


def test_meetings_are_due_after_sixty_days_without_minutes(admin_user, council, today):
    due = meeting(council, 61)
    meeting(council, 60)
    meeting(council, 90, minutes="<p>委員から意見があった。</p>")
    meeting(council, 90, status="cancelled")
    meeting(council, 90, status="postponed")
    left_blank = meeting(council, 120, minutes="<p></p>")
    still_scheduled = meeting(council, 70, status="scheduled")

    found = list(meetings_without_minutes(admin_user, today))

    assert [m.pk for m in found] == [left_blank.pk, still_scheduled.pk, due.pk]


def test_draft_minutes_are_listed_after_sixty_days(admin_client, admin_user, council, today):
    draft = meeting(council, 61, minutes="<p>案です。</p>", title="第2回相談支援部会")
    MeetingPageFactory(
        parent=council,
        title="確定した会議",
        date=today - dt.timedelta(days=90),
        minutes="<p>確定です。</p>",
        minutes_status="approved",
    )
    recent = meeting(council, 30, minutes="<p>案です。</p>")
    MeetingPage.objects.filter(pk__in=[draft.pk, recent.pk]).update(minutes_status="draft")

    assert [m.pk for m in meetings_with_draft_minutes(admin_user, today)] == [draft.pk]
    section = panel(admin_client.get("/admin/").content.decode(), "draft-minutes")
    assert "「案」のままの会議(1件)" in section
    assert f'href="/admin/pages/{draft.pk}/edit/"' in section and "61日経過" in section


def test_facilities_are_due_after_thirteen_months(admin_user, facilities, today):
    never = FacilityPageFactory(parent=facilities, title="サンプル未確認", verified_on=None)
    old = FacilityPageFactory(
        parent=facilities, title="サンプル古い", verified_on=months_before(today, 14)
    )
    FacilityPageFactory(
        parent=facilities, title="サンプル新しい", verified_on=months_before(today, 12)
    )
    boundary = FacilityPageFactory(
        parent=facilities, title="サンプルちょうど", verified_on=months_before(today, 13)
    )

    found = [f.pk for f in facilities_to_verify(admin_user, today)]

    assert found == [never.pk, old.pk]
    assert boundary.pk not in found


def test_dashboard_shows_each_section_with_edit_links(admin_client, council, facilities, today):
    due = meeting(council, 75, title="第1回相談支援部会")
    stale = FacilityPageFactory(
        parent=facilities, title="サンプルひまわり", verified_on=months_before(today, 20)
    )

    html = admin_client.get("/admin/").content.decode()

    minutes = panel(html, "minutes")
    assert "第1回相談支援部会" in minutes and "相談支援部会" in minutes
    assert f'href="/admin/pages/{due.pk}/edit/"' in minutes
    assert "75日経過" in minutes
    assert f'<time datetime="{due.date.isoformat()}">' in minutes
    verify = panel(html, "verify")
    assert "サンプルひまわり" in verify and f"/admin/pages/{stale.pk}/edit/" in verify
    assert "承認を待っているページはありません" in panel(html, "approval")


def test_facility_editor_sees_only_facility_work(
    client, django_user_model, council, facilities, today
):
    meeting(council, 100, title="第2回全体会")
    FacilityPageFactory(parent=facilities, title="サンプルさくら", verified_on=None)
    user = editor(django_user_model, "shisetsu", pages=[facilities])
    client.force_login(user)

    html = client.get("/admin/").content.decode()

    assert 'id="editor-tasks-minutes"' not in html
    assert "第2回全体会" not in html
    assert "サンプルさくら" in panel(html, "verify")


def test_pages_awaiting_approval_are_listed_for_reviewers_and_editors(
    client, django_user_model, council
):
    draft = meeting(council, 10, title="第3回相談支援部会")
    approvers = Group.objects.create(name="承認のテスト")
    approvers.permissions.add(Permission.objects.get(codename="access_admin"))
    task = GroupApprovalTask.objects.create(name="承認")
    task.groups.add(approvers)
    workflow = Workflow.objects.create(name="会議記録のテスト")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    secretary = editor(django_user_model, "jimukyoku", pages=[council])
    reviewer = django_user_model.objects.create_user("shonin", password="x")  # noqa: S106
    reviewer.groups.add(approvers)
    outsider = editor(django_user_model, "other")
    draft.save_revision(user=secretary)
    workflow.start(draft, secretary)

    assert [int(s.object_id) for s in pages_awaiting_approval(reviewer)] == [draft.pk]
    assert [int(s.object_id) for s in pages_awaiting_approval(secretary)] == [draft.pk]
    assert list(pages_awaiting_approval(outsider)) == []

    client.force_login(reviewer)
    section = panel(client.get("/admin/").content.decode(), "approval")
    assert "第3回相談支援部会" in section and "申請: jimukyoku" in section
    assert "(1件)" in section


def test_long_lists_are_cut_and_counted(admin_client, council):
    for n in range(12):
        meeting(council, 61 + n)
    section = panel(admin_client.get("/admin/").content.decode(), "minutes")
    assert "(12件)" in section
    assert "12件のうち、古い順に10件を表示しています" in section
    assert section.count("<li>") == 10


def test_dashboard_queries_do_not_grow_with_the_lists(
    admin_client, council, facilities, django_assert_max_num_queries
):
    def dashboard_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get("/admin/").status_code == 200
        return len(ctx.captured_queries)

    meeting(council, 61)
    FacilityPageFactory(parent=facilities, verified_on=None)
    dashboard_queries()  # the first request also loads the session and caches
    few = dashboard_queries()
    for n in range(8):
        meeting(council, 62 + n)
        FacilityPageFactory(parent=facilities, verified_on=None)
    assert dashboard_queries() == few
    with django_assert_max_num_queries(few):
        admin_client.get("/admin/")
