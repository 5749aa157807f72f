"""File sizes and phone numbers as Japanese public sites print them."""

import math
import re
import unicodedata

KB = 1024
MB = 1024 * KB
GB = 1024 * MB


def file_size(num_bytes, *, round_up=False):
    """'820B', '312KB', '20.1MB', '1.2GB'.

    KB are whole, MB and GB have one decimal (dropped when it is 0). With
    ``round_up`` a size just over a limit never reads as the limit itself
    ("20.1MB を超えています", not "20MB").
    """
    try:
        size = int(num_bytes)
    except (TypeError, ValueError):
        return ""
    rounding = math.ceil if round_up else round
    if size < KB:
        return f"{size}B"
    if rounding(size / KB) < 1000:
        return f"{rounding(size / KB)}KB"
    unit, scale = ("MB", MB) if rounding(size * 10 / MB) < 10000 else ("GB", GB)
    value = rounding(size * 10 / scale) / 10
    return f"{value:.1f}".removesuffix(".0") + unit


# The number itself: from the first digit (or a leading +) through digits,
# hyphens, spaces and brackets. What follows (「内線12」, 「(代表)」) is not dialled.
_PHONE_NUMBER = re.compile(r"\+?\d[\d\s\-()]*")
_MIN_DIGITS = 3  # 110, 119, #7119-like short numbers are the shortest callable


def tel_href(number):
    """「tel:0495123456」 for 「0495-12-3456」, or "" when there is nothing to call.

    Full-width digits and brackets (「０４９５（１２）３４５６」) are read as
    ASCII; the leading 0 stays, hyphens, spaces and brackets go.
    """
    text = unicodedata.normalize("NFKC", str(number or ""))
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70":
        text = text.replace(dash, "-")
    match = _PHONE_NUMBER.search(text)
    if not match:
        return ""
    run = match.group()
    digits = "".join(ch for ch in run if ch.isascii() and ch.isdigit())
    if len(digits) < _MIN_DIGITS:
        return ""
    return "tel:" + ("+" if run.startswith("+") else "") + digits


# A phone number inside a sentence: 0 and 9 to 10 more digits in two or three
# groups (「0495-12-3456」「０４９５（１２）３４５６」「090 1234 5678」). Postal codes
# (〒367-0000) and dates never start with 0 followed by that many digits.
_DIGIT = "[0-9\uff10-\uff19]"
_SEP = "[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d()\uff08\uff09 \u3000]"
_PHONE_IN_TEXT = re.compile(
    f"(?<![0-9\uff10-\uff19])[0\uff10]{_DIGIT}{{0,4}}{_SEP}{{1,2}}{_DIGIT}{{1,4}}{_SEP}{_DIGIT}{{3,4}}"
    f"(?![0-9\uff10-\uff19])"
)


def phone_numbers_in(text):
    """The text in pieces: [(piece, "tel:…" or "")], so each phone number can be a link."""
    text = str(text or "")
    pieces, last = [], 0
    for match in _PHONE_IN_TEXT.finditer(text):
        href = tel_href(match.group())
        if not 10 <= len(href.removeprefix("tel:")) <= 11:
            continue
        if _after_fax(text[: match.start()]):
            continue  # a FAX number is written, not dialled
        pieces.append((text[last : match.start()], ""))
        pieces.append((match.group(), href))
        last = match.end()
    pieces.append((text[last:], ""))
    return [(piece, href) for piece, href in pieces if piece]


def _after_fax(before):
    label = unicodedata.normalize("NFKC", before[-8:]).rstrip(" :：番号").upper()
    return label.endswith(("FAX", "ファクス", "ファックス"))
