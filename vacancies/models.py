"""空き情報: monthly vacancy figures of residential services, the services tracked, and the
public page that lists the latest figures.

A figure belongs to a facility of ふくしマップ; this app sits above ``facilities`` and
adds its figures to the facility pages and the facility search through the extension
points of ``facilities.extensions`` (see ``wagtail_hooks.py``).
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.search import index

from facilities.models import FacilityPage, FacilityService, ServiceType
from facilities.models.facility import FACILITY_RICH_TEXT_FEATURES
from home.dates import wareki_month
from home.models import BasePage
from home.privacy import is_public

DEFAULT_TRACKED = [
    "施設入所支援",
    "共同生活援助(介護サービス包括型)",
    "共同生活援助(外部サービス利用型)",
    "共同生活援助(日中サービス支援型)",
    "短期入所",
]
MAX_VACANCIES = 999


def month_start(value=None):
    """The first day of the month of ``value`` (today in Asia/Tokyo by default)."""
    value = value or timezone.localdate()
    return dt.date(value.year, value.month, 1)


def previous_month(month):
    return (month - dt.timedelta(days=1)).replace(day=1)


def next_month(month):
    return (month + dt.timedelta(days=32)).replace(day=1)


def month_label(month):
    """令和6年4月1日時点 — figures are collected as of the first of the month."""
    return f"{wareki_month(month)}1日時点"


@register_setting(icon="table")
class VacancySettings(BaseSiteSetting):
    tracked_service_types = models.ManyToManyField(
        "facilities.ServiceType",
        verbose_name="空き情報を集めるサービス",
        blank=True,
        help_text="選ばないときは、施設入所支援・共同生活援助(3類型)・短期入所を集めます。",
    )

    panels = [FieldPanel("tracked_service_types", widget=forms.CheckboxSelectMultiple)]

    class Meta:
        verbose_name = "空き情報の設定"

    def tracked(self):
        chosen = list(self.tracked_service_types.all()) if self.pk else []
        return chosen or list(ServiceType.objects.filter(name__in=DEFAULT_TRACKED))

    @classmethod
    def _tracked_where(cls, site_condition):
        """The tracked service types of the site(s) ``site_condition`` (a Q on the setting's
        site) selects, in one query: those chosen, or the default ones when none is."""
        through = cls.tracked_service_types.through
        chosen = through.objects.filter(site_condition, servicetype_id=OuterRef("pk"))
        candidates = list(
            ServiceType.objects.annotate(chosen=Exists(chosen)).filter(
                Q(chosen=True) | Q(name__in=DEFAULT_TRACKED)
            )
        )
        picked = [s for s in candidates if s.chosen]
        return picked or [s for s in candidates if s.name in DEFAULT_TRACKED]

    @classmethod
    def tracked_for_request(cls, request):
        """The tracked service types for the request's site, looked up once per request."""
        if "_vacancy_tracked" not in request.__dict__:
            site = Site.find_for_request(request)
            request._vacancy_tracked = cls._tracked_where(
                Q(vacancysettings__site_id=site.pk if site else None)
            )
        return request._vacancy_tracked

    @classmethod
    def tracked_for_default_site(cls):
        """The default site's tracked service types (its settings row is created when missing)."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            return list(ServiceType.objects.filter(name__in=DEFAULT_TRACKED))
        return cls._tracked_where(Q(vacancysettings_id=cls.for_site(site).pk))


class ForWhom(models.TextChoices):
    ANY = "any", "問わず"
    MALE = "male", "男性"
    FEMALE = "female", "女性"


# The values an editor enters for one facility, service and month.
ENTERED_FIELDS = ("vacancies", "for_whom", "trial_stay", "note")


class VacancyFigureQuerySet(models.QuerySet):
    def by_row(self, month, facilities=None):
        """The month's figures as {(facility id, service type id): figure} (of ``facilities``,
        ids, when given)."""
        figures = self.filter(month=month)
        if facilities is not None:
            figures = figures.filter(facility_id__in=facilities)
        return {(f.facility_id, f.service_type_id): f for f in figures.select_related("entered_by")}

    def latest_figures(self, service_types, facilities=None):
        """The newest figure of each (live facility, service) pair, in one query."""
        newest = self.model.objects.filter(
            facility=OuterRef("facility"), service_type=OuterRef("service_type")
        ).order_by("-month")
        figures = self.filter(
            service_type__in=service_types,
            facility__live=True,
            month=Subquery(newest.values("month")[:1]),
        )
        if facilities is not None:
            figures = figures.filter(facility__in=facilities)
        return figures.select_related("facility__municipality", "service_type")

    def changed_since(self, month, moment, facilities=None):
        """Figures of ``month`` saved after ``moment`` (by someone else, in the meantime)."""
        figures = self.filter(month=month, updated_at__gt=moment)
        if facilities is not None:
            figures = figures.filter(facility_id__in=facilities)
        return figures.select_related("facility", "service_type", "entered_by")

    def tracked_rows(self, facilities=None):
        """(facility, service type) pairs the secretariat collects, in 50音 order of facility
        (of ``facilities``, ids, when given)."""
        offers = FacilityService.objects.filter(
            service_type__in=VacancySettings.tracked_for_default_site(), page__live=True
        )
        if facilities is not None:
            offers = offers.filter(page_id__in=facilities)
        offers = offers.select_related("page__municipality", "service_type").order_by(
            "page__kana_sort", "page_id", "service_type__sort_order"
        )
        seen, rows = set(), []
        for offer in offers:
            key = (offer.page_id, offer.service_type_id)
            if key not in seen:
                seen.add(key)
                rows.append((offer.page, offer.service_type))
        return rows

    def missing_rows(self, month):
        """Tracked (facility, service type) pairs with no figure saved for ``month``, in the
        order of ``tracked_rows``: what the dashboard lists and the monthly reminders ask for."""
        entered = set(self.filter(month=month).values_list("facility_id", "service_type_id"))
        return [(f, s) for f, s in self.tracked_rows() if (f.pk, s.pk) not in entered]

    @transaction.atomic
    def write_month(self, month, rows, user):
        """Record a month's sheet at once; returns the number of figures written.

        ``rows``: dicts with ``facility`` and ``service_type`` ids and the
        ENTERED_FIELDS. A row that is blank and has no figure yet, or that
        changes nothing, is left alone. Used by the monthly screen and the CSV
        import alike.
        """
        current = self.by_row(month)
        today = timezone.localdate()
        written = 0
        for row in rows:
            figure = current.get((row["facility"], row["service_type"]))
            if figure is None:
                if VacancyFigure.row_is_blank(row):
                    continue
                figure = VacancyFigure(
                    facility_id=row["facility"], service_type_id=row["service_type"], month=month
                )
            elif not figure.differs_from(row):
                continue
            for name in ENTERED_FIELDS:
                setattr(figure, name, row[name])
            figure.reported_on = today
            figure.entered_by = user
            figure.save()
            written += 1
        return written


class VacancyFigure(models.Model):
    """One facility's vacancies for one service in one month (as of the 1st)."""

    UNANSWERED = "未回答"

    facility = models.ForeignKey(
        "facilities.FacilityPage",
        verbose_name="事業所",
        on_delete=models.CASCADE,
        related_name="vacancy_figures",
        help_text="空き情報を報告した事業所。",
    )
    service_type = models.ForeignKey(
        "facilities.ServiceType",
        verbose_name="サービス",
        on_delete=models.PROTECT,
        related_name="vacancy_figures",
        help_text="空き情報の対象のサービス。",
    )
    month = models.DateField("対象月", help_text="その月の1日時点の空き状況です。")
    vacancies = models.PositiveSmallIntegerField(
        "空き人数",
        null=True,
        blank=True,
        validators=[
            MaxValueValidator(
                MAX_VACANCIES, message=f"空き人数が大きすぎます({MAX_VACANCIES}人まで)。"
            )
        ],
        help_text="空欄は「未回答」として扱います。",
    )
    for_whom = models.CharField(
        "対象",
        max_length=10,
        choices=ForWhom.choices,
        default=ForWhom.ANY,
        help_text="空きを受け入れられる方(問わず・男性・女性)。",
        error_messages={
            "invalid_choice": "対象は「問わず」「男性」「女性」のどれかにしてください。"
        },
    )
    trial_stay = models.BooleanField(
        "体験利用", default=False, help_text="体験利用を受け入れられる"
    )
    note = models.CharField(
        "備考",
        max_length=200,
        blank=True,
        help_text="例: 体験利用のみ可。公開ページに出ます。",
        error_messages={"max_length": "備考は200文字までです。"},
    )
    reported_on = models.DateField(
        "回答日", default=timezone.localdate, help_text="事業所から回答を受けた日。"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = VacancyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = "空き情報"
        verbose_name_plural = "空き情報"
        ordering = ["-month", "facility__kana_sort", "service_type__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "service_type", "month"],
                name="one_figure_per_facility_service_month",
            )
        ]
        indexes = [models.Index(fields=["month", "service_type"], name="vacancy_month_service_idx")]

    def __str__(self):
        return f"{self.facility.title} {self.service_type.name} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        self.month = month_start(self.month)
        return super().save(*args, **kwargs)

    @classmethod
    def entered_value_errors(cls, values):
        """The model's messages for the entered values, as {field: [message, ...]}."""
        entered = [name for name in ENTERED_FIELDS if name in values]
        figure = cls(**{name: values[name] for name in entered})
        exclude = [f.name for f in cls._meta.fields if f.name not in entered]
        try:
            figure.clean_fields(exclude=exclude)
        except ValidationError as error:
            return error.message_dict
        return {}

    @staticmethod
    def row_is_blank(row):
        return row["vacancies"] is None and not row["note"] and not row["trial_stay"]

    def differs_from(self, row):
        return any(getattr(self, name) != row[name] for name in ENTERED_FIELDS)

    @property
    def answered(self):
        return self.vacancies is not None

    @property
    def has_vacancy(self):
        return bool(self.vacancies)

    @property
    def status_label(self):
        """未回答, 空きあり 2人 or 空きなし."""
        if self.vacancies is None:
            return self.UNANSWERED
        return f"空きあり {self.vacancies}人" if self.vacancies else "空きなし"

    @classmethod
    def count_label(cls, vacancies):
        """'2人' for a number of vacancies, 未回答 for None."""
        return cls.UNANSWERED if vacancies is None else f"{vacancies}人"

    def is_stale(self, today=None):
        """True when this figure is from before the current month (Asia/Tokyo)."""
        return self.month < month_start(today or timezone.localdate())

    @property
    def month_label(self):
        return month_label(self.month)


