"""ふくしマップ: filters, facet counts, 50音 order, validation, QR codes and query bounds."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities import kana
from facilities.models import (
    FacilityIndexPage,
    FacilityPage,
    Feature,
    Municipality,
    ServiceCategory,
    ServiceType,
    TargetGroup,
)
from facilities.models.search import FacilitySearch
from facilities.validators import validate_corporate_number, validate_phone
from home.models import HomePage, StandardPage
from tests.bulk import bulk_facilities
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory
from vacancies.models import VacancyPage

pytestmark = pytest.mark.django_db

B = "就労継続支援B型"
GH = "共同生活援助(介護サービス包括型)"


def muni(name):
    return Municipality.objects.get(name=name)


def ids(model, *names):
    return [str(model.objects.get(name=n).pk) for n in names]


@pytest.fixture
def directory(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    make = lambda key, **kw: FacilityPageFactory(parent=index, slug=key, **kw)  # noqa: E731
    pages = {
        "a": make(
            "a",
            title="サンプルあおば",
            name_kana="アオバ",
            municipality=muni("本庄市"),
            services=[(B, 20, ["知的", "精神"]), ("生活介護", 10, ["身体"])],
            features=["送迎あり"],
        ),
        "b": make(
            "b",
            title="サンプル学園",
            name_kana="ガクエン",
            municipality=muni("本庄市"),
            services=[(GH, 6, ["知的"])],
            features=["送迎あり", "食事提供"],
            kyoten_registered=True,
        ),
        "c": make(
            "c",
            title="サンプルかわせみ相談室",
            name_kana="カワセミ",
            municipality=muni("美里町"),
            services=[("計画相談支援", None, ["身体", "知的", "精神"])],
            kyoten_registered=True,
        ),
        "d": make(
            "d",
            title="サンプルそよかぜ",
            name_kana="ソヨカゼ",
            municipality=muni("神川町"),
            services=[("放課後等デイサービス", 10, ["障害児"])],
            features=["送迎あり"],
        ),
        "e": make(
            "e",
            title="サンプル純の家",
            name_kana="ジュンノイエ",
            municipality=muni("上里町"),
            services=[("施設入所支援", 40, ["身体"]), ("短期入所", 4, ["身体"])],
            features=["入浴", "食事提供"],
        ),
        "f": make(
            "f",
            title="サンプルキッチン工房",
            name_kana="キッチン",
            municipality=muni("上里町"),
            services=[(B, 15, ["精神"])],
        ),
    }
    return index, pages


def run(client, index, params=""):
    response = client.get(index.url + params)
    assert response.status_code == 200
    return response.context["search"]


def slugs(search):
    return [p.slug for p in search.results_page.object_list]


def counts(search, param):
    facet = next(f for f in search.facets if f.param == param)
    return {o.label: o.count for o in facet.options}


# --- Filters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["a", "b", "c", "f", "e", "d"]),
        ("?muni={本庄市}", ["a", "b"]),
        ("?muni={本庄市}&muni={上里町}", ["a", "b", "f", "e"]),
        ("?cat={介護給付}", ["a", "e"]),
        ("?svc={B}", ["a", "f"]),
        ("?svc={B}&muni={上里町}", ["f"]),
        ("?target={障害児}", ["d"]),
        ("?target={身体}&target={障害児}", ["a", "c", "e", "d"]),
        ("?feat={送迎あり}", ["a", "b", "d"]),
        ("?feat={送迎あり}&feat={食事提供}", ["a", "b", "e", "d"]),
        ("?kyoten=1", ["b", "c"]),
        ("?kyoten=1&muni={本庄市}", ["b"]),
        ("?muni={本庄市}&muni={上里町}&feat={送迎あり}", ["a", "b"]),
        ("?q=かわせみ", ["c"]),
        ("?q=相談", ["c"]),
        ("?q=就労&muni={上里町}", ["f"]),
        ("?svc={B}&cat={相談支援}", []),
    ],
)
def test_filters_combine_and_across_or_within(client, directory, query, expected):
    index, _ = directory
    values = {
        "本庄市": muni("本庄市").pk,
        "上里町": muni("上里町").pk,
        "介護給付": ServiceCategory.objects.get(name="介護給付").pk,
        "相談支援": ServiceCategory.objects.get(name="相談支援").pk,
        "B": ServiceType.objects.get(name=B).pk,
        "障害児": TargetGroup.objects.get(name="障害児").pk,
        "身体": TargetGroup.objects.get(name="身体").pk,
        "送迎あり": Feature.objects.get(name="送迎あり").pk,
        "食事提供": Feature.objects.get(name="食事提供").pk,
    }
    assert slugs(run(client, index, query.format(**values))) == expected


@pytest.mark.parametrize(
    "keyword",
    [
        "かわせみ",
        "相談",
        "就労",
        "サンプル",
        "ん",
        "送迎",
        "支援 入所",
        "b型",
        "B",
        "の家",
        "存在しない",
    ],
)
def test_keyword_search_finds_the_same_facilities_with_and_without_the_index(
    client, directory, settings, keyword
):
    index, _ = directory
    found = {}
    for indexed in (True, False):
        settings.SEARCH_SUBSTRING_INDEX = indexed
        search = run(client, index, "?" + urlencode({"q": keyword}))
        found[indexed] = (slugs(search), search.count)
    assert found[True] == found[False]


def test_facet_counts_match_hand_computed_table(client, directory):
    index, _ = directory
    search = run(client, index)
    assert counts(search, "muni") == {"本庄市": 2, "美里町": 1, "神川町": 1, "上里町": 2}
    assert counts(search, "cat") == {
        "介護給付": 2,
        "訓練等給付": 3,
        "相談支援": 1,
        "障害児支援": 1,
        "地域生活支援事業": 0,
        "その他": 0,
    }
    assert counts(search, "target") == {"身体": 3, "知的": 3, "精神": 3, "障害児": 1, "難病": 0}
    assert counts(search, "feat")["送迎あり"] == 3
    assert {t.param: t.count for t in search.counted_toggles}["kyoten"] == 2

    # With 就労継続支援B型 chosen, other kinds count within it; its own kind does not narrow itself.
    search = run(client, index, f"?svc={ServiceType.objects.get(name=B).pk}")
    assert counts(search, "muni") == {"本庄市": 1, "美里町": 0, "神川町": 0, "上里町": 1}
    assert counts(search, "target") == {"身体": 1, "知的": 1, "精神": 2, "障害児": 0, "難病": 0}
    svc = counts(search, "svc")
    assert (svc[B], svc["生活介護"], svc[GH], svc["施設入所支援"], svc["移動支援"]) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert {t.param: t.count for t in search.counted_toggles}["kyoten"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"muni": ["本庄市", "上里町"], "feat": ["送迎あり"]},
        {"q": "就労", "target": ["精神"]},
        {"kyoten": "1", "cat": ["訓練等給付"]},
    ],
)
def test_every_count_is_the_number_of_results_that_option_would_give(client, directory, query):
    """Each option's count against the results of actually choosing it (with its own kind's
    other choices dropped): the counts' single query and the results' query agree."""
    index, _ = directory
    models = {
        "muni": Municipality,
        "cat": ServiceCategory,
        "svc": ServiceType,
        "target": TargetGroup,
        "feat": Feature,
    }
    params = {
        kind: ids(models[kind], *value) if kind in models else value
        for kind, value in query.items()
    }
    search = run(client, index, "?" + urlencode(params, doseq=True))
    assert search.count == len(slugs(search))
    for facet in search.facets:
        for option in facet.options:
            chosen = {**params, facet.param: [option.id]}
            expected = len(slugs(run(client, index, "?" + urlencode(chosen, doseq=True))))
            assert option.count == expected, (facet.param, option.label)
    for toggle in search.counted_toggles:
        chosen = {**params, toggle.param: "1"}
        assert toggle.count == len(slugs(run(client, index, "?" + urlencode(chosen, doseq=True))))


def test_zero_options_are_marked_and_selected_options_stay_checked(client, directory):
    index, _ = directory
    html = client.get(index.url + f"?muni={muni('美里町').pk}").content.decode()
    assert "(0件・該当なし)" in html
    assert f'value="{muni("美里町").pk}" id="f-muni-{muni("美里町").pk}" checked' in html
    assert "市町: 美里町" in html  # the chosen-filter chip with its remove link


def test_sort_by_municipality(client, directory):
    index, _ = directory
    assert slugs(run(client, index, "?sort=muni")) == ["a", "b", "c", "d", "f", "e"]


@pytest.mark.parametrize(
    "readings, expected",
    [
        (["カワセミ", "ガクエン", "カエデ"], ["カエデ", "ガクエン", "カワセミ"]),
        (["ハナ", "パン", "バス", "ハシ"], ["ハシ", "バス", "ハナ", "パン"]),
        (["キツネ", "キツツキ", "キッチン"], ["キッチン", "キツツキ", "キツネ"]),
        (["ジャム", "シャクナゲ", "シヤ"], ["シヤ", "シャクナゲ", "ジャム"]),
        (["コーヒー", "コウバイ", "コオリ"], ["コウバイ", "コオリ", "コーヒー"]),
    ],
)
def test_gojuon_order_treats_voiced_and_small_kana_as_their_plain_kana(readings, expected):
    assert sorted(readings, key=lambda r: (kana.sort_key(r), r)) == expected


def test_reading_is_normalised_to_katakana(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    page = FacilityPageFactory(parent=index, name_kana="ｻﾝﾌﾟﾙ　じぎょうしょ")
    assert page.name_kana == "サンプル ジギョウショ"
    assert page.kana_sort == "サンフルシキヨウシヨ"


# --- Bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?muni=abc",
        "?muni=999999",
        "?svc=-1",
        "?svc=１",
        "?cat=" + "9" * 40,
        "?target=1.5",
        "?kyoten=yes",
        "?sort=evil",
        "?view=3d",
        "?page=abc",
        "?page=99999",
        "?" + "&".join(f"muni={n}" for n in range(500)),
        "?q=" + "あ" * 1000,
        "?q=%00%07",
    ],
)
def test_bad_query_strings_give_the_normal_page(client, directory, query):
    index, _ = directory
    response = client.get(index.url + query)
    assert response.status_code == 200
    assert "件の事業所" in response.content.decode()


def test_unknown_filter_values_are_ignored_with_a_note(client, directory):
    index, _ = directory
    search = run(client, index, f"?muni=abc&muni={muni('本庄市').pk}&svc=999999")
    assert slugs(search) == ["a", "b"]
    assert "見つからなかった" in search.notes[0]


def test_ids_of_another_kind_do_not_match(client, directory):
    index, _ = directory
    feature_id = Feature.objects.order_by("-pk").first().pk
    too_big = max(ServiceType.objects.order_by("-pk").first().pk, feature_id) + 1000
    search = run(client, index, f"?svc={too_big}")
    assert len(slugs(search)) == 6 and search.notes


def test_page_past_the_end_shows_the_last_page(client, directory):
    index, _ = directory
    search = run(client, index, "?page=99999")
    assert search.results_page.number == 1 and len(slugs(search)) == 6


# --- Facility page ---------------------------------------------------------------


def test_facility_page_shows_contact_services_and_jsonld(client, directory):
    _, pages = directory
    page = pages["a"]
    page.phone = "0495-12-3456"
    page.email = "info@example.jp"
    page.latitude, page.longitude = "36.243800", "139.190300"
    page.verified_on = dt.date.today()
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'href="tel:0495123456"' in html and 'href="mailto:info@example.jp"' in html
    assert "就労継続支援B型" in html and "20人" in html and "知的・精神" in html
    assert '"@type": "LocalBusiness"' in html and '"latitude": 36.2438' in html
    assert 'data-lat="36.243800"' in html
    assert "1年以上前" not in html
    assert f'src="{page.url}qr/svg/"' in html


def test_stale_information_is_flagged_after_13_months(client, directory):
    _, pages = directory
    page = pages["b"]
    today = dt.date(2026, 11, 27)
    page.verified_on = dt.date(2025, 10, 27)
    assert not page.is_stale(today)
    page.verified_on = dt.date(2025, 10, 26)
    assert page.is_stale(today)
    page.verified_on = None
    assert page.is_stale(today)
    page.verified_on = dt.date(2020, 1, 1)
    page.save_revision().publish()
    assert "1年以上前のものの可能性があります" in client.get(page.url).content.decode()


def test_month_arithmetic_at_month_ends():
    from home.dates import months_before

    assert months_before(dt.date(2026, 3, 31), 13) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


@pytest.mark.parametrize("where", ["index", "facility"])
@pytest.mark.parametrize(
    "kind, content_type, magic",
    [("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG")],
)
def test_qr_codes_for_print(client, directory, where, kind, content_type, magic):
    index, pages = directory
    page = index if where == "index" else pages["a"]
    response = client.get(f"{page.url}qr/{kind}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)


def test_qr_code_encodes_the_page_url(client, directory):
    import segno

    _, pages = directory
    svg = client.get(f"{pages['a'].url}qr/svg/").content
    expected = segno.make(pages["a"].full_url, error="m")
    import io

    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", scale=8, border=4, title=pages["a"].full_url, xmldecl=True)
    assert svg == buffer.getvalue()


# --- Validation ------------------------------------------------------------------


def facility(**overrides):
    values = dict(
        title="サンプル",
        slug="s",
        name_kana="サンプル",
        address="本庄市1",
        municipality=Municipality.objects.get(name="本庄市"),
    )
    values.update(overrides)
    return FacilityPage(**values)


@pytest.mark.parametrize(
    "field, value, ok",
    [
        ("office_number", "1112345678", True),
        ("office_number", "１１１２３４５６７８", True),
        ("office_number", "111234567", False),
        ("office_number", "11123456789", False),
        ("office_number", "11123456AB", False),
        ("phone", "0495-12-3456", True),
        ("phone", "０４９５－１２－３４５６", True),
        ("phone", "0495123456", True),
        ("phone", "090-1234-5678", True),
        ("phone", "12-3456", False),
        ("phone", "0495-12-345678", False),
        ("fax", "電話と同じ", False),
        ("corporate_number", "7000012050002", True),
        ("corporate_number", "8000012050002", False),
        ("corporate_number", "700001205000", False),
        ("name_kana", "サンプル", True),
        ("name_kana", "さんぷる", True),
        ("name_kana", "漢字", False),
    ],
)
def test_field_validation(home_page, field, value, ok):
    page = facility(**{field: value})
    if ok:
        page.clean()
    else:
        with pytest.raises(ValidationError) as error:
            page.clean()
        assert field in error.value.message_dict


@pytest.mark.parametrize(
    "lat, lng, bad",
    [
        ("36.243800", "139.190300", set()),
        ("35.681200", "139.767100", {"latitude", "longitude"}),  # Tokyo station
        ("36.243800", None, {"longitude"}),
        ("36.500000", "139.190300", {"latitude"}),
        ("36.243800", "140.000000", {"longitude"}),
    ],
)
def test_coordinates_must_fall_inside_the_district(lat, lng, bad):
    page = facility(latitude=lat, longitude=lng)
    if not bad:
        page.clean()
        return
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert set(error.value.message_dict) >= bad


def test_validators_directly():
    validate_phone("0495-21-1234")
    validate_corporate_number("7000012050002")
    with pytest.raises(ValidationError):
        validate_corporate_number("7000012050003")


@pytest.mark.parametrize("address, refused", [("本庄1丁目1番1号", True), ("本庄2-2-2", False)])
def test_office_number_is_unique_per_site_with_a_japanese_message(
    admin_client, directory, address, refused
):
    """One 事業所番号 may cover several sites: it is refused only at the same address."""
    index, pages = directory
    pages["a"].office_number = "1112345678"
    pages["a"].municipality = muni("本庄市")
    pages["a"].address = "本庄1-1-1"
    pages["a"].save()
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    data = nested_form_data(
        {
            "title": "サンプル新規",
            "slug": "new",
            "name_kana": "サンプルシンキ",
            "operator": "",
            "corporate_number": "",
            "office_number": "1112345678",
            "municipality": str(muni("本庄市").pk),
            "postal_code": "",
            "address": address,
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
            "kyoten_registered": "",
            "summary": "",
            "description": rich_text(""),
            "verified_on": "",
            "seo_title": "",
            "search_description": "",
            "services": inline_formset(
                [
                    {
                        "service_type": str(ServiceType.objects.get(name=B).pk),
                        "capacity": "10",
                        "notes": "",
                    }
                ],
                min=1,
            ),
            "photos": inline_formset([]),
            "action-publish": "publish",
        }
    )
    before = FacilityPage.objects.count()
    response = admin_client.post(f"/admin/pages/add/facilities/facilitypage/{index.pk}/", data)
    if refused:
        assert response.status_code == 200
        assert "この事業所番号で同じ住所の事業所" in response.content.decode()
        assert FacilityPage.objects.count() == before
    else:
        assert response.status_code == 302
        assert FacilityPage.objects.count() == before + 1


@pytest.mark.parametrize(
    "child, parent, allowed",
    [
        (FacilityIndexPage, HomePage, True),
        (FacilityIndexPage, StandardPage, False),
        (FacilityPage, FacilityIndexPage, True),
        (FacilityPage, HomePage, False),
    ],
)
def test_placement_rules(child, parent, allowed):
    assert child.can_exist_under(parent()) is allowed


# --- Performance ------------------------------------------------------------------


def test_search_page_queries_are_the_same_for_20_and_2000_facilities(client, home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    municipalities = list(Municipality.objects.all())
    types = list(ServiceType.objects.all())
    groups = list(TargetGroup.objects.all())
    bulk_facilities(index, 20, municipalities, types, groups)
    index.refresh_from_db()
    urls = [
        index.url,
        index.url + f"?muni={municipalities[0].pk}&svc={types[0].pk}&target={groups[0].pk}",
        index.url + "?view=map",
        index.url + "markers/",
    ]

    def measure():
        result = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    few = measure()
    bulk_facilities(index, 1980, municipalities, types, groups, prefix="追加")
    many = measure()
    assert few == many
    assert max(many) <= 36
    search = FacilitySearch(
        index, type("R", (), {"GET": __import__("django.http").http.QueryDict("")})()
    )
    assert search.count == 2000


@pytest.mark.parametrize(
    "model, field",
    [(FacilityIndexPage, "intro"), (FacilityPage, "description"), (VacancyPage, "intro")],
)
def test_facility_rich_text_offers_no_document_links(model, field):
    """施設情報担当 cannot choose documents, so their editor must not offer the button."""
    features = model._meta.get_field(field).features
    assert "document-link" not in features and "link" in features
