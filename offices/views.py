"""Screens of 事業所担当: the secretariat's list, invitation and suspension; the office
account's 「担当する事業所」; and the public page that accepts an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import WorkflowState

from facilities.models import FacilityPage
from vacancies.models import month_start
from vacancies.views import monthly_url

from . import access
from .forms import MAX_FACILITIES, AcceptForm, InviteForm
from .invitations import InvitationRefused, accept, invite, send_invitation
from .models import OfficeAccount, OfficeInvitation

LIST_PERMISSION = "offices.view_officeaccount"
SUSPEND_PERMISSION = "offices.change_officeaccount"
INVITE_PERMISSION = "offices.add_officeinvitation"
MINE_URL_NAME = "offices_mine"
FORGED = "この招待のリンクは正しくありません。メールのリンクを、途中で切れずにすべて開いているか確かめてください。"


def require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


# --- The secretariat ---------------------------------------------------------------------


def accounts_view(request):
    require(request, LIST_PERMISSION)
    titles = Prefetch(
        "facilities", queryset=FacilityPage.objects.order_by("kana_sort", "pk").only("pk", "title")
    )
    accounts = (
        OfficeAccount.objects.select_related("user")
        .prefetch_related(titles)
        .order_by("user__username")
    )
    invitations = (
        OfficeInvitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .prefetch_related(titles)
    )
    return TemplateResponse(
        request,
        "offices/admin/accounts.html",
        {
            "accounts": accounts,
            "invitations": invitations,
            "may_invite": request.user.has_perm(INVITE_PERMISSION),
            "may_suspend": request.user.has_perm(SUSPEND_PERMISSION),
            "now": timezone.now(),
        },
    )


def invite_view(request):
    require(request, INVITE_PERMISSION)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            invite(form.cleaned_data["email"], form.cleaned_data["facilities"], request.user)
            messages.success(
                request,
                f"{form.cleaned_data['email']} に招待のメールを送ります(リンクの有効期限は7日間です)。",
            )
            return redirect("offices_accounts")
    else:
        form = InviteForm()
    return TemplateResponse(
        request, "offices/admin/invite.html", {"form": form, "max_facilities": MAX_FACILITIES}
    )


def _account_or_404(pk):
    account = OfficeAccount.objects.select_related("user").filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


@require_POST
def suspend_view(request, pk):
    require(request, SUSPEND_PERMISSION)
    account = _account_or_404(pk)
    if account.suspended_at is None:
        OfficeAccount.objects.filter(pk=account.pk).update(suspended_at=timezone.now())
        messages.success(
            request,
            f"「{account}」の利用を停止しました。ログイン中の画面も、次の操作でログアウトになります。",
        )
    return redirect("offices_accounts")


@require_POST
def reactivate_view(request, pk):
    require(request, SUSPEND_PERMISSION)
    account = _account_or_404(pk)
    if account.suspended_at is not None:
        OfficeAccount.objects.filter(pk=account.pk).update(suspended_at=None)
        messages.success(request, f"「{account}」の利用を再開しました。")
    return redirect("offices_accounts")


def _waiting_invitation(pk):
    invitation = OfficeInvitation.objects.filter(
        pk=pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if invitation is None:
        raise Http404
    return invitation


@require_POST
def resend_view(request, pk):
    require(request, INVITE_PERMISSION)
    invitation = _waiting_invitation(pk)
    send_invitation.enqueue(invitation.pk)
    messages.success(
        request,
        f"{invitation.email} に新しいリンクで招待のメールを送ります。前に送ったリンクは使えなくなります。",
    )
    return redirect("offices_accounts")


@require_POST
def revoke_view(request, pk):
    require(request, INVITE_PERMISSION)
    invitation = _waiting_invitation(pk)
    OfficeInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    messages.success(request, f"{invitation.email} への招待を取り消しました。リンクは使えません。")
    return redirect("offices_accounts")


# --- The office account ------------------------------------------------------------------


def mine_view(request):
    """「担当する事業所」: the account's facilities, each with its edit link and whether a change
    waits for approval; and the link to the month's vacancy entry."""
    ids = access.facility_ids(request.user)
    if ids is None:
        raise PermissionDenied
    facilities = list(
        FacilityPage.objects.filter(pk__in=ids)
        .select_related("municipality")
        .order_by("kana_sort", "pk")
        .only("pk", "title", "live", "has_unpublished_changes", "municipality__name")
    )
    waiting = set(
        WorkflowState.objects.active()
        .filter(base_content_type__model="page", object_id__in=[str(f.pk) for f in facilities])
        .values_list("object_id", flat=True)
    )
    back = reverse(MINE_URL_NAME)
    rows = [
        {
            "facility": facility,
            "edit_url": f"{reverse('wagtailadmin_pages:edit', args=[facility.pk])}?next={back}",
            "waiting": str(facility.pk) in waiting,
        }
        for facility in facilities
    ]
    return TemplateResponse(
        request,
        "offices/admin/mine.html",
        {"rows": rows, "vacancy_url": monthly_url(month_start())},
    )


# --- Accepting an invitation (public) ----------------------------------------------------


def _message(request, title, message, status):
    return TemplateResponse(
        request, "offices/message.html", {"title": title, "message": message}, status=status
    )


@never_cache
def accept_view(request, token):
    invitation = OfficeInvitation.objects.by_token(token)
    if invitation is None:
        return _message(request, "招待のリンクを確かめてください", FORGED, 404)
    refusal = invitation.refusal()
    if refusal:
        return _message(request, "この招待のリンクは使えません", refusal, 410)
    if request.user.is_authenticated:
        return _message(
            request,
            "別のアカウントでログインしています",
            "いまログインしているアカウントでは、この招待を受けられません。"
            "ログアウトしてから、もう一度メールのリンクを開いてください。",
            403,
        )
    if request.method == "POST":
        form = AcceptForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                user = accept(
                    invitation.pk,
                    form.cleaned_data["username"],
                    form.cleaned_data["password1"],
                    form.cleaned_data["full_name"],
                )
            except InvitationRefused as refused:
                return _message(request, "この招待のリンクは使えません", str(refused), 410)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                "アカウントを作りました。続けて、スマートフォンの認証アプリを登録してください。",
            )
            return redirect(MINE_URL_NAME)
    else:
        form = AcceptForm(email=invitation.email)
    facilities = invitation.facilities.order_by("kana_sort", "pk").only("title")
    return TemplateResponse(
        request,
        "offices/accept.html",
        {"form": form, "invitation": invitation, "facilities": facilities},
    )
