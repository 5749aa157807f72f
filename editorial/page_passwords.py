"""Throttling of wrong passwords for password-protected pages (Wagtail's page privacy).

Wagtail checks a page's shared password in its own view, which django-axes
does not see; ``cms/urls.py`` sends that URL to ``authenticate_with_password``
here instead. The limits follow the logins' (``editorial/logins.py``), with the
restriction (the protected page, covering its subpages) in place of the account:

- one protected page from one address: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` wrong
  passwords within ``LOGIN_COOL_OFF``;
- one address over any protected pages: ``LOGIN_ADDRESS_FAILURE_LIMIT`` within
  ``LOGIN_COOL_OFF``;
- one protected page from any addresses: ``PAGE_PASSWORD_DAILY_FAILURE_LIMIT``
  within ``LOGIN_DAILY_PERIOD``.

While a lock applies, the client gets a page saying so and how to reach the
secretariat instead of the password form, and instead of the page even with
the right password. Tries during a lock check no password and are not counted.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from wagtail import views as wagtail_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import Page, PageViewRestriction

from editorial.addresses import client_address
from editorial.models import PagePasswordFailure

# Which lock the page explains when several apply, the widest first.
LOCK_REASONS = ("page", "page_here", "page_address")


def current_lock(restriction_id, address):
    """(reason, when it lifts) for the lock on this restriction's password at this address, or None."""
    failures = PagePasswordFailure.objects
    limits = {
        "page": (
            failures.filter(restriction_id=restriction_id),
            settings.PAGE_PASSWORD_DAILY_FAILURE_LIMIT,
            settings.LOGIN_DAILY_PERIOD,
        ),
        "page_here": (
            failures.filter(restriction_id=restriction_id, ip_address=address),
            settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
            settings.LOGIN_COOL_OFF,
        ),
        "page_address": (
            failures.filter(ip_address=address),
            settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            settings.LOGIN_COOL_OFF,
        ),
    }
    locks = {}
    for reason, (attempts, limit, period) in limits.items():
        until = attempts.locked_until(limit, period)
        if until:
            locks[reason] = until
    if not locks:
        return None
    reason = next(reason for reason in LOCK_REASONS if reason in locks)
    return reason, max(locks.values())


def lockout_response(request, reason, until):
    context = {
        "kind": "page",
        "heading": "パスワードの入力を一時的に停止しています",
        "reason": reason,
        "retry_at": until,
    }
    response = render(request, "editorial/lockout.html", context, status=429)
    add_never_cache_headers(response)
    return response


def _is_wrong_password(request, restriction):
    form = PasswordViewRestrictionForm(request.POST, instance=restriction)
    return (
        not form.is_valid()
        and form.has_error("password")
        and not form.has_error("password", "required")
    )


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's view for a page's password form, refusing a client while it is locked out."""
    if request.method == "POST":
        restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
        get_object_or_404(Page, id=page_id)
        address = client_address(request)
        lock = current_lock(restriction.pk, address)
        if lock is None and _is_wrong_password(request, restriction):
            PagePasswordFailure.objects.record(restriction=restriction, ip_address=address)
            lock = current_lock(restriction.pk, address)
        if lock:
            return lockout_response(request, *lock)
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)


def refuse_locked_clients(callback):
    """on_serve_page: a locked-out client gets the lock page in place of Wagtail's password form."""

    def serve(page, request, serve_args, serve_kwargs):
        response = callback(page, request, serve_args, serve_kwargs)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if isinstance(form, PasswordViewRestrictionForm):
            lock = current_lock(form.restriction.pk, client_address(request))
            if lock:
                return lockout_response(request, *lock)
        return response

    return serve
