"""日中サービス支援型グループホームの評価.

From 令和6年度 the council evaluates every day-service-type group home
(共同生活援助(日中サービス支援型)) once a fiscal year, at one of its meetings,
and reports the result to Saitama prefecture. One ``GroupHomeEvaluation`` per
facility and fiscal year holds the date, the meeting, a result per evaluated
item (``EvaluationResult``), the summary and the report to the prefecture.
The items themselves (地域との連携 …) are data (``EvaluationItem``), edited in
the admin; the ones marked as usual fill a new evaluation's rows.

``GroupHomeEvaluationIndexPage`` lists them by 年度 and gives the CSV of a year.
Only evaluations of live facility pages without view restrictions appear there.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpResponse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from council.models import MeetingPage
from facilities.models import FacilityPage, FacilityService
from home.blocks import RICH_TEXT_FEATURES
from home.dates import fiscal_year, fiscal_year_label, fiscal_year_range, wareki
from home.listing import FiscalYearFilter
from home.models import BasePage, CleanTextAdminForm
from home.privacy import is_public
from home.spreadsheets import write_csv

# The service type of the welfare map's taxonomy (facilities/migrations/0002_seed_taxonomy.py).
DAY_SERVICE_GROUP_HOME = "共同生活援助(日中サービス支援型)"
# The duty to evaluate began with 令和6年度.
FIRST_FISCAL_YEAR = 2024


def fiscal_year_choices():
    """令和6年度 up to the year after the current one."""
    last = fiscal_year(timezone.localdate()) + 1
    return [(year, fiscal_year_label(year)) for year in range(FIRST_FISCAL_YEAR, last + 1)]


def day_service_group_homes():
    """Facility pages offering 共同生活援助(日中サービス支援型), live or not."""
    offering = FacilityService.objects.filter(service_type__name=DAY_SERVICE_GROUP_HOME)
    return FacilityPage.objects.filter(pk__in=offering.values("page_id")).order_by("kana_sort")


class EvaluationItem(models.Model):
    """One thing the council looks at in an evaluation (評価項目)."""

    name = models.CharField(
        "評価項目",
        max_length=60,
        unique=True,
        help_text="例: 地域との連携",
        error_messages={"unique": "この評価項目は既にあります。"},
    )
    description = models.TextField(
        "確かめること", blank=True, help_text="この項目で何を確かめるかの説明(任意)。"
    )
    is_usual = models.BooleanField(
        "いつも評価する",
        default=True,
        help_text="チェックすると、新しい評価を作るときに最初からこの項目の行が入ります。",
    )
    sort_order = models.PositiveSmallIntegerField(
        "並び順", default=0, help_text="小さい順に並びます。CSV の列の順にもなります。"
    )

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "評価項目"
        verbose_name_plural = "評価項目"

    def __str__(self):
        return self.name


class EvaluationOutcome(models.TextChoices):
    GOOD = "good", "適切"
    MOSTLY_GOOD = "mostly_good", "おおむね適切"
    NEEDS_IMPROVEMENT = "needs_improvement", "改善が必要"


class GroupHomeEvaluationQuerySet(models.QuerySet):
    def public(self):
        """Evaluations of facility pages that are live and have no view restriction."""
        return self.filter(
            facility__in=FacilityPage.objects.live().filter(is_public()).values("pk")
        )

    def for_listing(self):
        return self.select_related("facility__municipality").prefetch_related(
            models.Prefetch("results", queryset=EvaluationResult.objects.select_related("item"))
        )


class GroupHomeEvaluationForm(CleanTextAdminForm):
    """Offers only the day-service-type group homes; a new evaluation starts with the usual items."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "facility" in self.fields:
            field = self.fields["facility"]
            field.queryset = day_service_group_homes().select_related("municipality")
            field.label_from_instance = lambda page: f"{page.title}({page.municipality.name})"

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("results")
        if formset is not None and formset.is_valid():
            seen = set()
            for form in formset.forms:
                if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("item"):
                    continue
                item = form.cleaned_data["item"]
                if item.pk in seen:
                    form.add_error(
                        "item", f"評価項目「{item}」が2回入っています。1回にしてください。"
                    )
                seen.add(item.pk)
        return cleaned


