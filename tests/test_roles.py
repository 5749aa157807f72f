"""Roles: what each group may open and change in the admin, refused forms, private pages, setup."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Revision,
    Site,
    Workflow,
    WorkflowPage,
    get_page_models,
)
from wagtail.test.utils.form_data import rich_text

from council.models import BusinessItem, MeetingPage
from editorial import roles
from editorial.roles import APPROVER, CONSULTATION_OFFICE, FACILITY_EDITOR, SECRETARIAT
from home.models import SecretariatContact
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    VacancyPageFactory,
    meeting_form_data,
)
from vacancies.models import VacancyFigure

pytestmark = pytest.mark.django_db

S, A, F, C = SECRETARIAT, APPROVER, FACILITY_EDITOR, CONSULTATION_OFFICE
ROLE_NAMES = [S, A, F, C]
GH = "共同生活援助(介護サービス包括型)"


@pytest.fixture
def site(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    news = NewsIndexPageFactory(parent=home_page)
    facilities = FacilityIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "standard": StandardPageFactory(parent=home_page, title="アクセシビリティ方針"),
        "about": about,
        "committee": committee,
        "meeting": MeetingPageFactory(parent=committee, title="第1回相談支援部会"),
        "report": ActivityReportPageFactory(parent=committee, title="令和5年度 活動報告"),
        "archive": MeetingArchivePageFactory(parent=home_page),
        "news_index": news,
        "news": NewsPageFactory(parent=news, title="研修会のお知らせ"),
        "facilities": facilities,
        "facility": FacilityPageFactory(
            parent=facilities, title="サンプルホーム", services=[(GH, 5, [])]
        ),
        "vacancy": VacancyPageFactory(parent=home_page),
    }


def make_user(role):
    user = User.objects.create_user(
        username=f"user-{ROLE_NAMES.index(role)}", password="x", email="u@example.jp"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def users():
    return {role: make_user(role) for role in ROLE_NAMES}


def client_for(client, user):
    client.force_login(user)
    return client


# --- The matrix -------------------------------------------------------------------------

ALL_EDITORS = {S, A, F}


def page_url(action, key):
    def build(site):
        page = site[key]
        if action == "explore":
            return reverse("wagtailadmin_explore", args=[page.pk])
        return reverse("wagtailadmin_pages:edit", args=[page.pk])

    return build


def add_url(app, model, parent):
    return lambda site: reverse("wagtailadmin_pages:add", args=[app, model, site[parent].pk])


def fixed(name, *args, query=""):
    return lambda site: reverse(name, args=args) + query


def photos_collection(site):
    collection = Collection.objects.get(name=roles.FACILITY_PHOTOS)
    return reverse("wagtailimages:index") + f"?collection_id={collection.pk}"


def setting_url(app, model):
    return lambda site: reverse(
        "wagtailsettings:edit", args=[app, model, Site.objects.get(is_default_site=True).pk]
    )


# Area -> (URL builder, roles allowed to open it). Everything else is refused.
AREAS = {
    # Wagtail's page explorer lists, read-only, any page under the highest page
    # the user holds a permission on (the home page for each editing role: for
    # 施設情報担当 its two sections sit there); the actions follow the permissions.
    "協議会について(一覧)": (page_url("explore", "about"), ALL_EDITORS),
    "協議会について(編集)": (page_url("edit", "about"), {S}),
    "部会の追加": (add_url("council", "committeepage", "about"), {S}),
    "部会(編集)": (page_url("edit", "committee"), {S}),
    "会議の記録の追加": (add_url("council", "meetingpage", "committee"), {S}),
    "会議の記録(編集)": (page_url("edit", "meeting"), {S}),
    "活動報告(編集)": (page_url("edit", "report"), {S}),
    "活動報告の追加": (add_url("council", "activityreportpage", "committee"), {S}),
    "お知らせ(一覧)": (page_url("explore", "news_index"), ALL_EDITORS),
    "お知らせの追加": (add_url("council", "newspage", "news_index"), {S}),
    "お知らせ(編集)": (page_url("edit", "news"), {S}),
    "トップページ(編集)": (page_url("edit", "home"), {S}),
    "一般ページの追加": (add_url("home", "standardpage", "home"), {S}),
    "一般ページ(編集)": (page_url("edit", "standard"), {S}),
    "会議の記録の一覧ページ(編集)": (page_url("edit", "archive"), {S}),
    # The secretariat edits the home page, and Wagtail's page permissions reach
    # every page below it; it cannot publish there (see editorial/roles.py).
    "ふくしマップ(一覧)": (page_url("explore", "facilities"), ALL_EDITORS),
    "ふくしマップ(編集)": (page_url("edit", "facilities"), {S, F}),
    "事業所の追加": (add_url("facilities", "facilitypage", "facilities"), {S, F}),
    "事業所(編集)": (page_url("edit", "facility"), {S, F}),
    "空き情報のページ(編集)": (page_url("edit", "vacancy"), {S, F}),
    "事業項目(スニペット)": (fixed("wagtailsnippets_council_businessitem:list"), {S}),
    "事業項目の追加": (fixed("wagtailsnippets_council_businessitem:add"), {S}),
    "グループホームの評価(スニペット)": (
        fixed("wagtailsnippets_evaluations_grouphomeevaluation:list"),
        {S},
    ),
    "グループホームの評価の追加": (
        fixed("wagtailsnippets_evaluations_grouphomeevaluation:add"),
        {S},
    ),
    "評価項目(スニペット)": (fixed("wagtailsnippets_evaluations_evaluationitem:list"), {S}),
    "市町(スニペット)": (fixed("wagtailsnippets_facilities_municipality:list"), set()),
    "サービス区分(スニペット)": (fixed("wagtailsnippets_facilities_servicecategory:list"), set()),
    "サービスの種類(スニペット)": (fixed("wagtailsnippets_facilities_servicetype:list"), set()),
    "対象者の区分(スニペット)": (fixed("wagtailsnippets_facilities_targetgroup:list"), set()),
    "特徴(スニペット)": (fixed("wagtailsnippets_facilities_feature:list"), set()),
    "市町の追加": (fixed("wagtailsnippets_facilities_municipality:add"), set()),
    "空き情報(一覧)": (fixed("vacancies_vacancyfigure_modeladmin_index"), {F}),
    "空き情報の追加": (fixed("vacancies_vacancyfigure_modeladmin_create"), {F}),
    "空き情報の入力(月次)": (fixed("vacancy_monthly"), {F}),
    "修正の依頼": (fixed("corrections_admin"), {S, F}),
    "文書(一覧)": (fixed("wagtaildocs:index"), {S}),
    "文書の追加": (fixed("wagtaildocs:add"), {S}),
    "画像(一覧)": (fixed("wagtailimages:index"), {S, F}),
    "画像の追加": (fixed("wagtailimages:add"), {S, F}),
    "画像(施設の写真)": (photos_collection, {S, F}),
    "ユーザー": (fixed("wagtailusers_users:index"), set()),
    "グループ": (fixed("wagtailusers_groups:index"), set()),
    "事務局の連絡先(設定)": (setting_url("home", "secretariatcontact"), {S}),
    "空き情報の設定(設定)": (setting_url("vacancies", "vacancysettings"), set()),
    "オープンデータの設定(設定)": (setting_url("opendata", "opendatasettings"), {S}),
    "空き情報の催促のメール(設定)": (setting_url("offices", "vacancyremindersettings"), {S}),
    "ワークフロー": (fixed("wagtailadmin_workflows:index"), set()),
    "タスク": (fixed("wagtailadmin_workflows:task_index"), set()),
    "管理画面のトップ": (fixed("wagtailadmin_home"), ALL_EDITORS),
}


def outcome(response):
    """'ok' (shown), 'refused' (sent back to the dashboard) or 'login' (not let in at all)."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403:
        return "refused"
    if response.status_code == 302:
        location = response["Location"]
        if location == reverse("wagtailadmin_home"):
            return "refused"
        if location.startswith(reverse("wagtailadmin_explore_root")):
            return "refused"  # the explorer sends the user back to their own section
        if location.startswith(reverse("wagtailadmin_login")):
            return "login"
    return f"unexpected {response.status_code} {response.get('Location', '')}"


