"""The demo step of evaluations.yaml: the sample evaluations of demo/records.yaml.

Each is added only when its facility has none for that year, so loading again
changes nothing. Pages are found by their path under the site root.
"""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from wagtail.models import Page, Site

from home.demo.loader import DemoDataError

from .models import EvaluationItem, EvaluationResult, GroupHomeEvaluation

RECORDS = Path(__file__).resolve().parent / "demo" / "records.yaml"


def _page(path):
    site = Site.objects.get(is_default_site=True)
    page = Page.objects.filter(url_path=site.root_page.url_path + path[1:]).first()
    if page is None:
        raise DemoDataError(f"evaluations/demo/records.yaml: ページ「{path}」が見つかりません。")
    return page.specific


def add_evaluations():
    """Returns labels of the evaluations created."""
    with open(RECORDS, encoding="utf-8") as fh:
        specs = yaml.safe_load(fh)["evaluations"]
    created = []
    for spec in specs:
        facility = _page(spec["facility"])
        if GroupHomeEvaluation.objects.filter(
            facility=facility, fiscal_year=spec["fiscal_year"]
        ).exists():
            continue
        evaluation = GroupHomeEvaluation(
            facility=facility,
            fiscal_year=spec["fiscal_year"],
            evaluated_on=spec["evaluated_on"],
            meeting=_page(spec["meeting"]) if spec.get("meeting") else None,
            summary=spec["summary"],
            reported_on=spec.get("reported_on"),
        )
        evaluation.results = [
            EvaluationResult(
                item=EvaluationItem.objects.get(name=row["item"]),
                outcome=row["outcome"],
                comment=row.get("comment", ""),
                sort_order=position,
            )
            for position, row in enumerate(spec["results"])
        ]
        try:
            evaluation.full_clean()
        except ValidationError as error:
            raise DemoDataError(f"evaluations/demo/records.yaml: {evaluation}: {error}") from error
        evaluation.save()
        created.append(f"評価: {evaluation}")
    return created
