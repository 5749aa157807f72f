"""The history of one business item for one body, across fiscal years."""

from home.dates import fiscal_year_label


def history_by_year(rows):
    """Each year side by side: what was planned for it and what was reported done in it.

    ``rows``: the item's ReportRow objects with their report pages, oldest year first.
    The plan for year Y is the 次年度の計画 column of the report for Y-1;
    what was done in Y is the 取組状況 and 結果及び評価 of the report for Y.
    """
    by_year = {}
    for row in rows:
        report = row.page
        year = report.fiscal_year
        entry = by_year.setdefault(year, {"year": year, "planned": [], "done": [], "report": None})
        entry["report"] = report
        entry["done"] = [
            {"activities": p.value["activities"], "evaluation": p.value["evaluation"]}
            for p in row.points
        ]
        plan_year = report.plan_year or year + 1
        nxt = by_year.setdefault(
            plan_year, {"year": plan_year, "planned": [], "done": [], "report": None}
        )
        nxt["planned"] = [p.value["plan"] for p in row.points if p.value["plan"]]
        nxt["planned"] += [
            f"【新規】{p.value['title']}" + (f": {p.value['detail']}" if p.value["detail"] else "")
            for p in row.new_plans
        ]
        nxt["planned_in"] = report
    years = [by_year[y] for y in sorted(by_year)]
    for entry in years:
        entry["label"] = fiscal_year_label(entry["year"])
    return years
