"""The page cache: whole public responses for anonymous visitors, never stale.

What is stored: the 200 answers of the public pages (every Wagtail page and its
routes: the facility search and its map markers, a committee's feeds), the
council-wide Atom and iCalendar feeds, the sitemap, the site search and the open
data files, for visitors without a session (not logged in, no page password),
in the cache alias ``PAGE_CACHE_ALIAS`` (``CACHES`` in cms/settings). A response
is stored only when nothing in it belongs to one visitor: no ``Set-Cookie`` (a
form's CSRF token sets one), no ``Cache-Control: private``/``no-store``/``no-cache``
(Wagtail marks every page under a view restriction so), no CSRF token in the body,
no decision about a page's privacy (``home.privacy``), no note about a query
string the page could not use (``home.listing.keep_out_of_page_cache``).

The key: the generation (below), the release (a hash of the code and templates, so a
deployment never serves pages of the old templates), today's date (upcoming meetings
become held ones at midnight), the host, the path, the query parameters the
view accepts (``QUERY_PARAMETERS``: names on a whitelist, values checked and put
in order) and the reading-aid cookies (``PAGE_CACHE_VARY_COOKIES``, each value
one of ``PAGE_CACHE_COOKIE_VALUES`` or else the default). Other cookies do not
count. A request with a parameter the view does not accept, or a value of the
wrong form, is not cached at all (it renders as before); the tracking
parameters of ``PAGE_CACHE_IGNORED_PARAMETERS`` (utm_source…) are served the
stored answer without them, but a page rendered for them is not stored (its
links carry them).

Invalidation follows the data, not a timer: one site-wide generation, kept in
the cache itself, is part of every key. Any change of public content (a page
published, unpublished, moved, deleted or saved, a page's or a collection's
privacy, a snippet, taxonomy entry, site setting, vacancy figure, evaluation,
handout text, image, document, redirect or site; see ``register_signal_handlers``)
writes a new random generation, so every stored answer is out of reach at once
and the next visitor gets a fresh page. Per-kind generations would keep more
answers, but nearly every page shows the site settings and the navigation, and
one counter is simple to prove right. The generation is written at once and
again when the transaction commits: a request that read the data in between
stores its answer under a generation that is already gone.

The cache may be down (a Redis server that stopped): every read and write is
guarded, and a page then renders uncached as if there were no cache.
"""

import hashlib
import logging
import os
import re
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.listing import NOT_FOR_PAGE_CACHE
from home.privacy import VARIES_BY_VISITOR

logger = logging.getLogger(__name__)
WARNING_INTERVAL = (
    60  # seconds: a cache server that is down is reported once a minute, not per request
)
_last_warning = 0.0


