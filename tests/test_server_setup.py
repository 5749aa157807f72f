"""The server set up for speed: persistent database connections, the gunicorn configuration,
the sitemap index and its pages, and 304 answers of the feeds and the sitemap."""

import datetime as dt
import json
import os
import runpy
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date, parse_http_date
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Site

from home import sitemaps
from home.models import StandardPage
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
)

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k7Qz-3vN_pX9rT2mW8yB4cL6hJ1sD5fG0aE-uI7oP3qR9tY2wZ8xV4nM6bK1jH5g",
    "ALLOWED_HOSTS": "jiritsushien.example.jp",
    "DATABASE_URL": "postgres://kodama@/kodama",
    "WAGTAILADMIN_BASE_URL": "https://jiritsushien.example.jp",
}

PRINT_DATABASE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({"max_age": db["CONN_MAX_AGE"], "health": db["CONN_HEALTH_CHECKS"]}))
"""


def production_database(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "GUNICORN_"))}
    env.update(PRODUCTION_ENV, **extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Production settings ------------------------------------------------------------------------


def test_production_keeps_database_connections_for_a_minute_with_health_checks():
    result = production_database()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"max_age": 60, "health": True}


def test_the_connection_age_comes_from_the_environment():
    result = production_database(DB_CONN_MAX_AGE="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"max_age": 0, "health": True}


@pytest.mark.parametrize("value", ["abc", "-5", "１０"])
def test_a_connection_age_that_is_no_number_is_a_clear_error(value):
    result = production_database(DB_CONN_MAX_AGE=value)
    assert result.returncode != 0
    assert "DB_CONN_MAX_AGE" in result.stderr and "0 以上の整数" in result.stderr


def test_development_opens_a_connection_per_request_unless_told():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == int(
        os.environ.get("DB_CONN_MAX_AGE", "0")
    )


# --- gunicorn -----------------------------------------------------------------------------------


def gunicorn_config(monkeypatch, **env):
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_preloads_the_app_and_does_not_recycle_workers(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["preload_app"] is True
    assert config["max_requests"] == 0 and config["max_requests_jitter"] == 0
    assert config["bind"] == "unix:/run/kodama/gunicorn.sock"
    assert config["timeout"] == 120


def test_gunicorn_recycling_and_preloading_can_be_set_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="50000", GUNICORN_PRELOAD="false")
    assert config["preload_app"] is False
    assert config["max_requests"] == 50000 and config["max_requests_jitter"] == 5000


def test_gunicorn_closes_the_masters_connections_before_each_fork(monkeypatch):
    from django.core.cache import caches
    from django.db import connections

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("database"))
    monkeypatch.setattr(caches, "close_all", lambda: closed.append("caches"))
    config = gunicorn_config(monkeypatch)
    config["pre_fork"](server=None, worker=None)
    assert sorted(closed) == ["caches", "database"]


def test_gunicorn_loads_the_urls_and_the_release_in_the_master_when_preloading(monkeypatch):
    from types import SimpleNamespace

    from cms import pagecache

    config = gunicorn_config(monkeypatch)
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=False))
    monkeypatch.setattr(pagecache, "_release", None)
    config["when_ready"](server)
    assert pagecache._release is None
    server.cfg.preload_app = True
    config["when_ready"](server)
    assert pagecache._release == pagecache.release()


# --- The sitemap --------------------------------------------------------------------------------

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_page_urls(client):
    """The sitemap pages the index lists, as paths with their query strings."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [urlsplit(loc.text) for loc in root.iter(f"{SITEMAP}loc")]
    return [part.path + (f"?{part.query}" if part.query else "") for part in parts]


def listed_locations(client):
    """Every URL of every sitemap page, in order."""
    locations = []
    for url in sitemap_page_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)
        assert root.tag == f"{SITEMAP}urlset"
        locations.extend(loc.text for loc in root.iter(f"{SITEMAP}loc"))
    return locations


def add_pages(parent, count, prefix="p"):
    return [
        parent.add_child(
            instance=StandardPage(
                title=f"ページ{prefix}{n}",
                slug=f"{prefix}-{n}",
                live=True,
                last_published_at=timezone.now(),
            )
        )
        for n in range(count)
    ]


