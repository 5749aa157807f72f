"""The site for a request, and its root page's place in the tree, without a query.

Wagtail looks the site up in the database on every request (``Site.find_for_request``).
The sites table is small and changes almost never, so its rows, with the path, address
(``url_path``) and page type of each site's root page, are kept in the shared cache (the
page cache's, which every app server shares) under a version token that saving or
deleting a site, or moving, publishing or unpublishing a page, replaces (now and again at
the commit, as the glossary does). The root page itself is still read fresh with the
pages routing reads (``home.routing``), and routing checks the cached path and address
against it: a mismatch drops the cached rows and the request takes Wagtail's way.

When the cache cannot be used, the lookup is Wagtail's own.
"""

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import transaction
from django.http.request import split_domain_port
from wagtail.models import Page, Site

logger = logging.getLogger(__name__)

VERSION_KEY = "home:sites:version"
ROWS_KEY = "home:sites:rows:{version}"
ROWS_TIMEOUT = 24 * 60 * 60

# wagtail.models.sites.get_site_for_hostname's order of preference.
MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT, MATCH_DEFAULT, MATCH_HOSTNAME = range(4)


@dataclass(frozen=True)
class RootPlace:
    """Where a site's root page is: what routing needs before it reads the page."""

    pk: int
    path: str
    url_path: str
    depth: int
    content_type_id: int


def _shared_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", DEFAULT_CACHE_ALIAS)]


def _rows_from_database():
    fields = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")
    sites = list(Site.objects.order_by("pk").values(*fields))
    roots = {
        row["pk"]: row
        for row in Page.objects.filter(pk__in=[s["root_page_id"] for s in sites]).values(
            "pk", "path", "url_path", "depth", "content_type_id"
        )
    }
    return [
        {**site, "root": RootPlace(**roots[site["root_page_id"]])}
        for site in sites
        if site["root_page_id"] in roots
    ]


def _rows():
    """The sites' rows from the shared cache (read from the database when missing), or None
    when the cache cannot be used."""
    try:
        cache = _shared_cache()
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
            version = cache.get(VERSION_KEY)
        if version is None:
            return None
        key = ROWS_KEY.format(version=version)
        rows = cache.get(key)
        if rows is None:
            rows = _rows_from_database()
            cache.set(key, rows, timeout=ROWS_TIMEOUT)
        return rows
    except Exception:
        logger.warning("サイトの一覧をキャッシュから読めませんでした", exc_info=True)
        return None


def sites_changed():
    """A site, or a page that may be a site's root, changed: every process reads the rows
    again (a new version now, and again at the commit, so rows read in between are not kept)."""

    def bump():
        try:
            _shared_cache().set(VERSION_KEY, secrets.token_hex(8), timeout=None)
        except Exception:
            logger.warning("サイトの一覧の版を更新できませんでした", exc_info=True)

    bump()
    transaction.on_commit(bump)


def _match(rows, hostname, port):
    """The row Wagtail's ``get_site_for_hostname`` would choose, or None."""

    def rank(row):
        if row["hostname"] == hostname and row["port"] == port:
            return MATCH_HOSTNAME_PORT
        if row["hostname"] == hostname and row["is_default_site"]:
            return MATCH_HOSTNAME_DEFAULT
        if row["is_default_site"]:
            return MATCH_DEFAULT
        return MATCH_HOSTNAME

    candidates = sorted(
        (rank(row), row["id"], row)
        for row in rows
        if row["hostname"] == hostname or row["is_default_site"]
    )
    if not candidates:
        return None
    if len(candidates) == 1 or candidates[0][0] in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return candidates[0][2]
    if candidates[0][0] == MATCH_DEFAULT:
        return candidates[len(candidates) == 2][2]
    return None


def find_for_request(request):
    """``Site.find_for_request`` from the cached rows; the site's root page's place is
    ``site.root_place`` (None when the site came from Wagtail's own lookup)."""
    if request is None:
        return None
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    rows = _rows()
    if rows is None:
        return Site.find_for_request(request)
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except (TypeError, ValueError):
        return Site.find_for_request(request)
    row = _match(rows, hostname, port)
    site = None
    if row is not None:
        site = Site(**{k: v for k, v in row.items() if k != "root"})
        site._state.adding = False
        site.root_place = row["root"]
    request._wagtail_site = site
    return site


def clear_cache():
    """Forget the kept rows in every process (a new version without waiting for a commit)."""
    try:
        _shared_cache().delete(VERSION_KEY)
    except Exception:
        logger.warning("サイトの一覧の版を消せませんでした", exc_info=True)


def forget_cached_site(request):
    """The cached rows disagreed with the database: drop them, and this request's site."""
    sites_changed()
    request.__dict__.pop("_wagtail_site", None)
