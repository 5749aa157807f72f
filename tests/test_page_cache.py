"""The page cache for anonymous visitors (cms/pagecache.py): who gets stored pages, what
makes them fresh again, what is never stored, crafted query strings and a cache that is down."""

import contextlib
import datetime as dt
import io
import json
import os
import pickle
import subprocess
import sys
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends import BaseBackend
from wagtail.models import PageViewRestriction

from cms import pagecache
from facilities.models import Municipality, ServiceType
from home import glossary, search, sites
from home.models import SecretariatContact
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpenDataPageFactory,
    StandardPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from vacancies.models import month_start

GH = "共同生活援助(介護サービス包括型)"
HEADER = "X-Page-Cache"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    with contextlib.suppress(Exception):  # a test's own cache may be down
        caches[settings.PAGE_CACHE_ALIAS].clear()


def anonymous():
    return Client()


def stored_entries():
    """Every answer in the (local memory) page cache: [(status, headers, content)]. The
    versions kept there (the pages' generation, the 用語集's version) and the sites
    (home.sites) are not answers."""
    cache = caches["pages"]
    entries = []
    sites_rows = sites.ROWS_KEY.format(version="")
    for key, value in list(cache._cache.items()):
        if key.endswith((pagecache.GENERATION_KEY, glossary.VERSION_KEY, sites.VERSION_KEY)):
            continue
        if sites_rows in key:
            continue
        entries.append(pickle.loads(value))
    return entries


def state(response):
    return response[HEADER]


@pytest.fixture
def site(home_page):
    council = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=council, title="相談支援部会", slug="soudan")
    index = FacilityIndexPageFactory(parent=home_page)
    facility = FacilityPageFactory(
        parent=index,
        slug="aozora",
        title="サンプルあおぞらホーム",
        name_kana="アオゾラ",
        services=[(GH, 5, ["知的"])],
    )
    return {
        "home": home_page,
        "council": council,
        "committee": committee,
        "index": index,
        "facility": facility,
        "page": StandardPageFactory(parent=home_page, title="協議会の紹介", slug="intro"),
    }


# --- Who gets stored pages ---------------------------------------------------------------------


def test_anonymous_visitors_get_the_stored_page(site):
    first = anonymous().get(site["page"].url)
    second = anonymous().get(site["page"].url)
    assert first.status_code == second.status_code == 200
    assert (state(first), state(second)) == ("miss", "hit")
    assert first.content == second.content
    assert second["Content-Type"] == first["Content-Type"]
    # The outer middlewares still add their headers to a stored answer.
    assert "Content-Security-Policy" in second and second["X-Content-Type-Options"] == "nosniff"
    head = anonymous().head(site["page"].url)
    assert head.status_code == 200 and state(head) == "hit"


def test_a_stored_page_needs_no_database(site, django_assert_num_queries):
    anonymous().get(site["facility"].url)
    with django_assert_num_queries(0):
        assert state(anonymous().get(site["facility"].url)) == "hit"


def test_stored_answers_with_a_validator_answer_304(rf):
    cache = caches["pages"]
    cache.set("k", (200, [("ETag", '"v1"'), ("Content-Type", "application/atom+xml")], b"<feed/>"))
    fresh = pagecache.cached_response(rf.get("/", HTTP_IF_NONE_MATCH='"v1"'), cache, "k")
    assert fresh.status_code == 304
    changed = pagecache.cached_response(rf.get("/", HTTP_IF_NONE_MATCH='"v0"'), cache, "k")
    assert changed.status_code == 200 and changed.content == b"<feed/>"
    assert changed["Content-Type"] == "application/atom+xml"


