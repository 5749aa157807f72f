"""Admin screens: upload → (column mapping for sheets) → dry run → apply through the task queue.

Who may import: whoever may add facility pages under ふくしマップ (施設情報担当,
事務局, superusers). Publishing directly is offered only to those who may
publish there; everyone else's new facilities become drafts for review.
"""

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from facilities.models import (
    FacilityImport,
    FacilityImportFile,
    FacilityIndexPage,
    ImportKind,
    ImportStatus,
)
from home.dates import wareki_month
from home.formatting import MB, file_size

from . import jobs, spreadsheet, tasks
from .rows import ImportFileError

MAX_UPLOAD_BYTES = 100 * MB
MAX_FILES = 40


def facility_index():
    return FacilityIndexPage.objects.order_by("path").first()


def may_import(user):
    index = facility_index()
    return index is not None and index.permissions_for_user(user).can_add_subpage()


def may_publish(user):
    index = facility_index()
    return index is not None and index.permissions_for_user(user).can_publish_subpage()


def require_import_permission(request):
    if not may_import(request.user):
        raise PermissionDenied


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError("ファイルを選んでください。")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def month_choices():
    today = dt.date.today()
    months, month = [], today.replace(day=1)
    for _ in range(24):
        months.append((month.isoformat(), wareki_month(month)))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="ファイルの種類", choices=ImportKind.choices, widget=forms.RadioSelect
    )
    files = MultipleFileField(
        label="ファイル",
        help_text=(
            "公表システムの CSV か ZIP(サービス種別ごとのファイルをまとめて選べます)、"
            "または協議会の一覧表(.xlsx か .csv)。"
        ),
    )
    source_date = forms.ChoiceField(
        label="データの時点",
        help_text="ページの「出典」に「令和N年M月時点」として出ます。公表システムのデータの更新月を選びます。",
    )
    publish = forms.BooleanField(
        label="新しい事業所と変更を、確認なしですぐに公開する",
        required=False,
        help_text="選ばないと、下書きとして保存します。施設情報担当が確かめてから公開します。",
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_date"].choices = month_choices()
        if not can_publish:
            del self.fields["publish"]

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一度に選べるファイルは {MAX_FILES} 個までです。")
        total = sum(f.size for f in files)
        if total > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"ファイルが大きすぎます(合計 {file_size(total)}。{file_size(MAX_UPLOAD_BYTES)} までです)。"
            )
        return files


def upload_view(request):
    require_import_permission(request)
    can_publish = may_publish(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        can_publish=can_publish,
        initial={"kind": ImportKind.WAM, "source_date": month_choices()[0][0]},
    )
    if request.method == "POST":
        # The widget gives only the last file; every chosen file is wanted.
        form.files.setlist("files", request.FILES.getlist("files"))
    if request.method == "POST" and form.is_valid():
        job = FacilityImport.objects.create(
            kind=form.cleaned_data["kind"],
            created_by=request.user,
            source_date=dt.date.fromisoformat(form.cleaned_data["source_date"]),
            publish=bool(form.cleaned_data.get("publish")) and can_publish,
        )
        FacilityImportFile.objects.bulk_create(
            FacilityImportFile(facility_import=job, position=n, name=f.name, data=f.read())
            for n, f in enumerate(form.cleaned_data["files"])
        )
        if job.kind == ImportKind.SHEET:
            return redirect("facility_import_mapping", job.pk)
        return redirect("facility_import_check", job.pk)
    recent = FacilityImport.objects.select_related("created_by")[:10]
    return render(
        request,
        "facilities/imports/upload.html",
        {
            "form": form,
            "recent": recent,
            "sheet_template_url": reverse("facility_import_template"),
        },
    )


def check_view(request, pk):
    """The dry run: what the import would change. Nothing is written here but its fingerprint."""
    require_import_permission(request)
    job = get_object_or_404(FacilityImport, pk=pk)
    if job.kind == ImportKind.SHEET and not job.mapping and job.status == ImportStatus.CHECKED:
        return redirect("facility_import_mapping", job.pk)
    result = None
    if job.status == ImportStatus.CHECKED:
        result = jobs.plan_for(job)
        digest = result.digest() if result.ok else ""
        if job.plan_digest != digest:
            job.plan_digest = digest
            job.save(update_fields=["plan_digest"])
    return render(
        request,
        "facilities/imports/check.html",
        {"job": job, "result": result, "source_month": wareki_month(job.source_date)},
    )


@require_POST
def apply_view(request, pk):
    require_import_permission(request)
    job = get_object_or_404(FacilityImport, pk=pk)
    if job.status != ImportStatus.CHECKED or not job.plan_digest:
        return redirect("facility_import_check", job.pk)
    if request.POST.get("digest") != job.plan_digest:
        job.status = ImportStatus.FAILED
        job.message = (
            "確認の画面を開いた後に内容が変わりました。もう一度アップロードして確認してください。"
        )
        job.save(update_fields=["status", "message"])
        return redirect("facility_import_check", job.pk)
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status"])
    tasks.apply_import.enqueue(job.pk)
    return redirect("facility_import_check", job.pk)


def mapping_view(request, pk):
    """Which column of the council's sheet is which field: a select per column, pre-filled."""
    require_import_permission(request)
    job = get_object_or_404(FacilityImport, pk=pk, kind=ImportKind.SHEET)
    if job.status != ImportStatus.CHECKED:
        return redirect("facility_import_check", job.pk)
    try:
        headers, sample = spreadsheet.headers_and_sample(job.file_contents())
    except ImportFileError as error:
        return render(
            request, "facilities/imports/mapping.html", {"job": job, "file_errors": error.errors}
        )
    mapping = job.mapping or spreadsheet.suggest(headers)
    errors = []
    if request.method == "POST":
        mapping = {}
        for n, header in enumerate(headers):
            field = request.POST.get(f"column-{n}", "")
            mapping[header] = field if field in spreadsheet.SHEET_FIELDS else ""
        errors = spreadsheet.check_mapping(mapping)
        if not errors:
            job.mapping = mapping
            job.save(update_fields=["mapping"])
            return redirect("facility_import_check", job.pk)
    columns = [
        {"number": n, "header": header, "sample": sample[n], "field": mapping.get(header, "")}
        for n, header in enumerate(headers)
    ]
    choices = [(field, spreadsheet.SHEET_LABELS[field]) for field in spreadsheet.SHEET_FIELDS]
    return render(
        request,
        "facilities/imports/mapping.html",
        {"job": job, "columns": columns, "choices": choices, "errors": errors},
    )


def template_view(request):
    """The council's sheet as an empty template (.xlsx) with the known headers."""
    require_import_permission(request)
    response = HttpResponse(spreadsheet.template_bytes(), content_type=spreadsheet.XLSX)
    response["Content-Disposition"] = 'attachment; filename="facility-list-template.xlsx"'
    return response
