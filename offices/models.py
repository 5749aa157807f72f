"""事業所担当: accounts of an office's own staff, each limited to the facilities it keeps.

An office account is an ordinary user with an ``OfficeAccount`` row that names
its facilities. What such an account may do in the admin follows from that
row alone, so 500 offices need 500 rows, not 500 groups.
"""

from django.conf import settings
from django.db import models


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