@pytest.mark.django_db
def test_the_index_points_at_pages_of_at_most_the_page_size(client, home_page, monkeypatch):
    assert sitemaps.SITEMAP_PAGE_SIZE <= 50_000
    monkeypatch.setattr(sitemaps.PageSitemap, "limit", 4)
    pages = [home_page, *add_pages(home_page, 9)]
    assert sitemap_page_urls(client) == [
        "/sitemap-pages.xml",
        "/sitemap-pages.xml?p=2",
        "/sitemap-pages.xml?p=3",
    ]
    sizes = []
    for url in sitemap_page_urls(client):
        root = ET.fromstring(client.get(url).content)
        sizes.append(len(root.findall(f"{SITEMAP}url")))
        assert all(u.find(f"{SITEMAP}lastmod") is not None for u in root.findall(f"{SITEMAP}url"))
    assert sizes == [4, 4, 2]
    assert listed_locations(client) == [p.get_full_url() for p in pages]
    assert client.get("/sitemap-pages.xml?p=4").status_code == 404
    assert client.get("/sitemap-pages.xml?p=abc").status_code == 404
    assert client.get("/sitemap-other.xml").status_code == 404


@pytest.mark.django_db
def test_every_location_is_the_pages_own_url(client, home_page, rf):
    """Japanese slugs, nested pages and a second site with its own host: the sitemap's URL of
    each page is what Wagtail gives the page object of its specific type."""
    news = NewsIndexPageFactory(parent=home_page, slug="お知らせ")
    item = NewsPageFactory(parent=news, slug="研修会-2024")
    other_root = StandardPageFactory(parent=home_page, slug="other-root")
    inner = StandardPageFactory(parent=other_root, slug="inner")
    Site.objects.create(hostname="other.example.jp", port=443, root_page=other_root)
    locations = listed_locations(client)
    request = rf.get("/sitemap-pages.xml", HTTP_HOST="localhost")
    expected = [
        page.specific.get_full_url(request) for page in (home_page, news, item, other_root, inner)
    ]
    assert sorted(locations) == sorted(expected)
    assert "http://localhost/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/" in locations
    # A page inside both sites: the requested site's URL, as Wagtail gives it.
    assert "http://localhost/other-root/inner/" in locations
    other = Client(HTTP_HOST="other.example.jp")
    assert listed_locations(other) == [
        "https://other.example.jp/",
        "https://other.example.jp/inner/",
    ]


