"""Yearly report/plan tables (活動報告及び活動計画) and the business items that are their rows."""

import calendar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from council.blocks import NewPlansBlock, ReportPointsBlock
from home.dates import fiscal_year_label, wareki, wareki_month
from home.models import BasePage, BasePageForm, CleanTextAdminForm


class BusinessItem(index.Indexed, models.Model):
    """A standard business item (事業項目), one row of every body's yearly table."""

    number = models.PositiveSmallIntegerField(
        "番号", unique=True, help_text="表の行の並び順です(1から)。"
    )
    name = models.CharField(
        "事業項目",
        max_length=120,
        unique=True,
        help_text="活動報告・活動計画の表の行の名前(例: 相談支援体制の充実)。",
    )
    description = models.TextField(
        "説明",
        blank=True,
        help_text="この事業項目で何をするかの短い説明。項目の推移ページに出ます。",
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["number"]
        verbose_name = "事業項目"
        verbose_name_plural = "事業項目"

    def __str__(self):
        return self.name


class ActivityReportPageForm(BasePageForm):
    def is_valid(self):
        # Row formsets are cleaned after the page form, so duplicates are checked here.
        valid = super().is_valid()
        rows = self.formsets.get("rows")
        if rows is None:
            return valid
        seen, duplicated = set(), False
        for form in rows.forms:
            data = getattr(form, "cleaned_data", None) or {}
            item = data.get("business_item")
            if data.get("DELETE") or item is None:
                continue
            if item.pk in seen:
                form.add_error(
                    "business_item", f"「{item.name}」の行が2つあります。1つにまとめてください。"
                )
                duplicated = True
            seen.add(item.pk)
        return valid and not duplicated


class ActivityReportPage(BasePage):
    """One body's 活動報告及び活動計画 for one fiscal year, one row per business item."""

    fiscal_year = models.PositiveSmallIntegerField(
        "報告する年度(西暦)",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="年度の始まる年を西暦で入れます。令和5年度なら 2023。",
    )
    plan_year = models.PositiveSmallIntegerField(
        "計画の年度(西暦)",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="空欄のときは翌年度になります。",
    )
    as_of = models.DateField(
        "時点", null=True, blank=True, help_text="取組状況がいつの時点のものか。例: 2024-03-31"
    )
    material_number = models.CharField(
        "資料番号", max_length=30, blank=True, help_text="全体会の資料番号。例: 資料5-1"
    )
    intro = models.TextField("はじめに", blank=True, help_text="表の上に出る短い説明です。")

    base_form_class = ActivityReportPageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("fiscal_year"), FieldPanel("plan_year")]),
                FieldRowPanel([FieldPanel("as_of"), FieldPanel("material_number")]),
            ],
            heading="年度と資料番号",
        ),
        FieldPanel("intro"),
        InlinePanel(
            "rows",
            label="事業項目の行",
            heading="報告と計画の表",
            help_text="事業項目ごとに1行です。番号ごとに取組状況・結果及び評価・次年度の計画を入れます。",
        ),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("material_number"),
        index.RelatedFields(
            "rows",
            [
                index.SearchField("points"),
                index.SearchField("new_plans"),
                index.RelatedFields("business_item", [index.SearchField("name")]),
            ],
        ),
        index.FilterField("fiscal_year"),
    ]

    parent_page_types = ["council.CommitteePage"]
    subpage_types = []

    class Meta:
        verbose_name = "活動報告・活動計画"
        verbose_name_plural = "活動報告・活動計画"

    def clean(self):
        super().clean()
        if self.fiscal_year and self.plan_year and self.plan_year <= self.fiscal_year:
            raise ValidationError({"plan_year": "計画の年度は、報告する年度より後にしてください。"})

    def clean_in_tree(self, parent):
        """One report per body and 年度."""
        if not self.fiscal_year:
            return
        clash = (
            ActivityReportPage.objects.child_of(parent)
            .filter(fiscal_year=self.fiscal_year)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "fiscal_year": f"この会議の{fiscal_year_label(self.fiscal_year)}の活動報告は、"
                    f"既に「{clash.title}」があります。"
                }
            )

    def get_page_header(self):
        meta = f"{self.fiscal_year_label}の活動報告と{self.plan_year_label}の活動計画"
        if self.as_of:
            meta += f"(取組状況は{self.as_of_label})"
        return {
            "title": self.title,
            "kicker_page": self.get_parent(),
            "kicker": self.material_number,
            "meta": meta,
            "dates": [("更新日", self.last_published_at)],
        }

    def save(self, *args, **kwargs):
        if self.fiscal_year and not self.plan_year:
            self.plan_year = self.fiscal_year + 1
        return super().save(*args, **kwargs)

    @property
    def fiscal_year_label(self):
        return fiscal_year_label(self.fiscal_year)

    @property
    def plan_year_label(self):
        return fiscal_year_label(self.plan_year or self.fiscal_year + 1)

    @property
    def as_of_label(self):
        """令和6年3月末時点 for a month's last day, otherwise the full date."""
        if self.as_of is None:
            return ""
        last_day = calendar.monthrange(self.as_of.year, self.as_of.month)[1]
        if self.as_of.day == last_day:
            return f"{wareki_month(self.as_of)}末時点"
        return f"{wareki(self.as_of, weekday=False)}時点"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["committee"] = self.get_parent().specific
        context["rows"] = self.rows.select_related("business_item")
        return context


class ReportRow(Orderable):
    """One business item's row: numbered points aligned across the three columns."""

    page = ParentalKey(ActivityReportPage, on_delete=models.CASCADE, related_name="rows")
    business_item = models.ForeignKey(
        BusinessItem,
        verbose_name="事業項目",
        on_delete=models.PROTECT,
        related_name="report_rows",
        help_text="事業項目の一覧にないときは、事務局が「事業項目」に追加します。",
    )
    points = StreamField(
        ReportPointsBlock(),
        verbose_name="取組状況・結果及び評価・次年度の計画",
        blank=True,
        help_text="番号1の取組状況・評価・計画を1組目に、番号2を2組目に入れます。",
    )
    new_plans = StreamField(
        NewPlansBlock(),
        verbose_name="新規計画内容",
        blank=True,
        help_text="次年度から新しく始める取組があるときに入れます。",
    )

    panels = [FieldPanel("business_item"), FieldPanel("points"), FieldPanel("new_plans")]

    class Meta(Orderable.Meta):
        verbose_name = "事業項目の行"
        verbose_name_plural = "事業項目の行"

    def __str__(self):
        return str(self.business_item) if self.business_item_id else "(事業項目なし)"

    @property
    def rowspan(self):
        """Table rows this business item spans: its points (at least one) and new plans."""
        return max(len(self.points), 1) + len(self.new_plans)

    @property
    def point_rows(self):
        """The numbered points as (number, value) pairs for templates."""
        return [(n, block.value) for n, block in enumerate(self.points, start=1)]