def test_answers_that_vary_by_other_headers_are_not_stored(rf):
    request = rf.get("/")
    response = HttpResponse("<p>ページ</p>")
    response["Vary"] = "Cookie"
    assert pagecache.is_shareable(request, response)
    for vary in ["Accept-Language", "Cookie, Accept-Encoding", "*"]:
        response["Vary"] = vary
        assert not pagecache.is_shareable(request, response), vary
    del response["Vary"]
    response["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert not pagecache.is_shareable(request, response)


def test_every_kind_of_public_content_is_cached(site):
    NewsIndexPageFactory(parent=site["home"])
    OpenDataPageFactory(parent=site["home"])
    urls = [
        "/opendata/",
        "/opendata/facilities.csv",
        "/opendata/meetings.json",
        "/",
        site["committee"].url,
        site["committee"].url + "feed/atom/",
        site["index"].url,
        site["index"].url + f"?muni={Municipality.objects.get(name='本庄市').pk}",
        site["index"].url + "markers/",
        site["facility"].url,
        "/feeds/atom.xml",
        "/feeds/meetings.ics",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/search/?q=" + "協議会",
    ]
    for url in urls:
        assert state(anonymous().get(url)) == "miss", url
        response = anonymous().get(url)
        assert response.status_code == 200 and state(response) == "hit", url


def test_logged_in_editor_is_never_served_or_stored(site, admin_client):
    anonymous().get(site["page"].url)
    editor = admin_client
    response = editor.get(site["page"].url)
    assert response.status_code == 200 and state(response) == "skip"
    before = len(stored_entries())
    editor.get(site["committee"].url)
    assert len(stored_entries()) == before
    # A stale session cookie alone (no user) is a visitor's own too.
    visitor = Client()
    visitor.cookies["sessionid"] = "x" * 32
    assert state(visitor.get(site["page"].url)) == "skip"


def test_reading_aid_cookie_values_have_their_own_key(site):
    url = site["page"].url
    assert state(anonymous().get(url)) == "miss"
    large = Client()
    large.cookies["text_size"] = "large"
    assert state(large.get(url)) == "miss"
    assert state(large.get(url)) == "hit"
    both = Client()
    both.cookies["text_size"] = "large"
    both.cookies["bg_color"] = "black"
    assert state(both.get(url)) == "miss"
    # Unknown values and the defaults collapse to the default page's key.
    for name, value in [("text_size", "huge"), ("text_size", "standard"), ("ruby", "0")]:
        visitor = Client()
        visitor.cookies[name] = value
        assert state(visitor.get(url)) == "hit", (name, value)


def test_unrelated_cookies_do_not_defeat_the_cache(site):
    url = site["page"].url
    stored = anonymous().get(url)
    # A shareable page does not vary by the whole Cookie header (a front cache would keep a
    # copy per visitor); a visitor's own page still does.
    assert "cookie" not in stored.get("Vary", "").lower()
    assert "cookie" not in anonymous().get(url).get("Vary", "").lower()
    visitor = Client()
    visitor.cookies["sessionid"] = "x" * 32
    assert "Cookie" in visitor.get(url)["Vary"]
    visitor = Client()
    visitor.cookies["_ga"] = "GA1.1.12345"
    visitor.cookies["csrftoken"] = "a" * 32
    visitor.cookies["messages"] = "anything"
    response = visitor.get(url)
    assert state(response) == "hit" and response.content == stored.content


# --- Invalidation follows the data -------------------------------------------------------------


def served_twice(url):
    """The page as the next anonymous visitor gets it, checked to be stored again."""
    response = anonymous().get(url)
    assert state(response) == "miss", url
    assert state(anonymous().get(url)) == "hit", url
    return response


def test_publishing_a_meeting_shows_on_the_committee_page(site):
    url = site["committee"].url
    served_twice(url)
    meeting = MeetingPageFactory(parent=site["committee"], slug="2024-05-01")
    assert meeting.url in served_twice(url).content.decode()
    meeting.unpublish()
    assert meeting.url not in served_twice(url).content.decode()


def test_publishing_news_shows_in_the_feed_and_sitemap(site):
    news_index = NewsIndexPageFactory(parent=site["home"])
    served_twice("/feeds/atom.xml")
    served_twice("/sitemap-pages.xml")
    news = NewsPageFactory(parent=news_index, title="研修会のお知らせ", slug="kenshu")
    assert "研修会のお知らせ" in served_twice("/feeds/atom.xml").content.decode()
    assert "/kenshu/" in served_twice("/sitemap-pages.xml").content.decode()
    assert news.live


def test_moving_and_deleting_a_page(site):
    page = site["page"]
    old_url = page.url
    served_twice(old_url)
    page.move(site["council"], pos="last-child")
    page.refresh_from_db()
    new_url = page.url
    assert new_url != old_url
    # Wagtail leaves a redirect from the old address.
    moved = anonymous().get(old_url)
    assert moved.status_code == 301 and moved["Location"].endswith(new_url)
    served_twice(new_url)
    page.delete()
    assert anonymous().get(new_url).status_code == 404


def test_privacy_added_makes_the_page_ask_for_the_password(site):
    page = site["page"]
    served_twice(page.url)
    before = len(stored_entries())
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="himitsu-123"
    )
    for _ in range(2):
        response = anonymous().get(page.url)
        assert response.status_code == 200 and state(response) == "skip"
        assert 'name="password"' in response.content.decode()
    assert len(stored_entries()) == before


