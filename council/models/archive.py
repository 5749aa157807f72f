"""会議の記録: every body's meetings on one page, filterable by 年度 and by body."""

from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from council.listing import meeting_listing
from home.models import BasePage
from home.privacy import is_public

from .committee import CommitteePage
from .meeting import MeetingPage


class MeetingArchivePage(BasePage):
    """会議の記録: every body's meetings, filterable by 年度 and by body."""

    intro = models.TextField("はじめに", blank=True, help_text="一覧の上に出る短い説明です。")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "会議の記録(一覧)"

    def get_page_header(self):
        return {**super().get_page_header(), "lead": self.intro}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        committees = list(
            CommitteePage.objects.live()
            .filter(is_public())
            .only("title", "short_name", "path", "depth", "slug")
        )
        meetings = MeetingPage.objects.live().filter(is_public())
        context.update(meeting_listing(request, meetings, committees=committees))
        context["feeds"] = {
            "name": "児玉郡市自立支援協議会",
            "atom": reverse("council_atom"),
            "ical": reverse("council_calendar"),
        }
        return context
