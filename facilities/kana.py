"""Readings (よみ) of facility names: normalising what editors type, and 50音 order."""

import re
import unicodedata

_SMALL_TO_LARGE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_ALLOWED = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB 0-9A-Za-z]+$")


def normalize_kana(text):
    """NFKC (half-width kana become full-width), hiragana → katakana, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(chr(ord(ch) + 0x60) if 0x3041 <= ord(ch) <= 0x3096 else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def is_valid_reading(text):
    return bool(_ALLOWED.match(text or ""))


def sort_key(reading):
    """Key for 50音 order: voiced and semi-voiced kana sort with their plain kana,
    small kana with their large kana, and the long-vowel mark is ignored, as in
    Japanese dictionaries. Ties are broken by the reading itself."""
    base = unicodedata.normalize("NFD", normalize_kana(reading))
    base = base.replace("\u3099", "").replace("\u309a", "")
    base = unicodedata.normalize("NFC", base).translate(_SMALL_TO_LARGE)
    return base.replace("ー", "").replace("・", "").replace(" ", "")
