"""ふくしマップ: the facility directory and one page per facility (事業所).

The fields follow the national open data on disability services (WAM NET):
one office (事業所番号) offering several services (facility × service rows),
each with its capacity (定員); 法人番号; the office name and its reading;
hours for weekdays, Saturdays, Sundays and holidays; closed days; latitude
and longitude. Importing and exporting that data needs no schema change.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import DateField, Prefetch, Q, Value, prefetch_related_objects
from django.db.models.functions import Coalesce, Greatest, Least, NullIf, TruncDate
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from facilities import kana, keys
from facilities.extensions import FACILITY_PAGE_PERMISSIONS_HOOK, FACILITY_PAGE_SECTIONS_HOOK
from facilities.keys import normalise_address
from facilities.qr import qr_response
from facilities.validators import (
    digits_only,
    normalize_phone,
    validate_corporate_number,
    validate_in_district,
    validate_office_number,
    validate_phone,
)
from home.blocks import RICH_TEXT_FEATURES
from home.dates import as_date, months_before, wareki_month
from home.models import BasePage, BasePagePermissionTester

MAX_CAPACITY = 999

# A facility's details are to be confirmed with the office at least this often.
STALE_AFTER_MONTHS = 13

# Facility editors (施設情報担当) hold no document permission, so their rich text
# offers no document links they could not choose.
FACILITY_RICH_TEXT_FEATURES = [f for f in RICH_TEXT_FEATURES if f != "document-link"]


def verification_cutoff(today=None):
    """Details confirmed before this date are stale (13 months before ``today``)."""
    return months_before(today or timezone.localdate(), STALE_AFTER_MONTHS)


class QRCodeRoutesMixin(RoutablePageMixin):
    """QR codes that open the page, as SVG and PNG at stable URLs, for print."""

    @path("qr/svg/")
    def qr_svg(self, request):
        return qr_response(self.get_full_url(request), "svg", f"qr-{self.slug}.svg")

    @path("qr/png/")
    def qr_png(self, request):
        return qr_response(self.get_full_url(request), "png", f"qr-{self.slug}.png")


# Stands for "no date" inside the freshness expression (GREATEST is NULL on SQLite if any is).
NO_DATE = dt.date(1900, 1, 1)


def details_updated_expression(today):
    """SQL for :meth:`FacilityPage.details_updated_on`: the later of the day the page was
    last published (Japan time) and the day its details were confirmed (no later than today)."""
    no_date = Value(NO_DATE, output_field=DateField())
    published = Coalesce(TruncDate("last_published_at"), no_date)
    verified = Least(Coalesce("verified_on", no_date), Value(today, output_field=DateField()))
    return NullIf(Greatest(published, verified, output_field=DateField()), no_date)


class FacilityQuerySet(PageQuerySet):
    def with_details_updated(self, today=None):
        """Annotates ``details_updated``, the date 「情報更新」 counts from (None for neither)."""
        return self.annotate(
            details_updated=details_updated_expression(today or timezone.localdate())
        )

    def needs_verification(self, today=None):
        """Facilities whose details were last confirmed 13 months ago or more (or never)."""
        return self.filter(
            Q(verified_on__isnull=True) | Q(verified_on__lt=verification_cutoff(today))
        )


class FacilityPagePermissionTester(BasePagePermissionTester):
    """The groups' page permissions, plus what ``facility_page_permissions`` grants on this page
    alone (an office account's "change" on the facilities it keeps)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            for extra in hooks.get_hooks(FACILITY_PAGE_PERMISSIONS_HOOK):
                self.permissions = self.permissions | set(extra(user, page) or ())


class FacilityPage(QRCodeRoutesMixin, BasePage):
    """One facility (事業所): contact, location, services offered and features."""

    def permissions_for_user(self, user):
        return FacilityPagePermissionTester(user, self)

    name_kana = models.CharField(
        "事業所名のよみ",
        max_length=120,
        help_text="カタカナで入力します(ひらがなは自動でカタカナになります)。50音順の並びに使います。",
    )
    kana_sort = models.CharField(max_length=120, editable=False, db_index=True, default="")
    operator = models.CharField(
        "法人名", max_length=120, blank=True, help_text="運営する法人の名前"
    )
    corporate_number = models.CharField(
        "法人番号", max_length=13, blank=True, help_text="13桁。国税庁の法人番号です。"
    )
    # Kept nullable as when it was unique: an empty number is NULL, never "".
    office_number = models.CharField(  # noqa: DJ001
        "事業所番号",
        max_length=10,
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "10桁。指定を受けたときの事業所番号です。同じ番号で別の場所にある事業所は、"
            "住所が違えば別の事業所として登録できます。"
        ),
    )
    municipality = models.ForeignKey(
        "facilities.Municipality",
        verbose_name="市町",
        on_delete=models.PROTECT,
        related_name="facilities",
        help_text="事業所がある市町。検索の絞り込みに使います。",
    )
    postal_code = models.CharField("郵便番号", max_length=8, blank=True, help_text="例: 367-0000")
    address = models.CharField(
        "住所",
        max_length=200,
        help_text="市町名の後から入力します(例: 本庄1-1-1)。市町は上で選びます。",
    )
    latitude = models.DecimalField(
        "緯度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="地図をクリックすると入ります。直接入力もできます(例: 36.2438)。",
    )
    longitude = models.DecimalField(
        "経度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="地図をクリックすると入ります。直接入力もできます(例: 139.1902)。",
    )
    phone = models.CharField("電話番号", max_length=20, blank=True, help_text="例: 0495-12-3456")
    fax = models.CharField(
        "FAX番号",
        max_length=20,
        blank=True,
        help_text="ハイフン付きで入力します(例: 0495-00-0000)。なければ空欄。",
    )
    email = models.EmailField(
        "メールアドレス", blank=True, help_text="事業所の問い合わせ用アドレス。なければ空欄。"
    )
    website = models.URLField(
        "ホームページ", blank=True, help_text="https:// から始まるアドレス。なければ空欄。"
    )
    hours_weekday = models.CharField(
        "営業時間(平日)", max_length=60, blank=True, help_text="例: 9:00〜17:00"
    )
    hours_saturday = models.CharField(
        "営業時間(土曜)", max_length=60, blank=True, help_text="例: 9:00〜12:00。休みなら「休み」。"
    )
    hours_sunday = models.CharField(
        "営業時間(日曜)", max_length=60, blank=True, help_text="例: 休み"
    )
    hours_holiday = models.CharField(
        "営業時間(祝日)", max_length=60, blank=True, help_text="例: 休み"
    )
    closed_days = models.CharField(
        "定休日", max_length=120, blank=True, help_text="例: 土日祝日、年末年始"
    )
    features = ParentalManyToManyField(
        "facilities.Feature",
        verbose_name="特徴",
        blank=True,
        related_name="facilities",
        help_text="当てはまるものをすべて選びます。検索の絞り込みに使います。",
    )
    kyoten_registered = models.BooleanField(
        "地域生活支援拠点等に登録",
        default=False,
        help_text="地域生活支援拠点等として市町に登録している場合にチェックします。",
    )
    description = RichTextField(
        "紹介",
        blank=True,
        features=FACILITY_RICH_TEXT_FEATURES,
        help_text="事業所の特色や一日の流れなど。個人が特定される内容は書かないでください。",
    )
    # Set by facilities.imports: the grouping key (facilities/keys.py) and, per field,
    # the value imported, its source and date ({"source": …, "date": …, "fields": {…}}).
    import_key = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    import_record = models.JSONField(default=dict, blank=True, editable=False)
    verified_on = models.DateField(
        "情報確認日",
        null=True,
        blank=True,
        help_text="この内容を事業所に確かめた日。13か月を過ぎるとページに注意書きが出ます。",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("name_kana"),
                FieldRowPanel([FieldPanel("operator"), FieldPanel("corporate_number")]),
                FieldPanel("office_number"),
            ],
            heading="事業所",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("municipality"), FieldPanel("postal_code")]),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading="所在地",
            classname="facility-location",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("fax")]),
                FieldRowPanel([FieldPanel("email"), FieldPanel("website")]),
            ],
            heading="連絡先",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("hours_weekday"), FieldPanel("hours_saturday")]),
                FieldRowPanel([FieldPanel("hours_sunday"), FieldPanel("hours_holiday")]),
                FieldPanel("closed_days"),
            ],
            heading="営業日・営業時間",
        ),
        InlinePanel("services", label="サービス", heading="提供しているサービス", min_num=1),
        FieldPanel("features", widget=forms.CheckboxSelectMultiple),
        FieldPanel("kyoten_registered"),
        FieldPanel("summary"),
        FieldPanel("description"),
        InlinePanel("photos", label="写真", heading="写真"),
        FieldPanel("verified_on"),
    ]
    promote_panels = Page.promote_panels
    search_fields = BasePage.search_fields + [
        index.SearchField("name_kana"),
        index.SearchField("operator"),
        index.SearchField("address"),
        index.SearchField("description"),
        index.RelatedFields("municipality", [index.SearchField("name")]),
        index.RelatedFields(
            "services",
            [
                index.RelatedFields("service_type", [index.SearchField("name")]),
                index.SearchField("notes"),
            ],
        ),
        index.RelatedFields("features", [index.SearchField("name")]),
    ]

    parent_page_types = ["facilities.FacilityIndexPage"]
    subpage_types = []
    # A copy is another facility: it starts without the original's import history.
    exclude_fields_in_copy = ["import_key", "import_record"]

    objects = PageManager.from_queryset(FacilityQuerySet)()

    class Meta:
        verbose_name = "事業所"
        verbose_name_plural = "事業所"

    def clean(self):
        super().clean()
        errors = {}
        self.name_kana = kana.normalize_kana(self.name_kana)
        if self.name_kana and not kana.is_valid_reading(self.name_kana):
            errors["name_kana"] = "よみはカタカナで入力してください。"
        if self.office_number:
            self.office_number = digits_only(self.office_number)
            try:
                validate_office_number(self.office_number)
            except ValidationError as error:
                errors["office_number"] = error.messages
        else:
            self.office_number = None
        if self.corporate_number:
            self.corporate_number = digits_only(self.corporate_number)
            try:
                validate_corporate_number(self.corporate_number)
            except ValidationError as error:
                errors["corporate_number"] = error.messages
        for field in ("phone", "fax"):
            value = getattr(self, field)
            if value:
                setattr(self, field, normalize_phone(value))
                try:
                    validate_phone(value)
                except ValidationError as error:
                    errors[field] = error.messages
        errors.update(validate_in_district(self.latitude, self.longitude))
        if self.office_number and "office_number" not in errors and self.municipality_id:
            twin = self.same_site_twin()
            if twin is not None:
                errors["office_number"] = (
                    f"この事業所番号で同じ住所の事業所「{twin.title}」が既にあります。"
                    "同じ番号の事業所は、住所が違うときだけ別に登録できます。"
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.name_kana = kana.normalize_kana(self.name_kana)
        self.kana_sort = kana.sort_key(self.name_kana)
        return super().save(*args, **kwargs)

    def grouping_key(self):
        """The key imports recognise this facility by (see facilities/keys.py)."""
        return keys.grouping_key(
            self.office_number,
            self.municipality.code,
            self.address,
            self.title,
            self.municipality.name,
        )

    def same_site_twin(self):
        """Another facility with this 事業所番号 at the same address, if there is one."""
        mine = normalise_address(self.address, self.municipality.name)
        others = (
            FacilityPage.objects.filter(
                office_number=self.office_number, municipality_id=self.municipality_id
            )
            .exclude(pk=self.pk)
            .only("title", "address", "municipality_id")
        )
        for other in others:
            if normalise_address(other.address, self.municipality.name) == mine:
                return other
        return None

    def source_note(self):
        """「障害福祉サービス等情報公表システム(令和6年10月時点)」 for the page, if imported."""
        record = self.import_record or {}
        if not record.get("label") or not record.get("date"):
            return ""
        date = dt.date.fromisoformat(record["date"])
        return f"{record['label']}({wareki_month(date)}時点)"

    def details_updated_on(self, today=None):
        """The date 「情報更新: N日前」 counts from: the later of the last publication (an edit
        went out) and 情報確認日 (the office confirmed the details; a future date counts as
        today). None for a page never published nor confirmed."""
        today = today or timezone.localdate()
        dates = [as_date(self.last_published_at)] if self.last_published_at else []
        if self.verified_on:
            dates.append(min(self.verified_on, today))
        return max(dates) if dates else None

    def is_stale(self, today=None):
        return self.verified_on is None or self.verified_on < verification_cutoff(today)

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    def hours(self):
        rows = [
            ("平日", self.hours_weekday),
            ("土曜", self.hours_saturday),
            ("日曜", self.hours_sunday),
            ("祝日", self.hours_holiday),
        ]
        return [(label, value) for label, value in rows if value]

    def get_page_header(self):
        return {
            "title": self.title,
            "kicker_page": self.get_parent(),
            "kicker": self.municipality.name,
            "reading": self.name_kana,
        }

    def get_jsonld(self, request=None):
        data = {
            "@context": "https://schema.org",
            "@type": "LocalBusiness",
            "name": self.title,
            "alternateName": self.name_kana,
            "url": self.get_full_url(request),
            "address": {
                "@type": "PostalAddress",
                "postalCode": self.postal_code,
                "addressRegion": "埼玉県",
                "addressLocality": self.municipality.name,
                "streetAddress": self.address,
                "addressCountry": "JP",
            },
        }
        if self.phone:
            data["telephone"] = self.phone
        if self.fax:
            data["faxNumber"] = self.fax
        if self.email:
            data["email"] = self.email
        if self.has_location:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        if self.operator:
            data["parentOrganization"] = {"@type": "Organization", "name": self.operator}
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Fetched once: the sections of other apps (空き情報) read the same rows.
        prefetch_related_objects(
            [self],
            Prefetch(
                "services",
                queryset=FacilityService.objects.select_related(
                    "service_type__category"
                ).prefetch_related("target_groups"),
            ),
        )
        context["services"] = self.services.all()
        context["facility_features"] = self.features.all()
        context["photos"] = self.photos.select_related("image")
        context["sections"] = [
            section
            for hook in hooks.get_hooks(FACILITY_PAGE_SECTIONS_HOOK)
            if (section := hook(self, request))
        ]
        return context


class FacilityService(Orderable, ClusterableModel):
    """A service the facility offers: one row of the national data (facility × service)."""

    page = ParentalKey(FacilityPage, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(
        "facilities.ServiceType",
        verbose_name="サービスの種類",
        on_delete=models.PROTECT,
        related_name="offers",
        help_text="障害福祉サービスの種類を選びます。",
    )
    capacity = models.PositiveSmallIntegerField(
        "定員",
        null=True,
        blank=True,
        # Within the column's range on every database (SQLite would store 40000).
        validators=[MaxValueValidator(MAX_CAPACITY, message=f"定員は{MAX_CAPACITY}人までです。")],
        help_text="定員がないサービスは空欄にします。",
    )
    target_groups = ParentalManyToManyField(
        "facilities.TargetGroup",
        verbose_name="対象者",
        blank=True,
        related_name="offers",
        help_text="このサービスで受け入れる方をすべて選びます。",
    )
    notes = models.CharField("備考", max_length=200, blank=True, help_text="例: 体験利用できます。")

    panels = [
        FieldPanel("service_type"),
        FieldPanel("capacity"),
        FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "提供しているサービス"
        verbose_name_plural = "提供しているサービス"

    def __str__(self):
        return str(self.service_type) if self.service_type_id else "サービス"


class FacilityPhoto(Orderable):
    page = ParentalKey(FacilityPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="写真",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="外観や活動の写真。利用者の顔が分かる写真は使わないでください。",
    )
    alt = models.CharField(
        "代替テキスト", max_length=200, help_text="写真に写っているものを文章で書きます(必須)。"
    )
    caption = models.CharField(
        "説明", max_length=200, blank=True, help_text="写真の下に出る説明です。"
    )

    panels = [FieldPanel("image"), FieldPanel("alt"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = "写真"
        verbose_name_plural = "写真"
