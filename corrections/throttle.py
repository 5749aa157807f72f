"""Limits on correction requests: per client address and per facility, per hour."""

from home.throttle import client_address, hit

PER_CLIENT = 5
PER_FACILITY = 10


def client_allowed(request):
    return hit(f"corrections:client:{client_address(request)}", PER_CLIENT)


def facility_allowed(facility_id):
    return hit(f"corrections:facility:{facility_id}", PER_FACILITY)