def warn(message):
    """Log a cache failure, at most once a WARNING_INTERVAL in each process."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL or _last_warning == 0.0:
        _last_warning = now
        logger.warning(message, exc_info=True)


GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
MAX_PATH_LENGTH = 1000
MAX_QUERY_LENGTH = 2000
MAX_TEXT_LENGTH = 100
MAX_IDS = 50

# --- The query parameters each view accepts -----------------------------------------------------
# name -> a function that gives the value's canonical form in the key, or None when the value is
# not one the view accepts (the request is then not cached). Names with many values are in
# MULTI_VALUED; any other name given twice is not cached.

_DIGITS = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"[0-9]{4}")
_SLUG = re.compile(r"[-\w]{1,255}")
_WORD = re.compile(r"[a-z]{1,16}")


def _number(value):
    return str(int(value)) if _DIGITS.fullmatch(value) and int(value) > 0 else None


def _year(value):
    return value if _YEAR.fullmatch(value) else None


def _slug(value):
    return value if _SLUG.fullmatch(value) else None


def _word(value):
    return value if _WORD.fullmatch(value) else None


def _flag(value):
    return value if value in ("", "0", "1") else None


def _text(value):
    return value if len(value) <= MAX_TEXT_LENGTH else None


PAGE_PARAMETERS = {
    "page": _number,  # home.listing.paginate
    "nendo": _year,  # home.listing.FiscalYearFilter
    "body": _slug,  # council.listing (the meeting archive)
    # the facility search (facilities/models/search.py) and its markers
    "muni": _number,
    "cat": _number,
    "svc": _number,
    "target": _number,
    "feat": _number,
    "kyoten": _flag,
    "vacancy": _flag,
    "q": _text,
    "sort": _word,
    "view": _word,
    # the reading aid ふりがな, linkable as ?ruby=1
    "ruby": _flag,
}
MULTI_VALUED = {"muni", "cat", "svc", "target", "feat"}

# URL name -> the parameters its view accepts. Views not named here are never cached.
QUERY_PARAMETERS = {
    "wagtail_serve": PAGE_PARAMETERS,
    "sitemap": {},
    "sitemap_section": {"p": _number},
    "council_atom": {},
    "council_calendar": {},
    "opendata_file": {},
    "search": {"q": _text, "page": _number},
}


class NotCacheable(Exception):
    """The request is answered without the page cache."""


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _canonical_query(request, accepted):
    """The accepted parameters in a fixed order with checked values, and whether the request
    carried ignored (tracking) parameters. Raises NotCacheable for anything else."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        raise NotCacheable
    ignored = set(settings.PAGE_CACHE_IGNORED_PARAMETERS)
    parts, had_ignored = [], False
    for name in sorted(request.GET):
        if name in ignored:
            had_ignored = True
            continue
        check = accepted.get(name)
        if check is None:
            raise NotCacheable
        values = request.GET.getlist(name)
        if name in MULTI_VALUED:
            if len(values) > MAX_IDS:
                raise NotCacheable
            checked = {check(value.strip()) for value in values}
            if None in checked:
                raise NotCacheable
            parts.extend(f"{name}={v}" for v in sorted(checked, key=int))
            continue
        if len(values) != 1 or (checked := check(values[0])) is None:
            raise NotCacheable
        parts.append(f"{name}={checked}")
    return "&".join(parts), had_ignored


def _cookie_part(request):
    allowed = settings.PAGE_CACHE_COOKIE_VALUES
    parts = []
    for name in settings.PAGE_CACHE_VARY_COOKIES:
        value = request.COOKIES.get(name, "")
        parts.append(value if value in allowed.get(name, ()) else "")
    return "|".join(parts)


def is_personal_request(request):
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or "HTTP_AUTHORIZATION" in request.META
        or (hasattr(request, "user") and request.user.is_authenticated)
    )


class RecordingQueryDict(QueryDict):
    """``request.GET`` that remembers which parameters the view read: a parameter the view
    did not read did not change the page, and the page is not stored under a key with it
    (``?page=7`` on a page without pages would otherwise be one more entry)."""

    def __init__(self, *args, **kwargs):
        self.read = set()
        super().__init__(*args, **kwargs)
        self.read = set()  # parsing the query string looked every name up

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def _getlist(self, key, *args, **kwargs):
        self.read.add(key)
        return super()._getlist(key, *args, **kwargs)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def record_reads(request):
    """Give ``request`` a ``GET`` that records what the view reads."""
    request.GET = RecordingQueryDict(
        request.META.get("QUERY_STRING", ""), encoding=request.encoding
    )


def all_parameters_read(request):
    """True when the view read every parameter of the query string (see RecordingQueryDict)."""
    query = request.GET
    if not query:
        return True
    return isinstance(query, RecordingQueryDict) and set(query) <= query.read


def request_key(request, generation):
    """(key, storable) for ``request``; raises NotCacheable."""
    if request.method not in ("GET", "HEAD") or is_personal_request(request):
        raise NotCacheable
    path = request.path_info
    if len(path) > MAX_PATH_LENGTH:
        raise NotCacheable
    try:
        match = resolve(path)
    except Resolver404:
        raise NotCacheable from None
    accepted = QUERY_PARAMETERS.get(match.url_name)
    if accepted is None:
        raise NotCacheable
    query, had_ignored = _canonical_query(request, accepted)
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: Django answers it
        raise NotCacheable from None
    raw = "\n".join(
        [
            str(generation),
            release(),
            # Pages that depend on the day (upcoming meetings, this month's vacancies,
            # 「N日前」) change at midnight without any change of data.
            timezone.localdate().isoformat(),
            request.scheme,
            host,
            path,
            query,
            _cookie_part(request),
        ]
    )
    key = "pagecache:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    return key, not had_ignored