def expected(role, allowed):
    if role == C:
        return "login"
    return "ok" if role in allowed else "refused"


@pytest.mark.parametrize("area", list(AREAS))
def test_permission_matrix(client, site, users, area):
    build, allowed = AREAS[area]
    url = build(site)
    got = {}
    for role in ROLE_NAMES:
        client.force_login(users[role])
        got[role] = outcome(client.get(url))
        client.logout()
    want = {role: expected(role, allowed) for role in ROLE_NAMES}
    assert got == want, url


def test_anonymous_visitor_is_sent_to_the_admin_login(client, site):
    for build, _ in AREAS.values():
        assert outcome(client.get(build(site))) == "login"


REFUSED = "アクセス権がありません。"  # Wagtail's Japanese permission message


def test_refusal_message_is_japanese(client, site, users):
    client.force_login(users[F])
    response = client.get(page_url("edit", "meeting")(site), follow=True)
    assert REFUSED in response.content.decode()


def test_images_chooser_of_facility_editor_shows_only_facility_photos(client, site, users):
    photos = Collection.objects.get(name=roles.FACILITY_PHOTOS)
    root = Collection.get_first_root_node()
    Image.objects.create(title="事業所の外観", file=get_test_image_file(), collection=photos)
    Image.objects.create(title="会議の写真", file=get_test_image_file(), collection=root)
    client.force_login(users[F])
    html = client.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert "事業所の外観" in html
    assert "会議の写真" not in html


