"""axe-core checks for browser tests, limited to WCAG 2.x A and AA rules."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_axe = Axe()


def axe_violations(page):
    """Run axe on the page as it is now; returns a list of violation summaries."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"][:5]
        )
        for v in results.response["violations"]
    ]


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)
