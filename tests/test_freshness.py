"""「情報更新: N日前」 on facility pages and in the facility search, for the details and for the
vacancy figures, and the search's order 情報更新の新しい順 (sort=updated)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from facilities.models import FacilityPage
from home.dates import days_ago
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from vacancies.models import VacancyFigure

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"
TOKYO = dt.timezone(dt.timedelta(hours=9))


def test_days_ago_counts_calendar_days_in_japan_time():
    today = dt.date(2026, 12, 1)
    assert days_ago(dt.date(2026, 12, 1), today) == "今日"
    assert days_ago(dt.date(2026, 11, 28), today) == "3日前"
    assert days_ago(dt.date(2025, 12, 1), today) == "365日前"
    assert days_ago(dt.date(2026, 12, 5), today) == "今日"  # never "in the future"
    # 2026-11-30 16:30 UTC is already 1 December in Japan.
    assert days_ago(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC), today) == "今日"
    assert days_ago(dt.datetime(2026, 11, 30, 14, 30, tzinfo=dt.UTC), today) == "1日前"


def published_days_ago(page, days, verified_days_ago=None):
    """Set when the page was last published (and confirmed), as if it happened ``days`` ago."""
    now = timezone.now()
    today = timezone.localdate()
    FacilityPage.objects.filter(pk=page.pk).update(
        last_published_at=now - dt.timedelta(days=days),
        verified_on=None
        if verified_days_ago is None
        else today - dt.timedelta(days=verified_days_ago),
    )
    page.refresh_from_db()
    return page


def figure_updated_days_ago(figure, days):
    VacancyFigure.objects.filter(pk=figure.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.fixture
def directory(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    homes = {
        "a": FacilityPageFactory(
            parent=index,
            slug="a",
            title="あおぞらホーム",
            name_kana="アオゾラ",
            services=[(GH, 5, [])],
        ),
        "b": FacilityPageFactory(
            parent=index, slug="b", title="いずみ園", name_kana="イズミ", services=[(GH, 4, [])]
        ),
        "c": FacilityPageFactory(
            parent=index,
            slug="c",
            title="うみ作業所",
            name_kana="ウミ",
            services=[("就労継続支援B型", 20, [])],
        ),
    }
    published_days_ago(homes["a"], 40)
    published_days_ago(homes["b"], 3)
    published_days_ago(homes["c"], 100, verified_days_ago=10)
    return {"index": index, "home": home_page, **homes}


def time_of(html, label):
    """(datetime attribute, text) of the <time> after 「label: 」."""
    match = re.search(rf'{label}: <time datetime="([\d-]+)"[^>]*>([^<]+)</time>', html)
    assert match, label
    return match.groups()


def test_the_facility_page_shows_when_its_details_were_updated(client, directory):
    today = timezone.localdate()
    html = client.get(directory["a"].url).content.decode()
    assert time_of(html, "情報更新") == ((today - dt.timedelta(days=40)).isoformat(), "40日前")
    # 情報確認日 counts as an update when it is later than the last publication.
    html = client.get(directory["c"].url).content.decode()
    assert time_of(html, "情報更新") == ((today - dt.timedelta(days=10)).isoformat(), "10日前")


def test_a_page_published_today_or_confirmed_in_the_future_says_today(client, directory):
    today = timezone.localdate()
    published_days_ago(directory["a"], 0)
    assert time_of(client.get(directory["a"].url).content.decode(), "情報更新")[1] == "今日"
    published_days_ago(directory["b"], 30, verified_days_ago=-20)
    page_html = client.get(directory["b"].url).content.decode()
    assert time_of(page_html, "情報更新") == (today.isoformat(), "今日")


def test_the_vacancy_figure_has_its_own_freshness_on_the_page_and_in_results(client, directory):
    VacancyPageFactory(parent=directory["home"])
    figure = VacancyFigureFactory(facility=directory["a"], service_type=GH, vacancies=1)
    figure_updated_days_ago(figure, 5)
    html = client.get(directory["a"].url).content.decode()
    assert time_of(html, "空き情報の更新")[1] == "5日前"
    assert time_of(html, "情報更新")[1] == "40日前"

    results = client.get(directory["index"].url).content.decode()
    cards = {
        slug: results.split(f'href="{directory[slug].url}"')[1].split("</li>\n        <li")[0]
        for slug in ("a", "b", "c")
    }
    assert time_of(cards["a"], "情報更新")[1] == "40日前"
    assert time_of(cards["a"], "空き情報の更新")[1] == "5日前"
    assert time_of(cards["b"], "情報更新")[1] == "3日前"
    assert "空き情報の更新" not in cards["b"]  # no figure yet
    assert time_of(cards["c"], "情報更新")[1] == "10日前"


def test_the_vacancy_freshness_follows_the_privacy_of_the_vacancy_page(client, directory):
    vacancy_page = VacancyPageFactory(parent=directory["home"])
    PageViewRestriction.objects.create(
        page=vacancy_page, restriction_type=PageViewRestriction.LOGIN
    )
    VacancyFigureFactory(facility=directory["a"], service_type=GH, vacancies=1)
    assert "空き情報の更新" not in client.get(directory["a"].url).content.decode()
    assert "空き情報の更新" not in client.get(directory["index"].url).content.decode()


def slugs(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [p.slug for p in response.context["search"].results_page.object_list]


def test_the_search_sorts_by_freshness_and_keeps_its_default_order(client, directory):
    url = directory["index"].url
    assert slugs(client, url) == ["a", "b", "c"]  # 50音順, as before
    assert slugs(client, url + "?sort=updated") == ["b", "c", "a"]
    html = client.get(url + "?sort=updated").content.decode()
    assert '<option value="updated" selected>情報更新の新しい順</option>' in html


@pytest.mark.parametrize("value", ["bogus", "-details_updated", "updated;drop", "", "UPDATED"])
def test_an_unknown_sort_value_is_ignored(client, directory, value):
    assert slugs(client, directory["index"].url + f"?sort={value}") == ["a", "b", "c"]


def test_search_results_freshness_costs_the_same_queries_for_3_and_23_facilities(client, directory):
    VacancyPageFactory(parent=directory["home"])
    url = directory["index"].url + "?sort=updated"

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return len(ctx.captured_queries), html.count("空き情報の更新")

    for slug in ("a", "b"):
        VacancyFigureFactory(facility=directory[slug], service_type=GH, vacancies=1)
    few, shown = measure()
    assert shown == 2
    for _ in range(20):
        facility = FacilityPageFactory(parent=directory["index"], services=[(GH, 3, [])])
        VacancyFigureFactory(facility=facility, service_type=GH, vacancies=0)
    many, shown = measure()
    assert shown == 20  # the first page of results: 20 facilities
    assert many == few
