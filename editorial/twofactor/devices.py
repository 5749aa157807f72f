"""Who owes a second step, enrolling an authenticator app, checking codes, recovery codes, reset.

An account has at most one confirmed authenticator app (``TOTPDevice``) and one
``StaticDevice`` holding its unused recovery codes. Both are django-otp devices,
so ``OTPMiddleware`` marks the session verified by either of them.
"""

import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from math import ceil

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import device_classes, user_has_device
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.roles import two_factor_required

APP_DEVICE_NAME = "認証アプリ"
RECOVERY_DEVICE_NAME = "回復コード"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 8
# Letters and digits that cannot be mistaken for one another when written down (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# A code this many time steps old (10 minutes) is told apart from a wrong one.
STALE_STEPS = 20
# What people type between the halves of a recovery code, with a Japanese keyboard too.
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]+")

VERIFY_STEP = "two_factor_verify"
SETUP_STEP = "two_factor_setup"


def can_reach_admin(user):
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def is_required(user):
    """Whether ``user`` must enrol before using the admin (TWO_FACTOR_REQUIRED and the roles)."""
    return settings.TWO_FACTOR_REQUIRED and two_factor_required(user)


def has_device(user):
    return user_has_device(user, confirmed=True)


def next_step(user):
    """The URL name of the step an unverified ``user`` owes, or None when it owes nothing."""
    if not can_reach_admin(user):
        return None
    if has_device(user):
        return VERIFY_STEP
    if is_required(user):
        return SETUP_STEP
    return None


# --- Enrolment ------------------------------------------------------------------------------


def app_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").last()


def pending_device(user, create=False):
    """The authenticator app being enrolled: the same key until it is confirmed, so that
    reloading the page does not undo a scan already made."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").last()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device):
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device):
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)


def confirm_enrolment(user, device):
    """Make ``device`` the account's authenticator app (replacing an earlier one) and issue
    new recovery codes, which are returned for showing once."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return new_recovery_codes(user)


def new_recovery_codes(user):
    """Replace the account's recovery codes with new ones; returns them (shown only once)."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(
                user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
            )
        else:
            # The same device, new tokens: a session verified by a recovery code stays verified.
            device.token_set.all().delete()
            device.confirmed = True
            device.throttle_reset()
        codes = set()
        while len(codes) < RECOVERY_CODE_COUNT:
            codes.add(
                "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
            )
        codes = sorted(codes)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(code):
    return f"{code[:4]}-{code[4:]}"


def reset(user):
    """Remove every device of ``user`` (a lost phone): the next login enrols again.

    Sessions verified by those devices stop being verified at their next request.
    Returns the number of devices removed.
    """
    with transaction.atomic():
        return sum(model.objects.filter(user=user).delete()[0] for model in device_classes())


@dataclass(frozen=True)
class Status:
    enrolled: bool
    required: bool
    remaining_codes: int
    last_used_at: datetime | None


def status(user):
    device = app_device(user)
    return Status(
        enrolled=device is not None,
        required=two_factor_required(user),
        remaining_codes=remaining_recovery_codes(user) if device else 0,
        last_used_at=device.last_used_at if device else None,
    )


# --- Checking a code --------------------------------------------------------------------------

WRONG = "wrong"
REUSED = "reused"
EXPIRED = "expired"
THROTTLED = "throttled"
NOT_A_CODE = "not_a_code"
NOT_AN_APP_CODE = "not_an_app_code"
WRONG_RECOVERY_CODE = "wrong_recovery_code"

MESSAGES = {
    WRONG: "確認コードが正しくありません。認証アプリに今表示されている6桁の数字を入力してください。",
    REUSED: (
        "この確認コードは、もう使われています。同じコードは1回しか使えません。"
        "認証アプリの数字が新しく変わってから、その数字を入力してください。"
    ),
    EXPIRED: (
        "この確認コードは古くなっています(確認コードは30秒ごとに変わります)。"
        "認証アプリに今表示されている数字を入力してください。"
        "続くときは、スマートフォンの時刻が正しいか確かめてください。"
    ),
    NOT_A_CODE: (
        "確認コードは、認証アプリに表示される6桁の数字です。"
        "回復コードを使うときは、控えておいた8文字(例: abcd-efgh)を入力してください。"
    ),
    NOT_AN_APP_CODE: "認証アプリに表示されている6桁の数字を入力してください。",
    WRONG_RECOVERY_CODE: (
        "回復コードが正しくないか、既に使われています。回復コードは1つにつき1回しか使えません。"
        "控えの中の、まだ使っていないコードを入力してください。"
    ),
}


@dataclass(frozen=True)
class CodeCheck:
    device: object = None
    problem: str | None = None
    locked_until: datetime | None = None

    @property
    def ok(self):
        return self.device is not None

    @property
    def used_recovery_code(self):
        return isinstance(self.device, StaticDevice)

    @property
    def message(self):
        if self.problem != THROTTLED:
            return MESSAGES.get(self.problem)
        wait = "しばらく"
        if self.locked_until:
            seconds = ceil((self.locked_until - timezone.now()).total_seconds())
            if seconds <= 90:
                wait = f"{max(seconds, 1)}秒ほど"
            else:
                wait = f"{timezone.localtime(self.locked_until):%-H時%M分}まで"
        return (
            f"コードを続けて間違えたため、安全のため入力を止めています。{wait}待ってから、"
            "もう一度入力してください。間違えるたびに、待つ時間が長くなります。"
        )


def normalize(raw):
    """Full-width digits and letters to ASCII, lower case, spaces and dashes removed."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).lower()


def check_code(user, raw, device=None):
    """Check what ``user`` typed: six digits against ``device`` (the authenticator app being
    enrolled) or the confirmed app; without ``device``, anything else as a recovery code."""
    code = normalize(raw)
    if re.fullmatch(r"\d{6}", code):
        device = device or app_device(user)
        if device is None:
            return CodeCheck(problem=WRONG)
        return _check_app_code(device, code)
    if device is not None:
        return CodeCheck(problem=NOT_AN_APP_CODE)
    if re.fullmatch(rf"[a-z0-9]{{{RECOVERY_CODE_LENGTH}}}", code):
        return _check_recovery_code(user, code)
    return CodeCheck(problem=NOT_A_CODE)


def _throttled(device):
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    return CodeCheck(problem=THROTTLED, locked_until=(info or {}).get("locked_until"))


def _check_app_code(device, code):
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None:  # reset by a superuser meanwhile
            return CodeCheck(problem=WRONG)
        refused = _throttled(device)
        if refused:
            return refused
        if device.verify_token(code):
            return CodeCheck(device=device)
        return CodeCheck(problem=_why_refused(device, int(code)))


def _why_refused(device, token):
    """Tell a used or stale code from a wrong one, so the editor knows what to do."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    window = range(now - device.tolerance, now + device.tolerance + 1)
    if any(hotp(device.bin_key, t, device.digits) == token for t in window):
        return REUSED  # right code, refused only because it was accepted before
    if any(
        hotp(device.bin_key, t, device.digits) == token
        for t in range(now - STALE_STEPS, now - device.tolerance)
    ):
        return EXPIRED
    return WRONG


def _check_recovery_code(user, code):
    with transaction.atomic():
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            refused = _throttled(device)
            if refused:
                return refused
            if device.verify_token(code):
                return CodeCheck(device=device)
    return CodeCheck(problem=WRONG_RECOVERY_CODE)