class GroupHomeEvaluation(ClusterableModel):
    """The council's evaluation of one day-service-type group home for one fiscal year."""

    facility = models.ForeignKey(
        "facilities.FacilityPage",
        verbose_name="事業所",
        on_delete=models.CASCADE,
        related_name="group_home_evaluations",
        help_text="ふくしマップの事業所のうち、共同生活援助(日中サービス支援型)を行っている事業所から選びます。",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度",
        choices=fiscal_year_choices,
        help_text="評価した年度。1つの事業所につき1年度に1件です。",
    )
    evaluated_on = models.DateField("評価日", help_text="協議会で評価した日(例: 2025-02-07)。")
    meeting = models.ForeignKey(
        "council.MeetingPage",
        verbose_name="評価した会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="評価を行った協議会の会議(全体会など)の記録のページを選びます。",
    )
    summary = models.TextField(
        "総評", help_text="評価の結果のまとめ。個人が特定される内容は書かないでください。"
    )
    reported_on = models.DateField(
        "県への報告日", null=True, blank=True, help_text="埼玉県へ報告した日。報告前は空欄。"
    )
    report_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="県への報告書",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="県へ提出した報告書(PDFなど)。公開のページには出ません。",
    )

    objects = GroupHomeEvaluationQuerySet.as_manager()

    panels = [
        # A plain list rather than the page chooser: only day-service-type group homes.
        FieldPanel("facility", widget=forms.Select),
        FieldRowPanel([FieldPanel("fiscal_year"), FieldPanel("evaluated_on")]),
        FieldPanel("meeting"),
        InlinePanel("results", label="評価項目", heading="評価項目ごとの結果", min_num=1),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("reported_on"), FieldPanel("report_document")],
            heading="埼玉県への報告",
        ),
    ]
    base_form_class = GroupHomeEvaluationForm

    class Meta:
        ordering = ["-fiscal_year", "facility__kana_sort"]
        verbose_name = "日中サービス支援型グループホームの評価"
        verbose_name_plural = "日中サービス支援型グループホームの評価"
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "fiscal_year"],
                name="evaluation_one_per_facility_and_year",
                violation_error_message="この事業所のこの年度の評価は既にあります。一覧から開いて直してください。",
            )
        ]

    def __str__(self):
        if not self.facility_id or not self.fiscal_year:
            return "日中サービス支援型グループホームの評価"
        return f"{fiscal_year_label(self.fiscal_year)} {self.facility.title}"

    @property
    def fiscal_year_label(self):
        return fiscal_year_label(self.fiscal_year)

    def clean(self):
        super().clean()
        errors = {}
        if self.facility_id and not day_service_group_homes().filter(pk=self.facility_id).exists():
            errors["facility"] = (
                "この事業所は日中サービス支援型グループホームではありません。"
                f"ふくしマップで「{DAY_SERVICE_GROUP_HOME}」を行っている事業所を選んでください。"
            )
        if self.fiscal_year is not None:
            label = fiscal_year_label(self.fiscal_year)
            first, last = fiscal_year_range(self.fiscal_year)
            if self.fiscal_year < FIRST_FISCAL_YEAR:
                errors["fiscal_year"] = "評価は令和6年度からです。令和6年度以降を選んでください。"
            elif self.evaluated_on and not first <= self.evaluated_on <= last:
                errors["evaluated_on"] = (
                    f"評価日が{label}({wareki(first, False)}〜{wareki(last, False)})の中にありません。"
                    "評価日か年度を直してください。"
                )
            if self.meeting_id and self.meeting.fiscal_year != self.fiscal_year:
                errors["meeting"] = (
                    f"選んだ会議は{fiscal_year_label(self.meeting.fiscal_year)}の会議です。"
                    f"{label}の会議を選んでください。"
                )
        if self.reported_on and self.evaluated_on and self.reported_on < self.evaluated_on:
            errors["reported_on"] = (
                "県への報告日が評価日より前になっています。評価日以降の日付にしてください。"
            )
        if self.report_document_id and not self.reported_on:
            errors["reported_on"] = "報告書を選んだときは、県への報告日も入力してください。"
        if errors:
            raise ValidationError(errors)


