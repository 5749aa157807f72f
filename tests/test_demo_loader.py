"""The demo loader: the whole demo site from the apps' data files, idempotent and all-or-nothing."""

import pytest
from django.apps import apps
from wagtail.models import Page, Revision, Site

from home import demo
from home.content_checks import page_findings

pytestmark = pytest.mark.django_db

# Taken from the demo as the Python modules built it before it became data.
PAGES_PER_TYPE = {
    "home.HomePage": 1,
    "home.StandardPage": 2,
    "home.GlossaryPage": 1,
    "council.CouncilIndexPage": 1,
    "council.CommitteePage": 7,
    "council.MeetingArchivePage": 1,
    "council.MeetingPage": 32,
    "council.ActivityReportPage": 3,
    "council.NewsIndexPage": 1,
    "council.NewsPage": 4,
    "facilities.FacilityIndexPage": 1,
    "facilities.FacilityPage": 68,
    "vacancies.VacancyPage": 1,
    "opendata.OpenDataPage": 1,
    "evaluations.GroupHomeEvaluationIndexPage": 1,
    "accessibility.AccessibilityPolicyPage": 1,
    "accessibility.AccessibilityTestResultPage": 1,
}
ROWS = {
    "council.CommitteeMember": 48,
    "council.MeetingHandout": 6,
    "council.ReportRow": 12,
    "facilities.FacilityService": 136,
    "vacancies.VacancyFigure": 468,
    "home.HomeQuickLink": 5,
    "home.GlossaryTerm": 40,
    "home.SecretariatContact": 1,
    "evaluations.GroupHomeEvaluation": 8,
    "evaluations.EvaluationResult": 40,
}


def state():
    """Row counts of every model and when each page last changed."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    pages = list(Page.objects.order_by("path").values_list("path", "latest_revision_id"))
    return counts, pages


def pages_per_type():
    return {
        label: apps.get_model(label).objects.count()
        for label in {p.specific_class._meta.label for p in Page.objects.exclude(depth=1)}
    }


def test_the_demo_loads_once_and_a_second_load_changes_nothing():
    created = demo.load()
    assert created[0] == "児玉郡市自立支援協議会"
    assert created[-1] == "事務局の連絡先"
    assert "空き情報 468件" in created
    assert "評価: 令和6年度 シャトー千代田(サンプル)" in created
    assert pages_per_type() == PAGES_PER_TYPE
    assert {label: apps.get_model(label).objects.count() for label in ROWS} == ROWS
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class._meta.label == "home.HomePage"
    assert [p.slug for p in site.root_page.get_children()] == [
        "about",
        "meetings",
        "news",
        "sitemap",
        "fukushi-map",
        "aki",
        "gh-hyouka",
        "opendata",
        "accessibility",
        "yasashii",
        "yogoshu",
    ]

    # 公開前の確認 (home.content_checks): the demo content has nothing to fix or review.
    assert [
        (page.url_path, finding.text())
        for page in Page.objects.filter(depth__gt=1).specific()
        for finding in page_findings(page)
    ] == []

    before = state()
    revisions = Revision.objects.count()
    assert demo.load() == []
    assert state() == before
    assert Revision.objects.count() == revisions


def write(tmp_path, text):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "pages:\n  - {type: council.NoSuchPage, slug: x, title: x}\n",
            "/x/: 不明な種類「council.NoSuchPage」です。",
        ),
        (
            "pages:\n  - {type: home.StandardPage, slug: x, title: x, colour: red}\n",
            "/x/: 不明な項目「colour」です(home.StandardPage)。",
        ),
        (
            "pages:\n  - {type: facilities.FacilityPage, slug: x, title: x, municipality: 東京都}\n",
            "/x/: 市町「東京都」が見つかりません。",
        ),
        (
            "pages:\n  - type: home.StandardPage\n    slug: x\n    title: x\n"
            "    body: [{type: poem, value: x}]\n",
            "/x/: body: 不明なブロック「poem」です。",
        ),
    ],
    ids=["unknown page type", "unknown field", "missing lookup", "unknown block"],
)
def test_a_malformed_file_names_the_problem_and_changes_nothing(
    tmp_path, monkeypatch, text, message
):
    # The home page and the general pages load first, then the broken file.
    monkeypatch.setattr(apps.get_app_config("council"), "demo_data", [])
    monkeypatch.setattr(apps.get_app_config("facilities"), "demo_data", [])
    # Its meetings go under the council's pages.
    monkeypatch.setattr(apps.get_app_config("evaluations"), "demo_data", [])
    home = apps.get_app_config("home")
    monkeypatch.setattr(home, "demo_data", [*home.demo_data, write(tmp_path, "order: 99\n" + text)])
    before = state()
    with pytest.raises(demo.DemoDataError) as error:
        demo.load()
    assert message in str(error.value)
    assert "broken.yaml" in str(error.value)
    assert state() == before


def test_a_failure_after_every_page_and_step_leaves_nothing_behind(tmp_path, monkeypatch):
    home = apps.get_app_config("home")
    broken = write(tmp_path, "order: 99\nlinks:\n  - {page: /nowhere/, quick_links: []}\n")
    monkeypatch.setattr(home, "demo_data", [*home.demo_data, broken])
    before = state()
    with pytest.raises(demo.DemoDataError) as error:
        demo.load()
    assert str(error.value).endswith("ページ「/nowhere/」が見つかりません。")
    assert state() == before
