"""Meeting records (会議の記録): one page per meeting of a body of the council."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from council.blocks import AgendaStreamBlock
from home.blocks import RICH_TEXT_FEATURES
from home.dates import fiscal_year, fiscal_year_label, wareki
from home.models import BasePage, BasePageForm

# Rich text left empty by the editor is stored as "" or as empty paragraphs.
EMPTY_RICH_TEXT = r"^\s*(<p[^>]*>\s*(<br\s*/?>)?\s*</p>\s*)*$"


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "対面"
    WRITTEN = "written", "書面開催"
    ONLINE = "online", "オンライン"
    HYBRID = "hybrid", "ハイブリッド(対面とオンライン)"

    @classmethod
    def online(cls):
        """Formats where people can join over the internet."""
        return (cls.ONLINE, cls.HYBRID)


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


class MeetingAccess(models.TextChoices):
    OPEN = "open", "公開"
    CLOSED = "closed", "非公開"


class MinutesKind(models.TextChoices):
    MINUTES = "minutes", "議事録"
    SUMMARY = "summary", "議事要旨"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "案"
    APPROVED = "approved", "確定"


OBSERVER_FIELDS = (
    "observer_seats",
    "observer_application",
    "observer_apply_by",
    "observer_rules_url",
)


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

    def minutes_awaiting_approval(self, days, today=None):
        """Meetings held more than ``days`` ago whose minutes are still 案 (not yet approved)."""
        today = today or timezone.localdate()
        return self.filter(
            date__lt=today - dt.timedelta(days=days), minutes_status=MinutesStatus.DRAFT
        )

    def siblings(self, parent_path, year):
        """Meetings of one body (by its tree path) in one fiscal year, enough to number them."""
        return self.filter(
            path__startswith=parent_path,
            depth=len(parent_path) // Page.steplen + 1,
            fiscal_year=year,
        ).only("pk", "title", "date", "number", "fiscal_year", "path", "depth")


MeetingManager = PageManager.from_queryset(MeetingQuerySet)


TITLE_HELP = (
    "話し合った主な内容を短く書きます(例: サインレスの継続と地域生活支援拠点等の登録状況)。"
    "「第2回全体会」のような回数と会議の名前は、ページの上に自動で表示されるので入れません。"
    "空欄のときは「運営会議(令和8年11月25日)」のように、会議の名前と開催日から付けます。"
)


def default_meeting_title(body, date):
    """「運営会議(令和8年11月25日)」: the title of a meeting left without one."""
    body = body.specific
    name = getattr(body, "display_name", None) or body.title
    return f"{name}({wareki(date, weekday=False)})"


class MeetingPageForm(BasePageForm):
    """The title may be left empty (the page titles itself); the address is made from the
    date by the model, so editors never see the slug."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = TITLE_HELP

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip() and cleaned.get("date"):
            body = self.parent_page if self.instance.pk is None else self.instance.get_parent()
            if body is not None:
                cleaned["title"] = default_meeting_title(body, cleaned["date"])
                self.instance.title = cleaned["title"]
        elif not (cleaned.get("title") or "").strip():
            self.add_error("title", "タイトルを入れるか、開催日を入れてください。")
        return cleaned