class EvaluationResult(Orderable):
    """The result of one evaluated item."""

    evaluation = ParentalKey(GroupHomeEvaluation, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(
        EvaluationItem,
        verbose_name="評価項目",
        on_delete=models.PROTECT,
        related_name="results",
        help_text="項目は「評価項目」の画面で足せます。",
    )
    outcome = models.CharField(
        "結果", max_length=20, choices=EvaluationOutcome.choices, help_text="3段階から選びます。"
    )
    comment = models.TextField(
        "所見", blank=True, help_text="よかった点・改善を求める点など(任意)。"
    )

    panels = [FieldPanel("item"), FieldPanel("outcome"), FieldPanel("comment")]

    class Meta(Orderable.Meta):
        verbose_name = "評価項目ごとの結果"
        verbose_name_plural = "評価項目ごとの結果"

    def __str__(self):
        return f"{self.item}: {self.get_outcome_display()}" if self.item_id else "結果"


class GroupHomeEvaluationIndexPage(RoutablePageMixin, BasePage):
    """日中サービス支援型グループホームの評価: the evaluations by 年度, and the CSV of a year
    for the report to Saitama prefecture."""

    intro = RichTextField(
        "はじめに",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="評価の目的や進め方など、一覧の上に出る説明です。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "グループホームの評価(一覧)"

    def get_page_header(self):
        return {**super().get_page_header(), "lead_html": self.intro}

    def evaluations(self):
        return GroupHomeEvaluation.objects.public()

    @path("")
    def index_view(self, request):
        evaluations = self.evaluations()
        year_filter = FiscalYearFilter.from_request(
            request,
            evaluations.values_list("fiscal_year", flat=True).distinct(),
            what="評価",
        )
        chosen = year_filter.apply(evaluations, year_field="fiscal_year").for_listing()
        groups = {}
        for evaluation in chosen:
            groups.setdefault(evaluation.fiscal_year, []).append(evaluation)
        meetings = public_meetings(chosen)
        years = [
            {
                "year": year,
                "label": fiscal_year_label(year),
                "evaluations": [(e, meetings.get(e.meeting_id)) for e in rows],
            }
            for year, rows in groups.items()
        ]
        return self.render(request, context_overrides={"year_filter": year_filter, "years": years})

    @path("csv/<int:year>/", name="csv")
    def csv_view(self, request, year):
        evaluations = list(self.evaluations().filter(fiscal_year=year).for_listing())
        if not evaluations:
            raise Http404("この年度の評価はありません。")
        response = HttpResponse(
            evaluation_csv(evaluations).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="gh-evaluations-{year}.csv"'
        return response


def public_meetings(evaluations):
    """{pk: meeting} of the evaluations' meetings whose pages are live and without view
    restriction; each meeting gets ``label``: its body and date (全体会 令和7年2月6日)."""
    pks = {e.meeting_id for e in evaluations if e.meeting_id}
    if not pks:
        return {}
    # One query: the body's title comes as a subquery, and the fields the link needs
    # (url_path) are loaded with the rest, not one look-up per meeting later.
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    meetings = list(
        MeetingPage.objects.filter(pk__in=pks)
        .live()
        .filter(is_public())
        .only("title", "date", "path", "url_path")
        .annotate(
            body_title=Subquery(
                Page.objects.filter(path=parent_path).order_by().values("title")[:1]
            )
        )
    )
    for meeting in meetings:
        meeting.label = f"{meeting.body_title or ''} {wareki(meeting.date, False)}".strip()
    return {m.pk: m for m in meetings}


CSV_COLUMNS_BEFORE = ["年度", "事業所番号", "事業所名", "所在市町", "評価日", "評価した会議"]
CSV_COLUMNS_AFTER = ["総評", "県への報告日"]


def evaluation_csv(evaluations):
    """The CSV for the prefecture: one row per evaluation, one column per item evaluated."""
    items = {}
    for evaluation in evaluations:
        for result in evaluation.results.all():
            items[result.item.pk] = result.item
    columns = sorted(items.values(), key=lambda item: (item.sort_order, item.pk))
    meetings = public_meetings(evaluations)
    rows = [CSV_COLUMNS_BEFORE + [item.name for item in columns] + CSV_COLUMNS_AFTER]
    for evaluation in evaluations:
        outcome = {r.item_id: r.get_outcome_display() for r in evaluation.results.all()}
        meeting = meetings.get(evaluation.meeting_id)
        rows.append(
            [
                evaluation.fiscal_year_label,
                evaluation.facility.office_number or "",
                evaluation.facility.title,
                evaluation.facility.municipality.name,
                evaluation.evaluated_on.isoformat(),
                meeting.label if meeting else "",
                *[outcome.get(item.pk, "") for item in columns],
                evaluation.summary,
                evaluation.reported_on.isoformat() if evaluation.reported_on else "",
            ]
        )
    return write_csv(rows)