def test_facility_editor_uploads_photos_only_into_facility_photos(client, site, users):
    photos = Collection.objects.get(name=roles.FACILITY_PHOTOS)
    root = Collection.get_first_root_node()
    client.force_login(users[F])
    response = client.get(reverse("wagtailimages:add"))
    # One collection only, so Wagtail leaves the choice out of the form...
    assert "collection" not in response.context["form"].fields
    upload = {
        "title": "外観",
        "file": SimpleUploadedFile("gaikan.png", get_test_image_file().file.getvalue()),
        "collection": str(root.pk),  # ...and ignores a collection slipped into the post.
    }
    response = client.post(reverse("wagtailimages:add"), upload)
    assert response.status_code == 302
    assert list(Image.objects.values_list("title", "collection")) == [("外観", photos.pk)]


# --- Tampered forms posted to another role's area -----------------------------------------


def meeting_form(**overrides):
    return meeting_form_data(
        **{
            "title": "書き換えられた会議",
            "slug": "tampered",
            "minutes": rich_text("<p>書き換え</p>"),
            **overrides,
        }
    )


def snapshot():
    """Everything a refused post might have touched."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "title", "live", "has_unpublished_changes")),
        "revisions": sorted(Revision.objects.values_list("object_id", "pk")),
        "figures": list(VacancyFigure.objects.values_list("pk", "vacancies")),
        "items": list(BusinessItem.objects.values_list("pk", "name")),
        "contact": list(SecretariatContact.objects.values()),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "group_permissions": sorted(Group.objects.values_list("name", "permissions__codename")),
        "page_permissions": GroupPagePermission.objects.count(),
        "users": sorted(User.objects.values_list("username", "is_superuser")),
        "workflows": sorted(Workflow.objects.values_list("name", "active")),
    }


def tampered_posts(site):
    facility = site["facility"]
    meeting = site["meeting"]
    month = "2026-04"
    return {
        "会議の記録の編集": (reverse("wagtailadmin_pages:edit", args=[meeting.pk]), meeting_form()),
        "会議の記録の追加": (
            reverse(
                "wagtailadmin_pages:add", args=["council", "meetingpage", site["committee"].pk]
            ),
            meeting_form(slug="new-meeting"),
        ),
        "空き情報の追加": (
            reverse("vacancies_vacancyfigure_modeladmin_create"),
            {
                "facility": facility.pk,
                "service_type": facility.services.first().service_type_id,
                "month": "2026-04-01",
                "vacancies": "2",
                "for_whom": "any",
                "note": "",
                "reported_on": "2026-04-01",
            },
        ),
        "月次入力": (
            reverse("vacancy_monthly") + f"?month={month}",
            {
                "month": month,
                "loaded_at": (timezone.now() - dt.timedelta(seconds=1)).isoformat(),
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-facility": facility.pk,
                "form-0-service_type": facility.services.first().service_type_id,
                "form-0-vacancies": "3",
                "form-0-for_whom": "any",
                "form-0-note": "",
            },
        ),
        "事業項目の追加": (
            reverse("wagtailsnippets_council_businessitem:add"),
            {"number": "99", "name": "書き換えられた事業"},
        ),
        "事務局の連絡先": (
            setting_url("home", "secretariatcontact")(site),
            {"name": "書き換えられた事務局", "phone": "0495-00-0000"},
        ),
        "ユーザーの追加": (
            reverse("wagtailusers_users:add"),
            {
                "username": "intruder",
                "email": "i@example.jp",
                "first_name": "a",
                "last_name": "b",
                "password1": "a-long-password-123",
                "password2": "a-long-password-123",
                "is_superuser": "on",
                "is_active": "on",
            },
        ),
        "グループの削除": (
            reverse("wagtailusers_groups:delete", args=[Group.objects.get(name=APPROVER).pk]),
            {},
        ),
        "ワークフローの無効化": (
            reverse(
                "wagtailadmin_workflows:disable",
                args=[Workflow.objects.get(name=roles.COUNCIL_WORKFLOW).pk],
            ),
            {},
        ),
    }


# role -> the posts it must not be able to make
REFUSED_POSTS = {
    F: [
        "会議の記録の編集",
        "会議の記録の追加",
        "事業項目の追加",
        "事務局の連絡先",
        "ユーザーの追加",
    ],
    S: ["空き情報の追加", "月次入力", "ユーザーの追加", "グループの削除", "ワークフローの無効化"],
    A: ["会議の記録の編集", "空き情報の追加", "事業項目の追加", "ワークフローの無効化"],
    C: [
        "会議の記録の編集",
        "会議の記録の追加",
        "空き情報の追加",
        "月次入力",
        "事業項目の追加",
        "事務局の連絡先",
        "ユーザーの追加",
        "グループの削除",
        "ワークフローの無効化",
    ],
}


@pytest.mark.parametrize(
    "role, post", [(role, post) for role, posts in REFUSED_POSTS.items() for post in posts]
)
def test_tampered_post_to_another_roles_area_is_refused_and_changes_nothing(
    client, site, users, role, post
):
    url, data = tampered_posts(site)[post]
    before = snapshot()
    client.force_login(users[role])
    response = client.post(url, data)
    assert outcome(response) == ("login" if role == C else "refused"), response
    if role != C and response.status_code == 302:
        shown = client.get(response["Location"]).content.decode()
        assert REFUSED in shown
    assert snapshot() == before


# Who may make each post: the same data does change things in the right hands.
ALLOWED_POSTS = {
    "会議の記録の編集": S,
    "会議の記録の追加": S,
    "空き情報の追加": F,
    "月次入力": F,
    "事業項目の追加": S,
    "事務局の連絡先": S,
    "ユーザーの追加": "admin",
    "グループの削除": "admin",
    "ワークフローの無効化": "admin",
}


@pytest.mark.parametrize("post", list(ALLOWED_POSTS))
def test_the_same_posts_change_things_for_the_role_that_owns_the_area(client, site, users, post):
    url, data = tampered_posts(site)[post]
    actor = ALLOWED_POSTS[post]
    if actor == "admin":
        user = User.objects.create_superuser("admin", "admin@example.jp", "x")
    else:
        user = users[actor]
    before = snapshot()
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 302
    assert snapshot() != before


def test_secretariat_cannot_publish_a_meeting_record_by_posting_publish(client, site, users):
    """The form's publish button is ignored: the change waits as a draft for approval."""
    meeting = site["meeting"]
    client.force_login(users[S])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[meeting.pk]), meeting_form(slug=meeting.slug)
    )
    assert response.status_code == 302
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.title == "第1回相談支援部会"
    assert meeting.has_unpublished_changes
    assert meeting.get_latest_revision_as_object().title == "書き換えられた会議"


