"""The 達成基準チェックリスト: what supports each criterion, and its result.

A criterion is 適合 only when something in the repository supports it:

* an automated check: axe-core rules tagged with the criterion ran on the tested
  pages, found elements to check and reported no violation;
* a manual check recorded in ``docs/accessibility/manual-checks.yaml``: a
  browser test of the repository (keyboard, zoom, focus …) that checks it;
* for the audio and video criteria, the run found no ``video``, ``audio`` or
  embedded frame on any tested page, so they do not apply (適用なし).

An axe violation makes it 不適合. Anything else is 未確認: nothing in the
repository says whether the site meets it.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import models

from .criteria import BY_NUMBER, CRITERIA, MEDIA_CRITERIA

MANUAL_CHECKS = Path(settings.BASE_DIR) / "docs" / "accessibility" / "manual-checks.yaml"


class Result(models.TextChoices):
    PASS = "pass", "適合"
    FAIL = "fail", "不適合"
    NOT_APPLICABLE = "not_applicable", "適合(適用なし)"
    UNCHECKED = "unchecked", "未確認"


SUPPORTING = {Result.PASS, Result.NOT_APPLICABLE}
# The 適用 column: whether the criterion applies to the tested pages, as far as the run knows.
APPLICABLE = {
    Result.PASS: "あり",
    Result.FAIL: "あり",
    Result.NOT_APPLICABLE: "なし",
    Result.UNCHECKED: "未確認",
}


class ManualChecksError(Exception):
    pass


def load_manual_checks(path=MANUAL_CHECKS):
    """The recorded manual checks: ``{criterion number: [{"test", "checks"}, …]}``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ManualChecksError(f"{path} を読めません: {error}") from error
    checks = {}
    for entry in data.get("checks", []):
        test, what = entry.get("test"), entry.get("checks")
        numbers = entry.get("criteria") or []
        if not test or not what or not numbers:
            raise ManualChecksError(
                f"{path}: test・checks・criteria のどれかがない項目があります: {entry!r}"
            )
        for number in numbers:
            if str(number) not in BY_NUMBER:
                raise ManualChecksError(
                    f"{path}: {number} は JIS の A・AA の達成基準ではありません"
                )
            checks.setdefault(str(number), []).append({"test": test, "checks": what})
    return checks


def evaluate(axe_rules, media_found, manual_checks):
    """Each criterion's outcome from one run.

    ``axe_rules`` maps an axe tag (``wcag143``) to ``{"passed": {rule: elements},
    "violated": {rule: elements}}`` summed over the tested pages.
    """
    outcome = {}
    for criterion in CRITERIA:
        rules = axe_rules.get(criterion.axe_tag, {})
        passed = sorted(r for r, n in rules.get("passed", {}).items() if n)
        violated = sorted(rules.get("violated", {}))
        violations = sum(rules.get("violated", {}).values())
        manual = manual_checks.get(criterion.number, [])
        if violations:
            result = Result.FAIL
        elif criterion.number in MEDIA_CRITERIA and not media_found:
            result = Result.NOT_APPLICABLE
        elif passed or manual:
            result = Result.PASS
        else:
            result = Result.UNCHECKED
        outcome[criterion.number] = {
            "result": result.value,
            "rules_passed": passed,
            "rules_violated": violated,
            "violations": violations,
            "manual": manual,
        }
    return outcome


def method_text(outcome, number):
    """How the result was reached (確認方法), in words."""
    parts = []
    if outcome["violations"]:
        parts.append(
            f"自動チェック(axe-core)で {outcome['violations']} か所の問題: "
            + "、".join(outcome["rules_violated"])
        )
    elif outcome["rules_passed"]:
        parts.append(
            "自動チェック(axe-core の規則 "
            + "、".join(outcome["rules_passed"])
            + ")。機械で確かめられる範囲だけです"
        )
    for check in outcome["manual"]:
        parts.append(f"ブラウザーのテスト {check['test']}: {check['checks']}")
    if outcome["result"] == Result.NOT_APPLICABLE:
        parts.append(
            "試験したページに音声・映像(video・audio・埋め込みのフレーム)がないことを自動で確認"
        )
    if not parts:
        parts.append("自動チェック・記録した確認のどちらもありません")
    return "。".join(parts)


def rows(criteria_outcome):
    """The checklist's rows for a template, in the standard's order."""
    table = []
    for criterion in CRITERIA:
        outcome = criteria_outcome.get(criterion.number)
        if outcome is None:
            outcome = {
                "result": Result.UNCHECKED.value,
                "rules_passed": [],
                "rules_violated": [],
                "violations": 0,
                "manual": [],
            }
        result = Result(outcome["result"])
        table.append(
            {
                "number": criterion.number,
                "title": criterion.title,
                "level": criterion.level,
                "applicable": APPLICABLE[result],
                "result": result.label,
                "result_code": result.value,
                "method": method_text(outcome, criterion.number),
            }
        )
    return table
