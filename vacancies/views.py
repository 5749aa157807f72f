"""The secretariat's vacancy screens: the monthly table, and the month's sheet as CSV.

Both write through ``VacancyFigure.objects.write_month``: all rows at once or none,
and never over what someone else saved after the screen was opened.

Holders of ``vacancies.change_vacancyfigure`` enter every tracked row. Apps above
may let other accounts enter some facilities' rows on the monthly screen through
the hook ``facilities.extensions.FACILITIES_KEPT_HOOK``: fn(user) -> None (nothing
to say about this user) or the ids of the facilities the user keeps. Those accounts
see and post only those rows, and not the CSV screens.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail import hooks

from facilities.extensions import FACILITIES_KEPT_HOOK
from home.text import clean_form_data

from .csv_sheet import MAX_UPLOAD_BYTES, read_sheet, write_sheet
from .forms import VacancyRowFormSet, parse_month
from .models import (
    ENTERED_FIELDS,
    ForWhom,
    VacancyFigure,
    month_label,
    month_start,
    next_month,
    previous_month,
)

PERMISSION = "vacancies.change_vacancyfigure"
SIGNING_SALT = "vacancy-csv"


def require_permission(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def entry_facilities(user):
    """None when ``user`` enters every row; else the ids of the facilities it may enter
    (from ``FACILITIES_KEPT_HOOK``); PermissionDenied when neither."""
    if user.has_perm(PERMISSION):
        return None
    answers = [ids for fn in hooks.get_hooks(FACILITIES_KEPT_HOOK) if (ids := fn(user)) is not None]
    if not answers:
        raise PermissionDenied
    return set().union(*answers)


def may_enter(user):
    try:
        entry_facilities(user)
    except PermissionDenied:
        return False
    return True


def month_from(request):
    return parse_month(request.GET.get("month") or request.POST.get("month")) or month_start()


def monthly_url(month):
    return f"{reverse('vacancy_monthly')}?month={month:%Y-%m}"


def describe_changes(changed):
    """「○○」の短期入所(入力者、10:42)… for a refusal message."""
    return "、".join(
        f"「{f.facility.title}」の{f.service_type.name}"
        f"({f.entered_by.get_full_name() or f.entered_by.get_username() if f.entered_by else '不明'}"
        f"、{timezone.localtime(f.updated_at):%H:%M})"
        for f in changed[:10]
    )


def opened_at(text):
    """The moment the screen was opened, from its hidden field; None when it is not one the
    screen could have written (unreadable, without a time zone, or later than now)."""
    try:
        moment = parse_datetime(text or "")
        if moment is None or timezone.is_naive(moment) or moment.year < 2000:
            return None
        moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return moment if moment <= timezone.now() else None


def initial_rows(rows, current, last):
    """The table as the screen opens: this month's values, or last month's where none yet."""
    initial = []
    for facility, service in rows:
        figure = current.get((facility.pk, service.pk)) or last.get((facility.pk, service.pk))
        values = {name: getattr(figure, name) for name in ENTERED_FIELDS} if figure else {}
        initial.append(
            {
                "facility": facility.pk,
                "service_type": service.pk,
                "vacancies": "" if values.get("vacancies") is None else values["vacancies"],
                "for_whom": values.get("for_whom", ForWhom.ANY),
                "trial_stay": values.get("trial_stay", False),
                "note": values.get("note", ""),
            }
        )
    return initial


def refusal_of_table(formset, rows):
    """Why a posted table that is not the one the screen shows is refused, or None.

    The screen posts every tracked row once. Rows missing, repeated or added mean
    the table changed since it was opened (a facility added or removed) or the post
    was not made by the screen; nothing is saved then.
    """
    keys = [(d["facility"], d["service_type"]) for d in (form.cleaned_data for form in formset)]
    if len(set(keys)) != len(keys):
        return "同じ事業所・サービスの行が2つ以上あったため、保存しませんでした。"
    expected = {(f.pk, s.pk) for f, s in rows}
    if set(keys) - expected:
        return "対象でない事業所・サービスの行が含まれていたため、保存しませんでした。"
    if expected - set(keys):
        return "空き情報を集める事業所・サービスの行が足りないため、保存しませんでした。"
    return None


def monthly_view(request):
    facilities = entry_facilities(request.user)
    month = parse_month(request.GET.get("month") or request.POST.get("month"))
    unreadable_month = month is None and request.method == "POST"
    if month is None:
        if request.GET.get("month") and not unreadable_month:
            messages.warning(request, "月の指定が正しくないため、今月を表示しています。")
        month = month_start()
    rows = VacancyFigure.objects.tracked_rows(facilities)
    current = VacancyFigure.objects.by_row(month, facilities)
    last = VacancyFigure.objects.by_row(previous_month(month), facilities)

    formset = None
    if request.method == "POST":
        posted = VacancyRowFormSet(clean_form_data(request.POST))
        valid = posted.is_valid()
        refusal = None
        if unreadable_month:
            refusal = "対象月を読み取れなかったため、保存しませんでした。"
        elif posted.non_form_errors() or len(posted.forms) != len(rows):
            refusal = "送信された表が、この画面の表と合わないため、保存しませんでした。"
        elif valid:
            refusal = refusal_of_table(posted, rows)
        if refusal is None and valid and opened_at(request.POST.get("loaded_at")) is None:
            refusal = "画面を開いた時刻を読み取れなかったため、保存しませんでした。"
        if refusal:
            messages.error(
                request, f"{refusal}画面を開き直して、内容を確かめてから入力してください。"
            )
        elif not valid:
            formset = posted
            messages.error(
                request,
                "入力に誤りがある行があります。赤く表示された行を直してください。何も保存していません。",
            )
        else:
            formset = posted
            submitted = [form.cleaned_data for form in posted]
            loaded_at = opened_at(request.POST.get("loaded_at"))
            changed = list(VacancyFigure.objects.changed_since(month, loaded_at, facilities))
            if changed:
                messages.error(
                    request,
                    f"この画面を開いた後に、ほかの人が同じ月の空き情報を保存しました: "
                    f"{describe_changes(changed)}。上書きしないよう保存を取りやめました。"
                    "画面を開き直して、内容を確かめてから入力してください。",
                )
            else:
                saved = VacancyFigure.objects.write_month(month, submitted, request.user)
                messages.success(
                    request, f"{month_label(month)}の空き情報を保存しました({saved}件)。"
                )
                return redirect(monthly_url(month))
    if formset is None:
        formset = VacancyRowFormSet(initial=initial_rows(rows, current, last))

    table = []
    for form, (facility, service) in zip(formset.forms, rows, strict=False):
        key = (facility.pk, service.pk)
        table.append(
            {
                "form": form,
                "facility": facility,
                "service": service,
                "current": current.get(key),
                "from_last_month": key not in current and key in last,
            }
        )
    return TemplateResponse(
        request,
        "vacancies/admin/vacancy_monthly.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "month_label": month_label(month),
            "previous": previous_month(month),
            "next": next_month(month),
            "formset": formset,
            "table": table,
            "loaded_at": timezone.now().isoformat(),
            "answered": sum(1 for row in table if row["current"] and row["current"].answered),
            "all_rows": facilities is None,
        },
    )


def csv_download_view(request):
    require_permission(request)
    month = month_from(request)
    text = write_sheet(
        month, VacancyFigure.objects.tracked_rows(), VacancyFigure.objects.by_row(month)
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vacancies-{month:%Y-%m}.csv"'
    return response


class UploadForm(forms.Form):
    month = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label="CSVファイル", help_text="UTF-8 または Shift_JIS の CSV(2MBまで)")


def apply_preview(request):
    """Apply the confirmed preview; (refusal message or None, month)."""
    month = month_from(request)
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=SIGNING_SALT, max_age=3600)
    except signing.SignatureExpired:
        return "確認画面を開いてから1時間を過ぎました。もう一度アップロードしてください。", month
    except signing.BadSignature:
        return "確認画面の内容を読み取れませんでした。もう一度アップロードしてください。", month
    month = parse_month(payload["month"])
    tracked = {(f.pk, s.pk) for f, s in VacancyFigure.objects.tracked_rows()}
    if any((row["facility"], row["service_type"]) not in tracked for row in payload["rows"]):
        return (
            "確認の後に、空き情報を集める事業所・サービスが変わりました(事業所の削除・非公開など)。"
            "反映を取りやめました。もう一度アップロードしてください。",
            month,
        )
    changed = list(VacancyFigure.objects.changed_since(month, parse_datetime(payload["loaded_at"])))
    if changed:
        return (
            f"確認の後に、同じ月の空き情報が保存されました: {describe_changes(changed)}。"
            "反映を取りやめました。二重に反映していないか、空き情報の入力画面で確かめてから、"
            "必要ならもう一度アップロードしてください。",
            month,
        )
    count = VacancyFigure.objects.write_month(month, payload["rows"], request.user)
    messages.success(request, f"{month_label(month)}の空き情報をCSVから反映しました({count}件)。")
    return None, month


def csv_upload_view(request):
    """Upload → preview of the changes (carried in a signed field) → apply all at once."""
    require_permission(request)
    month = month_from(request)
    context = {"month": month, "month_value": f"{month:%Y-%m}", "month_label": month_label(month)}

    if request.method == "POST" and "apply" in request.POST:
        refusal, month = apply_preview(request)
        if refusal is None:
            return redirect(monthly_url(month))
        messages.error(request, refusal)
        context.update(
            {"month": month, "month_value": f"{month:%Y-%m}", "month_label": month_label(month)}
        )
        context["form"] = UploadForm(initial={"month": f"{month:%Y-%m}"})
        return TemplateResponse(request, "vacancies/admin/vacancy_csv.html", context)

    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"month": f"{month:%Y-%m}"}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        errors, rows = [], []
        if upload.size > MAX_UPLOAD_BYTES:
            errors = [(0, "ファイルが大きすぎます(2MBまで)。")]
        else:
            rows, errors = read_sheet(upload.read(), month, VacancyFigure.objects.tracked_rows())
        context["errors"] = errors
        if not errors:
            current = VacancyFigure.objects.by_row(month)
            preview = []
            for row in rows:
                before = current.get((row["facility"], row["service_type"]))
                changed = (
                    before.differs_from(row) if before else not VacancyFigure.row_is_blank(row)
                )
                preview.append(
                    {
                        **row,
                        "before_label": VacancyFigure.count_label(before.vacancies)
                        if before
                        else "なし",
                        "csv_label": VacancyFigure.count_label(row["vacancies"]),
                        "changed": changed,
                    }
                )
            context["preview"] = preview
            context["change_count"] = sum(1 for p in preview if p["changed"])
            context["payload"] = signing.dumps(
                {"month": f"{month:%Y-%m}", "loaded_at": timezone.now().isoformat(), "rows": rows},
                salt=SIGNING_SALT,
            )
    context["form"] = form
    return TemplateResponse(request, "vacancies/admin/vacancy_csv.html", context)
