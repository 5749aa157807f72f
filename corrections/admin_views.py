"""The admin inbox 「修正の依頼」: the requests about the facilities the user may edit.

The requester's text is shown, never edited; a request is closed as 対応済み or
対応しない with a note, once (a second close, also from another tab, changes nothing).
"""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from home.listing import paginate, single_param
from home.text import clean_form_data, clean_text

from .models import MAX_NOTE, CorrectionRequest, CorrectionStatus

VIEW_PERMISSION = "corrections.view_correctionrequest"
CHANGE_PERMISSION = "corrections.change_correctionrequest"
PER_PAGE = 50
MAX_ID = 2**63 - 1  # the largest big integer id; a longer number is no request
STATUS_FILTERS = {"open": "未対応", "done": "対応済み", "rejected": "対応しない", "all": "すべて"}


def may_view(user):
    return user.has_perm(VIEW_PERMISSION)


def _forbidden(request):
    return TemplateResponse(request, "corrections/admin/forbidden.html", status=403)


def inbox_view(request):
    if not may_view(request.user):
        return _forbidden(request)
    mine = CorrectionRequest.objects.for_user(request.user)
    status = single_param(request, "status") or "open"
    note = ""
    if status not in STATUS_FILTERS:
        note = "状態の指定が正しくないため、未対応の依頼を表示しています。"
        status = "open"
    counts = mine.aggregate(
        **{key: Count("pk", filter=Q(status=key)) for key in CorrectionStatus.values},
        all=Count("pk"),
    )
    shown = mine if status == "all" else mine.filter(status=status)
    shown = shown.select_related("facility", "handled_by").only(
        "pk",
        "created_at",
        "status",
        "message",
        "handled_at",
        "facility__title",
        "handled_by__username",
        "handled_by__first_name",
        "handled_by__last_name",
    )
    return TemplateResponse(
        request,
        "corrections/admin/inbox.html",
        {
            "page_obj": paginate(request, shown, PER_PAGE),
            "status": status,
            "filters": [(key, label, counts[key]) for key, label in STATUS_FILTERS.items()],
            "note": note,
        },
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="対応の結果",
        choices=[
            (CorrectionStatus.DONE, "対応済み(ページを直した、または直す必要がなかった)"),
            (CorrectionStatus.REJECTED, "対応しない(内容が正しくない、掲載内容に関係がない など)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "対応の結果を選んでください。",
            "invalid_choice": "対応の結果は「対応済み」か「対応しない」から選んでください。",
        },
    )
    note = forms.CharField(
        label="対応のメモ",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="何をしたか、対応しない理由など。管理画面の中だけで使い、公開しません。",
        error_messages={
            "max_length": f"メモは{MAX_NOTE:,}文字までで書いてください(いまは%(show_value)s文字です)。"
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        # Control characters (a pasted NUL) are removed, not refused.
        super().__init__(clean_form_data(data), *args, **kwargs)

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True).strip()

    def clean(self):
        data = super().clean()
        if data.get("status") == CorrectionStatus.REJECTED and not data.get("note"):
            self.add_error("note", "「対応しない」ときは、理由をメモに書いてください。")
        return data


def detail_view(request, pk):
    if not may_view(request.user):
        return _forbidden(request)
    if pk > MAX_ID:
        raise Http404("この修正の依頼は見つかりません。")
    item = (
        CorrectionRequest.objects.for_user(request.user)
        .select_related("facility", "handled_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("この修正の依頼は見つかりません。")
    may_close = request.user.has_perm(CHANGE_PERMISSION)
    form = CloseForm()
    status = 200
    if request.method == "POST":
        if not may_close:
            return _forbidden(request)
        form = CloseForm(request.POST)
        if not item.is_open:
            messages.error(request, "この依頼はすでに対応が記録されています。変更はしていません。")
            return redirect("corrections_admin_detail", pk=item.pk)
        if form.is_valid():
            # Only an open request is closed, so two people closing at once cannot overwrite.
            closed = CorrectionRequest.objects.filter(
                pk=item.pk, status=CorrectionStatus.OPEN
            ).update(
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                handled_by=request.user,
                handled_at=timezone.now(),
            )
            if closed:
                label = CorrectionStatus(form.cleaned_data["status"]).label
                messages.success(
                    request, f"「{item.facility.title}」の依頼を「{label}」にしました。"
                )
                return redirect("corrections_admin")
            messages.error(
                request, "この依頼はほかの人が先に対応を記録しました。変更はしていません。"
            )
            return redirect("corrections_admin_detail", pk=item.pk)
        status = 400
    return TemplateResponse(
        request,
        "corrections/admin/detail.html",
        {"item": item, "form": form, "may_close": may_close and item.is_open},
        status=status,
    )