def test_login_restriction_redirects_every_time(site):
    page = site["page"]
    served_twice(page.url)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        response = anonymous().get(page.url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_site_setting_change_shows_in_every_footer(site):
    served_twice("/")
    served_twice(site["facility"].url)
    contact = SecretariatContact.for_site(site["home"].get_site())
    contact.phone = "0495-99-1234"
    contact.save()
    assert "0495-99-1234" in served_twice("/").content.decode()
    assert "0495-99-1234" in served_twice(site["facility"].url).content.decode()


def test_taxonomy_change_shows_on_the_facility_page(site):
    served_twice(site["facility"].url)
    service_type = ServiceType.objects.get(name=GH)
    service_type.name = "グループホーム(介護サービス包括型)"
    service_type.save()
    assert (
        "グループホーム(介護サービス包括型)" in served_twice(site["facility"].url).content.decode()
    )


def test_vacancy_figure_change_shows_on_the_vacancy_and_facility_pages(site):
    vacancy_page = VacancyPageFactory(parent=site["home"])
    figure = VacancyFigureFactory(
        facility=site["facility"], service_type=GH, month=month_start(), vacancies=2
    )
    assert "空きあり 2人" in served_twice(site["facility"].url).content.decode()
    served_twice(vacancy_page.url)
    figure.vacancies = 3
    figure.save()
    assert "空きあり 3人" in served_twice(site["facility"].url).content.decode()
    assert "3人" in served_twice(vacancy_page.url).content.decode()
    figure.delete()
    assert "空きあり 3人" not in served_twice(site["facility"].url).content.decode()


def test_pages_that_depend_on_the_day_are_fresh_the_next_day(site, monkeypatch):
    """An upcoming meeting becomes a held one at midnight, with no change of data."""
    today = timezone.localdate()
    meeting = MeetingPageFactory(
        parent=site["committee"],
        slug="tomorrow",
        date=today + dt.timedelta(days=1),
        status="scheduled",
    )
    url = site["committee"].url
    before = served_twice(url).content.decode()
    assert meeting.url in before and "現在、予定している会議はありません。" not in before
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=2))
    after = served_twice(url).content.decode()
    assert meeting.url in after and "現在、予定している会議はありません。" in after


def test_a_lost_generation_is_never_reused(site):
    """An emptied generation (evicted, a restarted cache) starts fresh, never at an old value."""
    served_twice(site["page"].url)
    cache = caches["pages"]
    old = cache.get(pagecache.GENERATION_KEY)
    cache.delete(pagecache.GENERATION_KEY)
    assert state(anonymous().get(site["page"].url)) == "miss"
    assert cache.get(pagecache.GENERATION_KEY) not in (None, old)


def test_clear_page_cache_command_and_migrate(site):
    served_twice(site["page"].url)
    out = io.StringIO()
    call_command("clear_page_cache", stdout=out)
    assert "古くしました" in out.getvalue()
    served_twice(site["page"].url)
    call_command("migrate", verbosity=0)
    served_twice(site["page"].url)


# --- Nothing personal or restricted is stored --------------------------------------------------


def test_nothing_restricted_or_personal_is_stored(site, client):
    secret = StandardPageFactory(parent=site["home"], title="部会の内部資料", slug="naibu")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="himitsu-123"
    )
    child = StandardPageFactory(parent=secret, title="内部資料の続き", slug="tsuzuki")
    for url in [secret.url, child.url, "/alerts/", "/", site["facility"].url]:
        anonymous().get(url)
    # A visitor who entered the password has a session: nothing of theirs is stored either.
    response = client.post(
        f"/_util/authenticate_with_password/{secret.get_view_restrictions()[0].pk}/{secret.pk}/",
        {"password": "himitsu-123", "return_url": secret.url},
    )
    assert response.status_code == 302
    assert "部会の内部資料" in client.get(secret.url).content.decode()
    assert state(client.get(secret.url)) == "skip"
    entries = stored_entries()
    assert len(entries) == 2
    for status, headers, content in entries:
        text = content.decode()
        assert status == 200
        assert "部会の内部資料" not in text and "内部資料の続き" not in text
        assert "csrfmiddlewaretoken" not in text
        assert not any(name.lower() == "set-cookie" for name, _ in headers)
        assert client.cookies["sessionid"].value not in text


