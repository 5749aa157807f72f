"""How a facility is recognised across imports: the grouping key.

事業所番号 alone does not identify one facility in the national data: one
number covers several services, and sometimes several sites (an office with a
branch elsewhere under the same designation). A facility is therefore
事業所番号 + the normalised address (municipality code and the address after
it). Without an address, the normalised name takes its place; without an
事業所番号 (the council's own sheet may have none), the key starts with "-".
"""

import re
import unicodedata

DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff0d\u2043\ufe63-]")
SPACES = re.compile(r"\s+")
# 1丁目2番地3号 / 1丁目2番3 → 1-2-3
ADDRESS_UNITS = re.compile(r"(\d)\s*(?:丁目|番地|番|号|の)(?=\d)")
TRAILING_UNIT = re.compile(r"(\d)\s*(?:番地|番|号)$")
PREFIXES = ("埼玉県", "児玉郡")


def normalise_text(value):
    """NFKC, no spaces, lower case: the form two spellings of one thing share."""
    return SPACES.sub("", unicodedata.normalize("NFKC", value or "")).lower()


def normalise_address(address, municipality_name=""):
    """The address after the municipality, in one spelling: 本庄1丁目2番3号 → 本庄1-2-3."""
    text = normalise_text(address)
    for prefix in PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if municipality_name and text.startswith(municipality_name):
        text = text[len(municipality_name) :]
    text = DASHES.sub("-", text)
    text = ADDRESS_UNITS.sub(r"\1-", text)
    text = ADDRESS_UNITS.sub(r"\1-", text)
    return TRAILING_UNIT.sub(r"\1", text)


def grouping_key(office_number, municipality_code, address, name="", municipality_name=""):
    """事業所番号 | 団体コード | normalised address (or ``name:`` normalised name)."""
    place = normalise_address(address, municipality_name)
    if not place:
        place = "name:" + normalise_text(name)
    return f"{office_number or '-'}|{municipality_code}|{place}"
