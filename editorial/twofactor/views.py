"""The two-factor screens.

Logging in: ``verify_view`` asks for the code after the password. Enrolling:
``setup_view`` (QR code and key, then a code to confirm) and
``recovery_codes_view`` (the new recovery codes, shown once). From the account
settings (``AccountPanel``): a new phone, new recovery codes, turning it off
where the role allows. For superusers: ``users_view`` and ``reset_view``.
"""

import logging
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from wagtail.admin.views.account import BaseSettingsPanel

from . import devices

logger = logging.getLogger(__name__)

NEW_CODES_SESSION_KEY = "editorial_two_factor_new_codes"
RECOVERY_CODES_STEP = "two_factor_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード",
        max_length=40,
        error_messages={
            "required": "確認コードを入力してください。",
            "max_length": "入力が長すぎます。確認コードは6桁の数字です。",
            "null_characters_not_allowed": "確認コードに使えない文字が入っています。",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, app_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if app_only:
            self.fields["code"].help_text = "認証アプリに表示されている6桁の数字"
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        else:
            self.fields[
                "code"
            ].help_text = (
                "認証アプリに表示されている6桁の数字。スマートフォンが手元にないときは回復コード"
            )


def next_url(request):
    """Where to go afterwards: ``next`` when it is a path on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def with_next(url_name, target):
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def mark_verified(request, device):
    # A new session key for the session that now counts as fully logged in.
    request.session.cycle_key()
    otp_login(request, device)


def bound_form(request, **kwargs):
    return CodeForm(request.POST if request.method == "POST" else None, **kwargs)


# --- Logging in ---------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify_view(request):
    user = request.user
    target = next_url(request)
    if user.is_verified():
        return redirect(target)
    step = devices.next_step(user)
    if step != devices.VERIFY_STEP:
        return redirect(with_next(step, target) if step else target)

    form = bound_form(request)
    if form.is_valid():
        result = devices.check_code(user, form.cleaned_data["code"])
        if result.ok:
            mark_verified(request, result.device)
            if result.used_recovery_code:
                messages.warning(request, recovery_code_used_message(user))
            return redirect(target)
        form.add_error("code", result.message)
    return TemplateResponse(
        request,
        "editorial/twofactor/verify.html",
        {
            "form": form,
            "next": target,
            "title": "確認コードの入力",
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


def recovery_code_used_message(user):
    left = devices.remaining_recovery_codes(user)
    message = (
        f"回復コードでログインしました(残り{left}個)。スマートフォンを替えたときやなくしたときは、"
        "左下のお名前 →「アカウント」の「二要素認証」で、認証アプリを登録し直してください。"
    )
    if left == 0:
        message += "回復コードがもう残っていません。同じところで新しい回復コードを作ってください。"
    return message


# --- Enrolling ----------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def setup_view(request):
    user = request.user
    target = next_url(request)
    if devices.has_device(user) and not user.is_verified():
        # Replacing the app needs the code of the one registered now.
        return redirect(with_next(devices.VERIFY_STEP, target))

    form = bound_form(request, app_only=True)
    if request.method == "POST":
        device = devices.pending_device(user)
        if device is None:
            messages.error(
                request,
                "登録の手続きが見つかりませんでした。二次元コードを読み取るところから、"
                "もう一度進めてください。",
            )
            return redirect(with_next(devices.SETUP_STEP, target))
        if form.is_valid():
            result = devices.check_code(user, form.cleaned_data["code"], device=device)
            if result.ok:
                codes = devices.confirm_enrolment(user, device)
                mark_verified(request, device)
                request.session[NEW_CODES_SESSION_KEY] = codes
                logger.info("二要素認証: %s が認証アプリを登録しました。", user.get_username())
                return redirect(with_next(RECOVERY_CODES_STEP, target))
            form.add_error("code", result.message)
    else:
        device = devices.pending_device(user, create=True)

    return TemplateResponse(
        request,
        "editorial/twofactor/setup.html",
        {
            "form": form,
            "next": target,
            "title": "二要素認証の設定",
            "qr_code": devices.qr_code_data_uri(device),
            "secret": devices.secret_text(device),
            "account_name": user.get_username(),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": devices.is_required(user),
            "replacing": devices.has_device(user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request):
    """The recovery codes just made, until the editor says they are written down."""
    target = next_url(request)
    if request.method == "POST":
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        messages.success(request, "二要素認証の設定が終わりました。")
        return redirect(target)
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    if not isinstance(codes, list):
        codes = []
    return TemplateResponse(
        request,
        "editorial/twofactor/recovery_codes.html",
        {
            "codes": [devices.format_recovery_code(str(code)) for code in codes],
            "next": target,
            "title": "回復コード",
            "issuer": settings.OTP_TOTP_ISSUER,
            "account_url": reverse("wagtailadmin_account"),
        },
    )


# --- Account settings ---------------------------------------------------------------------------


class AccountPanel(BaseSettingsPanel):
    """「二要素認証」 on the account settings page: the state, and links to change it."""

    name = "two_factor"
    title = "二要素認証"
    order = 600
    template_name = "editorial/twofactor/account_panel.html"

    def is_active(self):
        return devices.can_reach_admin(self.user)

    def get_form(self):
        # The panel has nothing to save; its actions are pages of their own.
        return forms.Form(prefix=self.name)

    def get_context_data(self):
        account = reverse("wagtailadmin_account")
        return {
            "status": devices.status(self.user),
            "can_turn_off": not devices.is_required(self.user),
            "setup_url": with_next(devices.SETUP_STEP, account),
        }


@never_cache
@require_http_methods(["GET", "POST"])
def new_recovery_codes_view(request):
    user = request.user
    account = reverse("wagtailadmin_account")
    if devices.app_device(user) is None:
        return redirect(with_next(devices.SETUP_STEP, account))
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = devices.new_recovery_codes(user)
        logger.info("二要素認証: %s が回復コードを作り直しました。", user.get_username())
        return redirect(with_next(RECOVERY_CODES_STEP, account))
    return TemplateResponse(
        request,
        "editorial/twofactor/new_recovery_codes.html",
        {"title": "回復コードを作り直す", "remaining": devices.remaining_recovery_codes(user)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def turn_off_view(request):
    user = request.user
    account = reverse("wagtailadmin_account")
    if devices.is_required(user):
        messages.error(request, "あなたの役割では二要素認証が必須のため、やめることはできません。")
        return redirect(account)
    if not devices.has_device(user):
        return redirect(account)
    if request.method == "POST":
        devices.reset(user)
        logger.info("二要素認証: %s が二要素認証をやめました。", user.get_username())
        messages.success(
            request, "二要素認証をやめました。次からは、パスワードだけでログインします。"
        )
        return redirect(account)
    return TemplateResponse(
        request, "editorial/twofactor/turn_off.html", {"title": "二要素認証をやめる"}
    )


# --- Superusers: every admin account's state, and resetting a lost phone ----------------------------


def require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def admin_accounts():
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=access)
            | Q(user_permissions__in=access)
        )
        .distinct()
        .order_by("username")
        .prefetch_related("groups")
    )


@never_cache
def users_view(request):
    require_superuser(request)
    rows = [
        {
            "user": user,
            "roles": "・".join(group.name for group in user.groups.all()),
            "status": devices.status(user),
        }
        for user in admin_accounts()
    ]
    return TemplateResponse(
        request,
        "editorial/twofactor/users.html",
        {
            "rows": rows,
            "title": "二要素認証の状況",
            "required_off": not settings.TWO_FACTOR_REQUIRED,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reset_view(request, user_id):
    require_superuser(request)
    account = get_object_or_404(get_user_model(), pk=user_id)
    name = account.get_full_name() or account.get_username()
    if request.method == "POST":
        removed = devices.reset(account)
        logger.warning(
            "二要素認証: %s が %s の二要素認証をリセットしました(%d件)。",
            request.user.get_username(),
            account.get_username(),
            removed,
        )
        messages.success(
            request,
            f"{name} さんの二要素認証をリセットしました。次にログインしたときに、"
            "認証アプリを登録し直します。",
        )
        return redirect("two_factor_users")
    return TemplateResponse(
        request,
        "editorial/twofactor/reset.html",
        {"account": account, "name": name, "title": "二要素認証のリセット"},
    )