def test_restricted_vacancy_figures_keep_the_facility_page_uncached(site):
    vacancy_page = VacancyPageFactory(parent=site["home"])
    PageViewRestriction.objects.create(page=vacancy_page, restriction_type="login")
    VacancyFigureFactory(
        facility=site["facility"], service_type=GH, month=month_start(), vacancies=2
    )
    response = anonymous().get(site["facility"].url)
    assert response.status_code == 200 and state(response) == "skip"
    assert stored_entries() == []


# --- Crafted query strings -----------------------------------------------------------------------


def test_crafted_query_strings_add_no_entries(site):
    url = site["index"].url
    honjo = Municipality.objects.get(name="本庄市").pk
    kamisato = Municipality.objects.get(name="上里町").pk
    assert state(anonymous().get(url)) == "miss"
    assert state(anonymous().get(f"{url}?muni={honjo}&muni={kamisato}")) == "miss"
    count = len(stored_entries())
    crafted = [
        "?x=1",  # a parameter no view reads
        f"?{uuid.uuid4().hex}=1",
        "?" + "&".join(f"muni={honjo}" for _ in range(200)),  # 200 repeated keys
        "?" + "&".join(f"a{i}=1" for i in range(200)),
        "?q=" + "あ" * 5000,  # a very long value
        "?page=abc",
        "?page=1&page=2",
        "?sort=random",  # the right form, a value the page does not know
        "?view=globe",
        "?nendo=1999",
        "?muni=999999",
        "?kyoten=maybe",
        "?body=" + "x" * 300,
    ]
    for query in crafted:
        response = anonymous().get(url + query)
        assert response.status_code == 200, query
        assert state(response) == "skip", query
        assert state(anonymous().get(url + query)) == "skip", query
    assert len(stored_entries()) == count
    # The same filters in another order, or repeated, are the same stored answer.
    for query in [f"?muni={kamisato}&muni={honjo}", f"?muni={honjo}&muni={kamisato}&muni={honjo}"]:
        assert state(anonymous().get(url + query)) == "hit", query
    assert len(stored_entries()) == count


def test_tracking_parameters_are_served_the_page_without_them(site):
    url = site["page"].url
    tracked = url + "?utm_source=newsletter&fbclid=abc"
    # Not stored when rendered for them (the links of a page would carry them)...
    assert state(anonymous().get(tracked)) == "skip"
    assert stored_entries() == []
    # ...served the stored page when there is one.
    anonymous().get(url)
    assert state(anonymous().get(tracked)) == "hit"


def test_parameters_a_page_does_not_read_are_not_stored(site):
    """A whitelisted parameter the page does not use (no pages, no 年度) adds no entry."""
    url = site["page"].url
    anonymous().get(url)
    for query in ["?page=7", "?nendo=2023", "?muni=1", "?q=abc"]:
        response = anonymous().get(url + query)
        assert response.status_code == 200 and state(response) == "skip", query
    assert len(stored_entries()) == 1


def test_listing_pages_beyond_the_last_are_not_stored(site):
    for n in range(3):
        MeetingPageFactory(parent=site["committee"], slug=f"2023-0{n + 1}-10")
    url = site["committee"].url
    assert state(anonymous().get(url + "?page=1")) == "miss"
    assert state(anonymous().get(url + "?page=99")) == "skip"
    assert state(anonymous().get(url + "?page=01")) == "hit"


# --- A cache that is down -------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }


def test_a_cache_server_that_is_down_means_uncached_pages(site, redis_down, caplog, monkeypatch):
    monkeypatch.setattr(pagecache, "_last_warning", 0.0)
    for url in ["/", site["page"].url, site["index"].url, "/sitemap.xml"]:
        response = anonymous().get(url)
        assert response.status_code == 200 and state(response) == "skip", url
    # Reported once, not on every request.
    warnings = [r for r in caplog.records if r.name == "cms.pagecache"]
    assert len(warnings) == 1 and "キャッシュ" in warnings[0].getMessage()
    # Changes still save (the new generation cannot be written, and that is not an error).
    contact = SecretariatContact.for_site(site["home"].get_site())
    contact.phone = "0495-11-2222"
    contact.save()
    MeetingPageFactory(parent=site["committee"], slug="2024-06-01")
    assert "0495-11-2222" in anonymous().get("/").content.decode()


# --- Several app servers share one Redis ----------------------------------------------------------


