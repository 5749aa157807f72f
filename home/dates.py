"""Japanese calendar helpers: era (和暦) dates and fiscal years (年度).

Kept as a small module of our own rather than a dependency: the site needs
three eras, one weekday table and the April–March fiscal year, all of which
are covered by tests around each boundary.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Era:
    name: str
    start: dt.date


# Newest first. Dates before 昭和 are shown in the Western calendar.
ERAS = (
    Era("令和", dt.date(2019, 5, 1)),
    Era("平成", dt.date(1989, 1, 8)),
    Era("昭和", dt.date(1926, 12, 25)),
)

WEEKDAYS = "月火水木金土日"
FISCAL_YEAR_START_MONTH = 4


def as_date(value) -> dt.date:
    """The calendar date of ``value``; aware datetimes are taken in Japan time.

    The site's TIME_ZONE (Asia/Tokyo) is used even where another time zone is
    active, as in the admin for an editor who chose one in their profile.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"date or datetime expected, got {type(value).__name__}")


def era_for(date: dt.date) -> Era | None:
    for era in ERAS:
        if date >= era.start:
            return era
    return None


def _year_label(number: int) -> str:
    return "元" if number == 1 else str(number)


def era_year(value) -> str:
    """'令和5年' for a date in 2023 (after May 1 2019: '令和元年')."""
    date = as_date(value)
    era = era_for(date)
    if era is None:
        return f"{date.year}年"
    return f"{era.name}{_year_label(date.year - era.start.year + 1)}年"


def wareki(value, weekday: bool = True) -> str:
    """'令和5年7月3日(月)'; without the weekday when ``weekday`` is False."""
    date = as_date(value)
    text = f"{era_year(date)}{date.month}月{date.day}日"
    if weekday:
        text += f"({WEEKDAYS[date.weekday()]})"
    return text


def days_ago(value, today: dt.date | None = None) -> str:
    """「今日」 or 「N日前」 for the day of ``value`` (a date, or a datetime in Japan time).

    A day after ``today`` counts as today: nothing is updated in the future.
    """
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    days = (today - as_date(value)).days
    return "今日" if days <= 0 else f"{days}日前"


def wareki_month(value) -> str:
    """'令和6年3月' for any day of March 2024."""
    date = as_date(value)
    return f"{era_year(date)}{date.month}月"


def fiscal_year(value) -> int:
    """The Western year in which the fiscal year (April–March) of ``value`` began."""
    date = as_date(value)
    return date.year if date.month >= FISCAL_YEAR_START_MONTH else date.year - 1


def fiscal_year_range(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year ``year`` (2023 → 2023-04-01 … 2024-03-31)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """'令和5年度' for fiscal year 2023.

    A fiscal year is named after the era in force at its end, as government
    documents do (fiscal 2019 is 令和元年度 although April 2019 was 平成31年),
    unless that era began after the fiscal year's first calendar year
    (fiscal 1988 stays 昭和63年度).
    """
    _, last_day = fiscal_year_range(year)
    era = era_for(last_day)
    if era is not None and era.start.year > year:
        era = era_for(dt.date(year, 4, 1))
    if era is None:
        return f"{year}年度"
    return f"{era.name}{_year_label(year - era.start.year + 1)}年度"


def fiscal_year_label_for(value) -> str:
    return fiscal_year_label(fiscal_year(value))


def months_before(date: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, or that month's last day (03-31 → 02-28)."""
    month_index = date.year * 12 + date.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)
