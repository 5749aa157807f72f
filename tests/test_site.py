"""Site-wide pieces: sitemap.xml, robots.txt, 404 and 500 pages, favicon, settings."""

import datetime as dt
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from wagtail.models import Page, PageViewRestriction

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

    response = client.get("/sitemap-pages.xml")
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


def test_pages_are_japanese_and_dates_are_told_in_tokyo_time(client, home_page):
    page = StandardPageFactory(parent=home_page, title="協議会について")
    # Published at 00:30 on 1 April 2024 in Japan, still 31 March in UTC.
    Page.objects.filter(pk=page.pk).update(
        last_published_at=dt.datetime(2024, 3, 31, 15, 30, tzinfo=dt.UTC)
    )
    html = client.get(page.url).content.decode()
    assert '<html lang="ja">' in html
    assert '更新日: <time datetime="2024-04-01">令和6年4月1日(月)</time>' in html
    assert "ログイン" in client.get("/admin/login/").content.decode()


def test_database_url_selects_the_database():
    """DATABASE_URL chooses the engine when the settings are read (here in a fresh process)."""
    script = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    for url, engine in [
        ("postgres://u:p@127.0.0.1:5432/council", "django.db.backends.postgresql"),
        ("sqlite:////tmp/council.sqlite3", "django.db.backends.sqlite3"),
    ]:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == engine


# --- The site for a request (home.sites) ----------------------------------------------------


def _second_site(home_page, **fields):
    from wagtail.models import Site

    other = StandardPageFactory(parent=home_page.get_parent(), slug="other-site", title="別サイト")
    return Site.objects.create(root_page=other, **fields)


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8000",
        "example.jp",
        "example.jp:8080",
        "unknown.example",
        "unknown.example:8080",
    ],
)
@pytest.mark.parametrize("other_is_default", [False, True])
def test_cached_site_lookup_chooses_as_wagtail_does(home_page, host, other_is_default):
    from django.test import RequestFactory
    from wagtail.models import Site

    from home import sites

    if other_is_default:
        Site.objects.update(is_default_site=False)
    _second_site(home_page, hostname="example.jp", port=8080, is_default_site=other_is_default)
    hostname, _, port = host.partition(":")
    request = RequestFactory().get("/", HTTP_HOST=host, SERVER_PORT=port or "80")
    expected = Site.find_for_request(
        RequestFactory().get("/", HTTP_HOST=host, SERVER_PORT=port or "80")
    )
    found = sites.find_for_request(request)
    assert (found and found.pk) == (expected and expected.pk)


def test_pages_are_routed_with_one_query_fewer_and_no_site_query(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    about = StandardPageFactory(parent=home_page, slug="about", title="協議会について")
    client.get(about.url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(about.url)
    assert response.status_code == 200
    assert "協議会について" in response.content.decode()
    assert not [q for q in captured if "wagtailcore_site" in q["sql"]]


def test_a_changed_site_is_used_at_once(client, home_page):
    from wagtail.models import Site

    about = StandardPageFactory(parent=home_page, slug="about", title="協議会について")
    assert client.get("/about/").status_code == 200
    other = _second_site(home_page, hostname="other.example", port=80, is_default_site=False)
    StandardPageFactory(parent=other.root_page, slug="about", title="別サイトの案内")
    # The second site's address now answers from its own pages, at once.
    response = client.get("/about/", HTTP_HOST="other.example")
    assert "別サイトの案内" in response.content.decode()
    site = Site.objects.get(pk=other.pk)
    site.hostname = "renamed.example"
    site.save()
    assert "協議会について" in client.get("/about/", HTTP_HOST="other.example").content.decode()
    assert "別サイトの案内" in client.get("/about/", HTTP_HOST="renamed.example").content.decode()
    assert about.title in client.get("/about/").content.decode()


def test_a_root_page_whose_place_changed_unseen_is_still_found(client, home_page):
    """A change the signals did not see (a bulk update) makes the kept place wrong: routing
    notices, forgets the kept rows and answers from the database."""
    from wagtail.models import Page

    StandardPageFactory(parent=home_page, slug="about", title="協議会について")
    assert client.get("/about/").status_code == 200
    Page.objects.filter(pk=home_page.pk).update(url_path="/renamed-home/")
    Page.objects.filter(path__startswith=home_page.path, depth=home_page.depth + 1).update(
        url_path="/renamed-home/about/"
    )
    response = client.get("/about/")
    assert response.status_code == 200
    assert "協議会について" in response.content.decode()
    assert client.get("/").status_code == 200


def test_pages_render_when_the_cache_is_down(client, home_page, monkeypatch):
    from home import sites

    StandardPageFactory(parent=home_page, slug="about", title="協議会について")

    class Broken:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    monkeypatch.setattr(sites, "_shared_cache", lambda: Broken())
    assert client.get("/").status_code == 200
    response = client.get("/about/")
    assert response.status_code == 200
    assert "協議会について" in response.content.decode()
