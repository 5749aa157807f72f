"""Council pages in real Chromium: axe on every page type, and the secretariat putting out a
meeting record and a yearly report through the approver (pictures for docs/editor-guide.md)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from council.models import MeetingPage, ReportRow
from editorial.roles import APPROVER, COUNCIL_WORKFLOW, SECRETARIAT
from tests.axe import assert_no_axe_violations
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    agenda_item,
    business_item,
    report_point,
    stream,
)
from tests.live import live_db, wait_until
from tests.twofactor import app_device, enter_code

pytestmark = [pytest.mark.browser, live_db]

# The editor guide's pictures. `make docs-screenshots` writes them into docs/images;
# ordinary runs write them under var/ so that the tree stays clean.
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = (
    ROOT / "docs" / "images"
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"
    else ROOT / "var" / "screenshots"
)


@pytest.fixture
def council(live_home):
    about = CouncilIndexPageFactory(parent=live_home, show_in_menus=True)
    archive = MeetingArchivePageFactory(parent=live_home, show_in_menus=True)
    plenary = CommitteePageFactory(
        parent=about, title="全体会", slug="zentai", kind="plenary", usual_schedule="年3回"
    )
    meeting = MeetingPageFactory(
        parent=plenary,
        title="第1回全体会",
        date=dt.date(2023, 7, 3),
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        venue="本庄市役所",
        agenda=stream(
            agenda_item("サインレスの継続について", "approval", "結果の報告", "継続を決定")
        ),
        minutes="<p>委員から意見が出されました。</p>",
    )
    MeetingPageFactory(
        parent=plenary, title="第3回全体会", date=dt.date(2099, 2, 2), status="scheduled"
    )
    report = ActivityReportPageFactory(
        parent=plenary,
        title="令和5年度活動報告及び令和6年度活動計画",
        as_of=dt.date(2024, 3, 31),
        material_number="資料5-1",
    )
    for n in (1, 2, 3, 4, 5):
        report.rows.add(
            ReportRow(
                business_item=business_item(n),
                points=stream(
                    report_point(f"取組{n}の内容です。", f"評価{n}", f"計画{n}"),
                    report_point("二つ目の取組", "二つ目の評価", "二つ目の計画"),
                ),
                new_plans=stream(
                    ("plan", {"title": "移動手段の整理", "detail": "要件を整理します。"})
                )
                if n == 1
                else "[]",
            )
        )
    report.save_revision().publish()
    return {
        "about": about,
        "archive": archive,
        "plenary": plenary,
        "meeting": meeting,
        "report": report,
    }


def test_council_page_types_have_no_axe_violations(live_server, page, council):
    paths = [
        council["about"].url,
        council["plenary"].url,
        council["meeting"].url,
        council["report"].url,
        f"{council['plenary'].url}items/{business_item(1).pk}/",
        council["archive"].url,
        council["archive"].url + "?nendo=2023&body=zentai",
        council["archive"].url + "?nendo=1999&body=unknown",
    ]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert_no_axe_violations(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways at {width}px"


def test_report_is_a_table_on_wide_screens_and_sections_on_narrow(live_server, page, council):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + council["report"].url)
    assert page.locator(".report-table").is_visible()
    assert not page.locator(".report-stacked").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert not page.locator(".report-table").is_visible()
    assert page.locator(".report-stacked").is_visible()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    assert page.locator(".report-table").is_visible()


def test_archive_filters_by_keyboard(live_server, page, council):
    page.goto(live_server.url + council["archive"].url)
    link = page.get_by_role("link", name="令和5年度")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**nendo=2023**")
    # The chosen year folds the filters; the summary opens them again.
    page.locator("details.filters-fold summary").click()
    assert page.get_by_role("link", name="令和5年度").get_attribute("aria-current") == "page"
    assert "第1回全体会" in page.locator("#results + *").locator("..").inner_text()


def shot(target, name):
    """Save a guide picture of the page, or of one part of it (a locator)."""
    page = getattr(target, "page", target)
    # Let messages, menus and dialogs finish sliding in (short animations only:
    # spinners and slow background effects never settle).
    wait_until(
        page,
        """() => document.getAnimations().every(
            a => a.playState !== "running" || a.effect.getComputedTiming().endTime > 2000
        )""",
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


PASSWORD = "kyougikai-pass-2024"


def member(username, role, full_name):
    """A user in one of the roles of editorial/roles.py, with a real password."""
    # The whole name in first_name: Django's get_full_name() would put a last name after it.
    user = User.objects.create_user(
        username, f"{username}@example.jp", PASSWORD, first_name=full_name
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, live_server, user, screenshot=None):
    """Log in through the admin's login page with password and code, as the guide describes
    (ending any other session)."""
    device = app_device(user)
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    if screenshot:
        shot(page, screenshot)
    page.keyboard.press("Enter")
    enter_code(page, device)
    page.wait_for_url("**/admin/")


def submit_for_approval(page):
    """「承認に提出」: the secretariat's way to publish a council record."""
    page.get_by_role("button", name="他のアクション").click()
    # Publishing is not offered: council records go live only through the approval workflow.
    assert page.locator("button[name='action-publish']").count() == 0
    page.locator("button[name='action-submit']").click()
    page.wait_for_url("**/admin/pages/**")
    page.wait_for_selector(".messages .success")


