"""A small server-rendered SVG bar chart of a facility's vacancies over 12 months.

One row a month, the bar running to the right, so the month labels and the
numbers keep a readable size on a phone: the drawing is 360 units wide and is
shown at about that many pixels on a 390 px screen (at most 26rem on larger
ones), so text of 14 units is drawn at 13 px or more, never below 12 px.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
ROW = 26  # height of one month
PAD = 4
LABEL = 48  # the month labels' column, right-aligned before the axis
VALUE_ROOM = 64  # room after the longest bar for 「12人」 or 「未回答」
FONT = 14
BAR = "#0017c1"  # デジタル庁 blue-900 (--primary), 10:1 contrast on white
MISSING = "#767676"
TEXT = "#1a1a1a"
MUTED = "#4a4a4a"


def history_svg(points, title, ident="chart"):
    """``points``: [(short month label, vacancies or None)], oldest first.

    Unanswered months are drawn as a short grey mark and labelled 未回答, so
    no information is carried by colour alone. ``ident`` makes the title's id
    unique when a page shows several charts.
    """
    top_value = max([v for _, v in points if v is not None] + [1])
    plot_w = WIDTH - LABEL - VALUE_ROOM
    height = PAD * 2 + ROW * max(len(points), 1)
    title_id = f"{escape(ident)}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{title_id}" class="vacancy-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<line x1="{LABEL}" y1="{PAD}" x2="{LABEL}" y2="{height - PAD}" stroke="{TEXT}"/>',
    ]
    for i, (label, value) in enumerate(points):
        top = PAD + i * ROW
        baseline = top + ROW / 2 + FONT * 0.35
        parts.append(
            f'<text x="{LABEL - 6}" y="{baseline:.1f}" text-anchor="end" '
            f'font-size="{FONT}" fill="{TEXT}">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<rect x="{LABEL}" y="{top + 5}" width="3" height="{ROW - 10}" fill="{MISSING}">'
                f"<title>{escape(label)}: 未回答</title></rect>"
                f'<text x="{LABEL + 9}" y="{baseline:.1f}" font-size="{FONT}" fill="{MUTED}">未回答</text>'
            )
        else:
            w = plot_w * value / top_value
            parts.append(
                f'<rect x="{LABEL}" y="{top + 5}" width="{w:.1f}" height="{ROW - 10}" fill="{BAR}">'
                f"<title>{escape(label)}: {value}人</title></rect>"
                f'<text x="{LABEL + w + 6:.1f}" y="{baseline:.1f}" font-size="{FONT}" fill="{TEXT}">{value}人</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped
