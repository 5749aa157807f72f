"""Japanese era dates (和暦), fiscal years (年度) and their template filters."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from home import dates

UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2023, 7, 3), "令和5年7月3日(月)"),
        (dt.date(2019, 4, 30), "平成31年4月30日(火)"),
        (dt.date(2019, 5, 1), "令和元年5月1日(水)"),
        (dt.date(2019, 12, 31), "令和元年12月31日(火)"),
        (dt.date(2020, 1, 1), "令和2年1月1日(水)"),
        (dt.date(1989, 1, 7), "昭和64年1月7日(土)"),
        (dt.date(1989, 1, 8), "平成元年1月8日(日)"),
        (dt.date(1926, 12, 25), "昭和元年12月25日(土)"),
        (dt.date(1926, 12, 24), "1926年12月24日(金)"),
        (dt.date(2024, 2, 29), "令和6年2月29日(木)"),
    ],
)
def test_wareki_formats_era_year_month_day_and_weekday(value, expected):
    assert dates.wareki(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(1989, 1, 7), "昭和64年"),
        (dt.date(1989, 1, 8), "平成元年"),
        (dt.date(2019, 4, 30), "平成31年"),
        (dt.date(2019, 5, 1), "令和元年"),
        (dt.date(2023, 7, 3), "令和5年"),
    ],
)
def test_era_year_switches_on_the_first_day_of_each_era(value, expected):
    assert dates.era_year(value) == expected


@pytest.mark.parametrize(
    ("day", "weekday"),
    [(3, "月"), (4, "火"), (5, "水"), (6, "木"), (7, "金"), (8, "土"), (9, "日")],
)
def test_wareki_weekday_for_every_day_of_the_week(day, weekday):
    assert dates.wareki(dt.date(2023, 7, day)) == f"令和5年7月{day}日({weekday})"


def test_wareki_without_weekday():
    assert dates.wareki(dt.date(2023, 7, 3), weekday=False) == "令和5年7月3日"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC), "令和6年4月1日(月)"),
        (dt.datetime(2024, 3, 31, 14, 59, tzinfo=UTC), "令和6年3月31日(日)"),
        (dt.datetime(2019, 4, 30, 15, 0, tzinfo=UTC), "令和元年5月1日(水)"),
        (dt.datetime(2019, 5, 1, 0, 30, tzinfo=TOKYO), "令和元年5月1日(水)"),
        (dt.datetime(2023, 7, 3, 23, 59), "令和5年7月3日(月)"),
    ],
)
def test_wareki_takes_the_tokyo_date_of_aware_datetimes(value, expected):
    assert dates.wareki(value) == expected


@pytest.mark.parametrize("active", ["UTC", "America/Los_Angeles", "Pacific/Honolulu"])
def test_wareki_uses_japan_time_whatever_time_zone_is_active(active):
    value = dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC)
    with timezone.override(active):
        assert dates.wareki(value) == "令和6年4月1日(月)"
        assert dates.fiscal_year_label_for(value) == "令和6年度"
        assert render("{% time_tag d %}", d=value) == (
            '<time datetime="2024-04-01">令和6年4月1日(月)</time>'
        )


@pytest.mark.parametrize("value", ["2023-07-03", 20230703, None])
def test_wareki_rejects_non_dates(value):
    with pytest.raises(TypeError):
        dates.wareki(value)


def test_wareki_month():
    assert dates.wareki_month(dt.date(2024, 3, 15)) == "令和6年3月"
    assert dates.wareki_month(dt.date(2019, 5, 31)) == "令和元年5月"


FISCAL_2023_MONTHS = [dt.date(2023, m, 1) for m in range(4, 13)] + [
    dt.date(2024, m, 1) for m in range(1, 4)
]


@pytest.mark.parametrize("value", FISCAL_2023_MONTHS, ids=lambda d: d.strftime("%Y-%m"))
def test_every_month_from_april_to_march_is_one_fiscal_year(value):
    assert dates.fiscal_year(value) == 2023
    assert dates.fiscal_year_label_for(value) == "令和5年度"


@pytest.mark.parametrize(
    ("value", "year", "label"),
    [
        (dt.date(2024, 3, 31), 2023, "令和5年度"),
        (dt.date(2024, 4, 1), 2024, "令和6年度"),
        (dt.date(2023, 3, 31), 2022, "令和4年度"),
        (dt.date(2019, 4, 1), 2019, "令和元年度"),
        (dt.date(2019, 3, 31), 2018, "平成30年度"),
        (dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC), 2024, "令和6年度"),
    ],
)
def test_fiscal_year_boundaries(value, year, label):
    assert dates.fiscal_year(value) == year
    assert dates.fiscal_year_label_for(value) == label


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2024, "令和6年度"),
        (2023, "令和5年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1990, "平成2年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (1925, "1925年度"),
    ],
)
def test_fiscal_year_label(year, label):
    assert dates.fiscal_year_label(year) == label


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [
        (2023, dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        (2019, dt.date(2019, 4, 1), dt.date(2020, 3, 31)),
        (1988, dt.date(1988, 4, 1), dt.date(1989, 3, 31)),
    ],
)
def test_fiscal_year_range(year, first, last):
    assert dates.fiscal_year_range(year) == (first, last)
    assert dates.fiscal_year(first) == dates.fiscal_year(last) == year
    assert dates.fiscal_year(first - dt.timedelta(days=1)) == year - 1
    assert dates.fiscal_year(last + dt.timedelta(days=1)) == year + 1


# --- Template filters and tags -------------------------------------------


def render(source, **context):
    return Template("{% load ja_dates %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("{{ d|wareki_month }}", dt.date(2024, 3, 15), "令和6年3月"),
        ("{{ d|wareki_month }}", dt.datetime(2024, 3, 31, 15, 30, tzinfo=UTC), "令和6年4月"),
        (
            "{% time_tag d %}",
            dt.date(2023, 7, 3),
            '<time datetime="2023-07-03">令和5年7月3日(月)</time>',
        ),
        (
            "{% time_tag d %}",
            dt.date(2019, 5, 1),
            '<time datetime="2019-05-01">令和元年5月1日(水)</time>',
        ),
        (
            "{% time_tag d False %}",
            dt.date(2023, 7, 3),
            '<time datetime="2023-07-03">令和5年7月3日</time>',
        ),
    ],
)
def test_template_filters_and_time_tag(source, value, expected):
    assert render(source, d=value) == expected


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 3, 31, 15, 30, 12, 345678, tzinfo=UTC),
        dt.datetime(2024, 4, 1, 0, 30, 12, 345678, tzinfo=TOKYO),
        dt.datetime(2024, 4, 1, 9, 0),
    ],
)
def test_time_tag_for_a_datetime_gives_the_tokyo_date_it_displays(value):
    # A datetime attribute must agree with the displayed date and be valid HTML
    # (Python's six-digit microseconds are not).
    assert render("{% time_tag d %}", d=value) == (
        '<time datetime="2024-04-01">令和6年4月1日(月)</time>'
    )


@pytest.mark.parametrize(
    "source",
    ["{{ d|wareki_month }}", "{% time_tag d %}"],
)
@pytest.mark.parametrize(
    "value",
    [None, "", "garbage", "2023-07-03", [], {"year": 2023}, object(), 10**20, -5, 2.5e300],
    ids=[
        "none",
        "empty",
        "garbage",
        "iso-string",
        "list",
        "dict",
        "object",
        "huge",
        "neg",
        "float",
    ],
)
def test_bad_values_render_empty(source, value):
    assert render(source, d=value) == ""


def test_missing_variable_renders_empty():
    assert render("{{ missing|wareki_month }}{% time_tag missing %}") == ""
