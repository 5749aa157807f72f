"""The editor guide (docs/editor-guide.md), role by role, in real Chromium.

Each test follows the steps of one chapter of the guide, checks what the guide
says happens, and takes the chapter's pictures (``make docs-screenshots`` writes
them into docs/images). The last test checks that the guide and the tests name
the same pictures.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction, WorkflowState

from council.models import MeetingPage
from editorial.roles import APPROVER, CONSULTATION_OFFICE, FACILITY_EDITOR, SECRETARIAT
from editorial.twofactor import devices
from facilities.models import FacilityPage, ServiceType
from tests.axe import assert_no_axe_violations
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from tests.live import live_db
from tests.test_council_browser import PASSWORD, ROOT, log_in, member, shot, submit_for_approval
from tests.test_facilities_map import Network
from tests.twofactor import app_code, fresh_code
from vacancies.models import VacancyFigure, month_start

GH = "共同生活援助(介護サービス包括型)"
MINUTES = "<p>委員から、相談支援の体制について意見が出されました。</p>"
NEW_MINUTES = "委員から、相談支援の体制と研修の計画について意見が出されました。"


@pytest.fixture
def site(live_home):
    today = timezone.localdate()
    about = CouncilIndexPageFactory(parent=live_home, show_in_menus=True)
    committee = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    facilities = FacilityIndexPageFactory(parent=live_home, show_in_menus=True)
    facility = FacilityPageFactory(
        parent=facilities,
        slug="hidamari",
        title="サンプルひだまりホーム",
        name_kana="サンプルヒダマリホーム",
        services=[(GH, 6, [])],
    )
    VacancyFigureFactory(
        facility=facility,
        service_type=ServiceType.objects.get(name=GH),
        month=month_start(),
        vacancies=2,
    )
    return {
        "home": live_home,
        "about": about,
        "committee": committee,
        "meeting": MeetingPageFactory(
            parent=committee,
            title="第1回相談支援部会",
            slug="soudan-1",
            date=today - dt.timedelta(days=30),
            minutes=MINUTES,
        ),
        "overdue": MeetingPageFactory(
            parent=committee,
            title="第4回相談支援部会",
            slug="soudan-4",
            date=today - dt.timedelta(days=75),
            minutes="",
        ),
        "facilities": facilities,
        "facility": facility,
        "vacancy": VacancyPageFactory(parent=live_home),
        "secretariat": member("jimukyoku", SECRETARIAT, "事務局 花子"),
        "approver": member("shonin", APPROVER, "会長 太郎"),
        "facility_editor": member("shisetsu", FACILITY_EDITOR, "施設 三郎"),
        "office": member("soudan", CONSULTATION_OFFICE, "相談 四郎"),
    }


def edit_path(page):
    return f"/admin/pages/{page.pk}/edit/"


def open_more_actions(page):
    page.get_by_role("button", name="他のアクション").click()


# --- 事務局 -----------------------------------------------------------------------------------


@pytest.mark.browser
@live_db
def test_secretariat_sees_an_overdue_meeting_without_minutes(live_server, page, site):
    log_in(page, live_server, site["secretariat"])
    panel = page.locator("#editor-tasks-section")
    minutes = panel.locator("#editor-tasks-minutes")
    text = minutes.inner_text()
    assert "開催から60日を過ぎても議事録がない会議(1件)" in text
    # 75 days when the fixture was made; 76 if midnight (JST) passed in between
    days = (timezone.localdate() - site["overdue"].date).days
    assert "第4回相談支援部会" in text
    assert f"{days}日経過" in text or f"{days - 1}日経過" in text
    assert "第1回相談支援部会" not in text  # held 30 days ago and its minutes are written
    shot(panel, "10-secretariat-tasks")

    minutes.get_by_role("link", name="第4回相談支援部会").click()
    page.wait_for_url(f"**{edit_path(site['overdue'])}")
    assert page.locator("#id_title").input_value() == "第4回相談支援部会"


# --- 承認者 -----------------------------------------------------------------------------------


def workflow_modal(page, action_name, comment):
    """Open the action menu's 「…with comment」 item and type the comment into its dialog."""
    open_more_actions(page)
    page.locator(
        f"button[data-workflow-action-name='{action_name}'][data-workflow-action-modal-url]"
    ).click()
    dialog = page.locator(".modal-dialog")
    dialog.locator("textarea[name='comment']").fill(comment)
    return dialog


