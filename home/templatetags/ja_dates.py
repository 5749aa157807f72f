"""Template filters for Japanese dates.

{% time_tag meeting.date %}          → <time datetime="2023-07-03">令和5年7月3日(月)</time>
{% time_tag meeting.date False %}    → <time datetime="2023-07-03">令和5年7月3日</time>
{{ figure.month|wareki_month }}      → 令和5年7月
{% updated_ago page.last_published_at %} → <time datetime="2026-11-28">3日前</time> (「今日」 for today)
"""

import datetime as dt

from django import template
from django.utils.html import format_html

from home import dates

register = template.Library()


def _safe(func, value, *args):
    if value in (None, ""):
        return ""
    try:
        return func(value, *args)
    except (TypeError, ValueError, OverflowError):
        return ""


@register.filter
def wareki_month(value):
    return _safe(dates.wareki_month, value)


def iso_date(value):
    """The date shown by ``wareki`` (Tokyo time for aware datetimes), as YYYY-MM-DD."""
    if not isinstance(value, dt.date):
        return ""
    return dates.as_date(value).isoformat()


@register.simple_tag
def time_tag(value, weekday=True):
    """A <time> element with the ISO date for machines and 令和 for people."""
    if not isinstance(value, dt.date):
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', iso_date(value), dates.wareki(value, weekday)
    )


@register.simple_tag
def updated_ago(value):
    """A <time> element with the ISO date and 「N日前」 (or 「今日」), for 「情報更新: …」."""
    if not isinstance(value, dt.date):
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        iso_date(value),
        dates.wareki(value, False),
        dates.days_ago(value),
    )
