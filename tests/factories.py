"""Factories for the site's page types and data. Pages are published through a
revision, as an editor would, so publishing signals (search index) fire."""

import datetime as dt

import factory
import wagtail_factories
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from council.models import NewsIndexPage, NewsPage
from home.models import HomePage, StandardPage


class PublishedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        page = super()._create(model_class, *args, **kwargs)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class HomePageFactory(PublishedPageFactory):
    title = "児玉郡市自立支援協議会"
    slug = "home"

    class Meta:
        model = HomePage


class StandardPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"一般ページ{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    intro = ""
    body = "[]"

    class Meta:
        model = StandardPage


class NewsIndexPageFactory(PublishedPageFactory):
    title = "お知らせ"
    slug = "news"

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"お知らせ{n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    date = dt.date(2024, 4, 1)
    body = "[]"

    class Meta:
        model = NewsPage


def make_site_home():
    """A HomePage that is the root of the default site (Wagtail's welcome page removed).

    Works on a flushed database too (browser tests), where even the tree's
    root node is gone.
    """
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="最上位", slug="root")
    for child in root.get_children():
        child.delete()
    home = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name="児玉郡市自立支援協議会",
    )
    return home


def stream(*blocks):
    import json

    return json.dumps([{"type": t, "value": v} for t, v in blocks], ensure_ascii=False)


def paragraph(html):
    return ("paragraph", html)


# --- Council -----------------------------------------------------------------

from council.models import (  # noqa: E402
    ActivityReportPage,
    BusinessItem,
    CommitteePage,
    CouncilIndexPage,
    MeetingArchivePage,
    MeetingPage,
)


class CouncilIndexPageFactory(PublishedPageFactory):
    title = "協議会について"
    slug = "about"
    organisation = "[]"

    class Meta:
        model = CouncilIndexPage


class CommitteePageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"部会{n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")
    kind = "subcommittee"

    class Meta:
        model = CommitteePage


class MeetingPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"会議{n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    date = dt.date(2023, 7, 3)
    status = "held"
    format = "in_person"
    agenda = "[]"

    class Meta:
        model = MeetingPage


class MeetingArchivePageFactory(PublishedPageFactory):
    title = "会議の記録"
    slug = "meetings"

    class Meta:
        model = MeetingArchivePage


class ActivityReportPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"活動報告{n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    fiscal_year = 2023

    class Meta:
        model = ActivityReportPage


def business_item(number):
    return BusinessItem.objects.get(number=number)


def agenda_item(title, kind="report", summary="", outcome=""):
    return ("item", {"kind": kind, "title": title, "summary": summary, "outcome": outcome})


def report_point(activities="", evaluation="", plan=""):
    return ("point", {"activities": activities, "evaluation": evaluation, "plan": plan})


def meeting_form_data(action="publish", **overrides):
    """The admin's meeting form as an editor posts it (add and edit views).

    ``action`` names the button pressed: "publish", "submit" (to the workflow), "save".
    """
    data = {
        "title": "第2回全体会",
        "date": "2023-11-20",
        "start_time": "",
        "end_time": "",
        "number": "",
        "format": "in_person",
        "venue": "本庄市役所",
        "status": "held",
        "summary": "",
        "agenda": streamfield([]),
        "minutes": rich_text(""),
        "access": "open",
        "closed_reason": "",
        "observer_seats": "",
        "observer_apply_by": "",
        "observer_application": "",
        "observer_rules_url": "",
        "online_url": "",
        "minutes_kind": "minutes",
        "minutes_status": "",
        "minutes_approved_on": "",
        "minutes_approved_at": "",
        "handouts": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        f"action-{action}": action,
    }
    data.update(overrides)
    return nested_form_data(data)


# --- Facilities --------------------------------------------------------------

from facilities.models import (  # noqa: E402
    FacilityIndexPage,
    FacilityPage,
    FacilityService,
    Feature,
    Municipality,
    ServiceType,
    TargetGroup,
)


class FacilityIndexPageFactory(PublishedPageFactory):
    title = "ふくしマップ"
    slug = "fukushi-map"

    class Meta:
        model = FacilityIndexPage


