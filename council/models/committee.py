"""協議会について and one page per body of the council."""

from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from council.feeds import CouncilFeed, meetings_calendar_response
from council.history import history_by_year
from council.listing import meeting_listing
from home.blocks import RICH_TEXT_FEATURES, StandardStreamBlock
from home.models import BasePage
from home.privacy import is_public

from .meeting import MeetingPage
from .report import ActivityReportPage, BusinessItem, ReportRow


class CommitteeKind(models.TextChoices):
    PLENARY = "plenary", "全体会"
    OPERATING = "operating", "運営会議"
    SUBCOMMITTEE = "subcommittee", "専門部会"
    LIAISON = "liaison", "連絡会議"


class CouncilIndexPage(BasePage):
    """協議会について: the council's purpose, how its bodies fit together, and the list of bodies."""

    purpose = RichTextField(
        "協議会の目的",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="協議会が何のためにあるのかを、はじめて読む人にもわかるように書きます。",
    )
    organisation = StreamField(
        StandardStreamBlock(),
        verbose_name="協議会のしくみ",
        blank=True,
        help_text="会議どうしの関係を文章や表で説明します。図を使うときも、同じ内容を文章で書きます。",
    )

    content_panels = Page.content_panels + [FieldPanel("purpose"), FieldPanel("organisation")]
    search_fields = BasePage.search_fields + [
        index.SearchField("purpose"),
        index.SearchField("organisation"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["council.CommitteePage"]
    max_count = 1

    class Meta:
        verbose_name = "協議会について"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["committees"] = (
            CommitteePage.objects.child_of(self).live().filter(is_public()).defer_streamfields()
        )
        return context


class CommitteePage(RoutablePageMixin, BasePage):
    """One body of the council (全体会, 運営会議, a subcommittee or a liaison meeting).

    Lists its meetings by 年度 and its yearly reports; serves its own feeds
    and the history of each business item across years.
    """

    kind = models.CharField(
        "会議の種類",
        max_length=20,
        choices=CommitteeKind.choices,
        default=CommitteeKind.SUBCOMMITTEE,
        help_text="一覧での並び順と表示に使います。",
    )
    short_name = models.CharField(
        "略称",
        max_length=40,
        blank=True,
        help_text="絞り込みのボタンなどに表示する短い名前です。空欄のときはタイトルを使います。",
    )
    role = RichTextField(
        "役割",
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text="この会議が何をするところかを書きます。",
    )
    usual_schedule = models.CharField(
        "開催の目安", max_length=120, blank=True, help_text="例: 年3回(7月・11月・2月ごろ)"
    )
    contact = models.TextField(
        "問い合わせ先",
        blank=True,
        help_text="空欄のときは事務局の連絡先を案内します。",
    )
    established = models.DateField(
        "設置日", null=True, blank=True, help_text="部会を設けた日(わかる場合)。"
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("short_name"),
        FieldPanel("role"),
        FieldPanel("usual_schedule"),
        FieldPanel("established"),
        InlinePanel("members", label="委員", heading="委員名簿"),
        FieldPanel("contact"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("role"),
        index.SearchField("usual_schedule"),
        index.RelatedFields(
            "members", [index.SearchField("role"), index.SearchField("affiliation")]
        ),
    ]

    parent_page_types = ["council.CouncilIndexPage"]
    subpage_types = ["council.MeetingPage", "council.ActivityReportPage"]

    class Meta:
        verbose_name = "会議・部会"
        verbose_name_plural = "会議・部会"

    @property
    def display_name(self):
        return self.short_name or self.title

    def feeds(self, request=None):
        """This body's Atom and iCalendar feeds, for ``council/includes/feed_*.html``."""
        url = self.get_url(request)
        return {
            "name": self.title,
            "atom": url + self.reverse_subpage("atom_feed"),
            "ical": url + self.reverse_subpage("ical_feed"),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["feeds"] = self.feeds(request)
        meetings = MeetingPage.objects.child_of(self).live().filter(is_public())
        context.update(meeting_listing(request, meetings, committees=None))
        context["reports"] = (
            ActivityReportPage.objects.child_of(self)
            .live()
            .filter(is_public())
            .defer_streamfields()
            .order_by("-fiscal_year")
        )
        context["members"] = self.members.all()
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        return self.render(request)

    @path("items/<int:item_id>/")
    def item_history(self, request, item_id):
        item = BusinessItem.objects.filter(pk=item_id).first()
        if item is None:
            raise Http404("事業項目が見つかりません。")
        reports = ActivityReportPage.objects.child_of(self).live().filter(is_public())
        rows = (
            ReportRow.objects.filter(business_item=item, page__in=reports)
            .select_related("page")
            .order_by("page__fiscal_year")
        )
        # Rendered without the body page's own listing context, which it does not show.
        return TemplateResponse(
            request,
            "council/item_history.html",
            {
                "page": self,
                "self": self,
                "committee": self,
                "business_item": item,
                "history_years": history_by_year(rows),
                "header": {
                    "title": f"{item.name}の年度ごとの推移",
                    "kicker_page": self,
                },
            },
        )

    @path("feed/atom/")
    def atom_feed(self, request):
        pages = Page.objects.type(MeetingPage, ActivityReportPage).child_of(self)
        return CouncilFeed(
            pages, title=f"{self.title}の新着情報｜児玉郡市自立支援協議会", link_page=self
        )(request)

    @path("feed/ical/")
    def ical_feed(self, request):
        return meetings_calendar_response(
            request,
            MeetingPage.objects.child_of(self),
            name=f"{self.title}の会議",
            committees=[self],
        )


class CommitteeMember(Orderable):
    """A row of the 委員名簿. Names are optional: many bodies publish roles and affiliations only."""

    page = ParentalKey(CommitteePage, on_delete=models.CASCADE, related_name="members")
    role = models.CharField("役職", max_length=40, blank=True, help_text="例: 会長、副会長、委員")
    affiliation = models.CharField(
        "所属", max_length=120, help_text="例: 本庄市 障害福祉課、相談支援事業所"
    )
    name = models.CharField(
        "氏名",
        max_length=60,
        blank=True,
        help_text="公開してよいと本人が同意したときだけ入力します。",
    )

    panels = [FieldPanel("role"), FieldPanel("affiliation"), FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = "委員"
        verbose_name_plural = "委員名簿"

    def __str__(self):
        return f"{self.role} {self.affiliation}".strip()