def test_no_page_type_has_urls_of_its_own():
    """The sitemap makes URLs from url_path (home/sitemaps.py): a page type with its own
    get_url_parts or get_sitemap_urls would need the sitemap to load it as its type."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Page):
            assert model.get_url_parts is Page.get_url_parts, model
            assert model.get_sitemap_urls is Page.get_sitemap_urls, model


@pytest.mark.django_db
def test_restricted_unpublished_and_other_sites_pages_are_never_listed(client, home_page):
    public = StandardPageFactory(parent=home_page, slug="public")
    by_login = StandardPageFactory(parent=home_page, slug="members")
    below_login = StandardPageFactory(parent=by_login, slug="below")
    by_password = StandardPageFactory(parent=home_page, slug="password")
    by_group = StandardPageFactory(parent=home_page, slug="groups")
    draft = StandardPageFactory(parent=home_page, slug="draft")
    draft.unpublish()
    PageViewRestriction.objects.create(page=by_login, restriction_type="login")
    PageViewRestriction.objects.create(page=by_password, restriction_type="password", password="x")
    restriction = PageViewRestriction.objects.create(page=by_group, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="サイトマップの試験の組"))
    root = Page.get_first_root_node()
    elsewhere = root.add_child(instance=StandardPage(title="別のサイト", slug="else", live=True))
    Site.objects.create(hostname="else.example.jp", root_page=elsewhere)

    locations = listed_locations(client)
    assert locations == ["http://localhost/", "http://localhost/public/"]
    assert public.get_full_url() in locations
    for page in (by_login, below_login, by_password, by_group, draft, elsewhere):
        assert not any(f"/{page.slug}/" in url for url in locations), page.slug


@pytest.mark.django_db
def test_a_sitemap_page_costs_the_same_queries_for_10_or_60_pages(
    client, home_page, django_assert_max_num_queries
):
    PageViewRestriction.objects.create(
        page=StandardPageFactory(parent=home_page, slug="restricted"), restriction_type="login"
    )
    add_pages(home_page, 10, prefix="a")
    client.get("/sitemap-pages.xml")  # the site root paths, cached after the first request
    counts = []
    for more in (0, 50):
        add_pages(home_page, more, prefix="b")
        for url in ("/sitemap.xml", "/sitemap-pages.xml"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(len(queries))
    assert len(listed_locations(client)) == 61
    assert counts[:2] == counts[2:], counts
    with django_assert_max_num_queries(8):
        client.get("/sitemap-pages.xml")
    with django_assert_max_num_queries(8):
        client.get("/sitemap.xml")


# --- 304 answers of the feeds and the sitemap ---------------------------------------------------


@pytest.fixture
def feeds(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    meeting = MeetingPageFactory(
        parent=committee,
        title="第1回相談支援部会",
        date=dt.date(2024, 7, 3),
        start_time=dt.time(14, 0),
    )
    news = NewsIndexPageFactory(parent=home_page)
    NewsPageFactory(parent=news, title="研修会のお知らせ", slug="kenshu")
    # Everything happened an hour ago: a change made now gives a later Last-Modified.
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    Page.objects.update(last_published_at=hour_ago, latest_revision_created_at=hour_ago)
    PageLogEntry.objects.update(timestamp=hour_ago)
    return {"committee": committee, "meeting": meeting, "news": news}


def conditional_urls(feeds):
    committee = feeds["committee"].url
    return [
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/feeds/atom.xml",
        "/feeds/meetings.ics",
        committee + "feed/atom/",
        committee + "feed/ical/",
    ]


@pytest.mark.django_db
def test_feeds_and_sitemap_answer_304_to_either_validator(client, feeds):
    for url in conditional_urls(feeds):
        response = client.get(url)
        assert response.status_code == 200, url
        etag, last_modified = response["ETag"], response["Last-Modified"]
        assert (
            parse_http_date(last_modified)
            == int((timezone.now() - dt.timedelta(hours=1)).timestamp())
            or abs(parse_http_date(last_modified) - (time.time() - 3600)) < 5
        ), url
        again = client.get(url)
        assert again.content == response.content and again["ETag"] == etag, url

        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert by_etag.status_code == 304 and by_etag.content == b"", url
        assert by_etag["ETag"] == etag
        # nginx makes the ETag of a compressed answer weak; it still matches.
        assert client.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304, url
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
        assert by_date.status_code == 304 and by_date.content == b"", url

        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, url
        earlier = http_date(parse_http_date(last_modified) - 60)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200, url
        # Both headers: the ETag decides (RFC 9110).
        both = client.get(url, HTTP_IF_NONE_MATCH='"old"', HTTP_IF_MODIFIED_SINCE=last_modified)
        assert both.status_code == 200, url


@pytest.mark.django_db
def test_removing_a_page_ends_the_304_answers(client, feeds):
    """Unpublishing makes no listed item newer; the answers change all the same."""
    urls = conditional_urls(feeds)
    before = {url: client.get(url) for url in urls}
    feeds["meeting"].unpublish()
    for url in urls:
        old = before[url]
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
        assert by_date.status_code == 200, url
        if url == "/sitemap.xml":
            continue  # the index names the same sitemap pages: its ETag rightly stays
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])
        assert by_etag.status_code == 200 and by_etag["ETag"] != old["ETag"], url
    assert "第1回相談支援部会" not in client.get("/feeds/atom.xml").content.decode()


@pytest.mark.django_db
def test_the_calendar_stamps_events_with_their_last_publication(client, feeds):
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (event,) = calendar.walk("VEVENT")
    feeds["meeting"].refresh_from_db()
    assert event["dtstamp"].dt == feeds["meeting"].last_published_at.replace(microsecond=0)
