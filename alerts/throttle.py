"""Limits on sign-up requests: per client address and per e-mail address, per hour."""

import hashlib

from home.throttle import client_address, hit

PER_CLIENT = 10
PER_EMAIL = 3


def client_allowed(request):
    return hit(f"alerts:client:{client_address(request)}", PER_CLIENT)


def email_allowed(email):
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    return hit(f"alerts:email:{digest}", PER_EMAIL)
