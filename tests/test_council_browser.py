"""Council pages in real Chromium: axe on every page type, and an editor publishing a meeting."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from council.models import MeetingPage, ReportRow
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
from tests.live import live_db

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
    assert page.get_by_role("link", name="令和5年度").get_attribute("aria-current") == "page"
    assert "第1回全体会" in page.locator("#records-heading + *").locator("..").inner_text()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_editor_publishes_meeting_with_handout_and_finds_it(live_server, page, council, tmp_path):
    editor = User.objects.create_user("jimukyoku", "jimukyoku@example.jp", "kyougikai-pass-2024")
    editor.groups.add(Group.objects.get(name="Moderators"))
    pdf = tmp_path / "shiryou.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "jimukyoku")
    page.fill("#id_password", "kyougikai-pass-2024")
    shot(page, "01-login")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")

    # Upload the handout first, as the guide explains.
    page.goto(live_server.url + "/admin/documents/multiple/add/")
    page.set_input_files("#fileupload", str(pdf))
    page.wait_for_selector("text=アップロードに成功しました", timeout=15000)
    shot(page, "02-document-uploaded")

    page.goto(live_server.url + f"/admin/pages/add/council/meetingpage/{council['plenary'].pk}/")
    page.fill("#id_title", "第2回全体会")
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

    page.get_by_role("button", name="他のアクション").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")
    shot(page, "05-published")

    meeting = MeetingPage.objects.get(title="第2回全体会")
    assert meeting.live and meeting.handouts.count() == 1
    assert meeting.fiscal_year == 2023 and meeting.get_display_number() == 2

    page.goto(live_server.url + council["archive"].url + "?nendo=2023")
    page.get_by_role("link", name="第2回全体会").first.click()
    assert page.locator("h1").inner_text() == "第2回全体会"
    assert "PDF・" in page.locator(".handouts").inner_text()

    page.goto(live_server.url + "/")
    page.fill("#site-search-q", "協働体制")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    assert page.get_by_role("link", name="第2回全体会").count() == 1


def test_editor_updates_a_yearly_report(live_server, page, council):
    editor = User.objects.create_user("jimukyoku", "jimukyoku@example.jp", "kyougikai-pass-2024")
    editor.groups.add(Group.objects.get(name="Moderators"))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "jimukyoku")
    page.fill("#id_password", "kyougikai-pass-2024")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")

    report = council["report"]
    page.goto(live_server.url + f"/admin/pages/{report.pk}/edit/")
    field = page.locator("textarea[name='rows-0-points-0-value-activities']")
    field.fill("令和6年3月に、ふくしマップを改訂して配付しました。")
    field.scroll_into_view_if_needed()
    shot(page, "06-report-form")
    page.get_by_role("button", name="他のアクション").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")

    page.goto(live_server.url + report.url)
    table = page.locator(".report-table")
    assert "ふくしマップを改訂して配付しました" in table.inner_text()
    shot(page, "07-report-published")
