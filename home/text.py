"""Text that editors type, made safe to store and to write into any output.

What an editor pastes may hold characters that no reader sees but that break
machine-readable outputs: control characters (XML 1.0 forbids most of C0, so
one in a title made the Atom feed fail for everyone; PostgreSQL cannot store
NUL), the noncharacters U+FFFE/U+FFFF and their kin, lone surrogates and the
byte-order mark U+FEFF.

``clean_text`` removes them. A multi-line field (TextField, rich text, the
strings inside a StreamField) keeps tab and newline, with CRLF and CR turned
into LF; a single-line field (CharField) turns tab and line breaks into a
space. Everything else is kept exactly: bidi controls, zero-width joiners,
combining marks, emoji, ``<``, ``&`` and quotes are text, and each output
escapes them in its own way.

``clean_instance`` applies it to every text field of a model instance, the
raw data of its StreamFields and the in-memory rows of its inline panels.
``home.signals`` runs it before every save of the site's models;
``BasePage.full_clean`` runs it before validation, so that a revision stores
the cleaned text too.

``xml_text`` is for writers of XML: it drops what XML 1.0 cannot hold, so a
row stored before cleaning existed cannot break a feed.
"""

import re

from django.db import models
from django.http import QueryDict
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField

# C0 controls except tab, LF and CR (CR is turned into LF first), DEL, C1 controls.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# The 66 noncharacters of Unicode: U+FDD0..U+FDEF and the last two code points of each plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_SURROGATES = "\ud800-\udfff"
# A byte-order mark pasted from a file; U+2060 is the word joiner to use inside text. The
# iCalendar library drops it at the start of a value, so it would not come back from the feed.
_BOM = "\ufeff"
_REMOVED = re.compile(f"[{_CONTROLS}{_NONCHARACTERS}{_SURROGATES}{_BOM}]")
_LINE_BREAKS = re.compile(r"\r\n?")
_SINGLE_LINE_BREAKS = re.compile(r"\r\n|[\r\n\t]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value, multiline=True):
    """``value`` without control characters, noncharacters and lone surrogates.

    ``multiline``: keep tab and newline (CRLF and CR become LF); otherwise each
    tab or line break becomes one space.
    """
    if not isinstance(value, str) or not value:
        return value
    if multiline:
        value = _LINE_BREAKS.sub("\n", value)
    else:
        value = _SINGLE_LINE_BREAKS.sub(" ", value)
    return _REMOVED.sub("", value)


def xml_text(value):
    """``value`` with only the characters XML 1.0 allows (for feed and sitemap writers)."""
    if not isinstance(value, str) or not value:
        return value
    return _NOT_XML.sub("", value)


def clean_data(data):
    """JSON-like ``data`` (a StreamField's raw data) with every string cleaned as multi-line."""
    if isinstance(data, str):
        return clean_text(data, multiline=True)
    if isinstance(data, dict):
        return {key: clean_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [clean_data(value) for value in data]
    return data


def clean_form_data(data):
    """A copy of posted form ``data`` (QueryDict or dict) with every value cleaned as multi-line;
    the model's fields then clean by their own kind. ``None`` stays ``None``."""
    if data is None:
        return None
    if isinstance(data, QueryDict):
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists():
            cleaned.setlist(key, [clean_text(value, multiline=True) for value in values])
        return cleaned
    return {key: clean_data(value) for key, value in data.items()}


def _clean_stream(instance, field):
    value = instance.__dict__.get(field.attname)
    if not isinstance(value, StreamValue):
        # Deferred (not loaded, so not changed) or raw text of an old migration.
        return
    raw = value.get_prep_value()
    cleaned = clean_data(raw)
    if cleaned != raw:
        setattr(instance, field.attname, cleaned)


def clean_instance(instance):
    """Clean every text field of ``instance`` in place (see the module's docstring)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, StreamField):
            _clean_stream(instance, field)
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        # A deferred field was not loaded, so it holds what was cleaned when it was saved.
        value = instance.__dict__.get(field.attname)
        if isinstance(value, str):
            cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
            if cleaned != value:
                setattr(instance, field.attname, cleaned)
    # Inline panel rows edited with the page (modelcluster keeps them in memory until saved).
    for rows in getattr(instance, "_cluster_related_objects", {}).values():
        for row in rows:
            if isinstance(row, models.Model):
                clean_instance(row)
