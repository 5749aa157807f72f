"""Holds back an account that can reach the admin until it has given its second factor.

After the password, such an account is logged in but not yet verified. Until it
enters a code (or, where its role requires two-factor login, enrols an
authenticator app) every page sends it to that step, the admin's and the
public site's alike: a password alone opens nothing that needs an account.
Accounts without admin access (相談支援事業所) are never asked.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from . import devices

# Views an unverified account may still open: the steps themselves, logging in and out,
# and what the admin's login-style pages load.
OPEN_VIEWS = frozenset(
    {
        devices.VERIFY_STEP,
        devices.SETUP_STEP,
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "wagtailcore_login",
    }
)


class TwoFactorMiddleware:
    """Needs django_otp's ``OTPMiddleware`` before it (``request.user.is_verified``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Without a session cookie nobody is logged in: leave the session unread, so that
        # anonymous responses stay as cacheable as before.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.url_name in OPEN_VIEWS:
            return None
        step = devices.next_step(user)
        if step is None:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse(step))
