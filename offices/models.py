"""事業所担当: accounts of an office's own staff, each limited to the facilities it keeps.

An office account is an ordinary user in the group 事業所担当 with an
``OfficeAccount`` row that names its facilities. What such an account may do in
the admin follows from that row alone, so 500 offices need 500 rows, not 500
groups (and the secretariat's list of groups stays the four roles and this one).

How Wagtail is told
-------------------

Wagtail's page permissions are rows of ``GroupPagePermission``; giving each
office its own "change" on its pages that way needs a group per office (or per
facility). Instead ``FacilityPage.permissions_for_user`` asks the hook
``facility_page_permissions`` (``facilities/extensions.py``), and this app
answers "change" for the facilities of the user's active office account
(``offices.access``). Wagtail's edit view, its workflow buttons, the preview and
the history all ask that tester, so an office account can open, save and submit
its own facility pages and nothing else. It never has "publish": every change
goes to 「事業所情報の承認」 (approved by 施設情報担当).

Wagtail's page explorer, page search and reports ask the page permission policy
(the group rows) instead; for an office account those find no page, so it has
no explorer and reaches its pages from 「担当する事業所」 (``offices/views.py``).
The vacancy entry screen asks the hook ``vacancy_entry_facilities``
(``vacancies/views.py``) and shows only the account's rows.

The group's permission ``offices.keep_facilities`` marks the accounts the hooks
need to look at; for every other user they answer from the permissions Django
has already loaded for the request, with no query.
"""

import calendar
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

INVITATION_VALID_FOR = timedelta(days=7)


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
        permissions = [("keep_facilities", "担当する事業所の情報を更新できる")]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_suspended(self):
        return self.suspended_at is not None


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationState(models.TextChoices):
    WAITING = "waiting", "受諾待ち"
    ACCEPTED = "accepted", "受諾済み"
    EXPIRED = "expired", "期限切れ"
    REVOKED = "revoked", "取り消し"


class OfficeInvitationQuerySet(models.QuerySet):
    def by_token(self, token):
        """The invitation whose link carries ``token``, or None (any text, never an error)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        return self.filter(token_hash=token_digest(token)).first()


class OfficeInvitation(models.Model):
    """An e-mail to an office's staff with a one-time link to make their account.

    Only the SHA-256 of the link's token is stored; the token itself is made by the
    task that sends the mail (``offices.invitations``), so it is nowhere but in the
    mail. Sending again makes a new token, and the old link stops working.
    """

    email = models.EmailField("メールアドレス")
    facilities = models.ManyToManyField(
        "facilities.FacilityPage",
        related_name="office_invitations",
        verbose_name="担当する事業所",
    )
    # NULL until the first mail is sent; unique allows many NULLs but only one "".
    token_hash = models.CharField(  # noqa: DJ001
        "招待のリンクの照合値", max_length=64, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField("招待した日時", default=timezone.now)
    sent_at = models.DateTimeField("メールを送った日時", null=True, blank=True)
    expires_at = models.DateTimeField("有効期限", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="招待した人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField("受諾した日時", null=True, blank=True)
    account = models.OneToOneField(
        OfficeAccount,
        verbose_name="作られたアカウント",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField("取り消した日時", null=True, blank=True)

    objects = OfficeInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "事業所担当の招待"
        verbose_name_plural = "事業所担当の招待"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.email

    def issue_token(self):
        """A new link token (returned once, stored only as its digest), valid for 7 days."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        self.token_hash = token_digest(token)
        self.sent_at = now
        self.expires_at = now + INVITATION_VALID_FOR
        self.save(update_fields=["token_hash", "sent_at", "expires_at"])
        return token

    def state(self, now=None):
        now = now or timezone.now()
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at is None or self.expires_at <= now:
            return InvitationState.EXPIRED if self.expires_at else InvitationState.WAITING
        return InvitationState.WAITING

    @property
    def state_label(self):
        return self.state().label

    def refusal(self, now=None):
        """Why the link cannot be used now (Japanese), or None when it can."""
        state = self.state(now)
        if state == InvitationState.ACCEPTED:
            return (
                "この招待のリンクはすでに使われ、アカウントが作られています。"
                "作ったユーザー名とパスワードで管理画面にログインしてください。"
            )
        if state == InvitationState.REVOKED:
            return "この招待は事務局が取り消しました。必要なときは事務局にお問い合わせください。"
        if state == InvitationState.EXPIRED or self.expires_at is None:
            return (
                "この招待のリンクは有効期限(送信から7日)が過ぎています。"
                "事務局に、招待をもう一度送るよう依頼してください。"
            )
        return None


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