# --- Private pages for consultation offices ----------------------------------------------


def restrict_to_offices(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=C)])


def test_consultation_office_reads_a_page_restricted_to_it_after_logging_in(client, site, users):
    vacancy = site["vacancy"]
    restrict_to_offices(vacancy)
    url = vacancy.url

    response = client.get(url)
    assert response.status_code == 302
    login_url = reverse("wagtailcore_login")
    assert response["Location"].startswith(login_url)

    form = client.get(response["Location"])
    assert form.status_code == 200
    response = client.post(login_url, {"username": users[C].username, "password": "x", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert "空き情報" in page.content.decode()


def test_front_end_login_is_in_japanese_in_the_site_layout(client, site, users):
    restrict_to_offices(site["vacancy"])
    login_url = reverse("wagtailcore_login") + f"?next={site['vacancy'].url}"
    page = client.get(login_url).content.decode()
    assert "<h1>ログイン</h1>" in page
    assert 'autocomplete="current-password"' in page
    assert "児玉郡市自立支援協議会" in page  # the site's header and footer

    wrong = client.post(
        reverse("wagtailcore_login"),
        {"username": users[C].username, "password": "wrong", "next": site["vacancy"].url},
    )
    assert wrong.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in wrong.content.decode()

    client.force_login(users[A])  # an approver may not edit the page, so may not read it
    followed = client.get(site["vacancy"].url, follow=True).content.decode()
    assert "このページを見る権限がありません" in followed


def test_anonymous_visitor_and_other_groups_cannot_read_the_restricted_page(client, site, users):
    vacancy = site["vacancy"]
    restrict_to_offices(vacancy)
    assert client.get(vacancy.url).status_code == 302
    client.force_login(users[A])
    response = client.get(vacancy.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailcore_login"))


PRIVATE_PAGES = ["vacancy", "facility", "meeting", "news", "standard"]


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("key", PRIVATE_PAGES)
def test_only_the_secretariat_changes_who_may_view_a_page(client, site, users, role, key):
    """Wagtail lets anyone who may publish set a page's privacy; here only 事務局 may."""
    page = site[key]
    client.force_login(users[role])
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    restrict = {"restriction_type": "groups", "groups": [Group.objects.get(name=C).pk]}
    get, post = client.get(url), client.post(url, {**restrict, "password": ""})
    if role == S:
        assert get.status_code == post.status_code == 200
        assert PageViewRestriction.objects.filter(page=page).exists()
        client.post(url, {"restriction_type": "none", "password": ""})
        assert not PageViewRestriction.objects.filter(page=page).exists()
    else:
        assert get.status_code in (302, 403) and post.status_code in (302, 403)
        assert not PageViewRestriction.objects.filter(page=page).exists()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_nobody_but_the_secretariat_lifts_a_restriction(client, site, users, role):
    restrict_to_offices(site["vacancy"])
    client.force_login(users[role])
    client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[site["vacancy"].pk]),
        {"restriction_type": "none", "password": ""},
    )
    lifted = not PageViewRestriction.objects.filter(page=site["vacancy"]).exists()
    assert lifted is (role == S)


def test_the_privacy_button_is_shown_only_to_those_who_may_use_it(client, site, users):
    button = 'data-a11y-dialog-show="set-privacy"'
    edit = reverse("wagtailadmin_pages:edit", args=[site["vacancy"].pk])
    client.force_login(users[F])
    assert button not in client.get(edit).content.decode()
    client.force_login(users[S])
    assert button in client.get(edit).content.decode()


# Who may take a live page down (unpublish), by role and page.
UNPUBLISH = {
    "news": {S, A},
    "meeting": {A},
    "standard": {S, A},
    "facility": {A, F},
    "vacancy": {A, F},
}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("key", list(UNPUBLISH))
def test_unpublishing_follows_the_publish_permission(client, site, users, role, key):
    page = site[key]
    client.force_login(users[role])
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    page.refresh_from_db()
    if role in UNPUBLISH[key]:
        assert response.status_code == 302 and not page.live
    else:
        assert response.status_code in (302, 403) and page.live


# --- Setting the roles up -----------------------------------------------------------------


def test_migration_created_roles_collection_and_workflow():
    for role in roles.ROLES:
        group = Group.objects.get(name=role.name)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == {codename for _, _, codename in role.model_permissions}
    assert not Group.objects.get(name=C).permissions.exists()
    photos = Collection.objects.get(name=roles.FACILITY_PHOTOS)
    assert photos.get_parent() == Collection.get_first_root_node()
    assert set(
        GroupCollectionPermission.objects.filter(group__name=F).values_list(
            "collection__name", "permission__codename"
        )
    ) == {(roles.FACILITY_PHOTOS, "add_image"), (roles.FACILITY_PHOTOS, "choose_image")}
    workflow = Workflow.objects.get(name=roles.COUNCIL_WORKFLOW)
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [A]


def test_sections_created_later_get_permissions_and_workflow(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    news = NewsIndexPageFactory(parent=home_page)
    facilities = FacilityIndexPageFactory(parent=home_page)
    vacancy = VacancyPageFactory(parent=home_page)
    assert WorkflowPage.objects.get(page=about).workflow.name == roles.COUNCIL_WORKFLOW
    assert WorkflowPage.objects.get(page=home_page).workflow.name == roles.PUBLISHING_WORKFLOW

    def grants(page):
        return set(
            GroupPagePermission.objects.filter(page=page).values_list(
                "group__name", "permission__codename"
            )
        )

    assert grants(about) == set()
    assert grants(news) == {(S, "publish_page")}
    assert grants(facilities) == {
        (F, "add_page"),
        (F, "change_page"),
        (F, "publish_page"),
        (F, "lock_page"),
    }
    assert grants(vacancy) == {(F, "change_page"), (F, "publish_page"), (F, "lock_page")}
    assert grants(home_page) == {
        (S, "add_page"),
        (S, "change_page"),
        (S, "lock_page"),
        (A, "publish_page"),
    }
    # 事務局 never publishes anything in the council's subtree.
    assert not GroupPagePermission.objects.filter(
        group__name=S,
        permission__codename="publish_page",
        page__in=[*about.get_ancestors(inclusive=True)],
    ).exists()


def test_only_top_level_general_pages_get_their_own_publish_grant(home_page):
    top = StandardPageFactory(parent=home_page)
    child = StandardPageFactory(parent=top)
    assert GroupPagePermission.objects.filter(group__name=S, page=top).count() == 1
    assert not GroupPagePermission.objects.filter(page=child).exists()


def state():
    return {
        "groups": sorted(Group.objects.values_list("name", "permissions__codename")),
        "page": sorted(
            GroupPagePermission.objects.values_list("group__name", "page_id", "permission_id")
        ),
        "collection": sorted(
            GroupCollectionPermission.objects.values_list(
                "group__name", "collection_id", "permission_id"
            )
        ),
        "collections": sorted(Collection.objects.values_list("path", "name", "numchild")),
        "workflows": sorted(
            Workflow.objects.values_list("name", "workflow_tasks__task__name", "active")
        ),
        "workflow_pages": sorted(WorkflowPage.objects.values_list("page_id", "workflow__name")),
        "permissions": Permission.objects.count(),
    }


def run_setup_roles():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def test_setup_roles_restores_what_is_missing_and_is_idempotent(site):
    complete = state()
    Group.objects.filter(name=S).delete()
    Workflow.objects.filter(name=roles.COUNCIL_WORKFLOW).delete()
    Collection.objects.filter(name=roles.FACILITY_PHOTOS).delete()

    first = run_setup_roles()
    assert "グループ「事務局」を作成しました。" in first
    assert "ワークフロー「会議記録の承認」を作成しました。" in first
    assert "コレクション「施設の写真」を作成しました。" in first
    assert (
        "「協議会について」以下のページにワークフロー「会議記録の承認」を割り当てました。" in first
    )
    after_first = state()
    # Same grants as the migration and the signal made, on newly created rows.
    assert {k: v for k, v in after_first.items() if k not in {"page", "collection"}} == {
        k: v for k, v in complete.items() if k not in {"page", "collection"}
    }
    assert len(after_first["page"]) == len(complete["page"])
    assert len(after_first["collection"]) == len(complete["collection"])

    second = run_setup_roles()
    assert second.strip() == "役割の設定はそろっています。変更はありません。"
    assert state() == after_first


def test_setup_roles_keeps_a_workflow_chosen_in_the_admin(site):
    other = Workflow.objects.create(name="会長の承認", active=True)
    WorkflowPage.objects.filter(page=site["about"]).update(workflow=other)
    out = run_setup_roles()
    assert "別のワークフロー「会長の承認」" in out
    assert WorkflowPage.objects.get(page=site["about"]).workflow == other


def test_section_models_cover_every_section_page_type():
    assert set(roles.SECTION_MODELS) == {
        "home.HomePage",
        "home.StandardPage",
        "home.GlossaryPage",
        "council.CouncilIndexPage",
        "council.NewsIndexPage",
        "council.MeetingArchivePage",
        "facilities.FacilityIndexPage",
        "vacancies.VacancyPage",
        "evaluations.GroupHomeEvaluationIndexPage",
        "accessibility.AccessibilityPolicyPage",
    }
    creatable = {
        model._meta.label
        for model in get_page_models()
        if model.is_creatable and model._meta.app_label in {"home", "council", "facilities"}
    }
    # Every other page type lives inside one of these sections.
    assert creatable - set(roles.SECTION_MODELS) == {
        "council.CommitteePage",
        "council.MeetingPage",
        "council.ActivityReportPage",
        "council.NewsPage",
        "facilities.FacilityPage",
    }


def test_wagtail_default_groups_and_workflow_are_retired():
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    default = Workflow.objects.filter(name="Moderators approval").first()
    assert default is None or (not default.active and not default.workflow_pages.exists())


def test_retiring_keeps_a_default_group_someone_belongs_to(django_user_model):
    from importlib import import_module

    from django.apps import apps

    retire = import_module("editorial.migrations.0002_retire_wagtail_default_groups")
    moderators = Group.objects.create(name="Moderators")
    django_user_model.objects.create_user("old-moderator").groups.add(moderators)
    Group.objects.create(name="Editors")
    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    WorkflowPage.objects.create(workflow=workflow, page=Page.get_first_root_node())

    retire.retire_defaults(apps, None)

    assert list(
        Group.objects.filter(name__in=["Editors", "Moderators"]).values_list("name", flat=True)
    ) == ["Moderators"]
    workflow.refresh_from_db()
    assert not workflow.active and not workflow.workflow_pages.exists()
