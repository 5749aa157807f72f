"""Counters in the cache that limit sign-up requests per client address and per e-mail address.

The client address is REMOTE_ADDR unless an app registered the Wagtail hook
``client_address`` (fn(request) -> str): editorial does, with its helper that
knows the trusted reverse proxies.
"""

import hashlib

from django.core.cache import cache
from wagtail import hooks

CLIENT_ADDRESS_HOOK = "client_address"

WINDOW_SECONDS = 60 * 60
PER_CLIENT = 10
PER_EMAIL = 3


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
    return _hit(f"alerts:client:{client_address(request)}", PER_CLIENT)


def email_allowed(email):
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    return _hit(f"alerts:email:{digest}", PER_EMAIL)
