"""Logs a suspended office account out on its next request, with a Japanese message.

Only sessions marked at login as an office account's (``offices.apps``) are
looked at, with one query; every other request costs nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from .access import SESSION_KEY
from .models import OfficeAccount

SUSPENDED = (
    "このアカウントは事務局が利用を停止したため、ログアウトしました。"
    "利用を再開したいときは、事務局にお問い合わせください。"
)


class SuspendedOfficeAccountMiddleware:
    """Needs the session, authentication and messages middlewares before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            account_id = request.session.get(SESSION_KEY)
            if (
                account_id is not None
                and not OfficeAccount.objects.active()
                .filter(pk=account_id, user_id=request.user.pk)
                .exists()
            ):
                logout(request)
                messages.error(request, SUSPENDED)
                return redirect("wagtailadmin_login")
        return self.get_response(request)
