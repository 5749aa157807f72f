"""ふくしマップ: the facility directory, searched by keyword and filters, as a list or a map."""

from django.db import models
from django.http import JsonResponse
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home.models import BasePage

from .facility import FACILITY_RICH_TEXT_FEATURES, QRCodeRoutesMixin
from .search import FacilitySearch


class FacilityIndexPage(QRCodeRoutesMixin, BasePage):
    """ふくしマップ: search the district's facilities by keyword and filters, as a list or a map."""

    intro = RichTextField(
        "はじめに",
        blank=True,
        features=FACILITY_RICH_TEXT_FEATURES,
        help_text="検索の上に出る短い説明です。",
    )
    map_note = models.CharField(
        "地図の注意書き",
        max_length=200,
        blank=True,
        default="地図の位置はおおよそのものです。訪問の前に、事業所へ電話でご確認ください。",
        help_text="地図の下に出る注意書き(例: 位置はおおよそです)。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("map_note")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["facilities.FacilityPage"]
    max_count = 1

    class Meta:
        verbose_name = "ふくしマップ(事業所の検索)"

    @path("")
    def search_view(self, request):
        search = FacilitySearch(self, request)
        return self.render(request, context_overrides={"search": search})

    @path("markers/")
    def markers(self, request):
        search = FacilitySearch(self, request)
        response = JsonResponse(
            {"count": search.map_data["count"], "notes": search.notes, **search.map_data},
            json_dumps_params={"ensure_ascii": False},
        )
        return response
