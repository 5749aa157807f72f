"""The council's publications. News (お知らせ) lives here beside meetings and reports."""

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import StandardStreamBlock
from home.dates import fiscal_year
from home.listing import FiscalYearFilter, paginate
from home.models import BasePage
from home.privacy import is_public


class NewsKind(models.TextChoices):
    NOTICE = "notice", "お知らせ"
    SEMINAR = "seminar", "研修会・講演会"
    REPORT = "report", "活動報告"


class NewsIndexPage(BasePage):
    """お知らせ: the list of news items, newest first, filterable by 年度."""

    intro = models.TextField("はじめに", blank=True, help_text="一覧の上に出る短い説明です。")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["council.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = "お知らせ一覧"

    PER_PAGE = 20

    def get_page_header(self):
        return {**super().get_page_header(), "lead": self.intro}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.child_of(self).live().filter(is_public()).defer_streamfields()
        year_filter = FiscalYearFilter.from_request(
            request, [fiscal_year(d) for d in news.values_list("date", flat=True)], what="お知らせ"
        )
        news = year_filter.apply(news, date_field="date")
        context["year_filter"] = year_filter
        context["news_page"] = paginate(request, news.order_by("-date", "-pk"), self.PER_PAGE)
        return context


class NewsPage(BasePage):
    """One news item: a seminar, a report such as the consultation offices' collaboration."""

    date = models.DateField(
        "掲載日", default=timezone.localdate, help_text="一覧に表示する日付です。"
    )
    kind = models.CharField(
        "種類",
        max_length=20,
        choices=NewsKind.choices,
        default=NewsKind.NOTICE,
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

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"

    def get_page_header(self):
        return {
            "title": self.title,
            "tag": self.get_kind_display(),
            "dates": [("掲載日", self.date)],
        }

    def get_jsonld(self, request=None):
        data = {
            **super().get_jsonld(request),
            "@type": "Article",
            "headline": self.title,
            "datePublished": self.date.isoformat(),
            "publisher": {"@type": "Organization", "name": "児玉郡市自立支援協議会"},
        }
        data.pop("name")
        return data
