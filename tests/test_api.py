"""The read-only JSON API (/api/v1/): facility search, meetings, news, OpenAPI, headers."""

import datetime as dt
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from wagtail.models import PageViewRestriction

from facilities.models import Feature, Municipality, ServiceType, TargetGroup
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpenDataPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)

B = "就労継続支援B型"
GH = "共同生活援助(介護サービス包括型)"


def muni(name):
    return Municipality.objects.get(name=name)


def restrict(page):
    return PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="himitsu-2024"
    )


def get(client, path, params=None, status=200, **headers):
    query = "?" + urlencode(params, doseq=True) if params else ""
    response = client.get(path + query, **headers)
    assert response.status_code == status, response.content.decode()
    return response


def data(client, path, params=None, status=200):
    return json.loads(get(client, path, params, status).content)


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
        ),
    }
    return index, pages


def page_search(client, index, params):
    """The facility search page's FacilitySearch for the same query string."""
    query = "?" + urlencode(params, doseq=True) if params else ""
    response = client.get(index.url + query)
    assert response.status_code == 200
    return response.context["search"]


# --- Facilities -----------------------------------------------------------------------


def queries():
    return [
        {},
        {"muni": [muni("本庄市").pk]},
        {
            "muni": [muni("本庄市").pk, muni("上里町").pk],
            "feat": [Feature.objects.get(name="送迎あり").pk],
        },
        {"svc": [ServiceType.objects.get(name=B).pk]},
        {"target": [TargetGroup.objects.get(name="身体").pk]},
        {"kyoten": "1"},
        {"q": "かわせみ"},
        {"sort": "muni"},
    ]


def test_filters_and_facet_counts_equal_the_facility_search(client, directory):
    index, _ = directory
    for params in queries():
        answer = data(client, "/api/v1/facilities", {**params, "per_page": 100})
        search = page_search(client, index, params)
        assert [f["id"] for f in answer["facilities"]] == [
            p.pk for p in search.results_page.object_list
        ], params
        assert answer["count"] == search.count
        assert answer["facets"] == [
            {
                "param": facet.param,
                "label": facet.label,
                "options": [
                    {
                        "id": o.id,
                        "label": o.label,
                        "count": o.count,
                        "selected": o.selected,
                        "group": o.group,
                    }
                    for o in facet.options
                ],
            }
            for facet in search.facets
        ], params
        assert {t["param"]: t["count"] for t in answer["toggles"]} == {
            t.param: t.count for t in search.counted_toggles
        }


def test_facility_fields(client, directory):
    _, pages = directory
    answer = data(client, "/api/v1/facilities", {"q": "あおば"})
    (facility,) = answer["facilities"]
    assert facility["id"] == pages["a"].pk
    assert facility["municipality"] == {
        "id": muni("本庄市").pk,
        "code": "112119",
        "name": "本庄市",
    }
    assert facility["url"] == pages["a"].get_full_url()
    assert [s["service_type"]["name"] for s in facility["services"]] == [B, "生活介護"]
    assert facility["services"][0]["capacity"] == 20
    assert facility["services"][0]["target_groups"] == ["知的", "精神"]
    assert facility["features"] == ["送迎あり"]
    assert "vacancies" not in facility


def test_pagination(client, directory):
    first = data(client, "/api/v1/facilities", {"per_page": 2})
    assert (first["count"], first["page"], first["per_page"], first["num_pages"]) == (5, 1, 2, 3)
    third = data(client, "/api/v1/facilities", {"per_page": 2, "page": 3})
    everything = data(client, "/api/v1/facilities", {"per_page": 100})
    pages = [
        f["id"]
        for n in (1, 2, 3)
        for f in data(client, "/api/v1/facilities", {"per_page": 2, "page": n})["facilities"]
    ]
    assert pages == [f["id"] for f in everything["facilities"]]
    assert len(third["facilities"]) == 1
    beyond = data(client, "/api/v1/facilities", {"per_page": 2, "page": 9})
    assert beyond["facilities"] == [] and beyond["count"] == 5


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"muni": "abc"}, 422, "muni: 整数(半角数字)で指定してください。"),
        ({"per_page": "0"}, 422, "per_page: 1以上の数で指定してください。"),
        ({"per_page": "1000"}, 422, "per_page: 100以下の数で指定してください。"),
        ({"page": "x"}, 422, "page: 整数(半角数字)で指定してください。"),
        ({"sort": "name"}, 422, "sort: 次のどれかを指定してください"),
        ({"kyoten": "yes"}, 422, "kyoten: 次のどれかを指定してください"),
        ({"muni": "999999"}, 400, "指定された条件の一部は見つからなかった"),
        ({"muni": "-1"}, 400, "指定された条件の一部は見つからなかった"),
        ({"vacancy": "1"}, 400, "空き情報は公開されていないため"),
        ({"q": "あ" * 101}, 422, "q: 長すぎます"),
    ],
)
def test_bad_query_strings_give_japanese_errors(client, directory, params, status, message):
    answer = data(client, "/api/v1/facilities", params, status=status)
    assert answer["detail"]
    assert any(message in error for error in answer["errors"]), answer


