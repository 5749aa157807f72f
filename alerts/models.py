"""E-mail alerts: who asked to hear of new records and which ones, and what was sent.

An address is kept only with the lists it chose, until its owner unsubscribes
(the row is then deleted). A row whose ``confirmed_at`` is empty has not been
confirmed from the address yet; nothing but the confirmation mail goes to it,
and it is deleted when the confirmation link expires unused.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

CONFIRM_DAYS = 3


def new_token():
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def stale_unconfirmed(self):
        cutoff = timezone.now() - timezone.timedelta(days=CONFIRM_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)

    def for_news(self):
        return self.confirmed().filter(Q(everything=True) | Q(news=True))

    def for_committee(self, committee):
        return self.confirmed().filter(Q(everything=True) | Q(committees=committee)).distinct()


class Subscriber(models.Model):
    email = models.EmailField("メールアドレス", unique=True)
    everything = models.BooleanField("すべての新しい記録とお知らせ", default=False)
    news = models.BooleanField("お知らせ", default=False)
    committees = models.ManyToManyField(
        "council.CommitteePage",
        verbose_name="会議・部会",
        blank=True,
        related_name="alerts_subscribers",
    )
    # Identifies the address in the unsubscribe link and (signed) in the confirmation link.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("申し込み日時", default=timezone.now)
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "お知らせメールの登録"
        verbose_name_plural = "お知らせメールの登録"
        ordering = ["email"]

    def __str__(self):
        return self.email

    def list_names(self):
        if self.everything:
            return ["すべての新しい記録とお知らせ"]
        names = [c.title for c in self.committees.all()]
        if self.news:
            names.append("お知らせ")
        return names


class Delivery(models.Model):
    """One alert sent: a page announced to a subscriber, at most once."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "送ったお知らせメール"
        verbose_name_plural = "送ったお知らせメール"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "subscriber"], name="alerts_one_delivery_per_page"
            )
        ]

    def __str__(self):
        return f"{self.page_id} → {self.subscriber_id}"