@pytest.mark.browser
@live_db
def test_approver_compares_asks_for_changes_and_approves_with_a_comment(live_server, page, site):
    meeting, secretariat = site["meeting"], site["secretariat"]
    # The secretariat has written better minutes and sent them for approval (the
    # submission itself is shown by test_council_browser).
    draft = MeetingPage.objects.get(pk=meeting.pk)
    draft.minutes = f"<p>{NEW_MINUTES}</p>"
    draft.save_revision(user=secretariat)
    meeting.get_workflow().start(draft, secretariat)

    log_in(page, live_server, site["approver"])
    review = page.locator("#awaiting-review-section")
    assert "第1回相談支援部会" in review.inner_text()
    assert "事務局 花子" in review.inner_text()  # who sent it
    review.get_by_role("button", name="操作").click()
    menu = review.get_by_role("link", name="ライブ版と比較する")
    assert review.get_by_role("button", name="承認", exact=True).is_visible()
    assert review.get_by_role("link", name="プレビュー").is_visible()
    shot(page, "11-approver-review-menu")

    menu.click()
    page.wait_for_url("**/revisions/compare/**")
    compare = page.locator("main").inner_text()
    assert "研修の計画" in compare  # the change is shown against the live minutes
    assert page.locator(".deletion, .addition").count() > 0
    shot(page, "12-approver-compare")

    # Ask for changes, with the reason.
    page.goto(live_server.url + edit_path(meeting))
    dialog = workflow_modal(page, "reject", "出席者の人数を確認してください。")
    shot(page, "13-approver-request-changes")
    dialog.locator("button[type='submit']").click()
    page.wait_for_selector(".messages .success")
    state = MeetingPage.objects.get(pk=meeting.pk).workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "出席者の人数を確認してください。"
    assert MeetingPage.objects.get(pk=meeting.pk).minutes == MINUTES  # nothing went live

    # The secretariat sees who asked for what, on the dashboard and in the editor.
    log_in(page, live_server, secretariat)
    waiting = page.locator("#editor-tasks-approval").inner_text()
    assert "第1回相談支援部会" in waiting and "差し戻し中" in waiting
    page.locator("#editor-tasks-approval").get_by_role("link", name="第1回相談支援部会").click()
    page.wait_for_url(f"**{edit_path(meeting)}")
    page.locator("[data-side-panel-toggle='status']").click()
    page.get_by_role("button", name="詳細を表示").click()
    dialog = page.locator("#workflow-status-dialog")
    timeline = dialog.locator(".workflow-timeline").inner_text()
    assert "会長 太郎 さんが修正を依頼" in timeline
    assert "出席者の人数を確認してください。" in timeline
    shot(page, "14-secretariat-sees-comment")
    dialog.locator("[data-action~='w-dialog#hide']").first.click()

    # Corrected and sent again; this time the approver approves with a comment.
    submit_for_approval(page)
    log_in(page, live_server, site["approver"])
    page.goto(live_server.url + edit_path(meeting))
    dialog = workflow_modal(page, "approve", "人数を確認しました。公開します。")
    shot(page, "15-approver-approve-with-comment")
    dialog.locator("button[type='submit']").click()
    page.wait_for_selector(".messages .success")

    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert meeting.live and not meeting.has_unpublished_changes
    assert NEW_MINUTES in meeting.minutes
    state = meeting.workflow_states.order_by("-created_at").first()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.current_task_state.comment == "人数を確認しました。公開します。"
    page.goto(live_server.url + meeting.url)
    assert NEW_MINUTES in page.locator("main").inner_text()


# --- 施設情報担当 ------------------------------------------------------------------------------