class FacilityPageFactory(PublishedPageFactory):
    """A sample facility; ``services`` is a list of (service type name, capacity, [targets])."""

    title = factory.Sequence(lambda n: f"サンプル事業所{n}")
    slug = factory.Sequence(lambda n: f"facility-{n}")
    name_kana = factory.Sequence(lambda n: f"サンプルジギョウショ{n}")
    address = "本庄1-1-1"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="本庄市"))

    class Meta:
        model = FacilityPage

    @classmethod
    def _create(cls, model_class, *args, services=(), features=(), **kwargs):
        page = wagtail_factories.PageFactory._create.__func__(cls, model_class, *args, **kwargs)
        for name, capacity, targets in services:
            service = FacilityService(
                service_type=ServiceType.objects.get(name=name), capacity=capacity
            )
            service.target_groups = list(TargetGroup.objects.filter(name__in=targets))
            page.services.add(service)
        page.features = list(Feature.objects.filter(name__in=features))
        page.save_revision().publish()
        page.refresh_from_db()
        return page


# --- Vacancies ---------------------------------------------------------------

from vacancies.models import VacancyFigure, VacancyPage, month_start  # noqa: E402


class VacancyPageFactory(PublishedPageFactory):
    title = "空き情報"
    slug = "aki"

    class Meta:
        model = VacancyPage


class VacancyFigureFactory(factory.django.DjangoModelFactory):
    """One facility's figure for one service and month; ``service_type`` may be a name."""

    month = factory.LazyFunction(month_start)
    vacancies = 0

    class Meta:
        model = VacancyFigure

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("service_type"), str):
            kwargs["service_type"] = ServiceType.objects.get(name=kwargs["service_type"])
        return super()._create(model_class, *args, **kwargs)


# --- Open data -----------------------------------------------------------------

from opendata.models import OpenDataPage  # noqa: E402


class OpenDataPageFactory(PublishedPageFactory):
    title = "オープンデータ"
    slug = "opendata"

    class Meta:
        model = OpenDataPage


# --- Facility imports --------------------------------------------------------

_wam_numbers = iter(range(1, 10**6))


def wam_record(**overrides):
    """One row of a WAM NET CSV (by header name) for a sample facility in 本庄市.

    Keyword arguments use the field names of facilities.imports.wam.COLUMNS'
    targets (``title``, ``office_number``, ``service`` …) or header names.
    """
    from facilities.imports.wam import COLUMNS

    n = next(_wam_numbers)
    values = {
        "code": "112119",
        "operator": "社会福祉法人サンプル会",
        "corporate_number": "",
        "service": "生活介護",
        "title": f"サンプル事業所{n}",
        "name_kana": f"さんぷるじぎょうしょ{n}",
        "office_number": f"1199{n:06d}",
        "municipality_text": "埼玉県本庄市",
        "address": f"東台9丁目{n % 50 + 1}番1号",
        "phone": f"0495-00-{n % 10000:04d}",
        "fax": "",
        "website": "",
        "latitude": "36.2424",
        "longitude": "139.1994",
        "hours_weekday": "9:00〜17:00",
        "hours_saturday": "",
        "hours_sunday": "",
        "hours_holiday": "",
        "closed_days": "土日祝日",
        "capacity": "20",
    }
    values.update({k: v for k, v in overrides.items() if k in values})
    record = {
        header: values.get(target, "") if target else "" for header, target in COLUMNS.items()
    }
    record["NO（※システム内の固有の番号、連番）"] = str(n)
    record["指定機関名"] = "埼玉県"
    record.update({k: v for k, v in overrides.items() if k in COLUMNS})
    return record


# --- Group-home evaluations --------------------------------------------------------

from evaluations.models import (  # noqa: E402
    DAY_SERVICE_GROUP_HOME,
    EvaluationItem,
    EvaluationResult,
    GroupHomeEvaluation,
    GroupHomeEvaluationIndexPage,
)


class GroupHomeEvaluationIndexPageFactory(PublishedPageFactory):
    title = "日中サービス支援型グループホームの評価"
    slug = "gh-hyouka"

    class Meta:
        model = GroupHomeEvaluationIndexPage


def day_service_group_home(parent, **kwargs):
    """A facility page offering 共同生活援助(日中サービス支援型)."""
    return FacilityPageFactory(
        parent=parent, services=[(DAY_SERVICE_GROUP_HOME, 10, ["知的"])], **kwargs
    )


class GroupHomeEvaluationFactory(factory.django.DjangoModelFactory):
    """An evaluation with a result for every usual item; ``outcomes`` overrides by item name."""

    fiscal_year = 2024
    evaluated_on = dt.date(2025, 2, 7)
    summary = "おおむね適切に運営されています。"

    class Meta:
        model = GroupHomeEvaluation

    @classmethod
    def _create(cls, model_class, *args, outcomes=None, **kwargs):
        evaluation = model_class(**kwargs)
        outcomes = outcomes or {}
        evaluation.results = [
            EvaluationResult(item=item, outcome=outcomes.get(item.name, "good"), sort_order=i)
            for i, item in enumerate(EvaluationItem.objects.filter(is_usual=True))
        ]
        evaluation.full_clean()
        evaluation.save()
        return evaluation


# --- Reading aids --------------------------------------------------------------

from home.models import ReadingEntry  # noqa: E402


class ReadingEntryFactory(factory.django.DjangoModelFactory):
    word = "福祉会館"
    reading = "ふくしかいかん"

    class Meta:
        model = ReadingEntry


# --- 用語集 -------------------------------------------------------------------------

from home.models import GlossaryPage, GlossaryTerm  # noqa: E402


class GlossaryPageFactory(PublishedPageFactory):
    title = "用語集"
    slug = "yogoshu"

    class Meta:
        model = GlossaryPage


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    term = "計画相談支援"
    reading = "けいかくそうだんしえん"
    explanation = "サービスを使う計画をいっしょに作ります。"

    class Meta:
        model = GlossaryTerm


# --- Accessibility policy and test result -----------------------------------

from accessibility import checklist  # noqa: E402
from accessibility.models import (  # noqa: E402
    AccessibilityPolicyPage,
    AccessibilityTestResultPage,
    AccessibilityTestRun,
)


class AccessibilityPolicyPageFactory(PublishedPageFactory):
    title = "ウェブアクセシビリティ方針"
    slug = "accessibility"
    policy = "<p>だれもが情報を利用できるサイトを目指します。</p>"
    scope = "<p>このサイトのすべてのページ。</p>"
    exceptions = "<p>関係機関から提供された PDF。</p>"
    statement_date = dt.date(2026, 4, 1)

    class Meta:
        model = AccessibilityPolicyPage


class AccessibilityTestResultPageFactory(PublishedPageFactory):
    title = "ウェブアクセシビリティの試験結果"
    slug = "test-result"
    pages_covered = "このサイトの公開中のすべてのページ"

    class Meta:
        model = AccessibilityTestResultPage


def axe_tags(passed=(), violated=()):
    """axe results by tag as the runner sums them: ``passed``/``violated`` are (tag, rule) pairs."""
    rules = {}
    for key, pairs in (("passed", passed), ("violated", violated)):
        for tag, rule in pairs:
            rules.setdefault(tag, {"passed": {}, "violated": {}})[key][rule] = 1
    return rules


class AccessibilityTestRunFactory(factory.django.DjangoModelFactory):
    base_url = "https://example.jp"
    seed = 42
    random_count = 1
    axe_version = "4.12.1"
    pages = factory.LazyFunction(
        lambda: [
            {
                "url": "https://example.jp/",
                "title": "トップページ",
                "page_type": "トップページ",
                "kind": "representative",
                "violations": 0,
                "rules": {},
            },
            {
                "url": "https://example.jp/news/",
                "title": "お知らせ",
                "page_type": "お知らせの一覧",
                "kind": "random",
                "violations": 0,
                "rules": {},
            },
        ]
    )
    criteria = factory.LazyFunction(
        lambda: checklist.evaluate(axe_tags(passed=[("wcag242", "document-title")]), False, {})
    )

    class Meta:
        model = AccessibilityTestRun
