"""事業所担当: accounts of an office's own staff, each limited to the facilities it keeps.

An office account is an ordinary user with an ``OfficeAccount`` row that names
its facilities. What such an account may do in the admin follows from that
row alone, so 500 offices need 500 rows, not 500 groups.
"""

import calendar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site


class OfficeAccountQuerySet(models.QuerySet):
    def active(self):
        """Accounts that are not suspended and whose user may log in."""
        return self.filter(suspended_at__isnull=True, user__is_active=True)


class OfficeAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="office_account",
        verbose_name="ユーザー",
    )
    facilities = models.ManyToManyField(
        "facilities.FacilityPage",
        related_name="office_accounts",
        verbose_name="担当する事業所",
        help_text="このアカウントが情報を更新できる事業所です。",
    )
    suspended_at = models.DateTimeField("利用停止の日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    objects = OfficeAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "事業所担当のアカウント"
        verbose_name_plural = "事業所担当のアカウント"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_suspended(self):
        return self.suspended_at is not None


# --- Monthly reminders for the vacancy figures (see reminders.py) ---------------------------

FIRST_DAY_LIMIT = 28  # every month has a 28th; the reminders never move with the month's length


@register_setting(icon="mail")
class VacancyReminderSettings(BaseSiteSetting):
    """When the offices are reminded of the month's vacancy figures; 事務局 may change it."""

    enabled = models.BooleanField(
        "催促のメールを送る",
        default=False,
        help_text="オンにすると、その月の空き情報を入力していない事業所の担当者にメールを送ります。",
    )
    reminder_day = models.SmallIntegerField(
        "1回目の催促の日",
        default=10,
        validators=[
            MinValueValidator(1, message="1回目の催促の日は1日から28日の間にしてください。"),
            MaxValueValidator(
                FIRST_DAY_LIMIT,
                message="1回目の催促の日は1日から28日の間にしてください"
                "(29日・30日・31日はない月があるため選べません)。",
            ),
        ],
        help_text="毎月この日に1回目のメールを送ります(1〜28日)。",
    )
    second_after_days = models.SmallIntegerField(
        "2回目の催促までの日数",
        default=5,
        validators=[
            MinValueValidator(1, message="2回目の催促までの日数は1日以上にしてください。"),
            MaxValueValidator(
                FIRST_DAY_LIMIT - 1, message="2回目の催促までの日数は27日までにしてください。"
            ),
        ],
        help_text="1回目の何日後に、まだ入力のない事業所へ2回目のメールを送るかです。"
        "2回目を送る日に、事務局へ未入力の事業所の一覧も送ります。",
    )

    panels = [FieldPanel("enabled"), FieldPanel("reminder_day"), FieldPanel("second_after_days")]

    class Meta:
        verbose_name = "空き情報の催促のメール"

    def clean(self):
        super().clean()
        day, after = self.reminder_day, self.second_after_days
        if not (isinstance(day, int) and isinstance(after, int)):
            return  # the fields' own errors say what is wrong
        if 1 <= day <= FIRST_DAY_LIMIT and after >= 1 and day + after > FIRST_DAY_LIMIT:
            raise ValidationError(
                {
                    "second_after_days": (
                        f"2回目の催促が{self.reminder_day + self.second_after_days}日になり、"
                        "翌月に入る月があります。1回目の催促の日と日数の合計を28以下にしてください"
                        "(例: 10日と5日後)。"
                    )
                }
            )

    @classmethod
    def for_default_site(cls):
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else None

    def first_reminder_date(self, month):
        """The day of ``month`` the first reminder is due (a value saved past a month's end,
        which the form refuses, falls on the month's last day)."""
        last_day = calendar.monthrange(month.year, month.month)[1]
        return month.replace(day=min(self.reminder_day, last_day))

    def second_reminder_date(self, month):
        last_day = calendar.monthrange(month.year, month.month)[1]
        day = min(self.reminder_day + self.second_after_days, last_day)
        return month.replace(day=day)


class ReminderKind(models.TextChoices):
    FIRST = "first", "1回目の催促"
    SECOND = "second", "2回目の催促"
    SUMMARY = "summary", "事務局への未入力の一覧"


class VacancyReminder(models.Model):
    """One reminder sent for one month: to an office account, or the summary to 事務局.

    The row is written in the same transaction as the message is sent, and the
    unique constraints keep a second run (even one running at the same time)
    from sending the same month's reminder again.
    """

    office_account = models.ForeignKey(
        OfficeAccount,
        verbose_name="事業所担当のアカウント",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vacancy_reminders",
        help_text="事務局への一覧では空欄です。",
    )
    month = models.DateField("対象月")
    kind = models.CharField("種類", max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField("送信日時", default=timezone.now)
    sent_to = models.TextField("送信先", blank=True)

    class Meta:
        verbose_name = "空き情報の催促の記録"
        verbose_name_plural = "空き情報の催促の記録"
        ordering = ["-month", "kind", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office_account", "month", "kind"],
                condition=Q(office_account__isnull=False),
                name="one_vacancy_reminder_per_office_month_kind",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(kind=ReminderKind.SUMMARY),
                name="one_vacancy_reminder_summary_per_month",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.SUMMARY, office_account__isnull=True)
                | (~Q(kind=ReminderKind.SUMMARY) & Q(office_account__isnull=False)),
                name="vacancy_reminder_summary_has_no_office",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_kind_display()}"