# --- The release: code and templates are part of the key too ----------------------------------------

_release = None
RELEASE_SUFFIXES = (".py", ".html", ".txt", ".xml", ".json", ".mo")
SKIPPED_DIRS = {".venv", "var", "node_modules", "tests", "docs", "bench", "__pycache__", ".git"}


def _release_files():
    """(name, path) of the files that make the pages: the site's code and templates, and the
    static files manifest (new CSS means new file names in the pages)."""
    root = str(settings.BASE_DIR)
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(RELEASE_SUFFIXES):
                path = os.path.join(directory, name)
                yield os.path.relpath(path, root), path
    manifest = os.path.join(settings.STATIC_ROOT, "staticfiles.json")
    if os.path.exists(manifest):
        yield "staticfiles.json", manifest


def release():
    """What the pages were rendered with: a hash of the site's code, templates and static files
    manifest, so a deployment never serves pages of the old templates. Taken once per process
    from the contents (the same on every server); with DEBUG, from the files' times on every
    request, so a developer's template change shows at once."""
    global _release
    if _release is not None and not settings.DEBUG:
        return _release
    digest = hashlib.sha256()
    for name, path in _release_files():
        digest.update(name.encode("utf-8", "surrogateescape"))
        try:
            if settings.DEBUG:
                stat = os.stat(path)
                digest.update(f"{stat.st_mtime_ns}:{stat.st_size}".encode())
            else:
                with open(path, "rb") as file:
                    digest.update(file.read())
        except OSError:
            continue
    _release = digest.hexdigest()[:16]
    return _release


# --- The generation -----------------------------------------------------------------------------


def current_generation(cache):
    """The generation now in force; a missing one (a new or emptied cache) is created fresh,
    never reused, so answers stored under an older one stay out of reach."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            raise NotCacheable
    return generation


def bump_generation():
    """Make every stored answer unreachable (a content change)."""
    try:
        page_cache().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        warn("ページのキャッシュの世代を更新できませんでした。")
        return False
    return True


# --- Reading and writing answers ----------------------------------------------------------------

UNSHAREABLE_CACHE_CONTROL = ("private", "no-store", "no-cache")
SKIPPED_HEADERS = {"set-cookie", HEADER.lower()}


def cached_response(request, cache, key):
    try:
        stored = cache.get(key)
    except Exception:
        warn("ページのキャッシュを読めませんでした。")
        raise NotCacheable from None
    if stored is None:
        return None
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    # Feeds answer If-None-Match / If-Modified-Since with 304; a stored answer does the same.
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


def is_shareable(request, response):
    """True when ``response`` holds nothing of one visitor and may be stored for all."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in UNSHAREABLE_CACHE_CONTROL):
        return False
    if getattr(request, VARIES_BY_VISITOR, False) or getattr(request, NOT_FOR_PAGE_CACHE, False):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    # The key knows the cookies that change a page; an answer that varies by anything else
    # (a language, an encoding) is not stored.
    if any(
        value.strip().lower() not in ("", "cookie") for value in response.get("Vary", "").split(",")
    ):
        return False
    if b"csrfmiddlewaretoken" in response.content:
        return False
    return True


def drop_vary_cookie(response):
    """A shareable answer does not differ by the Cookie header as a whole (Django's session and
    CSRF middlewares add ``Vary: Cookie`` as soon as they look): without it, a shared cache in
    front keeps one copy for every visitor instead of one per set of cookies. The reading-aid
    cookies that do change a page make the front cache pass the request on
    (deploy/nginx.conf), and the page cache keys on them."""
    if not response.has_header("Vary"):
        return
    kept = [
        value.strip()
        for value in response["Vary"].split(",")
        if value.strip() and value.strip().lower() != "cookie"
    ]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def store(cache, key, response):
    drop_vary_cookie(response)
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in SKIPPED_HEADERS
    ]
    try:
        cache.set(
            key,
            (response.status_code, headers, response.content),
            timeout=settings.PAGE_CACHE_TIMEOUT,
        )
    except Exception:
        warn("ページをキャッシュに保存できませんでした。")
        return False
    return True