def test_without_a_public_directory_it_is_404(client, home_page):
    answer = data(client, "/api/v1/facilities", status=404)
    assert answer["detail"] == "ふくしマップは公開されていません。"


def test_private_and_unpublished_facilities_are_left_out(client, directory):
    _, pages = directory
    restrict(pages["a"])
    pages["b"].unpublish()
    answer = data(client, "/api/v1/facilities")
    assert {f["id"] for f in answer["facilities"]} == {pages[k].pk for k in ("c", "d", "e")}
    assert answer["count"] == 3


def test_vacancy_fields_only_when_the_figures_may_be_seen(client, directory, home_page):
    _, pages = directory
    VacancyFigureFactory(
        facility=pages["b"], service_type=ServiceType.objects.get(name=GH), vacancies=2
    )
    vacancy_page = VacancyPageFactory(parent=home_page)
    answer = data(client, "/api/v1/facilities", {"vacancy": "1"})
    (facility,) = answer["facilities"]
    assert facility["vacancies"] == [
        {
            "service_type": GH,
            "month": facility["vacancies"][0]["month"],
            "vacancies": 2,
            "for_whom": "問わず",
            "trial_stay": False,
            "note": "",
        }
    ]
    assert "vacancy" in {t["param"] for t in answer["toggles"]}

    restrict(vacancy_page)
    answer = data(client, "/api/v1/facilities")
    assert all("vacancies" not in f for f in answer["facilities"])
    assert "vacancy" not in {t["param"] for t in answer["toggles"]}
    data(client, "/api/v1/facilities", {"vacancy": "1"}, status=400)


