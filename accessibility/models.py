"""ウェブアクセシビリティ方針 and its 試験結果 (JIS X 8341-3:2016 附属書JB).

``AccessibilityPolicyPage`` (one, under the home page) states the scope, the
target level AA, the 対応度 and its exceptions, with the date of the statement.
``AccessibilityTestResultPage`` (its child) shows what 附属書JB asks to be shown,
from one ``AccessibilityTestRun``: the run of axe-core over the chosen pages
that ``manage.py accessibility_test`` stores. The secretariat chooses the run
on the result page and publishes it once a year.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.dates import wareki
from home.models import BasePage

from . import checklist
from .criteria import STANDARD, TARGET_LEVEL, TECHNOLOGIES

DEFAULT_SELECTION = (
    "みんなの公共サイト運用ガイドラインに沿って、代表的なページ(トップページと、ページの種類ごとに1ページ)と、"
    "それ以外の公開中のページから無作為に選んだページを試験しました。無作為の選び方は、乱数の種(シード)とともに記録しています。"
)


class Conformance(models.TextChoices):
    CONFORMS = "conforms", "準拠"
    PARTIAL = "partial", "一部準拠"
    CONSIDERED = "considered", "配慮"


class AccessibilityTestRun(models.Model):
    """One run of axe-core over the chosen pages (``manage.py accessibility_test``)."""

    tested_at = models.DateTimeField("試験日時", default=timezone.now)
    base_url = models.CharField("試験したサイトのアドレス", max_length=200)
    seed = models.BigIntegerField("無作為に選ぶときの乱数の種")
    random_count = models.PositiveSmallIntegerField("無作為に選んだページの数", default=0)
    axe_version = models.CharField("axe-core の版", max_length=20, blank=True)
    # [{"url", "title", "page_type", "kind": "representative"|"random", "violations", "rules"}]
    pages = models.JSONField("試験したページ", default=list)
    # {"1.1.1": {"result", "rules_passed", "rules_violated", "violations", "manual"}, …}
    criteria = models.JSONField("達成基準ごとの結果", default=dict)
    violation_count = models.PositiveIntegerField("問題の数(axe-core)", default=0)
    media_found = models.BooleanField("音声・映像があった", default=False)

    class Meta:
        ordering = ["-tested_at", "-pk"]
        verbose_name = "アクセシビリティの試験"
        verbose_name_plural = "アクセシビリティの試験"

    def __str__(self):
        return f"{wareki(self.tested_on, False)}の試験({len(self.pages)}ページ、問題 {self.violation_count} か所)"

    @property
    def tested_on(self):
        return timezone.localdate(self.tested_at)

    def checklist_rows(self):
        return checklist.rows(self.criteria)

    def unsupported(self):
        """Numbers of the criteria this run does not show as met (不適合 or 未確認)."""
        return [
            row["number"]
            for row in self.checklist_rows()
            if row["result_code"] not in checklist.SUPPORTING
        ]

    def supports_conformance(self):
        return not self.unsupported()


class AccessibilityPolicyPage(BasePage):
    """ウェブアクセシビリティ方針: what the council aims for and how far it has got."""

    policy = RichTextField(
        "方針",
        features=RICH_TEXT_FEATURES,
        help_text="協議会がウェブアクセシビリティに取り組む方針を書きます。",
    )
    scope = RichTextField(
        "対象範囲",
        features=RICH_TEXT_FEATURES,
        help_text="方針の対象となるページ(例: このサイトのすべてのページ)。",
    )
    conformance = models.CharField(
        "対応度",
        max_length=12,
        choices=Conformance.choices,
        default=Conformance.CONSIDERED,
        help_text="「準拠」は公開中の試験結果ですべての達成基準を満たしているときだけ、「一部準拠」は試験結果を公開しているときだけ選べます。",
    )
    exceptions = RichTextField(
        "例外",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="方針の対象から除くもの(例: 外部から提供された PDF)と、その理由。",
    )
    statement_date = models.DateField("表明日", help_text="この方針を表明した日です。")

    content_panels = Page.content_panels + [
        FieldPanel("policy"),
        FieldPanel("scope"),
        MultiFieldPanel(
            [FieldPanel("conformance"), FieldPanel("statement_date")],
            heading=f"目標({STANDARD} 適合レベル {TARGET_LEVEL})",
        ),
        FieldPanel("exceptions"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("policy"),
        index.SearchField("scope"),
        index.SearchField("exceptions"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["accessibility.AccessibilityTestResultPage"]
    max_count = 1

    class Meta:
        verbose_name = "ウェブアクセシビリティ方針"

    standard = STANDARD
    target_level = TARGET_LEVEL

    def published_run(self):
        """The run shown on this policy's live result page, if any."""
        if not self.pk:
            return None
        result = (
            AccessibilityTestResultPage.objects.child_of(self)
            .live()
            .select_related("test_run")
            .first()
        )
        return result.test_run if result else None

    def clean(self):
        super().clean()
        if self.conformance == Conformance.CONFORMS:
            run = self.published_run()
            if run is None:
                raise ValidationError(
                    {
                        "conformance": "「準拠」を選ぶには、試験結果のページで試験の結果を公開してください。公開中の試験結果がありません。"
                    }
                )
            missing = run.unsupported()
            if missing:
                raise ValidationError(
                    {
                        "conformance": "公開中の試験結果では、次の達成基準が「適合」になっていないため「準拠」は選べません: "
                        + "、".join(missing)
                        + "。「一部準拠」か「配慮」を選んでください。"
                    }
                )
        elif self.conformance == Conformance.PARTIAL and self.published_run() is None:
            raise ValidationError(
                {
                    "conformance": "「一部準拠」を選ぶには、試験結果のページで試験の結果を公開してください。まだのときは「配慮」を選んでください。"
                }
            )

    def conformance_statement(self):
        """「JIS X 8341-3:2016 の適合レベル AA に一部準拠」."""
        return f"{STANDARD} の適合レベル {TARGET_LEVEL} に{self.get_conformance_display()}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["result_page"] = (
            AccessibilityTestResultPage.objects.child_of(self).live().public().first()
        )
        return context


class AccessibilityTestResultPage(BasePage):
    """試験結果: what JIS X 8341-3:2016 附属書JB asks to be shown, and the checklist."""

    intro = RichTextField("はじめに", blank=True, features=RICH_TEXT_FEATURES)
    test_run = models.ForeignKey(
        AccessibilityTestRun,
        verbose_name="公開する試験",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="manage.py accessibility_test で行った試験から、公開するものを選びます(年に1回)。",
    )
    pages_covered = models.TextField(
        "試験対象ページ",
        help_text="試験の対象にしたページの範囲(例: このサイトの公開中のすべてのページ)。",
    )
    selection_method = models.TextField("試験したページを選択した方法", default=DEFAULT_SELECTION)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("test_run"),
        FieldPanel("pages_covered"),
        FieldPanel("selection_method"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["accessibility.AccessibilityPolicyPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "アクセシビリティの試験結果"

    standard = STANDARD
    technologies = TECHNOLOGIES

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        run = self.test_run
        context["policy"] = self.get_parent().specific
        context["run"] = run
        context["rows"] = checklist.rows(run.criteria if run else {})
        return context