@pytest.fixture
def shared_redis(settings):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis が 127.0.0.1:6379 で動いていません(redis-server を起動してください)。")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    yield
    caches["pages"].clear()


def test_two_clients_share_one_redis_cache(site, shared_redis):
    one, two = Client(), Client()
    url = site["committee"].url
    assert state(one.get(url)) == "miss"
    assert state(two.get(url)) == "hit"
    meeting = MeetingPageFactory(parent=site["committee"], slug="2024-07-01")
    response = two.get(url)
    assert state(response) == "miss" and meeting.url in response.content.decode()
    assert state(one.get(url)) == "hit"


# --- The front cache is purged for changes that are not a page's own -----------------------------

PURGED = []


class RecordingBackend(BaseBackend):
    def purge(self, url):
        PURGED.append(url)


def test_front_cache_purged_once_for_changes_that_are_not_pages(transactional_db, site, settings):
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    PURGED.clear()
    contact = SecretariatContact.for_site(site["home"].get_site())
    with transaction.atomic():
        contact.phone = "0495-33-4444"
        contact.save()
        figure = VacancyFigureFactory(
            facility=site["facility"], service_type=GH, month=month_start(), vacancies=1
        )
        figure.vacancies = 2
        figure.save()
        assert PURGED == []  # nothing before the commit
    assert site["facility"].full_url in PURGED
    assert site["home"].full_url in PURGED
    assert any(url.endswith("/sitemap.xml") for url in PURGED)
    # One purge for the transaction, however many rows it changed.
    assert len(PURGED) == len(set(PURGED))
    # The search index is rewritten row by row in the background: a new generation, no purge.
    PURGED.clear()
    generation = caches["pages"].get(pagecache.GENERATION_KEY)
    search.index_page(site["facility"])
    assert caches["pages"].get(pagecache.GENERATION_KEY) != generation
    assert PURGED == []


# --- A new release of the code and templates --------------------------------------------------------


def test_a_new_release_is_not_served_pages_of_the_old_one(site, monkeypatch):
    served_twice(site["page"].url)
    monkeypatch.setattr(pagecache, "_release", "another-release")
    assert state(anonymous().get(site["page"].url)) == "miss"


def test_the_release_follows_the_files(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>一</p>", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = False
    pagecache._release = None
    try:
        first = pagecache.release()
        template.write_text("<p>二</p>", encoding="utf-8")
        assert pagecache.release() == first  # taken once per process
        pagecache._release = None
        second = pagecache.release()
        assert second != first
        settings.DEBUG = True  # a developer's server: every request looks again
        before = pagecache.release()
        template.write_text("<p>三です</p>", encoding="utf-8")
        assert pagecache.release() != before
    finally:
        pagecache._release = None


# --- Settings: on by default, a local cache without a server, Redis with REDIS_URL -------------------

PRINT_CACHE_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"enabled": settings.PAGE_CACHE_ENABLED, "pages": settings.CACHES["pages"]}))
"""


def cache_settings(module, **extra):
    from tests.test_production import PRODUCTION_ENV, ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PAGE_CACHE_ENABLED")}
    env.update(PRODUCTION_ENV)
    env.update(DJANGO_SETTINGS_MODULE=module, **extra)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CACHE_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cache_settings_by_environment():
    for module in ("cms.settings.dev", "cms.settings.production"):
        found = cache_settings(module)
        assert found["enabled"] is True, module
        assert found["pages"]["BACKEND"].endswith("FileBasedCache"), module
        assert found["pages"]["LOCATION"].endswith("var/cache/pages"), module
    found = cache_settings("cms.settings.production", REDIS_URL="redis://10.0.0.5:6379/1")
    assert found["pages"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["pages"]["LOCATION"] == "redis://10.0.0.5:6379/1"
    assert cache_settings("cms.settings.production", PAGE_CACHE_ENABLED="false")["enabled"] is False
    assert cache_settings("cms.settings.test")["enabled"] is False


def test_every_app_of_the_site_is_either_content_or_private():
    """A new app must say whether its rows change what visitors see (and so the cache)."""
    import tomllib
    from pathlib import Path

    from cms import pagecache

    pyproject = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    )
    apps_of_the_site = set(pyproject["tool"]["importlinter"]["root_packages"]) - {"cms"}
    classified = set(pagecache.CONTENT_APPS) | set(pagecache.PRIVATE_APPS)
    assert apps_of_the_site - classified == set()
    assert set(pagecache.CONTENT_APPS) & set(pagecache.PRIVATE_APPS) == set()