class UnpublishedTwinsPanel(HelpPanel):
    """On a new meeting: the body's meetings that were started but never published, with a
    link to each, so an editor continues a draft instead of making its twin."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "council/admin/unpublished_twins.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.drafts = []
            parent = getattr(self.form, "parent_page", None)
            if self.instance.pk is None and parent is not None:
                self.drafts = list(
                    MeetingPage.objects.child_of(parent)
                    .filter(live=False, first_published_at__isnull=True)
                    .order_by("-latest_revision_created_at")
                    .only("pk", "title", "draft_title", "date", "latest_revision_created_at")[:10]
                )

        def is_shown(self):
            return bool(self.drafts)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["drafts"] = self.drafts
            return context


class MeetingPage(BasePage):
    """One meeting of a body: date and place, agenda, minutes and handouts."""

    base_form_class = MeetingPageForm
    # The minutes sit under the template's own h2 (home.content_checks).
    content_check_heading_base = {"minutes": 2}

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
    access = models.CharField(
        "公開・非公開",
        max_length=10,
        choices=MeetingAccess.choices,
        default=MeetingAccess.OPEN,
        help_text="会議を傍聴できるかどうか。非公開にするときは、その理由を必ず入れます。",
    )
    closed_reason = models.TextField(
        "非公開の理由",
        blank=True,
        help_text="例: 個人の情報を含む事例を検討するため。非公開のときだけ入れます。",
    )
    observer_seats = models.PositiveSmallIntegerField(
        "傍聴の定員(人)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message="傍聴の定員は1以上の数で入れてください。"),
            MaxValueValidator(999, message="傍聴の定員は999人までの数で入れてください。"),
        ],
        help_text="傍聴できる人数。決まっていなければ空欄にします。",
    )
    observer_application = models.TextField(
        "傍聴の申込方法",
        blank=True,
        help_text="例: 事務局(本庄市障害福祉課)へ電話またはFAXでお申し込みください。",
    )
    observer_apply_by = models.DateField(
        "傍聴の申込期限",
        null=True,
        blank=True,
        help_text="この日までに申し込んでもらいます。開催日より後の日にはできません。",
    )
    observer_rules_url = models.URLField(
        "傍聴要領のリンク",
        blank=True,
        help_text="傍聴の決まり(傍聴要領など)を載せたページのURL。",
    )
    online_url = models.URLField(
        "オンライン参加・動画のリンク",
        blank=True,
        help_text="オンラインで参加・視聴できるURL、または会議の動画のURL。無ければ空欄にします。",
    )
    minutes_kind = models.CharField(
        "記録の種類",
        max_length=10,
        choices=MinutesKind.choices,
        default=MinutesKind.MINUTES,
        help_text="発言の内容を記録した「議事録」か、要点だけをまとめた「議事要旨」かを選びます。",
    )
    minutes_status = models.CharField(
        "議事録の状態",
        max_length=10,
        choices=MinutesStatus.choices,
        blank=True,
        help_text="承認前の議事録は「案」、会議で承認されたら「確定」にします。議事録がまだ無ければ空欄にします。",
    )
    minutes_approved_on = models.DateField(
        "承認日",
        null=True,
        blank=True,
        help_text="議事録が承認された日。開催日より前の日にはできません。",
    )
    minutes_approved_at = models.ForeignKey(
        "council.MeetingPage",
        verbose_name="承認した会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="議事録を承認した会議の記録を選びます(例: 次の回の全体会)。",
    )

    content_panels = [
        UnpublishedTwinsPanel(heading="まだ公開していない下書き"),
        *Page.content_panels,
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
        MultiFieldPanel(
            [
                FieldPanel("access"),
                FieldPanel("closed_reason"),
                FieldPanel("observer_seats"),
                FieldPanel("observer_apply_by"),
                FieldPanel("observer_application"),
                FieldPanel("observer_rules_url"),
                FieldPanel("online_url"),
            ],
            heading="公開と傍聴",
            help_text="傍聴の欄は公開の会議のときだけ入れます。開催前の会議では、ページの最初に表示されます。",
        ),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        FieldPanel("minutes"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("minutes_kind"), FieldPanel("minutes_status")]),
                FieldPanel("minutes_approved_on"),
                PageChooserPanel("minutes_approved_at", "council.MeetingPage"),
            ],
            heading="議事録の状態",
            help_text="承認日と承認した会議は「確定」のときに入れます。",
        ),
        InlinePanel(
            "handouts",
            label="資料",
            heading="会議資料",
            help_text="資料番号の順に並べます。文書は「文書」から選ぶか、その場でアップロードします。",
        ),
    ]
    # The address is made from the date (full_clean), so the slug is not offered.
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("seo_title"), FieldPanel("search_description")], heading="検索エンジン向け"
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading="サイトのメニュー"),
    ]
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
            if not self.slug:
                parent = (
                    self.get_parent() if self.path else getattr(self, "validation_parent", None)
                )
                if parent is not None:
                    self.slug = self.slug_for_date(parent)
        return super().full_clean(*args, **kwargs)

    def slug_for_date(self, parent):
        """「2026-11-25」, or 「2026-11-25-2」… when another page under ``parent`` has it."""
        base = self.date.isoformat()
        slug, n = base, 1
        while not Page._slug_is_available(slug, parent, self):
            n += 1
            slug = f"{base}-{n}"
        return slug

    def get_admin_display_title(self):
        """Meetings in the admin's lists begin with their date, so look-alike titles differ."""
        title = super().get_admin_display_title()
        return f"{self.date:%Y-%m-%d} {title}" if self.date else title

    def clean(self):
        super().clean()
        if self.end_time and not self.start_time:
            raise ValidationError(
                {"start_time": "終了時刻を入れるときは、開始時刻も入れてください。"}
            )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "終了時刻は開始時刻より後の時刻にしてください。"})
        errors = {**self._access_errors(), **self._minutes_errors()}
        if errors:
            raise ValidationError(errors)

    def _access_errors(self):
        errors = {}
        if self.access == MeetingAccess.CLOSED:
            if not (self.closed_reason or "").strip():
                errors["closed_reason"] = "非公開にするときは、非公開の理由を入れてください。"
            for name in OBSERVER_FIELDS:
                if getattr(self, name) not in (None, ""):
                    errors[name] = (
                        "非公開の会議は傍聴できません。この欄を空にするか、「公開」にしてください。"
                    )
        if self.observer_apply_by and self.date and self.observer_apply_by > self.date:
            errors["observer_apply_by"] = (
                f"傍聴の申込期限は開催日({wareki(self.date)})以前の日にしてください。"
            )
        return errors

    def _minutes_errors(self):
        errors = {}
        approved = self.minutes_status == MinutesStatus.APPROVED
        if not approved:
            message = "承認日と承認した会議は、議事録の状態が「確定」のときだけ入れます。"
            if self.minutes_approved_on:
                errors["minutes_approved_on"] = message
            if self.minutes_approved_at_id:
                errors["minutes_approved_at"] = message
        if self.minutes_approved_on and self.date and self.minutes_approved_on < self.date:
            errors.setdefault(
                "minutes_approved_on",
                f"承認日は開催日({wareki(self.date)})以後の日にしてください。",
            )
        if self.minutes_approved_at_id:
            if self.pk and self.minutes_approved_at_id == self.pk:
                errors.setdefault(
                    "minutes_approved_at", "承認した会議には、この会議以外の会議を選んでください。"
                )
            else:
                approver = MeetingPage.objects.filter(pk=self.minutes_approved_at_id).first()
                if approver and self.date and approver.date < self.date:
                    errors.setdefault(
                        "minutes_approved_at",
                        "承認した会議には、この会議の開催日以後に開いた会議を選んでください。",
                    )
        return errors

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
    def can_join_online(self):
        return self.format in MeetingFormat.online()

    @property
    def is_closed(self):
        return self.access == MeetingAccess.CLOSED

    @property
    def has_observer_info(self):
        return not self.is_closed and any(
            getattr(self, name) not in (None, "") for name in OBSERVER_FIELDS
        )

    @property
    def minutes_is_draft(self):
        return self.minutes_status == MinutesStatus.DRAFT

    @property
    def minutes_is_approved(self):
        return self.minutes_status == MinutesStatus.APPROVED

    @property
    def minutes_label(self):
        """「議事録(案)」「議事要旨」…: the kind of record, marked when it is a draft."""
        label = self.get_minutes_kind_display()
        return f"{label}(案)" if self.minutes_is_draft else label

    def minutes_approval_text(self):
        """「令和5年11月20日の第2回全体会で承認」, or "" when nothing is known of the approval."""
        if not self.minutes_is_approved:
            return ""
        approver = self.minutes_approved_at
        when = self.minutes_approved_on or (approver.date if approver else None)
        parts = []
        if when:
            parts.append(wareki(when, weekday=False))
        if approver:
            number = approver.get_display_number()
            body = approver.get_parent().specific
            name = getattr(body, "display_name", None) or body.title
            parts.append(f"第{number}回{name}" if number else f"{name}「{approver.title}」")
        return "の".join(parts) + "で承認" if parts else ""

    def observer_lines(self):
        """傍聴 information as plain lines (calendar entries), in the order shown on the page."""
        if self.is_closed:
            lines = ["非公開(傍聴できません)"]
            if self.closed_reason:
                lines.append(f"非公開の理由: {self.closed_reason}")
            return lines
        lines = ["公開(傍聴できます)"]
        if self.observer_seats:
            lines.append(f"傍聴の定員: {self.observer_seats}人")
        if self.observer_apply_by:
            lines.append(f"傍聴の申込期限: {wareki(self.observer_apply_by)}")
        if self.observer_application:
            lines.append(f"傍聴の申込方法: {self.observer_application}")
        if self.observer_rules_url:
            lines.append(f"傍聴要領: {self.observer_rules_url}")
        return lines

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
        locations = []
        if self.venue and not self.is_written:
            locations.append({"@type": "Place", "name": self.venue})
        if self.online_url:
            locations.append({"@type": "VirtualLocation", "url": self.online_url})
        if locations:
            data["location"] = locations[0] if len(locations) == 1 else locations
        if self.summary:
            data["description"] = self.summary
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["committee"] = self.get_parent().specific
        context["feeds"] = context["committee"].feeds(request)
        context["handouts"] = self.handouts.select_related("document")
        context["upcoming"] = self.is_upcoming()
        approver = self.minutes_approved_at if self.minutes_is_approved else None
        context["minutes_approver"] = approver if approver and approver.live else None
        context["minutes_approval"] = self.minutes_approval_text()
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
