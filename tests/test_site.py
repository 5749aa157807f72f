"""Site-wide pieces: sitemap.xml, robots.txt, 404 and 500 pages, favicon, settings."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from wagtail.models import PageViewRestriction

from tests.factories import NewsIndexPageFactory, NewsPageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_every_public_page_only(client, home_page):
    about = StandardPageFactory(parent=home_page, slug="about")
    news = NewsIndexPageFactory(parent=home_page)
    item = NewsPageFactory(parent=news, slug="item")
    draft = StandardPageFactory(parent=home_page, slug="draft")
    draft.unpublish()
    private = StandardPageFactory(parent=home_page, slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {
        loc.text.split("localhost", 1)[-1] for loc in root.findall("s:url/s:loc", SITEMAP_NS)
    }
    assert {"/", about.url, news.url, item.url} <= locations
    assert draft.url not in locations and "/private/" not in locations
    assert all(
        url.find("s:lastmod", SITEMAP_NS) is not None for url in root.findall("s:url", SITEMAP_NS)
    )


def test_robots_txt_points_to_sitemap_and_keeps_admin_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_not_found_page_is_japanese_with_a_way_on(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert (
        "ページが見つかりません" in html
        and 'href="/search/"' in html
        and '<html lang="ja">' in html
    )


def test_server_error_page_is_japanese_and_needs_no_database(
    client, home_page, django_assert_num_queries
):
    from home.views import server_error

    with django_assert_num_queries(0):
        response = server_error(None)
    assert response.status_code == 500
    html = response.content.decode()
    assert "一時的なエラーが発生しました" in html and '<html lang="ja">' in html


@pytest.mark.urls("tests.error_urls")
@override_settings(DEBUG=False)
def test_unhandled_errors_render_the_japanese_500_page(home_page):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "一時的なエラーが発生しました" in response.content.decode()


def test_favicon_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_settings_are_japanese_first(settings):
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True


def test_database_url_selects_the_database(monkeypatch):
    import dj_database_url

    assert dj_database_url.parse("postgres://u:p@127.0.0.1:5432/council")["ENGINE"] == (
        "django.db.backends.postgresql"
    )
    from django.conf import settings
    from django.db import connection

    # The suite's PostgreSQL backend is Django's own with a cheaper flush (tests/postgresql).
    assert settings.DATABASES["default"]["ENGINE"] in (
        "django.db.backends.sqlite3",
        "tests.postgresql",
    )
    assert connection.vendor in ("sqlite", "postgresql")
