"""用語集 marks: the first appearance of each term of the 用語集 in a page's text links
to the term on the 用語集 page (``<a href="/yogoshu/#term-3" class="glossary-term">``).

``mark_terms(html)`` rewrites the main content of a page on the server. Only running
text is marked: text inside p, li, dd, td, blockquote or figcaption, and never inside a
heading, a link, a button, a form label, a summary, a navigation or code, nor inside an
element with the attribute ``data-no-glossary`` (the service tags of a facility card). Each term is
marked once a page, at its first appearance; a longer term wins over a shorter one it
contains (共同生活援助(日中サービス支援型) before 共同生活援助). Half-width and full-width
letters, digits and brackets are the same (就労継続支援B型 and 就労継続支援Ｂ型).

The ふりがな run after this (``base.html``), so ruby is added inside a marked term.

What is cached, per process: the terms and the 用語集's address, and whole marked main
contents, both under the glossary's version: a random token in the shared cache (the
page cache's; no query on a page). A term saved or deleted, the 用語集 page published,
unpublished, moved or deleted, or a view restriction changed (``home.signals``) writes a
new token, so every process marks with the new terms on its next page. When the cache
cannot be read, one query gives the version from the database instead.
"""

import functools
import html
import logging
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, Func, Subquery
from django.db.models.functions import Coalesce

from .html_copy import CopyingParser

logger = logging.getLogger(__name__)

# Text inside these is running text that may be marked …
MARKED_CONTAINERS = frozenset({"p", "li", "dd", "td", "blockquote", "figcaption"})
# … unless it is also inside one of these.
SKIPPED_ELEMENTS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "button",
        "label",
        "summary",
        "nav",
        "script",
        "style",
        "code",
        "pre",
        "kbd",
        "samp",
        "textarea",
        "select",
        "option",
        "ruby",
        "rt",
        "rp",
        "template",
        "svg",
        "math",
        "dfn",
        "abbr",
        "time",
    }
)
RAW_TEXT_ELEMENTS = frozenset({"script", "style"})
# A template marks an element whose text is not running text (a list of tags) with this.
OPT_OUT = "data-no-glossary"
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)

# Whole main contents up to this length are kept, at most FRAGMENT_CACHE_SIZE of them.
MAX_CACHED_FRAGMENT_CHARS = 100_000
FRAGMENT_CACHE_SIZE = 32


# --- the terms --------------------------------------------------------------------

# The glossary's version: a random token in the shared cache (the page cache's, which
# every app server shares), replaced whenever the terms or the 用語集 page change.
VERSION_KEY = "home:glossary:version"


def _shared_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", DEFAULT_CACHE_ALIAS)]


def _database_version():
    """The version read from the database (one query), when the cache cannot be used:
    the 用語集 page's id and path, the number of terms and their latest change."""
    from .models import GlossaryPage, GlossaryTerm
    from .privacy import is_public

    terms = GlossaryTerm.objects.order_by()
    # COUNT and MAX as plain functions: one row over the whole table, no GROUP BY.
    count = terms.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    latest = terms.annotate(latest=Func(F("updated_at"), function="MAX")).values("latest")[:1]
    pages = (
        GlossaryPage.objects.live()
        .filter(is_public())
        .annotate(
            term_count=Coalesce(Subquery(count), 0),
            terms_changed=Subquery(latest, output_field=DateTimeField()),
        )
        .values_list("pk", "url_path", "term_count", "terms_changed")
        .order_by("path")
    )
    try:
        row = pages.first()
    except DatabaseError:  # the tables are not there yet (before the migration)
        return "db:none"
    return "db:" + ":".join(str(value) for value in row) if row else "db:none"


def glossary_version():
    """The version of the 用語集: the token in the shared cache (no query), else read from
    the database."""
    try:
        cache = _shared_cache()
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
            version = cache.get(VERSION_KEY)
        if version is not None:
            return version
    except Exception:
        logger.warning("用語集の版をキャッシュから読めませんでした", exc_info=True)
    return _database_version()


def glossary_changed():
    """A term or the 用語集 page changed: a new version now and again at the commit, so a
    process that read the old rows meanwhile does not keep them."""

    def bump():
        try:
            _shared_cache().set(VERSION_KEY, secrets.token_hex(8), timeout=None)
        except Exception:
            logger.warning("用語集の版を更新できませんでした", exc_info=True)

    bump()
    transaction.on_commit(bump)


