"""Substring matching of folded text (``home.search``), served by an index.

The result is always that of the plain test, ``LIKE '%word%'`` on the key
columns: the index only narrows the rows that test has to read, so it may let
through rows that do not match, never leave out one that does.

PostgreSQL (``pg_trgm``, created by the migration):

- words of three or more characters: the ``LIKE`` itself, served by GIN
  ``gin_trgm_ops`` indexes on the key columns. ``pg_trgm`` extracts trigrams
  from Japanese only when the database's ``LC_CTYPE`` classifies kana and
  kanji as letters (``C.UTF-8``, ``ja_JP.UTF-8``; not ``C``): see
  docs/deploy.md.
- words of one or two characters: the plain test, narrowed by the search's
  other conditions. (A GIN index over the one- and two-character pieces of the
  text was tried: a word on a quarter of 20,000 facilities took 1.3 s through
  it against 0.14 s for the scan, and it made writing a handout's pages slow.)

SQLite (FTS5, kept in step by triggers): a contentless table with the
``trigram`` tokenizer, each value written with two U+001F characters at its
end (normalised text has no control characters), so that every character of the text begins a trigram.

- three or more characters: ``MATCH`` of the word as a phrase.
- one or two characters, for tables whose ``KeyIndex.probe`` is set: the
  documents of the trigrams that begin with the word, read through an
  ``fts5vocab`` table of instances, whose term range is answered by the index.
  Only for words whose folding FTS5 agrees with (no cased letters other than
  ASCII). Other short words use the plain test alone.
- for tables whose ``KeyIndex.probe`` is set, one query asks the index first,
  and a word on more than ``FEW`` rows is left to the plain test (see
  ``_few_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

TRIGRAM = 3
# SQLite: above this many rows for a word, the plain scan is used (see _few_rows).
FEW = 500
_LAST = "\U0010ffff"


@dataclass(frozen=True)
class KeyIndex:
    """The key columns of one table and the names of their indexes."""

    table: str
    pk: str
    columns: tuple[str, ...]
    # SQLite: ask the index first and leave a word on many rows to the scan (_few_rows);
    # for a search that shows the first rows in an order the scan can stop early.
    probe: bool = False

    @property
    def fts(self):
        return f"{self.table}_fts"

    @property
    def fts_terms(self):
        return f"{self.table}_fts_terms"


def use_index() -> bool:
    """False only where the settings say so (the tests compare both ways)."""
    return getattr(settings, "SEARCH_SUBSTRING_INDEX", True)


def contains(key_index: KeyIndex, term: str, *, indexed: bool | None = None) -> Q:
    """Rows in which ``term`` occurs in at least one key column."""
    exact = reduce(or_, (Q(**{f"{column}__contains": term}) for column in key_index.columns))
    if indexed is None:
        indexed = use_index()
    narrowing = _narrowing(key_index, term) if indexed and term else None
    return exact if narrowing is None else exact & Q(**{f"{key_index.pk}__in": narrowing})


def _narrowing(key_index: KeyIndex, term: str):
    vendor = connection.vendor
    if vendor == "postgresql":
        return None  # the LIKE itself uses the trigram indexes
    if vendor == "sqlite":
        if len(term) >= TRIGRAM:
            phrase = '"' + term.replace('"', '""') + '"'
            sql = f"SELECT rowid FROM {key_index.fts} WHERE {key_index.fts} MATCH %s"
            params = [phrase]
        elif key_index.probe and all(ch.isascii() or ch.lower() == ch.upper() for ch in term):
            last = term + _LAST * (TRIGRAM - len(term))
            sql = f"SELECT DISTINCT doc FROM {key_index.fts_terms} WHERE term >= %s AND term <= %s"
            params = [term, last]
        else:
            return None
        return _few_rows(sql, params) if key_index.probe else RawSQL(sql, params)
    return None


def _few_rows(sql, params):
    """The rows the index finds, or None when there are more than ``FEW`` of them.

    SQLite has no statistics to choose between the index and the scan. A word on
    many rows is found soonest by the plain scan, which stops at the first rows in
    the order asked for (reading every row's trigrams of such a word costs more
    than the scan); a word on few rows is found by the index alone.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {FEW + 1}", params)
        rows = [row[0] for row in cursor.fetchall()]
    return rows if len(rows) <= FEW else None


# --- Schema: run by the migrations of the apps that own the tables -----------


def create_index(schema_editor, key_index: KeyIndex):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in key_index.columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {key_index.table}_{column}_trgm "
                f"ON {key_index.table} USING gin ({column} gin_trgm_ops)"
            )
    elif vendor == "sqlite":
        t, fts, columns = key_index.table, key_index.fts, key_index.columns
        names = ", ".join(columns)

        def values(row):
            return ", ".join(f"{row}.{c} || char(31, 31)" for c in columns)

        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='', tokenize='trigram')"
        )
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {key_index.fts_terms} USING fts5vocab({fts}, instance)"
        )
        schema_editor.execute(
            f"INSERT INTO {fts}(rowid, {names}) SELECT {key_index.pk}, {values(t)} FROM {t}"
        )
        insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.{key_index.pk}, {values('new')});"
        delete = (
            f"INSERT INTO {fts}({fts}, rowid, {names}) "
            f"VALUES ('delete', old.{key_index.pk}, {values('old')});"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {t}_fts_insert AFTER INSERT ON {t} BEGIN {insert} END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {t}_fts_delete AFTER DELETE ON {t} BEGIN {delete} END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {t}_fts_update AFTER UPDATE ON {t} BEGIN {delete} {insert} END"
        )


def drop_index(schema_editor, key_index: KeyIndex):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for column in key_index.columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {key_index.table}_{column}_trgm")
    elif vendor == "sqlite":
        for action in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {key_index.table}_fts_{action}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {key_index.fts_terms}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {key_index.fts}")


SEARCH_ENTRY = KeyIndex("home_searchentry", "page_id", ("title_key", "text_key"))
