"""Throttling of failed logins (django-axes) for the admin and the front-end login.

Two limits, counted over the cool-off period:

- the same account from the same address is locked after
  ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures, so guessing one editor's password
  stops quickly while the editor can still log in from another place;
- an address is locked after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures over any
  accounts, so one address cannot try many accounts, yet a stranger cannot lock
  an editor out everywhere just by knowing the user name.

Addresses are counted as ``editorial/addresses.py`` says (IPv6 per /64).

Axes compares the largest count over its lockout parameters with one limit;
``failure_limit`` picks that limit per request so each count meets its own.
"""

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from editorial.addresses import client_address


def _recent_attempts(request, credentials, **filters):
    attempts = AccessAttempt.objects.filter(**filters)
    cool_off = get_cool_off(request)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def _ip_address(request):
    return getattr(request, "axes_ip_address", None) or client_address(request)


def account_failures(request, credentials):
    """Failures of this account from this address within the cool-off period."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    attempts = _recent_attempts(
        request, credentials, username=username, ip_address=_ip_address(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request, credentials):
    """AXES_FAILURE_LIMIT: the account limit once this account is at it, else the address limit."""
    account_limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if account_failures(request, credentials) >= account_limit:
        return account_limit
    return settings.LOGIN_ADDRESS_FAILURE_LIMIT


def retry_time(request, credentials):
    """When the lock lifts: the last failure counted for this request, plus the cool-off."""
    cool_off = get_cool_off(request) or timedelta(0)
    username = get_client_username(request, credentials)
    ip_address = _ip_address(request)
    account = _recent_attempts(request, credentials, username=username, ip_address=ip_address)
    if username and (account.aggregate(total=Sum("failures_since_start"))["total"] or 0) >= (
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    ):
        attempts = account
    else:
        attempts = _recent_attempts(request, credentials, ip_address=ip_address)
    last = attempts.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return timezone.localtime(last + cool_off)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in Japanese saying when to try again."""
    cool_off = get_cool_off(request)
    context = {
        "retry_at": retry_time(request, credentials) if cool_off else None,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "failure_limit": settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
    }
    return render(request, "editorial/lockout.html", context, status=429)


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """For the test settings only: lets ``Client.login()`` (which has no request) through.

    Logins through the views always carry the request and are throttled as in
    production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
