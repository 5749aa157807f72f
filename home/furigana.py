"""ふりがな: ruby over the kanji of Japanese text, produced on the server.

``ruby_html(text)`` turns plain text into HTML in which each word that has
kanji carries its reading in hiragana, on the kanji only (okurigana stay
outside: 申し込み → <ruby>申<rt>もう</rt></ruby>し<ruby>込<rt>こ</rt></ruby>み).

Words are read in two layers:

1. our dictionary, applied first, longest word first: the place and body names
   of the district (``DISTRICT_READINGS``, so they never depend on the analyser)
   and the 読み仮名辞書 that the secretariat keeps in the admin
   (``home.models.ReadingEntry``, which overrides both);
2. the rest by the morphological analyser SudachiPy with sudachidict-core.

``add_ruby(html)`` applies this to the text nodes of an HTML fragment (the main
content of a page), never inside script, style, code, pre, textarea, option,
ruby or rt, and never to attributes. Anything the analyser cannot read (emoji,
symbols, a very long run of text) stays as it was: the page renders, the aid
does less.

Results are cached in each process (bounded LRU caches: whole main contents,
and each text node) under the dictionary's version, read from the database on
each page with ruby, which changes whenever an entry is saved or deleted, so
every process reads the new entries at once.
"""

import functools
import html
import logging
import re
import threading

from django.db import DatabaseError

from .html_copy import CopyingParser
from .kana import KANA_READING, KANJI, KANJI_RUN, has_kanji, is_kana, to_hiragana

logger = logging.getLogger(__name__)

# Place and body names of the district, read right whatever the analyser says.
DISTRICT_READINGS = {
    "本庄市": "ほんじょうし",
    "美里町": "みさとまち",
    "神川町": "かみかわまち",
    "上里町": "かみさとまち",
    "児玉郡": "こだまぐん",
    "児玉郡市": "こだまぐんし",
    "自立支援協議会": "じりつしえんきょうぎかい",
    "児玉郡市自立支援協議会": "こだまぐんしじりつしえんきょうぎかい",
    "本庄": "ほんじょう",
    "美里": "みさと",
    "神川": "かみかわ",
    "上里": "かみさと",
    "児玉": "こだま",
    "更新日": "こうしんび",
}

# Days of the month that are not read as number + にち.
DAY_READINGS = {
    1: "ついたち",
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}
WEEKDAY_READINGS = {
    "月": "げつ",
    "火": "か",
    "水": "すい",
    "木": "もく",
    "金": "きん",
    "土": "ど",
    "日": "にち",
}
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
CALENDAR = re.compile(
    r"(?<=月)(?P<day_digits>[0-9０-９]{1,2})(?P<day>日)(?!間)"
    r"|(?<![0-9０-９])(?P<span_digits>[0-9０-９]{1,2})日間"
    r"|(?P<open>[(（])(?P<weekday>[月火水木金土日])(?P<youbi>曜日?)?(?P<close>[)）])"
    r"|(?P<minutes>[0-9０-９]{1,3})分"
)

# A text node longer than this is left as it is (the analyser's cost grows with it,
# and SudachiPy refuses very long input); one page analyses at most PAGE_BUDGET characters.
MAX_NODE_CHARS = 10_000
PAGE_BUDGET = 300_000
# Text nodes up to this length are kept in the cache, at most CACHE_SIZE of them.
MAX_CACHED_CHARS = 2_000
CACHE_SIZE = 4_096
# Whole main contents (a page's <main>) up to this length, at most FRAGMENT_CACHE_SIZE of them.
MAX_CACHED_FRAGMENT_CHARS = 100_000
FRAGMENT_CACHE_SIZE = 32

# Elements whose text never gets ruby.
SKIPPED_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "code",
        "pre",
        "textarea",
        "option",
        "ruby",
        "rt",
        "rp",
        "template",
        "svg",
        "math",
        "kbd",
        "samp",
    }
)

RAW_TEXT_ELEMENTS = frozenset({"script", "style"})


# --- the analyser -----------------------------------------------------------

