"""Counters in the cache that limit how often one client may send a public form.

Each form names its own counters (``hit("alerts:email:…", 3)``). The client
address is REMOTE_ADDR unless an app registered the Wagtail hook
``client_address`` (fn(request) -> str): editorial does, with its helper that
knows the trusted reverse proxies.
"""

from django.core.cache import cache
from wagtail import hooks

CLIENT_ADDRESS_HOOK = "client_address"

WINDOW_SECONDS = 60 * 60


def hit(key, limit, window=WINDOW_SECONDS):
    """Count one request under ``key``; True while the count within the window is ≤ ``limit``."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


def client_address(request):
    for fn in hooks.get_hooks(CLIENT_ADDRESS_HOOK):
        return fn(request)
    return request.META.get("REMOTE_ADDR", "")
