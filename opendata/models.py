"""オープンデータ: the page that lists the datasets, its API guide, and the licence setting."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage

DEFAULT_LICENCE_NAME = "クリエイティブ・コモンズ 表示 4.0 国際(CC BY 4.0)"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"
DEFAULT_ATTRIBUTION = "児玉郡市自立支援協議会"


@register_setting(icon="table")
class OpenDataSettings(BaseSiteSetting):
    """The licence of the open data; 事務局 may choose another than CC BY 4.0."""

    licence_name = models.CharField(
        "ライセンスの名前",
        max_length=120,
        default=DEFAULT_LICENCE_NAME,
        help_text="オープンデータのページに出るライセンスの名前です。",
    )
    licence_url = models.URLField(
        "ライセンスの説明のアドレス",
        default=DEFAULT_LICENCE_URL,
        help_text="ライセンスの内容を説明したページのアドレス(https:// から始まります)。",
    )
    attribution = models.CharField(
        "出典の書き方",
        max_length=120,
        default=DEFAULT_ATTRIBUTION,
        help_text="データを使う人に書いてもらう出典の名前です(例: 児玉郡市自立支援協議会)。",
    )

    panels = [FieldPanel("licence_name"), FieldPanel("licence_url"), FieldPanel("attribution")]

    class Meta:
        verbose_name = "オープンデータの設定"


class OpenDataPage(RoutablePageMixin, BasePage):
    """オープンデータ: each dataset with its licence, update date, columns and files;
    and, at ``api/``, the guide to the read-only JSON API."""

    intro = RichTextField(
        "はじめに",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="データの一覧の上に出る短い説明です。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "オープンデータ"

    def get_page_header(self):
        return {**super().get_page_header(), "lead_html": self.intro}

    @path("")
    def datasets_view(self, request):
        from .datasets import available_datasets

        return self.render(
            request,
            context_overrides={
                "datasets": [d.describe(request) for d in available_datasets(request)],
                "licence": OpenDataSettings.for_request(request),
            },
        )

    @path("api/")
    def api_guide(self, request):
        from .api import API_GUIDE

        return self.render(
            request,
            template="opendata/api_guide.html",
            context_overrides={
                "guide": API_GUIDE,
                "header": {
                    "title": "データの API(JSON)",
                    "kicker_page": self,
                    "lead": "ふくしマップの事業所・会議の記録・お知らせを、プログラムから JSON で読み出せます。",
                },
                "licence": OpenDataSettings.for_request(request),
            },
        )