def _term_pattern(text):
    """A regex for ``text`` that also matches its half-width/full-width variants."""
    parts = []
    for char in text:
        plain = unicodedata.normalize("NFKC", char)
        if len(plain) == 1 and "!" <= plain <= "~":
            wide = chr(ord(plain) + 0xFEE0)
            parts.append(f"[{re.escape(plain)}{re.escape(wide)}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _key(text):
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=4)
def _glossary(version):
    """(pattern, {normalised term: href}) of the 用語集 of one version; (None, {}) when
    there is no live, public 用語集 page or no term."""
    from .models import GlossaryPage, GlossaryTerm
    from .privacy import is_public

    try:
        page = GlossaryPage.objects.live().filter(is_public()).order_by("path").first()
        url = page.get_url() if page is not None else None
        rows = list(GlossaryTerm.objects.values_list("pk", "term")) if url else []
    except DatabaseError:  # the tables are not there yet (before the migration)
        return None, {}
    hrefs = {}
    for pk, term in rows:
        if term and len(term) >= 2:
            hrefs[_key(term)] = f"{url}#term-{pk}"
    if not hrefs:
        return None, {}
    terms = sorted(hrefs, key=lambda t: (-len(t), t))
    return re.compile("|".join(_term_pattern(t) for t in terms)), hrefs


def clear_cache():
    """Forget this process's terms and marked contents (and the shared version)."""
    _glossary.cache_clear()
    _cached_mark.cache_clear()
    try:
        _shared_cache().delete(VERSION_KEY)
    except Exception:
        logger.warning("用語集の版を消せませんでした", exc_info=True)


# --- marking ----------------------------------------------------------------------


class _MarkWriter(CopyingParser):
    """Copies HTML as it is, linking the first appearance of each term in running text."""

    def __init__(self, pattern, hrefs):
        super().__init__()
        self.pattern = pattern
        self.hrefs = hrefs
        self.marked = set()
        self.open = []
        self.opted_out = []  # depths of the open elements marked with OPT_OUT

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
            if any(name == OPT_OUT for name, _ in attrs):
                self.opted_out.append(len(self.open))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.open:
            # Close up to the matching element (an unclosed one inside it ends with it).
            while self.open and self.open.pop() != tag:
                pass
            while self.opted_out and self.opted_out[-1] > len(self.open):
                self.opted_out.pop()

    def _may_mark(self):
        return (
            len(self.marked) < len(self.hrefs)
            and not self.opted_out
            and not SKIPPED_ELEMENTS.intersection(self.open)
            and bool(MARKED_CONTAINERS.intersection(self.open))
        )

    def handle_data(self, data):
        if self.open and self.open[-1] in RAW_TEXT_ELEMENTS:
            self.out.append(data)  # script and style: their text is not HTML-escaped
            return
        if not self._may_mark():
            self.out.append(html.escape(data, quote=False))
            return
        position = 0
        for match in self.pattern.finditer(data):
            key = _key(match.group())
            if key in self.marked:
                continue
            self.marked.add(key)
            self.out.append(html.escape(data[position : match.start()], quote=False))
            self.out.append(
                f'<a href="{html.escape(self.hrefs[key])}" class="glossary-term">'
                f"{html.escape(match.group(), quote=False)}</a>"
            )
            position = match.end()
        self.out.append(html.escape(data[position:], quote=False))


def _mark(fragment, version):
    pattern, hrefs = _glossary(version)
    if pattern is None:
        return fragment
    writer = _MarkWriter(pattern, hrefs)
    writer.feed(fragment)
    writer.close()
    return "".join(writer.out)


@functools.lru_cache(maxsize=FRAGMENT_CACHE_SIZE)
def _cached_mark(fragment, version):
    return _mark(fragment, version)


def mark_terms(fragment):
    """The HTML ``fragment`` with the first appearance of each 用語集 term linked; the
    fragment as it was when there is no 用語集 or it cannot be parsed."""
    version = glossary_version()
    try:
        if _glossary(version)[0] is None:
            return fragment
        if len(fragment) <= MAX_CACHED_FRAGMENT_CHARS:
            return _cached_mark(fragment, version)
        return _mark(fragment, version)
    except Exception:
        logger.warning("用語集の用語に印を付けられないHTMLでした", exc_info=True)
        return fragment