class VacancyPage(BasePage):
    """空き情報: the latest vacancy figures of residential services, by service and municipality.

    Public by default; the secretariat can limit it to logged-in consultation
    offices with Wagtail's page privacy setting.
    """

    intro = RichTextField(
        "はじめに",
        blank=True,
        features=FACILITY_RICH_TEXT_FEATURES,
        help_text="表の上に出る短い説明です。",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "空き情報"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tracked = VacancySettings.tracked_for_request(request)
        facilities = FacilityPage.objects.live().filter(is_public())
        figures = list(
            VacancyFigure.objects.latest_figures(tracked, facilities).order_by(
                "service_type__category__sort_order",
                "service_type__sort_order",
                "facility__municipality__sort_order",
                "facility__kana_sort",
            )
        )
        current = month_start()
        sections = []
        for service in tracked:
            rows = [f for f in figures if f.service_type_id == service.pk]
            groups = {}
            for figure in rows:
                groups.setdefault(figure.facility.municipality, []).append(figure)
            sections.append(
                {
                    "service": service,
                    "groups": list(groups.items()),
                    "available": sum(f.vacancies or 0 for f in rows if not f.is_stale(current)),
                }
            )
        latest = max((f.month for f in figures), default=None)
        context.update(
            {
                "sections": sections,
                "latest_month": latest,
                "latest_label": month_label(latest) if latest else "",
                "current_month": current,
                "current_label": month_label(current),
            }
        )
        return context