def approve_from_dashboard(page, title, screenshot=None):
    """The approver opens the dashboard and approves ``title`` from 「対応が必要なこと」."""
    panel = page.locator("#editor-tasks-approval")
    assert title in panel.inner_text()
    if screenshot:
        shot(page.locator("#editor-tasks-section"), screenshot)
    panel.get_by_role("link", name=title).click()
    page.wait_for_url("**/edit/")
    # Approvers only review: no saving or publishing of their own.
    assert page.locator("[name='action-save-draft'], [name='action-publish']").count() == 0
    page.get_by_role("button", name="他のアクション").click()
    page.get_by_role("button", name="承認と公開", exact=True).click()
    page.wait_for_selector(".messages .success")


@pytest.fixture
def roles_users(council):
    return {
        "secretariat": member("jimukyoku", SECRETARIAT, "事務局 花子"),
        "approver": member("shonin", APPROVER, "会長 太郎"),
    }


def test_secretariat_submits_a_meeting_with_a_handout_and_the_approver_publishes_it(
    live_server, page, council, roles_users, tmp_path
):
    pdf = tmp_path / "shiryou.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, live_server, roles_users["secretariat"], screenshot="01-login")

    # Upload the handout first, as the guide explains.
    page.goto(live_server.url + "/admin/documents/multiple/add/")
    page.set_input_files("#fileupload", str(pdf))
    page.wait_for_selector("text=アップロードに成功しました", timeout=15000)
    shot(page, "02-document-uploaded")

    page.goto(live_server.url + f"/admin/pages/add/council/meetingpage/{council['plenary'].pk}/")
    page.fill("#id_title", "障害者福祉計画と基幹相談支援センター")
    page.fill("#id_date", "2023-11-20")
    page.keyboard.press("Escape")
    page.fill("#id_start_time", "14:00")
    page.keyboard.press("Escape")
    page.fill("#id_end_time", "16:00")
    page.keyboard.press("Escape")
    page.fill("#id_venue", "本庄市役所 4階 大会議室")
    page.select_option("#id_status", "held")
    page.mouse.click(1200, 300)  # close the date and time pickers
    shot(page, "03-meeting-form")

    page.get_by_role("button", name="資料を追加").click()
    page.fill("#id_handouts-0-label", "資料1")
    page.fill("#id_handouts-0-title", "協働体制の説明資料")
    page.locator("#id_handouts-0-document-chooser").get_by_role(
        "button", name="ドキュメントを選択"
    ).click()
    page.locator(".modal").get_by_role("link", name="shiryou").first.click()
    page.wait_for_selector(".modal", state="hidden")
    shot(page, "04-handout-chosen")

    submit_for_approval(page)
    shot(page, "05-submitted")

    meeting = MeetingPage.objects.get(title="障害者福祉計画と基幹相談支援センター")
    assert not meeting.live
    assert meeting.current_workflow_state.workflow.name == COUNCIL_WORKFLOW
    meeting_url = live_server.url + council["plenary"].url + meeting.slug + "/"
    assert page.request.get(meeting_url).status == 404

    log_in(page, live_server, roles_users["approver"])
    approve_from_dashboard(
        page, "障害者福祉計画と基幹相談支援センター", screenshot="08-approver-dashboard"
    )
    shot(page, "09-approved")

    meeting = MeetingPage.objects.get(title="障害者福祉計画と基幹相談支援センター")
    assert meeting.live and meeting.handouts.count() == 1
    assert meeting.fiscal_year == 2023 and meeting.get_display_number() == 2
    assert meeting.current_workflow_state is None
    assert page.request.get(meeting_url).ok

    page.goto(live_server.url + council["archive"].url + "?nendo=2023")
    page.get_by_role("link", name="障害者福祉計画と基幹相談支援センター").first.click()
    assert page.locator("h1").inner_text() == "障害者福祉計画と基幹相談支援センター"
    assert "PDF・" in page.locator(".handouts").inner_text()

    page.goto(live_server.url + "/")
    page.fill("#site-search-q", "協働体制")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    assert page.get_by_role("link", name="障害者福祉計画と基幹相談支援センター").count() == 1


def test_secretariat_updates_a_yearly_report_and_it_goes_live_when_approved(
    live_server, page, council, roles_users
):
    log_in(page, live_server, roles_users["secretariat"])

    report = council["report"]
    page.goto(live_server.url + f"/admin/pages/{report.pk}/edit/")
    field = page.locator("textarea[name='rows-0-points-0-value-activities']")
    field.fill("令和6年3月に、ふくしマップを改訂して配付しました。")
    field.scroll_into_view_if_needed()
    shot(page, "06-report-form")
    submit_for_approval(page)

    # Waiting for approval: the public table still shows the published text.
    page.goto(live_server.url + report.url)
    assert "ふくしマップを改訂して配付しました" not in page.locator(".report-table").inner_text()

    # The approver uses Wagtail's own list 「あなたのレビューの待機中」 this time.
    log_in(page, live_server, roles_users["approver"])
    review = page.locator("#awaiting-review-section")
    assert report.title in review.inner_text()
    review.get_by_role("button", name="操作").click()
    with page.expect_navigation():
        review.get_by_role("button", name="承認", exact=True).click()
    assert page.locator("#awaiting-review-section").count() == 0
    assert (
        "承認を待っているページはありません。"
        in page.locator("#editor-tasks-approval").inner_text()
    )

    page.goto(live_server.url + report.url)
    table = page.locator(".report-table")
    assert "ふくしマップを改訂して配付しました" in table.inner_text()
    shot(page, "07-report-published")