_local = threading.local()
# Parts of speech that are not words: SudachiPy reads symbols as キゴウ.
NOT_WORDS = frozenset({"補助記号", "空白"})


@functools.cache
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer():
    """One SudachiPy tokenizer per thread (they are not shared between threads)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
        _local.tokenizer = tokenizer
    return tokenizer


def _analyse(text):
    """(surface, reading in hiragana or None) for each word of ``text``."""
    for morpheme in _tokenizer().tokenize(text):
        surface = morpheme.surface()
        if morpheme.part_of_speech()[0] in NOT_WORDS:
            yield surface, None
            continue
        reading = to_hiragana(morpheme.reading_form())
        yield surface, reading if KANA_READING.match(reading) else None


# --- our dictionary ---------------------------------------------------------


def dictionary_version():
    """The version of the 読み仮名辞書: its number of entries and latest change, read
    from the database (one query), so every process sees a change at once."""
    from django.db.models import Count, Max

    from .models import ReadingEntry

    try:
        state = ReadingEntry.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    except DatabaseError:  # the table is not there yet (before the migration)
        return "no-dictionary"
    latest = state["latest"].isoformat() if state["latest"] else ""
    return f"{state['count']}:{latest}"


def dictionary_changed():
    """A 読み仮名辞書 entry was saved or deleted: drop this process's cached results now
    (other processes see the new version on their next page)."""
    clear_cache()


@functools.lru_cache(maxsize=2)
def _user_dictionary(version):
    """(pattern, readings) of the district's names and the 読み仮名辞書, for one version."""
    from .models import ReadingEntry

    readings = dict(DISTRICT_READINGS)
    try:
        entries = list(ReadingEntry.objects.values_list("word", "reading"))
    except DatabaseError:  # the table is not there yet (before the migration): names only
        entries = []
    for word, reading in entries:
        if word and has_kanji(word) and is_kana(reading):
            readings[word] = to_hiragana(re.sub(r"[・ 　]", "", reading))
    words = sorted(readings, key=lambda w: (-len(w), w))
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    return pattern, readings


# --- ruby ---------------------------------------------------------------------


def _ruby(base, reading):
    return (
        f"<ruby>{html.escape(base, quote=False)}<rt>{html.escape(reading, quote=False)}</rt></ruby>"
    )


def word_ruby(surface, reading):
    """HTML of one word: ruby on its kanji runs only, okurigana outside.

    The reading is split over the kanji by matching the word's kana against it
    (申し込み / もうしこみ → 申=もう, 込=こ). When the word has letters or
    digits among its kanji, or the kana do not line up, the whole word carries
    the reading.
    """
    if not reading or not has_kanji(surface):
        return html.escape(surface, quote=False)
    parts = re.split(f"([{KANJI}]+)", surface)
    if all(not p or KANJI_RUN.fullmatch(p) or KANA_READING.match(p) for p in parts):
        pattern = "".join(
            "(.+?)" if KANJI_RUN.fullmatch(p) else re.escape(to_hiragana(p)) for p in parts if p
        )
        match = re.fullmatch(pattern, reading)
        if match:
            readings = iter(match.groups())
            return "".join(
                _ruby(p, next(readings)) if KANJI_RUN.fullmatch(p) else html.escape(p, quote=False)
                for p in parts
                if p
            )
    return _ruby(surface, reading)


def _analysed_html(text):
    if not has_kanji(text):
        return html.escape(text, quote=False)
    return "".join(word_ruby(surface, reading) for surface, reading in _analyse(text))


