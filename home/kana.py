"""Kana and kanji: what the ふりがな (home.furigana) and the 読み仮名辞書 check."""

import re

KANJI = "\u3005\u3006\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAS_KANJI = re.compile(f"[{KANJI}]")
KANJI_RUN = re.compile(f"[{KANJI}]+")
KANA_READING = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]+\Z")
KANA_ONLY = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe・ 　]+\Z")


def to_hiragana(text):
    """Katakana to hiragana (ー and other characters stay)."""
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def is_kana(text):
    """True when ``text`` is hiragana and katakana only (with ー, ・ and spaces)."""
    return bool(text) and bool(KANA_ONLY.match(text))


def has_kanji(text):
    return bool(HAS_KANJI.search(text))