@pytest.mark.browser
@live_db
def test_facility_editor_updates_a_facility_and_publishes_it(live_server, page, site):
    facility, meeting = site["facility"], site["meeting"]
    assert not facility.has_location and facility.verified_on is None
    Network(page, live_server)  # map tiles come from the test, not the internet
    log_in(page, live_server, site["facility_editor"])

    # The council's meeting records are not offered in the page explorer...
    page.goto(live_server.url + f"/admin/pages/{site['committee'].pk}/")
    listing = page.locator("main")
    assert "第1回相談支援部会" not in listing.inner_text()
    assert listing.locator(f"a[href='{edit_path(meeting)}']").count() == 0
    # ...and opening one anyway is refused.
    page.goto(live_server.url + edit_path(meeting))
    assert "アクセス権がありません。" in page.locator(".messages").inner_text()
    assert edit_path(meeting) not in page.url

    page.goto(live_server.url + f"/admin/pages/{site['facilities'].pk}/")
    page.locator("main").get_by_role("link", name="サンプルひだまりホーム").first.click()
    page.wait_for_url(f"**{edit_path(facility)}")

    picker = page.locator('#facility-location-map[data-map-state="ready"]')
    picker.wait_for()
    page.wait_for_selector("#facility-location-map .leaflet-tile-loaded")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)
    latitude, longitude = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    assert re.fullmatch(r"\d+\.\d{6}", latitude) and re.fullmatch(r"\d+\.\d{6}", longitude)
    # The 所在地 panel is taller than the window: show its fields and the map from the top.
    page.locator("#id_address").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, -60)
    shot(page, "16-facility-location")

    today = timezone.localdate()
    page.fill("#id_verified_on", today.isoformat())
    page.keyboard.press("Escape")
    verified = page.locator("section.w-panel", has=page.locator("#id_verified_on")).last
    verified.scroll_into_view_if_needed()
    assert "情報確認日" in verified.inner_text()
    shot(verified, "17-facility-verified-on")

    open_more_actions(page)
    page.locator("button[name='action-publish']").click()
    page.wait_for_selector(".messages .success")
    shot(page, "18-facility-published")

    facility = FacilityPage.objects.get(pk=facility.pk)
    assert facility.live and not facility.has_unpublished_changes
    assert facility.verified_on == today
    assert (f"{facility.latitude:.6f}", f"{facility.longitude:.6f}") == (latitude, longitude)
    assert facility.current_workflow_state is None  # published directly, without approval
    page.goto(live_server.url + facility.url)
    assert "情報確認日: 未確認" not in page.locator("main").inner_text()
    assert "情報確認日" in page.locator("main").inner_text()


@pytest.mark.browser
@live_db
def test_facility_editor_enters_the_months_vacancies(live_server, page, site):
    log_in(page, live_server, site["facility_editor"])
    page.get_by_role("link", name="空き情報の入力").first.click()
    page.wait_for_url("**/admin/vacancies/monthly/**")
    row = page.locator("tr", has_text="サンプルひだまりホーム")
    assert row.locator("input[name$='-vacancies']").input_value() == "2"
    row.locator("input[name$='-vacancies']").fill("3")
    page.get_by_role("button", name="まとめて保存").click()
    page.wait_for_url("**/admin/vacancies/monthly/?month=*")
    assert "の空き情報を保存しました" in page.locator(".messages").inner_text()
    shot(page, "19-vacancy-monthly")
    figure = VacancyFigure.objects.get(facility=site["facility"], month=month_start())
    assert figure.vacancies == 3 and figure.entered_by == site["facility_editor"]


# --- 相談支援事業所 ----------------------------------------------------------------------------


@pytest.mark.browser
@live_db
def test_consultation_office_logs_in_to_read_the_page_restricted_to_it(live_server, page, site):
    vacancy = site["vacancy"]
    restriction = PageViewRestriction.objects.create(
        page=vacancy, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=CONSULTATION_OFFICE)])

    page.goto(live_server.url + vacancy.url)
    assert page.locator("h1").inner_text() == "ログイン"
    assert "サンプルひだまりホーム" not in page.locator("body").inner_text()
    page.fill("#id_username", site["office"].username)
    page.fill("#id_password", PASSWORD)
    shot(page, "20-office-login")
    page.get_by_role("button", name="ログイン").click()

    page.wait_for_url(f"**{vacancy.url}")
    assert page.locator("h1").inner_text() == "空き情報"
    assert "サンプルひだまりホーム" in page.locator("main").inner_text()
    shot(page, "21-office-vacancy-page")

    # The account reads pages; it does not open the admin.
    page.goto(live_server.url + "/admin/")
    assert "/admin/login/" in page.url


# --- 二要素認証 ---------------------------------------------------------------------------------


