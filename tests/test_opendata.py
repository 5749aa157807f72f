"""オープンデータ: the page, the facility CSV/GeoJSON, the meetings CSV/JSON and the vacancy file."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction, Site

from council.models import MeetingHandout
from facilities.models import ServiceType
from facilities.opendata import split_address
from home.spreadsheets import read_csv
from opendata.models import OpenDataSettings
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    OpenDataPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)

# 自治体標準オープンデータセット「介護サービス事業所一覧」の項目(並びも同じ)。
STANDARD_COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "サービスの種類",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "郵便番号",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "備考",
]
GH = "共同生活援助(介護サービス包括型)"


@pytest.fixture
def opendata(home_page):
    return OpenDataPageFactory(parent=home_page)


@pytest.fixture
def index(home_page):
    return FacilityIndexPageFactory(parent=home_page)


def csv_rows(response):
    data = b"".join(response) if response.streaming else response.content
    assert data.startswith("\ufeff".encode())
    rows, errors = read_csv(data)
    assert errors == []
    return [cells for _, cells in rows]


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def restrict(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="himitsu-2024"
    )


# --- The page -------------------------------------------------------------------------


def test_page_lists_datasets_with_licence_update_date_and_columns(client, opendata, index):
    facility = FacilityPageFactory(parent=index, services=[("生活介護", 20, [])])
    response = client.get(opendata.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>オープンデータ</h1>" in html
    assert "CC BY 4.0" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.ja"' in html
    published = facility.last_published_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert f'<time datetime="{published.date().isoformat()}">令和' in html
    assert "ふくしマップの事業所一覧" in html and "会議の記録の一覧" in html
    for column in ("全国地方公共団体コード", "所在地_連結表記", "利用可能曜日特記事項"):
        assert f'<th scope="row">{column}</th>' in html
    assert 'href="/opendata/facilities.csv"' in html
    assert 'href="/opendata/facilities.geojson"' in html
    assert 'href="/opendata/meetings.json"' in html
    assert f'href="{opendata.url}api/"' in html


def test_the_secretariat_sets_another_licence(client, opendata):
    settings = OpenDataSettings.for_site(Site.objects.get(is_default_site=True))
    settings.licence_name = "政府標準利用規約(第2.0版)"
    settings.licence_url = "https://www.digital.go.jp/resources/open_data"
    settings.save()
    html = client.get(opendata.url).content.decode()
    assert "政府標準利用規約(第2.0版)" in html
    assert "CC BY 4.0" not in html


def test_page_is_in_the_footer(client, opendata):
    html = client.get("/").content.decode()
    assert f'<a href="{opendata.url}">オープンデータ</a>' in html


def test_update_date_is_the_latest_publication_in_the_dataset(client, opendata, index):
    old = FacilityPageFactory(parent=index)
    new = FacilityPageFactory(parent=index)
    type(old).objects.filter(pk=old.pk).update(
        last_published_at=dt.datetime(2023, 7, 3, 10, tzinfo=dt.UTC)
    )
    type(new).objects.filter(pk=new.pk).update(
        last_published_at=dt.datetime(2024, 2, 2, 10, tzinfo=dt.UTC)
    )
    html = client.get(opendata.url).content.decode()
    assert '<time datetime="2024-02-02">令和6年2月2日</time>' in html


# --- Facilities -----------------------------------------------------------------------


def test_facility_csv_is_the_standard_shape_one_row_per_service(client, opendata, index):
    facility = FacilityPageFactory(
        parent=index,
        title="サンプルひだまり",
        name_kana="サンプルヒダマリ",
        office_number="1199000001",
        postal_code="367-0021",
        address="東台9丁目21番1号",
        latitude=Decimal("36.242404"),
        longitude=Decimal("139.199431"),
        phone="0495-00-1001",
        operator="社会福祉法人サンプル福祉会",
        hours_weekday="9:00〜17:00",
        hours_saturday="休み",
        closed_days="土日祝日",
        services=[("生活介護", 20, ["知的"]), ("短期入所", 4, [])],
    )
    bare = FacilityPageFactory(parent=index, name_kana="アアア")
    response = client.get("/opendata/facilities.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == STANDARD_COLUMNS
    records = as_dicts(rows)
    assert len(records) == 3
    assert [r["名称"] for r in records].count("サンプルひだまり") == 2
    by_service = {r["サービスの種類"]: r for r in records if r["名称"] == "サンプルひだまり"}
    life = by_service["生活介護"]
    assert life["全国地方公共団体コード"] == "112119"
    assert life["地方公共団体名"] == "本庄市"
    assert life["所在地_連結表記"] == "埼玉県本庄市東台9丁目21番1号"
    assert (life["所在地_町字"], life["所在地_番地以下"]) == ("東台9丁目", "21番1号")
    assert (life["緯度"], life["経度"]) == ("36.242404", "139.199431")
    assert life["定員"] == "20" and by_service["短期入所"]["定員"] == "4"
    assert life["備考"] == "対象: 知的"
    assert life["利用可能曜日"] == "平日"
    assert "定休日 土日祝日" in life["利用可能曜日特記事項"]
    assert life["事業所番号"] == "1199000001"
    assert life["URL"] == facility.get_full_url()
    (empty,) = [r for r in records if r["名称"] == bare.title]
    assert empty["サービスの種類"] == "" and empty["ID"] == f"{bare.pk}-0"
    assert len({r["ID"] for r in records}) == 3


def test_facility_csv_neutralises_formulas(client, opendata, index):
    FacilityPageFactory(parent=index, operator='=HYPERLINK("http://x")', services=[])
    text = client.get("/opendata/facilities.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    records = as_dicts(csv_rows(client.get("/opendata/facilities.csv")))
    assert records[0]["法人の名称"] == '=HYPERLINK("http://x")'


def test_split_address_keeps_chome_with_the_town():
    assert split_address("本庄3丁目1-1") == ("本庄3丁目", "1-1")
    assert split_address("大字児玉9001") == ("大字児玉", "9001")
    assert split_address("本庄1-1-1") == ("本庄", "1-1-1")


def test_geojson_is_a_feature_collection_with_lon_lat_order(client, opendata, index):
    FacilityPageFactory(
        parent=index,
        latitude=Decimal("36.2"),
        longitude=Decimal("139.1"),
        services=[("生活介護", 20, []), ("短期入所", 2, [])],
    )
    FacilityPageFactory(parent=index, services=[("生活介護", 10, [])])
    response = client.get("/opendata/facilities.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 3
    located = [f for f in data["features"] if f["geometry"]]
    assert len(located) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert list(feature["properties"]) == STANDARD_COLUMNS
        if feature["geometry"] is None:
            continue
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (139.1, 36.2)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    unlocated = [f for f in data["features"] if f["geometry"] is None]
    assert len(unlocated) == 1 and unlocated[0]["properties"]["緯度"] == ""


def test_private_and_unpublished_facilities_are_left_out(client, opendata, index):
    FacilityPageFactory(parent=index, title="公開の事業所", services=[("生活介護", 1, [])])
    hidden = FacilityPageFactory(parent=index, title="非公開の事業所")
    restrict(hidden)
    draft = FacilityPageFactory(parent=index, title="下書きの事業所")
    draft.unpublish()
    names = {r["名称"] for r in as_dicts(csv_rows(client.get("/opendata/facilities.csv")))}
    assert names == {"公開の事業所"}
    geo = json.loads(client.get("/opendata/facilities.geojson").content)
    assert {f["properties"]["名称"] for f in geo["features"]} == {"公開の事業所"}


def test_facility_files_cost_the_same_queries_for_more_facilities(
    client, opendata, index, django_assert_max_num_queries
):
    for n in range(3):
        FacilityPageFactory(parent=index, services=[("生活介護", n, ["知的"])])
    with django_assert_max_num_queries(12) as few:
        client.get("/opendata/facilities.csv")
    for n in range(12):
        FacilityPageFactory(
            parent=index, services=[("生活介護", n, ["知的"]), ("短期入所", 1, ["身体"])]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/opendata/facilities.csv")
    assert len(csv_rows(response)) == 1 + 3 + 24
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/opendata/facilities.geojson")


def test_dataset_files_are_cacheable_and_open_to_other_sites(client, opendata, index):
    response = client.get("/opendata/facilities.csv")
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_dataset_or_format_is_404(client, opendata):
    assert client.get("/opendata/nothing.csv").status_code == 404
    assert client.get("/opendata/facilities.xlsx").status_code == 404
    assert client.get("/opendata/meetings.geojson").status_code == 404
    assert client.post("/opendata/facilities.csv").status_code == 405


# --- Meetings -------------------------------------------------------------------------


@pytest.fixture
def plenary(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return CommitteePageFactory(parent=about, title="全体会", slug="zentaikai")


def test_meetings_csv_and_json(client, opendata, plenary):
    first = MeetingPageFactory(parent=plenary, title="第1回全体会", date=dt.date(2023, 7, 3))
    second = MeetingPageFactory(
        parent=plenary,
        title="第2回全体会",
        date=dt.date(2023, 11, 20),
        format="written",
        venue="本庄市役所",
    )
    doc = Document.objects.create(title="次第", file=ContentFile(b"%PDF-1.4", name="x.pdf"))
    second.handouts.add(MeetingHandout(label="資料5-1", title="活動報告", document=doc))
    second.save_revision().publish()
    hidden = MeetingPageFactory(parent=plenary, title="非公開の会議", date=dt.date(2024, 1, 1))
    restrict(hidden)

    records = as_dicts(csv_rows(client.get("/opendata/meetings.csv")))
    assert [r["件名"] for r in records] == ["第2回全体会", "第1回全体会"]
    latest = records[0]
    assert latest["開催日"] == "2023-11-20"
    assert latest["年度"] == "令和5年度"
    assert latest["会議・部会"] == "全体会"
    assert latest["回数"] == "第2回"
    assert latest["開催形式"] == "書面開催"
    assert latest["会場"] == ""
    assert latest["URL"] == second.get_full_url()
    assert latest["資料"].startswith("資料5-1 活動報告 http://")
    assert records[1]["回数"] == "第1回"

    data = json.loads(client.get("/opendata/meetings.json").content)
    (handout,) = data["meetings"][0]["資料"]
    assert handout["資料番号"] == "資料5-1"
    assert handout["URL"].endswith(doc.url)
    assert [m["件名"] for m in data["meetings"]] == ["第2回全体会", "第1回全体会"]
    assert first.title in {m["件名"] for m in data["meetings"]}


# --- Vacancies ------------------------------------------------------------------------


def test_vacancy_dataset_only_while_the_vacancy_page_is_public(client, opendata, index, home_page):
    facility = FacilityPageFactory(parent=index, services=[(GH, 6, [])])
    VacancyFigureFactory(
        facility=facility, service_type=ServiceType.objects.get(name=GH), vacancies=2
    )
    vacancy_page = VacancyPageFactory(parent=home_page)
    assert "空き情報(最新の月)" in client.get(opendata.url).content.decode()
    rows = as_dicts(csv_rows(client.get("/opendata/vacancies.csv")))
    assert [(r["名称"], r["サービスの種類"], r["空き人数"]) for r in rows] == [
        (facility.title, GH, "2")
    ]

    restrict(vacancy_page)
    assert "空き情報(最新の月)" not in client.get(opendata.url).content.decode()
    assert client.get("/opendata/vacancies.csv").status_code == 404


def test_vacancy_dataset_is_absent_without_a_vacancy_page(client, opendata):
    assert client.get("/opendata/vacancies.csv").status_code == 404


def test_publishing_a_page_purges_the_open_data_files(opendata, index, settings):
    from tests.test_production import RecordingBackend

    facility = FacilityPageFactory(parent=index)
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.test_production.RecordingBackend"}}
    RecordingBackend.purged = []
    facility.title = "サンプル事業所(名前を変更)"
    facility.save_revision().publish()
    base = "http://localhost"
    for url in (
        "/opendata/facilities.csv",
        "/opendata/facilities.geojson",
        "/opendata/meetings.csv",
    ):
        assert base + url in RecordingBackend.purged
    assert base + opendata.url in RecordingBackend.purged


def test_facility_csv_round_trips_through_the_import(client, opendata, index):
    """The open-data file, read back by the council-spreadsheet import, changes nothing."""
    from facilities.imports import engine, spreadsheet
    from facilities.models import ImportKind

    FacilityPageFactory(
        parent=index,
        title="サンプルひだまり",
        name_kana="サンプルヒダマリ",
        office_number="1199000001",
        address="東台9丁目21番1号",
        latitude=Decimal("36.242404"),
        longitude=Decimal("139.199431"),
        phone="0495-00-1001",
        fax="0495-00-1002",
        operator="社会福祉法人サンプル福祉会",
        services=[("生活介護", 20, []), ("短期入所", 4, [])],
    )
    FacilityPageFactory(
        parent=index,
        title="サンプルこもれび",
        name_kana="サンプルコモレビ",
        address="児玉町八幡山1-2",
        website="https://example.jp/komorebi/",
        services=[("短期入所", 5, [])],
    )
    data = b"".join(client.get("/opendata/facilities.csv"))
    rows = spreadsheet.read_files([("facilities.csv", data)])
    source = engine.Source(ImportKind.SHEET, "協議会の一覧表", dt.date(2026, 11, 1))
    result = engine.plan(rows, source)
    assert result.ok, [str(error) for error in result.errors]
    assert (len(result.new), len(result.changed), len(result.missing)) == (0, 0, 0), [
        (diff.title, [(c.label, c.old, c.new) for c in diff.changes]) for diff in result.changed
    ]
    assert len(result.unchanged) == 2
