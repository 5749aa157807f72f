"""CSV for one month's vacancy sheet: download, upload (UTF-8 or Shift_JIS), preview, apply.

An upload is checked row by row; any error leaves the database untouched.
A valid upload is shown as a preview of changes, which the secretariat then
applies in one transaction. The preview carries the parsed rows in a signed
field, so what is applied is exactly what was previewed.
"""

import csv
import io

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail import hooks

from facilities.models import VacancyFigure
from facilities.models.vacancy import month_label, month_start
from facilities.vacancy_admin import PERMISSION, figures_for, tracked_rows
from facilities.vacancy_forms import (
    FOR_WHOM_BY_LABEL,
    FOR_WHOM_LABELS,
    VacancyValueError,
    parse_month,
    parse_vacancies,
)

HEADERS = ["事業所ID", "事業所名", "サービス", "対象月", "空き人数", "対象", "体験利用", "備考"]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TRUE_WORDS = {"可", "○", "◯", "はい", "1", "あり", "true"}
FALSE_WORDS = {"", "不可", "×", "いいえ", "0", "なし", "false", "-"}
SIGNING_SALT = "vacancy-csv"


def month_from(request):
    return parse_month(request.GET.get("month") or request.POST.get("month")) or month_start()


def download_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    month = month_from(request)
    current = figures_for(month)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # lets Excel open UTF-8 correctly
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for facility, service in tracked_rows():
        figure = current.get((facility.pk, service.pk))
        writer.writerow(
            [
                facility.pk,
                facility.title,
                service.name,
                f"{month:%Y-%m}",
                "" if figure is None or figure.vacancies is None else figure.vacancies,
                FOR_WHOM_LABELS[figure.for_whom] if figure else "問わず",
                "可" if figure and figure.trial_stay else "",
                figure.note if figure else "",
            ]
        )
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="vacancies-{month:%Y-%m}.csv"'
    return response