def send_password(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")


@pytest.mark.browser
@live_db
def test_secretariat_enrols_at_the_first_login_then_logs_in_with_a_code(live_server, page, site):
    secretariat = site["secretariat"]
    send_password(page, live_server, secretariat)
    page.wait_for_url("**/admin/two-factor/setup/?next=/admin/")
    assert page.locator("h1").inner_text() == "二要素認証の設定"
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    assert page.locator("#two-factor-secret").inner_text() == devices.secret_text(device)
    qr_code = page.locator("img.two-factor-qr")
    assert qr_code.evaluate("img => img.complete && img.naturalWidth") > 200
    assert_no_axe_violations(page)
    page.fill("#id_code", app_code(device))
    shot(page.locator("main"), "22-two-factor-setup")
    page.get_by_role("button", name="設定する").click()

    page.wait_for_url("**/admin/two-factor/recovery-codes/**")
    shown = page.locator(".two-factor-codes code").all_inner_texts()
    stored = StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    assert sorted(code.replace("-", "") for code in shown) == sorted(stored)
    assert len(shown) == 10
    assert_no_axe_violations(page)
    shot(page.locator("main"), "23-two-factor-recovery-codes")
    page.get_by_role("button", name="控えました。次へ進む").click()
    page.wait_for_url(lambda url: url.endswith("/admin/"))
    assert "二要素認証の設定が終わりました。" in page.locator(".messages").inner_text()
    assert page.locator("#editor-tasks-heading").count() == 1

    # The next login asks for the code the app shows.
    send_password(page, live_server, secretariat)
    page.wait_for_url("**/admin/two-factor/verify/?next=/admin/")
    assert_no_axe_violations(page)
    page.fill("#id_code", fresh_code(device))
    shot(page.locator("main"), "24-two-factor-code")
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(lambda url: url.endswith("/admin/"))
    assert page.locator("#editor-tasks-heading").count() == 1

    # Without the phone: a recovery code, once.
    send_password(page, live_server, secretariat)
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_code", shown[0])
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(lambda url: url.endswith("/admin/"))
    assert "回復コードでログインしました(残り9個)" in page.locator(".messages").inner_text()
    send_password(page, live_server, secretariat)
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_code", shown[0])
    page.get_by_role("button", name="確認する").click()
    page.wait_for_selector(".error-message")
    assert "既に使われています" in page.locator(".error-message").inner_text()
    assert "/admin/two-factor/verify/" in page.url


@pytest.mark.browser
@live_db
def test_facility_editor_turns_two_factor_login_on_in_the_account_settings(live_server, page, site):
    editor = site["facility_editor"]
    send_password(page, live_server, editor)  # not required for this role: no code yet
    page.wait_for_url(lambda url: url.endswith("/admin/"))
    page.goto(live_server.url + "/admin/account/")
    panel = page.locator("#two_factor-section")
    assert "使っていません" in panel.inner_text()
    shot(panel, "25-two-factor-account")
    panel.get_by_role("link", name="二要素認証を設定する").click()

    page.wait_for_url("**/admin/two-factor/setup/**")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    page.fill("#id_code", app_code(device))
    page.get_by_role("button", name="設定する").click()
    page.wait_for_url("**/admin/two-factor/recovery-codes/**")
    page.get_by_role("button", name="控えました。次へ進む").click()
    page.wait_for_url("**/admin/account/")
    panel = page.locator("#two_factor-section")
    assert "使っています" in panel.inner_text()
    assert "回復コードの残り: 10個" in panel.inner_text()

    send_password(page, live_server, editor)
    page.wait_for_url("**/admin/two-factor/verify/**")


# --- The guide and its pictures ---------------------------------------------------------------

GUIDE = ROOT / "docs" / "editor-guide.md"
IMAGES = ROOT / "docs" / "images"
SHOOTING_TESTS = (
    "test_council_browser.py",
    "test_editor_guide_browser.py",
    "test_offices_browser.py",
)
PICTURE_NAME = re.compile(r"""["'](\d\d-[a-z0-9-]+)["']""")


def pictures_taken():
    names = set()
    for name in SHOOTING_TESTS:
        names |= set(PICTURE_NAME.findall((ROOT / "tests" / name).read_text(encoding="utf-8")))
    return names


def test_the_guide_shows_exactly_the_pictures_the_tests_take():
    in_guide = set(re.findall(r"\]\(images/([^)]+)\.png\)", GUIDE.read_text(encoding="utf-8")))
    taken = pictures_taken()
    assert len(taken) >= 20
    assert in_guide - taken == set(), "the guide shows pictures no test takes"
    assert taken - in_guide == set(), "pictures taken by the tests are missing from the guide"
    stored = {path.stem for path in IMAGES.glob("*.png")}
    assert stored == taken, "docs/images differs: run `make docs-screenshots`"
