"""Japanese site search.

Wagtail's database backends split text on spaces and punctuation, so a word
inside an unspaced Japanese sentence is never found. This module keeps its
own index, one row per live page (``SearchEntry``), holding the page's title
and searchable text twice: once normalised for display (Unicode NFKC, runs of
whitespace collapsed) and once as a *key* for matching, in which hiragana are
folded to katakana and letters to lower case.  The folding maps each
character to exactly one character, so a match found in the key marks the
same span in the display text, which is how excerpts are highlighted.

A query is normalised the same way and split on spaces (half- or full-width);
every word must occur as a substring of the title or the text (AND).  The
substring test is a plain ``LIKE '%…%'``, which behaves the same on SQLite
and PostgreSQL; ``home.substring`` adds the trigram index that narrows it
without changing what it finds.

Page types join the search by declaring Wagtail's usual ``search_fields``;
every ``index.SearchField`` and ``index.RelatedFields`` listed there is
gathered into the text.  The index is updated when a page is published or
unpublished, and rebuilt by ``manage.py rebuild_ja_search_index``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Manager, Value, When
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch import index
from wagtail.models import Page

from home.models import SearchEntry

from . import substring
from .privacy import is_public

MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
EXCERPT_LENGTH = 120

_WHITESPACE = re.compile(r"\s+")


def normalize(text) -> str:
    """NFKC, control characters removed, whitespace collapsed to one space."""
    text = unicodedata.normalize("NFKC", force_str(text or ""))
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    return _WHITESPACE.sub(" ", text).strip()


def _fold_char(ch: str) -> str:
    code = ord(ch)
    # Hiragana ぁ..ゖ and the iteration marks ゝゞ sit 0x60 below their katakana.
    if 0x3041 <= code <= 0x3096 or 0x309D <= code <= 0x309E:
        return chr(code + 0x60)
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def fold(text: str) -> str:
    """Matching key for already-normalised text; same length as its input."""
    return "".join(_fold_char(ch) for ch in text)


def key(text) -> str:
    return fold(normalize(text))


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[str, ...]
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(raw) -> Query:
    """Split a visitor's query into folded words.

    Words are separated by any whitespace, including the full-width space
    (NFKC turns it into an ASCII space).  Over-long queries are cut to
    ``MAX_QUERY_LENGTH`` characters and ``MAX_TERMS`` words.
    """
    text = normalize(raw)
    truncated = False
    if len(text) > MAX_QUERY_LENGTH:
        text, truncated = text[:MAX_QUERY_LENGTH], True
    terms = []
    for word in text.split(" "):
        folded = fold(word)
        if folded and folded not in terms:
            terms.append(folded)
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    return Query(raw=text, terms=tuple(terms), truncated=truncated)


# --- Building the index --------------------------------------------------


def _prepare_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_prepare_value(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_prepare_value(v) for v in value.values())
    return force_str(value)


def _field_texts(obj, field):
    if isinstance(field, index.SearchField):
        yield _prepare_value(field.get_value(obj))
    elif isinstance(field, index.RelatedFields):
        related = field.get_value(obj)
        if related is None:
            return
        if isinstance(related, Manager):
            items = related.all()
        else:
            items = [related() if callable(related) else related]
        for item in items:
            for sub_field in field.fields:
                yield from _field_texts(item, sub_field)


def searchable_text(page) -> str:
    """The text of every search field the page type declares, title excluded."""
    parts = []
    for field in page.get_search_fields():
        if getattr(field, "field_name", None) == "title":
            continue
        parts.extend(t for t in _field_texts(page, field) if t)
    return normalize(" ".join(parts))


def index_page(page):
    """Create or refresh the entry of a live page; drop it if the page isn't live."""
    page = page.specific
    if not page.live:
        SearchEntry.objects.filter(page_id=page.pk).delete()
        return None
    title = normalize(page.title)
    text = searchable_text(page)
    entry, _ = SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={"title": title, "title_key": fold(title), "text": text, "text_key": fold(text)},
    )
    return entry


def remove_page(page):
    SearchEntry.objects.filter(page_id=page.pk).delete()


def rebuild():
    """Index every live page again; returns the number of entries."""
    live_ids = []
    for page in Page.objects.live().specific().iterator(chunk_size=200):
        if page.is_root():
            continue
        index_page(page)
        live_ids.append(page.pk)
    SearchEntry.objects.filter(page__live=False).delete()
    return len(live_ids)


# --- Querying -------------------------------------------------------------

TITLE_WEIGHT = 10
TEXT_WEIGHT = 1


def search_entries(query: Query, pages=None):
    """Entries of live, public pages matching every term, best first.

    ``pages`` narrows the search to a page queryset (a section of the site,
    or one page type).
    """
    if query.is_empty:
        return SearchEntry.objects.none()
    visible = Page.objects.live().filter(is_public())
    if pages is not None:
        visible = visible.filter(pk__in=pages.values("pk"))
    entries = SearchEntry.objects.filter(page__in=visible.values("pk"))
    score = Value(0)
    for term in query.terms:
        entries = entries.filter(substring.contains(substring.SEARCH_ENTRY, term))
        score = score + Case(
            When(title_key__contains=term, then=Value(TITLE_WEIGHT)),
            default=Value(TEXT_WEIGHT),
            output_field=IntegerField(),
        )
    # NULLS LAST: PostgreSQL would otherwise put never-published pages first.
    return entries.annotate(score=score).order_by(
        "-score", F("page__last_published_at").desc(nulls_last=True), "page_id"
    )


def _match_spans(key_text: str, terms) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        start = key_text.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = key_text.find(term, start + len(term))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def highlight(text: str, terms, start: int = 0, end: int | None = None) -> str:
    """HTML of ``text[start:end]`` with every term wrapped in <mark>."""
    end = len(text) if end is None else end
    key_text = fold(text)
    out, pos = [], start
    for s, e in _match_spans(key_text, terms):
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def excerpt(text: str, terms, length: int = EXCERPT_LENGTH) -> str:
    """A window of ``text`` around the first match, terms marked."""
    if not text:
        return ""
    key_text = fold(text)
    positions = [p for p in (key_text.find(t) for t in terms) if p != -1]
    first = min(positions) if positions else 0
    start = max(0, first - length // 3)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    html = highlight(text, terms, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308