def decode(data):
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_sheet(text, month):
    """Rows ready to save and a list of (line number, message) errors."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], [(1, "ファイルが空です。")]
    if header != HEADERS:
        return [], [
            (
                1,
                "1行目の見出しが違います。ダウンロードした表の見出し("
                + "、".join(HEADERS)
                + ")をそのまま使ってください。",
            )
        ]
    expected = {(f.pk, s.name): (f, s) for f, s in tracked_rows()}
    rows, errors, seen = [], [], {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADERS):
            errors.append((line, f"列の数が{len(HEADERS)}ではありません({len(values)}列)。"))
            continue
        facility_id, _, service_name, row_month, vacancies, for_whom, trial, note = (
            v.strip() for v in values
        )
        problems = []
        key = None
        if not facility_id.isascii() or not facility_id.isdigit():
            problems.append("事業所IDが数字ではありません。")
        else:
            key = (int(facility_id), service_name)
            if key not in expected:
                problems.append(
                    f"事業所ID {facility_id} の「{service_name}」は、空き情報を集める対象にありません。"
                )
        if row_month and parse_month(row_month) != month:
            problems.append(f"対象月が{month:%Y-%m}ではありません。")
        try:
            number = parse_vacancies(vacancies)
        except VacancyValueError as error:
            problems.append(str(error))
            number = None
        if for_whom and for_whom not in FOR_WHOM_BY_LABEL:
            problems.append("対象は「問わず」「男性」「女性」のどれかにしてください。")
        if trial not in TRUE_WORDS and trial not in FALSE_WORDS:
            problems.append("体験利用は「可」か空欄にしてください。")
        if len(note) > 200:
            problems.append("備考は200文字までです。")
        if key is not None and key in seen:
            problems.append(f"同じ事業所・サービスの行が{seen[key]}行目にもあります。")
        if key is not None:
            seen.setdefault(key, line)
        if problems:
            errors.extend((line, p) for p in problems)
            continue
        facility, service = expected[key]
        rows.append(
            {
                "facility": facility.pk,
                "facility_name": facility.title,
                "service_type": service.pk,
                "service_name": service.name,
                "vacancies": number,
                "for_whom": FOR_WHOM_BY_LABEL.get(for_whom, "any"),
                "trial_stay": trial in TRUE_WORDS,
                "note": note,
            }
        )
    return rows, errors


class UploadForm(forms.Form):
    month = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label="CSVファイル", help_text="UTF-8 または Shift_JIS の CSV(2MBまで)")


def upload_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    month = month_from(request)
    context = {"month": month, "month_value": f"{month:%Y-%m}", "month_label": month_label(month)}

    if request.method == "POST" and "apply" in request.POST:
        try:
            payload = signing.loads(
                request.POST.get("payload", ""), salt=SIGNING_SALT, max_age=3600
            )
        except signing.BadSignature:
            messages.error(
                request, "確認画面の内容を読み取れませんでした。もう一度アップロードしてください。"
            )
            return redirect(f"{reverse('vacancy_csv_upload')}?month={month:%Y-%m}")
        month = parse_month(payload["month"])
        loaded_at = parse_datetime(payload["loaded_at"])
        changed = VacancyFigure.objects.filter(
            month=month, updated_at__gt=loaded_at
        ).select_related("facility", "service_type")
        if changed.exists():
            names = "、".join(
                f"「{f.facility.title}」の{f.service_type.name}" for f in changed[:10]
            )
            messages.error(
                request,
                f"確認の後に、ほかの人が同じ月の空き情報を保存しました: {names}。反映を取りやめました。",
            )
            return redirect(f"{reverse('vacancy_csv_upload')}?month={month:%Y-%m}")
        count = apply_rows(month, payload["rows"], request.user)
        messages.success(
            request, f"{month_label(month)}の空き情報をCSVから反映しました({count}件)。"
        )
        return redirect(f"{reverse('vacancy_monthly')}?month={month:%Y-%m}")

    form = UploadForm(
        request.POST or None, request.FILES or None, initial={"month": f"{month:%Y-%m}"}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        errors, rows = [], []
        if upload.size > MAX_UPLOAD_BYTES:
            errors = [(0, "ファイルが大きすぎます(2MBまで)。")]
        else:
            text = decode(upload.read())
            if text is None:
                errors = [
                    (
                        0,
                        "文字コードを読み取れませんでした。UTF-8 または Shift_JIS で保存してください。",
                    )
                ]
            else:
                rows, errors = parse_sheet(text, month)
        context["errors"] = errors
        if not errors:
            current = figures_for(month)
            preview = []
            for row in rows:
                before = current.get((row["facility"], row["service_type"]))
                preview.append({**row, "before": before, "changed": differs(before, row)})
            context["preview"] = preview
            context["change_count"] = sum(1 for p in preview if p["changed"])
            context["payload"] = signing.dumps(
                {"month": f"{month:%Y-%m}", "loaded_at": timezone.now().isoformat(), "rows": rows},
                salt=SIGNING_SALT,
            )
    context["form"] = form
    return TemplateResponse(request, "facilities/admin/vacancy_csv.html", context)


def differs(figure, row):
    if figure is None:
        return row["vacancies"] is not None or row["note"] or row["trial_stay"]
    return (
        figure.vacancies != row["vacancies"]
        or figure.for_whom != row["for_whom"]
        or figure.trial_stay != row["trial_stay"]
        or figure.note != row["note"]
    )


@transaction.atomic
def apply_rows(month, rows, user):
    current = figures_for(month)
    today = timezone.localdate()
    count = 0
    for row in rows:
        figure = current.get((row["facility"], row["service_type"]))
        if not differs(figure, row):
            continue
        if figure is None:
            figure = VacancyFigure(
                facility_id=row["facility"], service_type_id=row["service_type"], month=month
            )
        figure.vacancies = row["vacancies"]
        figure.for_whom = row["for_whom"]
        figure.trial_stay = row["trial_stay"]
        figure.note = row["note"]
        figure.reported_on = today
        figure.entered_by = user
        figure.save()
        count += 1
    return count


@hooks.register("register_admin_urls")
def register_csv_urls():
    return [
        path("vacancies/csv/", download_view, name="vacancy_csv_download"),
        path("vacancies/csv/upload/", upload_view, name="vacancy_csv_upload"),
    ]
