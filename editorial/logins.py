"""Throttling of failed logins (django-axes) for the admin and the front-end login.

Three limits:

- the same account from the same address is locked after
  ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures within ``LOGIN_COOL_OFF``, so
  guessing one editor's password stops quickly while the editor can still log
  in from another place;
- an address is locked after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures over any
  accounts within ``LOGIN_COOL_OFF``, so one address cannot try many accounts;
- an account is locked from every address after
  ``LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT`` wrong passwords within
  ``LOGIN_DAILY_PERIOD``, so many addresses together cannot keep guessing one
  password either. The account holder is told by e-mail.

Addresses are counted as ``editorial/addresses.py`` says (IPv6 per /64).

Axes keeps the first two: it compares the largest count over its lockout
parameters with one limit, and ``failure_limit`` picks that limit per request
so each count meets its own. ``LoginThrottleHandler`` adds the third, with its
own records (``AccountLoginFailure``), because axes forgets every failure after
the cool-off.
"""

import logging

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from editorial.addresses import client_address, normalize_address
from editorial.models import USERNAME_MAX_LENGTH, AccountLoginFailure, PagePasswordFailure
from home.models import SecretariatContact

logger = logging.getLogger(__name__)

# Which lock the page explains when several apply, the widest first.
LOCK_REASONS = ("account", "account_here", "address")


def client_username(request, credentials):
    """AXES_USERNAME_CALLABLE: the user name tried, as the tables can hold it.

    Django's login forms pass any length on to ``authenticate()``; axes'
    column holds 255 characters, and PostgreSQL refuses longer values.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "POST", {}).get(field)
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "")[:USERNAME_MAX_LENGTH] or None


def _ip_address(request):
    return getattr(request, "axes_ip_address", None) or client_address(request)


def _recent_attempts(**filters):
    since = timezone.now() - settings.LOGIN_COOL_OFF
    return AccessAttempt.objects.filter(attempt_time__gte=since, **filters)


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_failures(request, credentials):
    """Failures of this account from this address within the cool-off period."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    return _failures(_recent_attempts(username=username, ip_address=_ip_address(request)))


def failure_limit(request, credentials):
    """AXES_FAILURE_LIMIT: the account limit once this account is at it, else the address limit."""
    account_limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if account_failures(request, credentials) >= account_limit:
        return account_limit
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


def account_locked_until(username):
    """When the daily lock of this account name lifts, or None if it is not locked."""
    if not username:
        return None
    return AccountLoginFailure.objects.filter(username=username).locked_until(
        settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT, settings.LOGIN_DAILY_PERIOD
    )


def current_locks(request, credentials):
    """The locks that stop this login, each with the time it lifts."""
    locks = {}
    username = get_client_username(request, credentials)
    until = account_locked_until(username)
    if until:
        locks["account"] = until
    ip_address = _ip_address(request)
    counts = [("address", _recent_attempts(ip_address=ip_address))]
    limits = {"address": settings.LOGIN_ADDRESS_FAILURE_LIMIT}
    if username:
        counts.append(("account_here", _recent_attempts(username=username, ip_address=ip_address)))
        limits["account_here"] = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    for reason, attempts in counts:
        if _failures(attempts) >= limits[reason]:
            last = attempts.aggregate(last=Max("attempt_time"))["last"]
            locks[reason] = last + settings.LOGIN_COOL_OFF
    return locks


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in Japanese saying which lock applies and when it lifts."""
    locks = current_locks(request, credentials)
    context = {
        "kind": "login",
        "heading": "ログインを一時的に停止しています",
        "reason": next((reason for reason in LOCK_REASONS if reason in locks), "address"),
        # With several locks, the login works again only when the last one lifts.
        "retry_at": timezone.localtime(max(locks.values())) if locks else None,
        "cool_off_minutes": int(settings.LOGIN_COOL_OFF.total_seconds() // 60),
        "daily_hours": int(settings.LOGIN_DAILY_PERIOD.total_seconds() // 3600),
        "daily_limit": settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT,
    }
    return render(request, "editorial/lockout.html", context, status=429)


def notify_account_holder(request, username, until):
    """E-mail the holder of ``username`` (if there is one with an address) that it is locked."""
    user_model = get_user_model()
    user = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username})
        .filter(is_active=True)
        .first()
    )
    email = getattr(user, user_model.get_email_field_name(), "") if user else ""
    if not email:
        return
    context = {
        "name": f"{user.last_name} {user.first_name}".strip() or username,
        "username": username,
        "locked_at": timezone.localtime(),
        "retry_at": timezone.localtime(until),
        "daily_hours": int(settings.LOGIN_DAILY_PERIOD.total_seconds() // 3600),
        "daily_limit": settings.LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "contact": SecretariatContact.for_request(request),
    }
    subject = render_to_string("editorial/emails/account_locked_subject.txt", context)
    body = render_to_string("editorial/emails/account_locked.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [email])
    except OSError:
        # The lock stands without the message; the visitor must not see an error.
        logger.exception("アカウント %s のロックを知らせるメールを送れませんでした。", username)


class LoginThrottleHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' limits per address, plus the daily limit per account."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return account_locked_until(get_client_username(request, credentials)) is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # A login refused because of a lock tried no password; it is not a guess to count.
        refused = self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials)
        if not username:
            return
        if not refused:
            AccountLoginFailure.objects.record(
                username=username, ip_address=request.axes_ip_address
            )
        until = account_locked_until(username)
        if until:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            if not refused:
                notify_account_holder(request, username, until)

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        """Also for ``axes_reset_ip`` and the rest: any form of an address, and the daily records."""
        if ip_address:
            ip_address = normalize_address(ip_address)
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        accounts = AccountLoginFailure.objects.all()
        pages = PagePasswordFailure.objects.all()
        if ip_or_username:
            accounts = accounts.filter(Q(ip_address=ip_address) | Q(username=username))
            pages = pages.filter(ip_address=ip_address)
        else:
            if ip_address:
                accounts = accounts.filter(ip_address=ip_address)
                pages = pages.filter(ip_address=ip_address)
            if username:
                accounts = accounts.filter(username=username)
                pages = pages.none()
        return count + accounts.delete()[0] + pages.delete()[0]


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """For the test settings only: lets ``Client.login()`` (which has no request) through.

    Logins through the views always carry the request and are throttled as in
    production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