# --- What invalidates -------------------------------------------------------------------------

# Models of the site's apps whose rows are never shown to visitors: changing them changes no page.
PRIVATE_MODELS = {
    "alerts.subscriber",
    "alerts.delivery",
    "editorial.accountloginfailure",
    "editorial.pagepasswordfailure",
    "facilities.facilityimport",
    "facilities.facilityimportfile",
}
# The search's own data, rewritten row by row by background tasks: shown only in the site
# search, so no front cache purge of every page (see page_changed).
SEARCH_MODELS = {"home.searchentry", "handouts.handoutdocument", "handouts.handouttext"}
# Apps none of whose rows a visitor ever sees (correction requests, office accounts and the
# vacancy reminders with their setting stay in the admin).
PRIVATE_APPS = ["corrections", "offices"]
CONTENT_APPS = [
    "home",
    "council",
    "facilities",
    "vacancies",
    "evaluations",
    "opendata",
    "booklet",
    "alerts",
    "handouts",
    "accessibility",
    "editorial",
    "operations",
]
# Wagtail's and Django's models that pages show or that decide who sees them.
OTHER_CONTENT_MODELS = [
    "wagtailcore.page",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.collectionviewrestriction",
    "wagtailcore.site",
    "wagtailimages.image",
    "wagtaildocs.document",
    "wagtailredirects.redirect",
]


def content_changed(sender=None, created=False, **kwargs):
    """A change of public content other than a page's own: a new generation now and once
    more when the transaction commits, and then the front cache purged of every public URL
    (once per transaction, however many rows it saved)."""
    if created and issubclass(sender, BaseSiteSetting | BaseGenericSetting):
        # A site's settings row made with the defaults on first use (while a page renders):
        # pages already showed the defaults.
        return
    bump_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _after_content_commit for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_after_content_commit)


def _after_content_commit():
    bump_generation()
    purge_front_cache()


def page_changed(sender=None, **kwargs):
    """A page published, unpublished, moved, saved or deleted, or a page's privacy changed
    (cms/cache.py purges the front cache), or the search's own data changed (it shows only in
    the search results, whose URLs the front cache cannot be told): a new generation now and
    when it commits."""
    bump_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is bump_generation for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump_generation)


def purge_front_cache():
    """Purge the front cache of every public URL after a change that is not a page's own
    (pages purge themselves and their listings: cms/cache.py)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from .tasks import purge_site_task

    try:
        purge_site_task.enqueue()
    except Exception:
        logger.warning("キャッシュの削除をタスクに入れられませんでした。", exc_info=True)


def content_models():
    from django.apps import apps

    models = []
    for label in CONTENT_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models.extend(m for m in config.get_models() if m._meta.label_lower not in PRIVATE_MODELS)
    for label in OTHER_CONTENT_MODELS:
        try:
            models.append(apps.get_model(label))
        except LookupError:
            continue
    return models


def _after_migrate(sender=None, **kwargs):
    # Data migrations save through historical models, which send no signal to the handlers
    # below; every migrate run starts a new generation.
    bump_generation()


def register_signal_handlers():
    post_migrate.connect(_after_migrate, dispatch_uid="pagecache_post_migrate")
    # Pages: the front cache of the page and its listings is purged by cms/cache.py.
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_changed, dispatch_uid=f"pagecache_{id(signal)}")
    for model in content_models():
        for signal in (post_save, post_delete):
            signal.connect(
                page_changed
                if _is_page_event(model) or model._meta.label_lower in SEARCH_MODELS
                else content_changed,
                sender=model,
                dispatch_uid=f"pagecache_{model._meta.label_lower}_{signal is post_save}",
            )


def _is_page_event(model):
    from wagtail.models import Page, PageViewRestriction

    return issubclass(model, Page | PageViewRestriction)
