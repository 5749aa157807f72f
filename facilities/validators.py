"""Checks for identifiers and contact details, with messages for editors in Japanese."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# The district of the four municipalities with a margin of about 1 km.
DISTRICT_BOUNDS = {"lat": (36.08, 36.32), "lng": (138.95, 139.30)}


def digits_only(value):
    return unicodedata.normalize("NFKC", value or "").replace("-", "").replace(" ", "")


def validate_office_number(value):
    """事業所番号: 10 digits."""
    digits = digits_only(value)
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise ValidationError("事業所番号は10桁の数字で入力してください。")


def validate_corporate_number(value):
    """法人番号: 13 digits, the first being a check digit over the other twelve."""
    digits = digits_only(value)
    if not (len(digits) == 13 and digits.isascii() and digits.isdigit()):
        raise ValidationError("法人番号は13桁の数字で入力してください。")
    body = digits[1:]
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(body)))
    if int(digits[0]) != 9 - total % 9:
        raise ValidationError("法人番号の検査数字(1桁目)が正しくありません。")


_PHONE = re.compile(r"^0\d{1,4}-\d{1,4}-\d{3,4}$|^0\d{9,10}$")


def normalize_phone(value):
    value = unicodedata.normalize("NFKC", value or "").strip()
    return value.replace("ー", "-").replace("−", "-").replace("(", "-").replace(")", "-")


def validate_phone(value):
    value = normalize_phone(value)
    digits = value.replace("-", "")
    if not _PHONE.match(value) or len(digits) not in (10, 11):
        raise ValidationError("電話番号は 0495-12-3456 のように、市外局番から入力してください。")


def validate_in_district(lat, lng):
    """Errors keyed by field when a point lies outside the district."""
    errors = {}
    if lat is None and lng is None:
        return errors
    if lat is None or lng is None:
        missing = "latitude" if lat is None else "longitude"
        errors[missing] = "緯度と経度は両方入力してください。"
        return errors
    low, high = DISTRICT_BOUNDS["lat"]
    if not low <= float(lat) <= high:
        errors["latitude"] = "緯度が児玉郡市の範囲外です。地図で場所を確かめてください。"
    low, high = DISTRICT_BOUNDS["lng"]
    if not low <= float(lng) <= high:
        errors["longitude"] = "経度が児玉郡市の範囲外です。地図で場所を確かめてください。"
    return errors
