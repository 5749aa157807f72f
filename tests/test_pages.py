"""Rendering, placement rules and query bounds for the foundation's page types."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailTestUtils  # noqa: F401

from council.models import NewsIndexPage, NewsPage
from home.models import HomePage, SecretariatContact, StandardPage
from tests.factories import (
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    paragraph,
    stream,
)

pytestmark = pytest.mark.django_db


def test_home_page_renders_shell(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert 'class="skip-link" href="#main"' in html
    assert "児玉郡市自立支援協議会" in html
    assert 'role="search"' in html
    assert 'rel="icon"' in html
    assert "print.css" in html


def test_navigation_lists_menu_pages_only(client, home_page):
    StandardPageFactory(parent=home_page, title="協議会について", slug="about", show_in_menus=True)
    StandardPageFactory(parent=home_page, title="隠しページ", slug="hidden", show_in_menus=False)
    html = client.get("/").content.decode()
    nav = html.split('aria-label="メインメニュー"')[1].split("</nav>")[0]
    assert "協議会について" in nav
    assert "隠しページ" not in nav


def test_standard_page_breadcrumbs_and_meta_description(client, home_page):
    parent = StandardPageFactory(parent=home_page, title="協議会について", slug="about")
    child = StandardPageFactory(
        parent=parent,
        title="組織図",
        slug="org",
        summary="会議のしくみを説明します。",
        body=stream(paragraph("<p>全体会と専門部会があります。</p>")),
    )
    html = client.get(child.url).content.decode()
    crumbs = html.split('aria-label="現在位置"')[1].split("</nav>")[0]
    assert crumbs.index("トップ") < crumbs.index("協議会について") < crumbs.index("組織図")
    assert '<meta name="description" content="会議のしくみを説明します。">' in html
    assert "全体会と専門部会があります。" in html


def test_footer_shows_secretariat_contact_from_settings(client, home_page):
    from wagtail.models import Site

    contact = SecretariatContact.for_site(Site.objects.get(is_default_site=True))
    contact.phone = "0495-11-2222"
    contact.fax = "0495-11-3333"
    contact.email = "office@example.jp"
    contact.office_hours = "平日 8時30分〜17時15分"
    contact.save()
    html = client.get("/").content.decode()
    assert 'href="tel:0495112222"' in html
    assert "0495-11-3333" in html
    assert 'href="mailto:office@example.jp"' in html
    assert "平日 8時30分〜17時15分" in html


def test_sitemap_page_lists_whole_tree(client, home_page):
    about = StandardPageFactory(parent=home_page, title="協議会について", slug="about")
    StandardPageFactory(parent=about, title="組織図", slug="org")
    sitemap = StandardPageFactory(
        parent=home_page, title="サイトマップ", slug="sitemap", page_listing="site"
    )
    html = client.get(sitemap.url).content.decode()
    tree = html.split('class="page-tree"', 1)[1]
    assert tree.index("協議会について") < tree.index("組織図")
    assert "トップページ" in tree


def test_news_index_lists_newest_first_and_filters_by_fiscal_year(client, home_page):
    import datetime as dt

    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="令和5年度の記事", date=dt.date(2024, 3, 31))
    NewsPageFactory(parent=index, title="令和6年度の記事", date=dt.date(2024, 4, 1))
    html = client.get(index.url).content.decode()
    assert html.index("令和6年度の記事") < html.index("令和5年度の記事")
    assert '<time datetime="2024-04-01">令和6年4月1日(月)</time>' in html
    html = client.get(index.url + "?nendo=2023").content.decode()
    assert "令和5年度の記事" in html and "令和6年度の記事" not in html


@pytest.mark.parametrize(
    "query",
    [
        "?nendo=abc",
        "?nendo=1999",
        "?nendo=²",
        "?page=abc",
        "?page=99999",
        "?nendo=2023&page=-1",
        "?" + "nendo=2023&" * 200,
    ],
)
def test_news_index_bad_query_strings_give_normal_page(client, home_page, query):
    import datetime as dt

    index = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=index, title="記事", date=dt.date(2024, 4, 1))
    response = client.get(index.url + query)
    assert response.status_code == 200
    assert "記事" in response.content.decode()


def test_home_page_shows_latest_news(client, home_page):
    import datetime as dt

    index = NewsIndexPageFactory(parent=home_page)
    for day in range(1, 8):
        NewsPageFactory(parent=index, title=f"記事{day}", date=dt.date(2024, 5, day))
    html = client.get("/").content.decode()
    assert "記事7" in html and "記事3" in html and "記事2" not in html


@pytest.mark.parametrize(
    "child, parent, allowed",
    [
        (StandardPage, HomePage, True),
        (StandardPage, StandardPage, True),
        (NewsIndexPage, HomePage, True),
        (NewsIndexPage, StandardPage, False),
        (NewsPage, NewsIndexPage, True),
        (NewsPage, HomePage, False),
        (HomePage, HomePage, False),
        (StandardPage, NewsIndexPage, False),
    ],
)
def test_placement_rules(child, parent, allowed):
    assert child.can_create_at(parent()) is allowed or (
        not allowed and not child.can_exist_under(parent())
    )
    assert child.can_exist_under(parent()) is allowed


def test_base_page_is_not_creatable():
    from home.models import BasePage

    assert BasePage._meta.abstract


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_news_index_query_count_does_not_grow(client, home_page):
    import datetime as dt

    index = NewsIndexPageFactory(parent=home_page)
    add = lambda n: [  # noqa: E731
        NewsPageFactory(parent=index, date=dt.date(2024, 4, 1) + dt.timedelta(days=i))
        for i in range(n)
    ]
    add(5)
    client.get(index.url)
    few = count_queries(client, index.url)
    add(45)
    many = count_queries(client, index.url)
    assert few == many <= 14


@pytest.mark.parametrize("path", ["/", "/about/", "/news/", "/news/item/"])
def test_page_query_counts_are_bounded(client, home_page, django_assert_max_num_queries, path):
    about = StandardPageFactory(
        parent=home_page, title="協議会について", slug="about", show_in_menus=True
    )
    StandardPageFactory(parent=about, title="子ページ", slug="child")
    index = NewsIndexPageFactory(parent=home_page, show_in_menus=True)
    NewsPageFactory(parent=index, slug="item")
    client.get(path)  # warm caches that live for the whole process (content types)
    with django_assert_max_num_queries(14):
        assert client.get(path).status_code == 200


def test_root_page_unused():
    assert Page.objects.filter(depth=1).count() == 1


def test_every_page_type_says_where_it_may_live():
    """Section page types name the home page as their parent; the home page names none of them."""
    from django.apps import apps
    from wagtail.models import Page

    from home.models import HomePage

    project = (
        "home",
        "council",
        "facilities",
        "vacancies",
        "opendata",
        "evaluations",
        "accessibility",
    )
    page_types = [
        m for app in project for m in apps.get_app_config(app).get_models() if issubclass(m, Page)
    ]
    assert all("parent_page_types" in vars(m) for m in page_types)
    under_home = {m._meta.label for m in HomePage.creatable_subpage_models()}
    assert under_home == {
        "home.StandardPage",
        "home.GlossaryPage",
        "council.CouncilIndexPage",
        "council.MeetingArchivePage",
        "council.NewsIndexPage",
        "facilities.FacilityIndexPage",
        "vacancies.VacancyPage",
        "opendata.OpenDataPage",
        "evaluations.GroupHomeEvaluationIndexPage",
        "accessibility.AccessibilityPolicyPage",
    }