def test_facility_queries_do_not_grow_with_facilities(
    client, directory, home_page, django_assert_max_num_queries
):
    index, _ = directory
    VacancyPageFactory(parent=home_page)
    params = {"per_page": 100, "muni": [muni("本庄市").pk, muni("上里町").pk]}
    with django_assert_max_num_queries(40) as few:
        get(client, "/api/v1/facilities", params)
    for n in range(10):
        FacilityPageFactory(
            parent=index,
            municipality=muni("本庄市"),
            services=[(GH, n, ["知的"]), ("短期入所", 1, ["身体"])],
            features=["送迎あり"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = data(client, "/api/v1/facilities", params)
    assert answer["count"] == 13


# --- Meetings and news ----------------------------------------------------------------


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentaikai")
    soudan = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    return {
        "first": MeetingPageFactory(parent=plenary, title="第1回", date=dt.date(2023, 7, 3)),
        "second": MeetingPageFactory(
            parent=plenary, title="第2回", date=dt.date(2023, 11, 20), format="written"
        ),
        "next_year": MeetingPageFactory(parent=plenary, title="翌年度", date=dt.date(2024, 7, 1)),
        "soudan": MeetingPageFactory(parent=soudan, title="部会", date=dt.date(2023, 6, 19)),
        "private": restrict(
            MeetingPageFactory(parent=soudan, title="非公開", date=dt.date(2023, 8, 21))
        ).page,
    }


def test_meetings(client, council):
    answer = data(client, "/api/v1/meetings")
    assert [m["title"] for m in answer["meetings"]] == ["翌年度", "第2回", "第1回", "部会"]
    second = answer["meetings"][1]
    assert second["number"] == 2
    assert second["fiscal_year"] == 2023 and second["fiscal_year_label"] == "令和5年度"
    assert second["body"]["title"] == "全体会"
    assert (second["format"], second["format_label"]) == ("written", "書面開催")
    assert second["url"] == council["second"].get_full_url()
    year = data(client, "/api/v1/meetings", {"year": 2023, "body": "zentaikai"})
    assert [m["title"] for m in year["meetings"]] == ["第2回", "第1回"]
    unknown = data(client, "/api/v1/meetings", {"body": "nothing"}, status=400)
    assert "nothing" in unknown["errors"][0]
    data(client, "/api/v1/meetings", {"year": "R5"}, status=422)


def test_meeting_queries_do_not_grow_with_meetings(client, council, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        get(client, "/api/v1/meetings", {"body": "zentaikai"})
    plenary = council["first"].get_parent()
    for day in range(1, 9):
        MeetingPageFactory(parent=plenary, date=dt.date(2024, 9, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = data(client, "/api/v1/meetings", {"body": "zentaikai"})
    assert answer["count"] == 11


def test_news(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="研修会", date=dt.date(2024, 5, 1), kind="seminar")
    NewsPageFactory(parent=index, title="お知らせ", date=dt.date(2023, 5, 1))
    restrict(NewsPageFactory(parent=index, title="非公開", date=dt.date(2024, 6, 1)))
    answer = data(client, "/api/v1/news")
    assert [n["title"] for n in answer["news"]] == ["研修会", "お知らせ"]
    assert answer["news"][0]["kind_label"] == "研修会・講演会"
    assert [n["title"] for n in data(client, "/api/v1/news", {"year": 2023})["news"]] == [
        "お知らせ"
    ]
    assert [n["title"] for n in data(client, "/api/v1/news", {"kind": "seminar"})["news"]] == [
        "研修会"
    ]
    data(client, "/api/v1/news", {"kind": "blog"}, status=422)


# --- Headers, OpenAPI and the guide ---------------------------------------------------


def test_cors_is_open_for_get_on_the_api_only(client, directory, home_page):
    response = get(client, "/api/v1/facilities", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/news",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/news").status_code == 405
    page = client.get("/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_cache_headers(client, directory):
    response = get(client, "/api/v1/facilities")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    client.cookies[settings.SESSION_COOKIE_NAME] = "x"
    response = get(client, "/api/v1/facilities")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_openapi_description_is_served(client):
    schema = data(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/facilities", "/api/v1/meetings", "/api/v1/news"}
    names = [p["name"] for p in schema["paths"]["/api/v1/facilities"]["get"]["parameters"]]
    assert {"q", "muni", "svc", "kyoten", "vacancy", "page", "per_page"} <= set(names)


def test_api_guide_page(client, home_page):
    page = OpenDataPageFactory(parent=home_page)
    response = client.get(page.url + "api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>データの API(JSON)</h1>" in html
    assert 'href="/api/v1/openapi.json"' in html
    for path in ("/api/v1/facilities", "/api/v1/meetings", "/api/v1/news"):
        assert f"GET {path}" in html


# --- Schemathesis: the OpenAPI description against the running API ---------------------

import schemathesis  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from tests.live import live_db  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def published(live_home):
    """Facilities, meetings and news in committed transactions: schemathesis calls the WSGI
    application directly, outside the test client, so the data must be visible to it."""
    index = FacilityIndexPageFactory(parent=live_home)
    FacilityPageFactory(
        parent=index, services=[(GH, 4, ["知的"]), (B, 10, ["精神"])], features=["送迎あり"]
    )
    FacilityPageFactory(parent=index, municipality=muni("上里町"), kyoten_registered=True)
    VacancyPageFactory(parent=live_home)
    about = CouncilIndexPageFactory(parent=live_home)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentaikai")
    MeetingPageFactory(parent=plenary, date=dt.date(2023, 7, 3))
    news = NewsIndexPageFactory(parent=live_home)
    NewsPageFactory(parent=news, kind="seminar")
    return live_home


@live_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_openapi_description(case, published):
    """No server error, and every answer (including 400/422) fits the description.

    A schema-valid request may still name an id or a body that does not exist; the API
    answers that with a documented 400, which schemathesis's positive-data check would
    count as a rejection of valid data, so that one check is left out.
    """
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
