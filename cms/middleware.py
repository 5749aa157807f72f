"""Cache headers for responses that differ by visitor."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from home.privacy import VARIES_BY_VISITOR


class VisitorCacheMiddleware:
    """Keeps responses that differ by visitor out of shared caches.

    A visitor with a session (logged in, or past a page password) gets
    ``Cache-Control: private``; a response that depended on a page's privacy
    (home.privacy) varies by ``Cookie``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session or getattr(request, VARIES_BY_VISITOR, False):
            patch_vary_headers(response, ["Cookie"])
        if has_session:
            patch_cache_control(response, private=True)
        return response
