"""Cache headers for responses that differ by visitor."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from home.privacy import VARIES_BY_VISITOR

from . import pagecache


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


class PageCacheMiddleware:
    """Answers anonymous visitors from the page cache (cms/pagecache.py) and fills it.

    Placed before the session, CSRF and authentication middlewares: a stored answer is
    returned without them (their headers are stored with it), so a hit costs two cache
    reads. ``X-Page-Cache`` says ``hit``, ``miss`` (rendered and stored) or ``skip``
    (rendered, not stored).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED:
            return self.get_response(request)
        cache = pagecache.page_cache()
        try:
            generation = pagecache.current_generation(cache)
            key, storable = pagecache.request_key(request, generation)
            response = pagecache.cached_response(request, cache, key)
        except pagecache.NotCacheable:
            response = self.get_response(request)
            response[pagecache.HEADER] = "skip"
            return response
        except Exception:
            pagecache.warn("ページのキャッシュを使えませんでした。")
            response = self.get_response(request)
            response[pagecache.HEADER] = "skip"
            return response
        if response is not None:
            response[pagecache.HEADER] = "hit"
            return response
        if storable:
            pagecache.record_reads(request)
        response = self.get_response(request)
        stored = (
            storable
            and request.method == "GET"
            and pagecache.all_parameters_read(request)
            and not pagecache.is_personal_request(request)
            and pagecache.is_shareable(request, response)
            and pagecache.store(cache, key, response)
        )
        response[pagecache.HEADER] = "miss" if stored else "skip"
        return response
