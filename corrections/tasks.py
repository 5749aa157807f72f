"""Telling the people who handle a facility's requests that a new one has come (background worker).

The message names the facility and links to the request in the admin; it does
not carry what the requester wrote or their contact, which stay in the admin.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import CorrectionRequest


def recipients_for(facility):
    """Active accounts with an e-mail address that hold the inbox permission (through a group
    or their own) and may edit ``facility``'s page: the people whose inbox shows its requests."""
    permission = Permission.objects.filter(
        content_type__app_label="corrections", codename="view_correctionrequest"
    ).first()
    if permission is None:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if facility.permissions_for_user(user).can_edit()]


@task()
def notify_new_request(request_id):
    """One message to each person who handles the request's facility; returns how many."""
    item = CorrectionRequest.objects.open().select_related("facility").filter(pk=request_id).first()
    if item is None:
        return 0
    facility = item.facility.specific
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "corrections_admin_detail", args=[item.pk]
    )
    body = render_to_string(
        "corrections/mail/new_request.txt", {"facility": facility, "item": item, "url": url}
    )
    sent = 0
    for user in recipients_for(facility):
        EmailMessage(
            subject=f"[児玉郡市自立支援協議会] 修正の依頼: {facility.title}",
            body=body,
            to=[user.email],
        ).send()
        sent += 1
    return sent
