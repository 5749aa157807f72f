"""The council's publications. News (お知らせ) lives here beside meetings and reports."""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import StandardStreamBlock
from home.dates import fiscal_year, fiscal_year_label
from home.models import BasePage, paginate, year_param


class NewsIndexPage(BasePage):
    """お知らせ: the list of news items, newest first, filterable by 年度."""

    intro = models.TextField("はじめに", blank=True, help_text="一覧の上に出る短い説明です。")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["council.NewsPage"]
    max_count = 1
    is_creatable = True

    class Meta:
        verbose_name = "お知らせ一覧"

    PER_PAGE = 20

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.child_of(self).live().public().defer_streamfields()
        years = sorted({fiscal_year(d) for d in news.values_list("date", flat=True)}, reverse=True)
        selected = request.GET.get("nendo", "")
        context["fiscal_years"] = [(y, fiscal_year_label(y)) for y in years]
        context["selected_year"] = None
        if selected:
            if year_param(selected) in years:
                year = year_param(selected)
                context["selected_year"] = year
                news = news.filter(date__gte=f"{year}-04-01", date__lt=f"{year + 1}-04-01")
            else:
                context["filter_error"] = (
                    "指定された年度のお知らせはありません。すべての年度を表示しています。"
                )
        context["news_page"] = paginate(request, news.order_by("-date", "-pk"), self.PER_PAGE)
        return context


class NewsPage(BasePage):
    """One news item: a seminar, a report such as the consultation offices' collaboration."""

    KIND_CHOICES = [
        ("notice", "お知らせ"),
        ("seminar", "研修会・講演会"),
        ("report", "活動報告"),
    ]

    date = models.DateField(
        "掲載日", default=timezone.localdate, help_text="一覧に表示する日付です。"
    )
    kind = models.CharField(
        "種類",
        max_length=20,
        choices=KIND_CHOICES,
        default="notice",
        help_text="一覧で見出しの前に出る種類です。",
    )
    body = StreamField(
        StandardStreamBlock(),
        verbose_name="本文",
        blank=True,
        help_text="お知らせの本文。見出しは大見出し(h2)から使います。",
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    promote_panels = Page.promote_panels
    search_fields = BasePage.search_fields + [index.SearchField("body")]

    parent_page_types = ["council.NewsIndexPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