def _calendar_html(match):
    digits, day, weekday, minutes = match.group("day_digits", "day", "weekday", "minutes")
    if match.group("span_digits"):
        digits = match.group("span_digits")
        number = int(digits.translate(FULL_WIDTH_DIGITS))
        if number in DAY_READINGS and number != 1:  # 1日間 いちにちかん
            return _ruby(f"{digits}日間", DAY_READINGS[number] + "かん")
        return html.escape(digits) + _ruby("日間", "にちかん")
    if day is not None:
        number = int(digits.translate(FULL_WIDTH_DIGITS))
        if number in DAY_READINGS:
            return _ruby(f"{digits}日", DAY_READINGS[number])
        return html.escape(digits) + _ruby("日", "にち")
    if weekday is not None:
        return (
            html.escape(match.group("open"))
            + _ruby(weekday, WEEKDAY_READINGS[weekday])
            + (
                _ruby(match.group("youbi"), "よう" if len(match.group("youbi")) == 1 else "ようび")
                if match.group("youbi")
                else ""
            )
            + html.escape(match.group("close"))
        )
    number = int(minutes.translate(FULL_WIDTH_DIGITS))
    reading = "ぷん" if number and number % 10 in (0, 1, 3, 4, 6, 8) else "ふん"
    return html.escape(minutes) + _ruby("分", reading)


def _words_html(text):
    """Dates, weekdays and minutes by our rules (the analyser reads 1日 いちにち and
    (月) がつ), the rest by the analyser."""
    out = []
    position = 0
    for match in CALENDAR.finditer(text):
        out.append(_analysed_html(text[position : match.start()]))
        out.append(_calendar_html(match))
        position = match.end()
    out.append(_analysed_html(text[position:]))
    return "".join(out)


def _convert(text, version):
    pattern, readings = _user_dictionary(version)
    out = []
    position = 0
    if pattern is not None:
        for match in pattern.finditer(text):
            out.append(_words_html(text[position : match.start()]))
            out.append(word_ruby(match.group(), readings[match.group()]))
            position = match.end()
    out.append(_words_html(text[position:]))
    return "".join(out)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _cached_convert(text, version):
    return _convert(text, version)


def ruby_html(text, version=None):
    """HTML of ``text`` (plain text) with ruby over its kanji; the text escaped if it
    cannot be read (too long, or the analyser fails)."""
    if not has_kanji(text) or len(text) > MAX_NODE_CHARS:
        return html.escape(text, quote=False)
    if version is None:
        version = dictionary_version()
    try:
        if len(text) <= MAX_CACHED_CHARS:
            return _cached_convert(text, version)
        return _convert(text, version)
    except Exception:
        logger.warning("ふりがなを付けられない文字がありました(%d文字)", len(text), exc_info=True)
        return html.escape(text, quote=False)


def clear_cache():
    _cached_rewrite.cache_clear()
    _cached_convert.cache_clear()
    _user_dictionary.cache_clear()


class _RubyWriter(CopyingParser):
    """Copies HTML as it is, replacing the text nodes outside SKIPPED_ELEMENTS by ruby_html()."""

    def __init__(self, version):
        super().__init__()
        self.version = version
        self.skipping = []
        self.budget = PAGE_BUDGET

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.skipping:
            # Close up to the matching element (an unclosed one inside it ends with it).
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data):
        if self.skipping and self.skipping[-1] in RAW_TEXT_ELEMENTS:
            self.out.append(data)  # script and style: their text is not HTML-escaped
        elif self.skipping or self.budget <= 0 or not has_kanji(data):
            self.out.append(html.escape(data, quote=False))
        else:
            self.budget -= len(data)
            self.out.append(ruby_html(data, self.version))


def _rewrite(fragment, version):
    writer = _RubyWriter(version)
    writer.feed(fragment)
    writer.close()
    return "".join(writer.out)


@functools.lru_cache(maxsize=FRAGMENT_CACHE_SIZE)
def _cached_rewrite(fragment, version):
    return _rewrite(fragment, version)


def add_ruby(fragment):
    """The HTML ``fragment`` with ruby over the kanji of its text; the fragment as it
    was if it cannot be parsed. A whole fragment seen again (the same page for the
    next visitor) comes from a small cache of its own."""
    if not has_kanji(fragment):
        return fragment
    version = dictionary_version()
    try:
        if len(fragment) <= MAX_CACHED_FRAGMENT_CHARS:
            return _cached_rewrite(fragment, version)
        return _rewrite(fragment, version)
    except Exception:
        logger.warning("ふりがなを付けられないHTMLでした", exc_info=True)
        return fragment
