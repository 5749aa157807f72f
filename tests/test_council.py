"""Council publishing: bodies, meetings, reports, archives, item history and search."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from council.models import (
    ActivityReportPage,
    CommitteePage,
    CouncilIndexPage,
    MeetingArchivePage,
    MeetingPage,
    NewsIndexPage,
    NewsPage,
    ReportRow,
)
from home.models import HomePage, StandardPage
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    agenda_item,
    business_item,
    meeting_form_data,
    report_point,
    stream,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "about": about,
        "archive": MeetingArchivePageFactory(parent=home_page),
        "plenary": CommitteePageFactory(
            parent=about, title="全体会", slug="zentai", kind="plenary"
        ),
        "consult": CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan"),
    }


def add_report(committee, year=2023, rows=None, **kwargs):
    report = ActivityReportPageFactory(parent=committee, fiscal_year=year, **kwargs)
    for number, points, new_plans in rows or []:
        report.rows.add(
            ReportRow(
                business_item=business_item(number),
                points=stream(*[report_point(*p) for p in points]),
                new_plans=stream(*[("plan", {"title": t, "detail": d}) for t, d in new_plans]),
            )
        )
    report.save_revision().publish()
    return report


# --- Placement -----------------------------------------------------------------


@pytest.mark.parametrize(
    "child, parent, allowed",
    [
        (CouncilIndexPage, HomePage, True),
        (CouncilIndexPage, StandardPage, False),
        (CommitteePage, CouncilIndexPage, True),
        (CommitteePage, HomePage, False),
        (MeetingPage, CommitteePage, True),
        (MeetingPage, CouncilIndexPage, False),
        (MeetingPage, HomePage, False),
        (MeetingPage, MeetingArchivePage, False),
        (ActivityReportPage, CommitteePage, True),
        (ActivityReportPage, HomePage, False),
        (MeetingArchivePage, HomePage, True),
        (MeetingArchivePage, CouncilIndexPage, False),
        (NewsIndexPage, HomePage, True),
        (NewsPage, NewsIndexPage, True),
        (NewsPage, CommitteePage, False),
        (StandardPage, CommitteePage, False),
    ],
)
def test_placement_rules(child, parent, allowed):
    assert child.can_exist_under(parent()) is allowed


# --- Meeting numbers -----------------------------------------------------------


def test_meeting_number_follows_date_within_fiscal_year(council):
    c = council["plenary"]
    third = MeetingPageFactory(parent=c, date=dt.date(2024, 2, 2))
    first = MeetingPageFactory(parent=c, date=dt.date(2023, 7, 3))
    second = MeetingPageFactory(parent=c, date=dt.date(2023, 11, 20), format="written")
    next_year = MeetingPageFactory(parent=c, date=dt.date(2024, 4, 1))
    assert [m.get_display_number() for m in (first, second, third, next_year)] == [1, 2, 3, 1]
    assert (first.fiscal_year, third.fiscal_year, next_year.fiscal_year) == (2023, 2023, 2024)


def test_editor_number_wins_over_computed(council):
    meeting = MeetingPageFactory(parent=council["plenary"], date=dt.date(2023, 7, 3), number=5)
    assert meeting.get_display_number() == 5


def add_url(parent, model="meetingpage"):
    return f"/admin/pages/add/council/{model}/{parent.pk}/"


def test_number_clash_is_refused_with_japanese_message(admin_client, council):
    c = council["plenary"]
    MeetingPageFactory(parent=c, title="第1回全体会", date=dt.date(2023, 7, 3))
    before = MeetingPage.objects.count()
    response = admin_client.post(add_url(c), meeting_form_data(number="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和5年度の第1回は、既に「第1回全体会」" in html
    assert MeetingPage.objects.count() == before


def test_computed_number_clash_asks_for_a_number(admin_client, council):
    c = council["plenary"]
    MeetingPageFactory(parent=c, title="第2回(入力済み)", date=dt.date(2023, 12, 1), number=2)
    MeetingPageFactory(parent=c, title="第1回", date=dt.date(2023, 7, 3))
    response = admin_client.post(add_url(c), meeting_form_data(date="2023-11-20"))
    assert "回数を入力してください" in response.content.decode()
    assert not MeetingPage.objects.filter(date=dt.date(2023, 11, 20)).exists()


def test_same_number_in_other_year_or_body_is_fine(admin_client, council):
    MeetingPageFactory(parent=council["plenary"], date=dt.date(2023, 7, 3), number=1)
    MeetingPageFactory(parent=council["consult"], date=dt.date(2024, 7, 3), number=1)
    response = admin_client.post(
        add_url(council["consult"]), meeting_form_data(number="1", date="2023-06-19")
    )
    assert response.status_code == 302
    created = MeetingPage.objects.get(slug="2023-06-19")
    assert created.live and created.number == 1 and created.fiscal_year == 2023


def test_end_time_before_start_is_refused(admin_client, council):
    response = admin_client.post(
        add_url(council["plenary"]), meeting_form_data(start_time="14:00", end_time="13:30")
    )
    assert "終了時刻は開始時刻より後の時刻にしてください" in response.content.decode()
    assert not MeetingPage.objects.filter(date=dt.date(2023, 11, 20)).exists()


def test_handout_must_be_an_existing_document(admin_client, council):
    data = meeting_form_data(
        handouts=inline_formset([{"label": "資料1", "title": "次第", "document": "999999"}])
    )
    response = admin_client.post(add_url(council["plenary"]), data)
    assert response.status_code == 200
    assert not MeetingPage.objects.filter(date=dt.date(2023, 11, 20)).exists()
    assert (
        "正しく選択してください" in response.content.decode() or "選択" in response.content.decode()
    )


def test_meeting_with_three_handouts_is_published_in_order(admin_client, council):
    from django.core.files.base import ContentFile

    docs = [
        Document.objects.create(
            title=f"資料{n}", file=ContentFile(b"%PDF-1.4\n" + b"x" * 300 * 1024, name=f"s{n}.pdf")
        )
        for n in (1, 2, 3)
    ]
    data = meeting_form_data(
        start_time="14:00",
        end_time="16:00",
        handouts=inline_formset(
            [
                {
                    "label": f"資料5-{n}",
                    "title": f"資料の名前{n}",
                    "document": str(d.pk),
                    "ORDER": str(n),
                }
                for n, d in enumerate(docs, start=1)
            ]
        ),
    )
    response = admin_client.post(add_url(council["plenary"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = MeetingPage.objects.get(slug="2023-11-20")
    assert [h.label for h in meeting.handouts.all()] == ["資料5-1", "資料5-2", "資料5-3"]
    html = admin_client.get(meeting.url).content.decode()
    assert "資料5-1" in html and "PDF・300KB" in html


# --- Reports -------------------------------------------------------------------


def report_form_data(rows, **overrides):
    data = {
        "title": "令和5年度活動報告及び令和6年度活動計画",
        "slug": "report-2023",
        "fiscal_year": "2023",
        "plan_year": "",
        "as_of": "2024-03-31",
        "material_number": "資料5-1",
        "intro": "",
        "rows": inline_formset(rows),
        "summary": "",
        "seo_title": "",
        "search_description": "",
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_report_row_without_business_item_is_refused(admin_client, council):
    rows = [{"business_item": "", "points": streamfield([]), "new_plans": streamfield([])}]
    response = admin_client.post(
        add_url(council["plenary"], "activityreportpage"), report_form_data(rows)
    )
    assert response.status_code == 200
    assert not ActivityReportPage.objects.exists()
    assert not ReportRow.objects.exists()


def test_report_with_duplicate_business_item_is_refused(admin_client, council):
    row = {
        "business_item": str(business_item(1).pk),
        "points": streamfield([]),
        "new_plans": streamfield([]),
    }
    response = admin_client.post(
        add_url(council["plenary"], "activityreportpage"), report_form_data([row, dict(row)])
    )
    assert "の行が2つあります" in response.content.decode()
    assert not ActivityReportPage.objects.exists()


def test_second_report_for_the_same_year_is_refused(admin_client, council):
    add_report(council["plenary"], 2023)
    response = admin_client.post(
        add_url(council["plenary"], "activityreportpage"), report_form_data([])
    )
    assert "令和5年度の活動報告は、既に" in response.content.decode()
    assert ActivityReportPage.objects.count() == 1


def test_report_table_aligns_points_and_has_accessible_structure(client, council):
    report = add_report(
        council["plenary"],
        rows=[
            (
                1,
                [
                    ("マップを作成した", "利便性が上がった", "年1回更新する"),
                    ("空き情報を毎月集めた", "業務が効率化した", "継続する"),
                ],
                [("移動手段の整理", "要件を整理する")],
            ),
            (2, [("課題を整理した", "計画が具体的になった", "進捗を管理する")], []),
        ],
        as_of=dt.date(2024, 3, 31),
        material_number="資料5-1",
    )
    html = client.get(report.url).content.decode()
    table = html.split('<table class="report-table')[1].split("</table>")[0]
    assert "<caption" in table and 'scope="col"' in table and 'scope="rowgroup"' in table
    first_row = table.split("<tr>")[2]
    assert (
        first_row.index("マップを作成した")
        < first_row.index("利便性が上がった")
        < first_row.index("年1回更新する")
    )
    second_row = table.split("<tr>")[3]
    assert "空き情報を毎月集めた" in second_row and "継続する" in second_row
    assert 'rowspan="3"' in table  # two points and one new plan
    assert "令和6年3月末時点" in html
    assert "令和6年度の計画" in html
    assert 'class="report-stacked"' in html
    assert f"{council['plenary'].url}items/{business_item(1).pk}/" in html


def test_item_history_lines_up_plan_and_result_by_year(client, council):
    c = council["plenary"]
    add_report(c, 2023, rows=[(1, [("R5の取組", "R5の評価", "R6にやること")], [])])
    add_report(c, 2024, rows=[(1, [("R6の取組", "R6の評価", "R7にやること")], [])])
    response = client.get(f"{c.url}items/{business_item(1).pk}/")
    html = response.content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [r.split("</th>")[0].split(">")[-1] for r in rows] == [
        "令和5年度",
        "令和6年度",
        "令和7年度",
    ]
    assert "R6にやること" in rows[1] and "R6の取組" in rows[1] and "R6の評価" in rows[1]
    assert "R7にやること" in rows[2] and "まだ報告されていません" in rows[2]


@pytest.mark.parametrize("path", ["items/999999/", "items/abc/"])
def test_item_history_of_unknown_item_is_404(client, council, path):
    assert client.get(council["plenary"].url + path).status_code == 404


# --- Rendering -----------------------------------------------------------------


def test_meeting_page_shows_record(client, council):
    meeting = MeetingPageFactory(
        parent=council["plenary"],
        title="第1回全体会",
        date=dt.date(2023, 7, 3),
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        venue="本庄市役所 4階",
        agenda=stream(
            agenda_item("サインレスの継続について", "approval", "アンケートの結果", "継続を決定")
        ),
        minutes="<p>委員から意見が出された。</p>",
    )
    html = client.get(meeting.url).content.decode()
    assert '<time datetime="2023-07-03">令和5年7月3日(月)</time> 14時00分〜16時00分' in html
    assert "本庄市役所 4階" in html and "令和5年度 第1回" in html
    assert "承認" in html and "継続を決定" in html and "委員から意見が出された。" in html
    assert '"@type": "Event"' in html and '"startDate": "2023-07-03T14:00:00+09:00"' in html


def test_written_meeting_shows_written_instead_of_venue(client, council):
    meeting = MeetingPageFactory(
        parent=council["plenary"],
        date=dt.date(2023, 11, 20),
        format="written",
        venue="使われない会場",
        start_time=dt.time(10, 0),
    )
    html = client.get(meeting.url).content.decode()
    assert "書面開催" in html and "使われない会場" not in html and "10時00分" not in html


def test_committee_page_lists_meetings_reports_and_members(client, council):
    from council.models import CommitteeMember

    c = council["plenary"]
    c.members.add(CommitteeMember(role="会長", affiliation="相談支援事業所"))
    c.save_revision().publish()
    MeetingPageFactory(parent=c, title="過去の会議", date=dt.date(2023, 7, 3))
    MeetingPageFactory(parent=c, title="未来の会議", date=dt.date(2099, 7, 3), status="scheduled")
    add_report(c, 2023)
    html = client.get(c.url).content.decode()
    upcoming = html.split('id="upcoming-heading"')[1].split("</section>")[0]
    records = html.split('id="results"')[1].split("</section>")[0]
    assert "未来の会議" in upcoming and "過去の会議" not in upcoming
    assert "過去の会議" in records
    assert "活動報告" in html and "相談支援事業所" in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'rel="alternate" type="text/calendar"' in html


def test_council_index_lists_bodies(client, council):
    html = client.get(council["about"].url).content.decode()
    assert "全体会" in html and "相談支援部会" in html


# --- Archive -------------------------------------------------------------------


def test_archive_filters_by_year_and_body(client, council):
    MeetingPageFactory(parent=council["plenary"], title="全体R5", date=dt.date(2023, 7, 3))
    MeetingPageFactory(parent=council["plenary"], title="全体R6", date=dt.date(2024, 7, 3))
    MeetingPageFactory(parent=council["consult"], title="相談R5", date=dt.date(2023, 6, 19))
    url = council["archive"].url
    html = client.get(url).content.decode()
    assert html.index("全体R6") < html.index("全体R5") < html.index("相談R5")
    html = client.get(url + "?nendo=2023").content.decode()
    assert "全体R5" in html and "相談R5" in html and "全体R6" not in html
    html = client.get(url + "?nendo=2023&body=soudan").content.decode()
    assert "相談R5" in html and "全体R5" not in html
    assert "令和5年度の相談支援部会の会議の記録" in html


@pytest.mark.parametrize(
    "query, note",
    [
        ("?nendo=1999", "指定された年度"),
        ("?nendo=abc", "指定された年度"),
        ("?nendo=²", "指定された年度"),
        ("?nendo=２０２３", "指定された年度"),
        ("?body=nonexistent", "指定された会議・部会"),
        ("?body=" + "x" * 500, "指定された会議・部会"),
        ("?page=abc", None),
        ("?page=99999", None),
        ("?" + "nendo=2023&" * 200, None),
    ],
)
def test_archive_bad_query_strings_give_normal_page(client, council, query, note):
    MeetingPageFactory(parent=council["plenary"], title="全体R5", date=dt.date(2023, 7, 3))
    response = client.get(council["archive"].url + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "全体R5" in html
    if note:
        assert note in html


def test_archive_paginates_with_filters_kept(client, council):
    for n in range(25):
        MeetingPageFactory(
            parent=council["plenary"], date=dt.date(2023, 4, 3) + dt.timedelta(days=n * 7)
        )
    html = client.get(council["archive"].url + "?nendo=2023").content.decode()
    assert "25件" in html
    assert "?nendo=2023&amp;page=2" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("where", ["archive", "plenary"])
def test_listing_query_count_is_the_same_for_5_and_50_meetings(client, council, where):
    def add(n, start):
        for i in range(n):
            MeetingPageFactory(
                parent=council["plenary"], date=dt.date(2023, 4, 3) + dt.timedelta(days=start + i)
            )
        MeetingPageFactory(
            parent=council["plenary"],
            date=dt.date(2099, 1, 1) + dt.timedelta(days=start),
            status="scheduled",
        )

    url = council[where].url
    add(5, 0)
    client.get(url)
    few = count_queries(client, url)
    add(45, 10)
    many = count_queries(client, url)
    assert few == many
    assert many <= 24


@pytest.mark.parametrize("page_type", ["meeting", "report", "history", "about"])
def test_detail_pages_have_bounded_queries(
    client, council, page_type, django_assert_max_num_queries
):
    c = council["plenary"]
    meeting = MeetingPageFactory(parent=c, date=dt.date(2023, 7, 3))
    report = add_report(c, rows=[(n, [("a", "b", "c")], []) for n in range(1, 6)])
    url = {
        "meeting": meeting.url,
        "report": report.url,
        "history": f"{c.url}items/{business_item(1).pk}/",
        "about": council["about"].url,
    }[page_type]
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


# --- Search --------------------------------------------------------------------


def search_titles(client, q):
    html = client.get("/search/", {"q": q}).content.decode()
    return html


def test_search_finds_meeting_agenda_minutes_report_cells_and_news(client, council):
    from tests.factories import NewsIndexPageFactory, NewsPageFactory, paragraph

    MeetingPageFactory(
        parent=council["plenary"],
        title="第1回全体会",
        agenda=stream(agenda_item("サインレスの継続", summary="モニタリング時の署名")),
        minutes="<p>基幹相談支援センターの方向性を説明した。</p>",
    )
    add_report(
        council["consult"],
        rows=[(4, [("事例検討会を開いた", "孤立感が減った", "ハイブリッドで継続")], [])],
    )
    news_index = NewsIndexPageFactory(parent=council["home"])
    NewsPageFactory(
        parent=news_index,
        title="協働体制の報告",
        body=stream(paragraph("<p>毎週火曜日のオンライン事例検討</p>")),
    )

    assert "第1回全体会" in search_titles(client, "サインレス")
    assert "第1回全体会" in search_titles(client, "方向性")
    html = search_titles(client, "孤立感")
    assert "活動報告" in html
    assert "困難事例" in search_titles(client, "ハイブリッドで継続") or "活動報告" in search_titles(
        client, "ハイブリッドで継続"
    )
    assert "協働体制の報告" in search_titles(client, "火曜日")


def test_meeting_handout_titles_are_searchable(client, council):
    from django.core.files.base import ContentFile

    from council.models import MeetingHandout

    doc = Document.objects.create(title="x", file=ContentFile(b"%PDF-1.4", name="x.pdf"))
    meeting = MeetingPageFactory(parent=council["plenary"], title="第3回全体会")
    meeting.handouts.add(MeetingHandout(label="資料3", title="こども部会設置要綱案", document=doc))
    meeting.save_revision().publish()
    assert "第3回全体会" in search_titles(client, "設置要綱")


def test_pages_do_not_change_tree_root():
    assert Page.objects.filter(depth=1).count() == 1


def test_business_item_in_use_cannot_be_deleted(admin_client, council):
    from council.models import BusinessItem

    add_report(council["plenary"], rows=[(1, [("a", "b", "c")], [])])
    item = business_item(1)
    url = f"/admin/snippets/council/businessitem/delete/{item.pk}/"
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert BusinessItem.objects.filter(pk=item.pk).exists()
    unused = business_item(5)
    admin_client.post(f"/admin/snippets/council/businessitem/delete/{unused.pk}/")
    assert not BusinessItem.objects.filter(pk=unused.pk).exists()


def test_business_items_are_seeded():
    from council.models import BusinessItem

    assert list(BusinessItem.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
