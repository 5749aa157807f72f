"""Logging in with the second factor in tests, as an editor with an authenticator app does.

The two-factor requirement stays on in the test settings. Tests that are about
something else log in through ``VerifiedClient`` (the ``client`` and
``admin_client`` fixtures of conftest.py) or, in Chromium, type the code that
``app_code()`` computes from the account's key, as the phone would.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def app_device(user):
    """The account's authenticator app, registered now if it has none (as if enrolled earlier)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
    return device


def time_step(device):
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()


def code_at(device, t):
    return f"{hotp(device.bin_key, t, device.digits):0{device.digits}d}"


def app_code(device, steps=0):
    """What the authenticator app shows now, or ``steps`` periods of 30 seconds later/earlier."""
    return code_at(device, time_step(device) + steps)


def fresh_code(device):
    """The code the app shows now, for a login the site has not seen this period yet.

    A test may log the same account in twice within 30 seconds, where the phone
    would still show the code already used; then the device is taken back to the
    period before, as if the editor had waited for the next code.
    """
    device.refresh_from_db()
    now = time_step(device)
    if device.last_t >= now:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now - 1)
    return code_at(device, now)


class VerifiedClient(Client):
    """A test client whose logins end as after typing the code: the session is verified by the
    account's authenticator app. ``django.test.Client`` stays the client of password-only logins."""

    def _login(self, user, backend=None):
        super()._login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
        session.save()


def enter_code(page, device):
    """In Chromium, after the password: type the code on 「確認コードの入力」.

    ``device`` (``app_device(user)``) must exist before the password is sent, or an
    account whose role requires two-factor login is sent to enrol instead.
    """
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_code", fresh_code(device))
    page.keyboard.press("Enter")
    # Wait for the page after it (a glob like "**/admin/" also matches "verify/?next=/admin/").
    page.wait_for_url(lambda url: "/admin/two-factor/" not in url)
