"""Meeting records (会議の記録): one page per meeting of a body of the council."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from council.blocks import AgendaStreamBlock
from home.blocks import RICH_TEXT_FEATURES
from home.dates import fiscal_year, fiscal_year_label
from home.models import BasePage

# Rich text left empty by the editor is stored as "" or as empty paragraphs.
EMPTY_RICH_TEXT = r"^\s*(<p[^>]*>\s*(<br\s*/?>)?\s*</p>\s*)*$"


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "対面"
    WRITTEN = "written", "書面開催"
    ONLINE = "online", "オンライン"
    HYBRID = "hybrid", "ハイブリッド(対面とオンライン)"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "開催予定"
    HELD = "held", "開催済み"
    CANCELLED = "cancelled", "中止"
    POSTPONED = "postponed", "延期"

    @classmethod
    def upcoming(cls):
        """Statuses of a meeting that is still to come (when its date is not past)."""
        return (cls.SCHEDULED, cls.POSTPONED)

    @classmethod
    def without_minutes(cls):
        """Statuses of a meeting that will have no minutes."""
        return (cls.CANCELLED, cls.POSTPONED)


def numbered(meetings):
    """{pk: 第N回} for meetings of one body and fiscal year.

    An editor's number wins; the others are numbered by date (ties by id),
    counting every meeting of the year.
    """
    ordered = sorted(meetings, key=lambda m: (m.date, m.pk or 0))
    return {m.pk: m.number or position for position, m in enumerate(ordered, start=1)}


class MeetingQuerySet(PageQuerySet):
    def upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.filter(date__gte=today, status__in=MeetingStatus.upcoming())

    def records(self, today=None):
        """Everything that is not upcoming: held, cancelled, and past-dated meetings."""
        today = today or timezone.localdate()
        return self.exclude(date__gte=today, status__in=MeetingStatus.upcoming())

    def minutes_overdue(self, days, today=None):
        """Meetings held more than ``days`` ago whose minutes are still empty."""
        today = today or timezone.localdate()
        return (
            self.filter(date__lt=today - dt.timedelta(days=days))
            .exclude(status__in=MeetingStatus.without_minutes())
            .filter(Q(minutes="") | Q(minutes__regex=EMPTY_RICH_TEXT))
        )

    def siblings(self, parent_path, year):
        """Meetings of one body (by its tree path) in one fiscal year, enough to number them."""
        return self.filter(
            path__startswith=parent_path,
            depth=len(parent_path) // Page.steplen + 1,
            fiscal_year=year,
        ).only("pk", "title", "date", "number", "fiscal_year", "path", "depth")


MeetingManager = PageManager.from_queryset(MeetingQuerySet)


class MeetingPage(BasePage):
    """One meeting of a body: date and place, agenda, minutes and handouts."""

    number = models.PositiveSmallIntegerField(
        "回数(第N回)",
        null=True,
        blank=True,
        # Within the column's range on every database (SQLite would store 40000).
        validators=[
            MinValueValidator(1, message="回数は1から99までの数字で入力してください。"),
            MaxValueValidator(99, message="回数は1から99までの数字で入力してください。"),
        ],
        help_text="空欄のときは、その年度の開催日の順に自動で付けます。",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", editable=False, db_index=True, help_text="開催日から自動で決まります。"
    )
    date = models.DateField(
        "開催日", help_text="会議を開いた(開く)日。年度と第N回はこの日から決まります。"
    )
    start_time = models.TimeField(
        "開始時刻", null=True, blank=True, help_text="24時間制で入力します(例: 14:00)。"
    )
    end_time = models.TimeField(
        "終了時刻",
        null=True,
        blank=True,
        help_text="終わりの時刻が分からなければ空欄で構いません。",
    )
    venue = models.CharField(
        "会場", max_length=200, blank=True, help_text="例: 本庄市役所 4階 大会議室"
    )
    format = models.CharField(
        "開催形式",
        max_length=20,
        choices=MeetingFormat.choices,
        default=MeetingFormat.IN_PERSON,
        help_text="対面・書面開催・オンライン・ハイブリッドから選びます。書面開催では会場の代わりに「書面開催」と表示されます。",
    )
    status = models.CharField(
        "開催の状況",
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
        help_text="会議が終わったら「開催済み」にします。",
    )
    agenda = StreamField(
        AgendaStreamBlock(),
        verbose_name="議題",
        blank=True,
        help_text="議題ごとに、種類(報告・協議・承認・その他)と内容、結果を入れます。",
    )
    minutes = RichTextField(
        "議事録",
        blank=True,
        features=RICH_TEXT_FEATURES + ["h3"],
        help_text="開催後に入力します。開催前は空欄のままで構いません。",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                FieldPanel("number"),
                FieldPanel("format"),
                FieldPanel("venue"),
                FieldPanel("status"),
            ],
            heading="日時と会場",
        ),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        FieldPanel("minutes"),
        InlinePanel(
            "handouts",
            label="資料",
            heading="会議資料",
            help_text="資料番号の順に並べます。文書は「文書」から選ぶか、その場でアップロードします。",
        ),
    ]
    promote_panels = Page.promote_panels
    search_fields = BasePage.search_fields + [
        index.SearchField("venue"),
        index.SearchField("agenda"),
        index.SearchField("minutes"),
        index.RelatedFields("handouts", [index.SearchField("label"), index.SearchField("title")]),
        index.FilterField("date"),
        index.FilterField("fiscal_year"),
    ]

    parent_page_types = ["council.CommitteePage"]
    subpage_types = []

    objects = MeetingManager()

    class Meta:
        verbose_name = "会議の記録"
        verbose_name_plural = "会議の記録"
        ordering = ["-date"]

    def save(self, *args, **kwargs):
        if self.date:
            self.fiscal_year = fiscal_year(self.date)
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        if self.date:
            self.fiscal_year = fiscal_year(self.date)
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.end_time and not self.start_time:
            raise ValidationError(
                {"start_time": "終了時刻を入れるときは、開始時刻も入れてください。"}
            )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "終了時刻は開始時刻より後の時刻にしてください。"})

    def clean_in_tree(self, parent):
        """第N回 is unique within the body and 年度 (see BasePage.clean_in_tree)."""
        if not self.date:
            return
        year = fiscal_year(self.date)
        others = [m for m in MeetingPage.objects.siblings(parent.path, year) if m.pk != self.pk]
        this = MeetingPage(pk=self.pk, date=self.date, number=self.number)
        numbers = numbered([*others, this])
        mine = numbers[this.pk]
        clash = next((m for m in others if numbers[m.pk] == mine), None)
        if clash is None:
            return
        label = fiscal_year_label(year)
        if self.number:
            message = (
                f"{label}の第{mine}回は、既に「{clash.title}」"
                f"({clash.date:%Y-%m-%d})に付いています。別の回数を入れてください。"
            )
        else:
            message = (
                f"開催日から数えると{label}の第{mine}回ですが、"
                f"「{clash.title}」が既に第{mine}回になっています。回数を入力してください。"
            )
        raise ValidationError({"number": message})

    @property
    def is_written(self):
        return self.format == MeetingFormat.WRITTEN

    @property
    def fiscal_year_label(self):
        return fiscal_year_label(self.fiscal_year)

    @property
    def is_held(self):
        return self.status == MeetingStatus.HELD

    @property
    def is_cancelled(self):
        return self.status == MeetingStatus.CANCELLED

    def is_upcoming(self, today=None):
        today = today or timezone.localdate()
        return self.status in MeetingStatus.upcoming() and self.date >= today

    @property
    def calendar_status(self):
        """STATUS of the meeting's iCalendar event (RFC 5545)."""
        return {
            MeetingStatus.CANCELLED: "CANCELLED",
            MeetingStatus.POSTPONED: "TENTATIVE",
        }.get(self.status, "CONFIRMED")

    @classmethod
    def attach_numbers(cls, meetings):
        """Set ``display_number`` on each meeting, with one query for all their siblings."""
        meetings = list(meetings)
        if not meetings:
            return meetings
        years = {m.fiscal_year for m in meetings}
        parents = {m.path[: -Page.steplen] for m in meetings}
        groups = {}
        for sibling in cls.objects.filter(fiscal_year__in=years).only(
            "pk", "date", "number", "fiscal_year", "path"
        ):
            parent = sibling.path[: -Page.steplen]
            if parent in parents:
                groups.setdefault((parent, sibling.fiscal_year), []).append(sibling)
        numbers = {}
        for group in groups.values():
            numbers.update(numbered(group))
        for meeting in meetings:
            meeting.display_number = numbers.get(meeting.pk)
        return meetings

    def get_display_number(self):
        if getattr(self, "display_number", None) is None:
            siblings = MeetingPage.objects.siblings(self.path[: -Page.steplen], self.fiscal_year)
            self.display_number = numbered(siblings).get(self.pk, self.number)
        return self.display_number

    def get_page_header(self):
        number = self.get_display_number()
        kicker = self.fiscal_year_label + (f" 第{number}回" if number else "")
        return {
            "title": self.title,
            "kicker_page": self.get_parent(),
            "kicker": kicker,
            "dates": [("更新日", self.last_published_at)],
        }

    def starts_at(self):
        """Aware datetime of the start in Asia/Tokyo, or None for a date-only meeting."""
        if self.start_time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    def ends_at(self):
        if self.start_time is None:
            return None
        end = self.end_time or self.start_time
        return timezone.make_aware(dt.datetime.combine(self.date, end))

    def get_jsonld(self, request=None):
        """schema.org Event for search engines and assistive tools."""
        status = {
            MeetingStatus.CANCELLED: "https://schema.org/EventCancelled",
            MeetingStatus.POSTPONED: "https://schema.org/EventPostponed",
        }.get(self.status, "https://schema.org/EventScheduled")
        mode = {
            MeetingFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
            MeetingFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
        }.get(self.format, "https://schema.org/OnlineEventAttendanceMode")
        start = self.starts_at()
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "startDate": start.isoformat() if start else self.date.isoformat(),
            "eventStatus": status,
            "eventAttendanceMode": mode,
            "organizer": {"@type": "Organization", "name": "児玉郡市自立支援協議会"},
            "url": self.get_full_url(request),
        }
        end = self.ends_at()
        if end and self.end_time:
            data["endDate"] = end.isoformat()
        if self.venue and not self.is_written:
            data["location"] = {"@type": "Place", "name": self.venue}
        if self.summary:
            data["description"] = self.summary
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["committee"] = self.get_parent().specific
        context["feeds"] = context["committee"].feeds(request)
        context["handouts"] = self.handouts.select_related("document")
        return context


class MeetingHandout(Orderable):
    """A handout (資料) of a meeting: label, title and the uploaded document."""

    page = ParentalKey(MeetingPage, on_delete=models.CASCADE, related_name="handouts")
    label = models.CharField(
        "資料番号", max_length=30, blank=True, help_text="例: 資料5-1、次第、参考資料"
    )
    title = models.CharField(
        "資料名", max_length=200, help_text="資料の中身が分かる名前(例: 令和5年度活動報告)。"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="文書",
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="アップロード済みの文書(PDFなど)を選びます。まだなら「文書」から先にアップロードします。",
    )

    panels = [FieldPanel("label"), FieldPanel("title"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "会議資料"
        verbose_name_plural = "会議資料"

    def __str__(self):
        return f"{self.label} {self.title}".strip()
