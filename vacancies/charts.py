"""A small server-rendered SVG bar chart of a facility's vacancies over 12 months."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 16, 40
BAR = "#0b5394"  # 8:1 contrast on white
MISSING = "#767676"


def history_svg(points, title):
    """``points``: [(short month label, vacancies or None)], oldest first.

    Unanswered months are drawn as a short grey mark and labelled 未回答, so
    no information is carried by colour alone.
    """
    count = max(len(points), 1)
    top_value = max([v for _, v in points if v is not None] + [1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / count
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" class="vacancy-chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#1a1a1a"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="12" fill="#1a1a1a">{top_value}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="12" fill="#1a1a1a">0</text>',
    ]
    for i, (label, value) in enumerate(points):
        x = LEFT + i * step + step * 0.15
        w = step * 0.7
        cx = x + w / 2
        if value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - 3}" width="{w:.1f}" height="3" fill="{MISSING}">'
                f"<title>{escape(label)}: 未回答</title></rect>"
                f'<text x="{cx:.1f}" y="{TOP + plot_h - 6}" text-anchor="middle" font-size="10" fill="#4a4a4a">未回答</text>'
            )
        else:
            h = plot_h * value / top_value
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{BAR}">'
                f"<title>{escape(label)}: {value}人</title></rect>"
                f'<text x="{cx:.1f}" y="{TOP + plot_h - h - 4:.1f}" text-anchor="middle" font-size="12" fill="#1a1a1a">{value}</text>'
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" fill="#1a1a1a">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped
