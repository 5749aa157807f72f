"""Counters in the cache that limit correction requests per client address and per facility.

The client address comes from the Wagtail hook ``client_address`` (editorial
registers the helper that knows the trusted reverse proxies), else REMOTE_ADDR.
"""

from django.core.cache import cache
from wagtail import hooks

CLIENT_ADDRESS_HOOK = "client_address"

WINDOW_SECONDS = 60 * 60
PER_CLIENT = 5
PER_FACILITY = 10


def _hit(key, limit):
    """Count one request; True while the count is within ``limit``."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def client_address(request):
    for fn in hooks.get_hooks(CLIENT_ADDRESS_HOOK):
        return fn(request)
    return request.META.get("REMOTE_ADDR", "")


def client_allowed(request):
    return _hit(f"corrections:client:{client_address(request)}", PER_CLIENT)


def facility_allowed(facility_id):
    return _hit(f"corrections:facility:{facility_id}", PER_FACILITY)
