"""Inviting an office's staff: the e-mail with the one-time link (sent by the task queue),
and turning an accepted invitation into an office account.

The task makes the link's token itself and stores only its digest, so the token
is in the mail and nowhere else (not in the queue's stored arguments either).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from editorial.roles import OFFICE_STAFF

from .models import OfficeAccount, OfficeInvitation


def accept_url(token):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("offices:accept", args=[token])


@task()
def send_invitation(invitation_id):
    """Mail a new link for a waiting invitation; returns whether a mail was sent."""
    invitation = (
        OfficeInvitation.objects.filter(
            pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .prefetch_related("facilities")
        .first()
    )
    if invitation is None:
        return False
    token = invitation.issue_token()
    EmailMessage(
        subject="[児玉郡市自立支援協議会] ふくしマップの事業所担当のアカウントのご案内",
        body=render_to_string(
            "offices/mail/invitation.txt",
            {
                "invitation": invitation,
                "facilities": [f.title for f in invitation.facilities.all()],
                "url": accept_url(token),
            },
        ),
        to=[invitation.email],
    ).send()
    return True


def invite(email, facilities, invited_by):
    invitation = OfficeInvitation.objects.create(email=email, invited_by=invited_by)
    invitation.facilities.set(facilities)
    send_invitation.enqueue(invitation.pk)
    return invitation


class InvitationRefused(Exception):
    pass


@transaction.atomic
def accept(invitation_id, username, password, full_name=""):
    """Create the account the invitation names; InvitationRefused (Japanese) when it cannot
    be used any more (used, revoked or expired meanwhile)."""
    invitation = OfficeInvitation.objects.select_for_update().get(pk=invitation_id)
    refusal = invitation.refusal()
    if refusal:
        raise InvitationRefused(refusal)
    # The whole name in first_name, so that get_full_name() keeps the Japanese order.
    user = get_user_model().objects.create_user(
        username=username, email=invitation.email, password=password, first_name=full_name
    )
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    account = OfficeAccount.objects.create(user=user)
    account.facilities.set(invitation.facilities.all())
    invitation.accepted_at = timezone.now()
    invitation.account = account
    invitation.save(update_fields=["accepted_at", "account"])
    return user
