"""Records of wrong passwords kept for the throttling that django-axes does not do.

django-axes counts the failures per account and address and per address over
half an hour (``editorial/logins.py``). These tables hold what it cannot count:
wrong passwords for one account from any address over a day, and wrong
passwords for password-protected pages. Rows older than a day are deleted as
new ones come in.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.models import PageViewRestriction

USERNAME_MAX_LENGTH = 255  # as django-axes stores it


class FailureQuerySet(models.QuerySet):
    def locked_until(self, limit, period, now=None):
        """When ``limit`` failures within ``period`` stop being so many, or None if they are fewer now.

        The lock lifts when the ``limit``-th latest failure is ``period`` old.
        """
        now = now or timezone.now()
        latest = (
            self.filter(attempted_at__gt=now - period)
            .order_by("-attempted_at")
            .values_list("attempted_at", flat=True)[limit - 1 : limit]
        )
        for attempted_at in latest:
            return attempted_at + period
        return None

    def record(self, **fields):
        now = timezone.now()
        self.filter(attempted_at__lte=now - settings.LOGIN_DAILY_PERIOD).delete()
        return self.create(attempted_at=now, **fields)


class AccountLoginFailure(models.Model):
    """A wrong password for an account name, from any address.

    Names that belong to no account are recorded the same way, so the lock
    does not tell whether an account exists. Attempts refused because of a
    lock are not recorded: no password was tried.
    """

    username = models.CharField("ユーザー名", max_length=USERNAME_MAX_LENGTH)
    ip_address = models.GenericIPAddressField("アドレス")
    attempted_at = models.DateTimeField("日時", default=timezone.now)

    objects = FailureQuerySet.as_manager()

    class Meta:
        verbose_name = "ログインの失敗(アカウントごと)"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["username", "attempted_at"]),
            models.Index(fields=["attempted_at"]),
        ]

    def __str__(self):
        return f"{self.username} {self.ip_address} {self.attempted_at:%Y-%m-%d %H:%M}"


class PagePasswordFailure(models.Model):
    """A wrong password entered for a password-protected page (Wagtail's page privacy)."""

    restriction = models.ForeignKey(
        PageViewRestriction,
        verbose_name="ページの公開範囲",
        on_delete=models.CASCADE,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField("アドレス")
    attempted_at = models.DateTimeField("日時", default=timezone.now)

    objects = FailureQuerySet.as_manager()

    class Meta:
        verbose_name = "ページのパスワードの誤り"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["restriction", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),
            models.Index(fields=["attempted_at"]),
        ]

    def __str__(self):
        return f"{self.restriction_id} {self.ip_address} {self.attempted_at:%Y-%m-%d %H:%M}"
