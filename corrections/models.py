"""Requests from the public to correct what a facility page says (「掲載内容の修正を依頼する」).

Anyone may send one from a facility page; it waits in the admin inbox
(「修正の依頼」) for the people who may edit that facility's page, who mark it
done or rejected with a note. Nothing the requester typed is shown on the
public site.

Who sees a request follows the Wagtail page permissions: a user sees the
requests of the facility pages they may edit (``for_user``). 施設情報担当 edits
every facility below ふくしマップ and 事務局 edits from the home page down, so
both see all; an account given "change" on some facility pages only sees the
requests of those pages, with no change here. An office's own staff keep their
facilities through an account of their own, not a group (``offices``): the hook
``FACILITIES_KEPT_HOOK`` adds those facilities' requests.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

from facilities.extensions import FACILITIES_KEPT_HOOK

MAX_MESSAGE = 2000
MAX_CONTACT = 200
MAX_NOTE = 2000


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "未対応"
    DONE = "done", "対応済み"
    REJECTED = "rejected", "対応しない"


class CorrectionRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CorrectionStatus.OPEN)

    def for_user(self, user):
        """Requests about the facility pages ``user`` may edit."""
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
        mine = Q(facility_id__in=editable.values("pk"))
        for fn in hooks.get_hooks(FACILITIES_KEPT_HOOK):
            kept = fn(user)
            if kept:
                mine |= Q(facility_id__in=kept)
        return self.filter(mine)


class CorrectionRequest(models.Model):
    facility = models.ForeignKey(
        "facilities.FacilityPage",
        verbose_name="事業所",
        on_delete=models.CASCADE,
        related_name="correction_requests",
    )
    message = models.TextField("修正してほしい内容", max_length=MAX_MESSAGE)
    contact = models.CharField("連絡先", max_length=MAX_CONTACT, blank=True)
    created_at = models.DateTimeField("受付日時", default=timezone.now, db_index=True)
    status = models.CharField(
        "状態",
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.OPEN,
        db_index=True,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField("対応日時", null=True, blank=True)
    note = models.TextField("対応のメモ", max_length=MAX_NOTE, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "修正の依頼"
        verbose_name_plural = "修正の依頼"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.facility_id}: {self.message[:30]}"

    @property
    def is_open(self):
        return self.status == CorrectionStatus.OPEN

    def close(self, status, note, user, when=None):
        """Mark the request done or rejected, with the handler's note."""
        if status not in (CorrectionStatus.DONE, CorrectionStatus.REJECTED):
            raise ValueError(status)
        self.status = status
        self.note = note
        self.handled_by = user
        self.handled_at = when or timezone.now()
        self.save(update_fields=["status", "note", "handled_by", "handled_at"])
