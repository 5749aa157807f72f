"""The secretariat's monthly vacancy screen, the admin listing and the dashboard panel."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView

from facilities.models import FacilityService, VacancyFigure, VacancySettings
from facilities.models.vacancy import month_label, month_start, previous_month
from facilities.vacancy_forms import FOR_WHOM_LABELS, VacancyRowFormSet, parse_month

PERMISSION = "facilities.change_vacancyfigure"


def tracked_rows(month=None):
    """(facility, service type) pairs the secretariat collects, in 50音 order of facility."""
    tracked = VacancySettings.tracked_for_default_site()
    offers = (
        FacilityService.objects.filter(service_type__in=tracked, page__live=True)
        .select_related("page__municipality", "service_type")
        .order_by("page__kana_sort", "page_id", "service_type__sort_order")
    )
    seen, rows = set(), []
    for offer in offers:
        key = (offer.page_id, offer.service_type_id)
        if key not in seen:
            seen.add(key)
            rows.append((offer.page, offer.service_type))
    return rows


def figures_for(month):
    return {
        (f.facility_id, f.service_type_id): f
        for f in VacancyFigure.objects.filter(month=month).select_related("entered_by")
    }


def monthly_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    month = parse_month(request.GET.get("month") or request.POST.get("month"))
    if month is None:
        if request.GET.get("month"):
            messages.warning(request, "月の指定が正しくないため、今月を表示しています。")
        month = month_start()
    rows = tracked_rows()
    current = figures_for(month)
    last = figures_for(previous_month(month))

    if request.method == "POST":
        formset = VacancyRowFormSet(request.POST)
        expected = {(f.pk, s.pk) for f, s in rows}
        if formset.is_valid():
            submitted = [
                (form.cleaned_data["facility"], form.cleaned_data["service_type"])
                for form in formset
            ]
            if set(submitted) - expected:
                messages.error(
                    request,
                    "対象でない事業所・サービスの行が含まれていたため、保存しませんでした。",
                )
                return redirect(f"{reverse('vacancy_monthly')}?month={month:%Y-%m}")
            loaded_at = parse_datetime(request.POST.get("loaded_at", "")) or timezone.now()
            changed = [
                f
                for f in VacancyFigure.objects.filter(
                    month=month, updated_at__gt=loaded_at
                ).select_related("facility", "service_type", "entered_by")
            ]
            if changed:
                names = "、".join(
                    f"「{f.facility.title}」の{f.service_type.name}"
                    f"({f.entered_by.get_full_name() or f.entered_by.get_username() if f.entered_by else '不明'}"
                    f"、{timezone.localtime(f.updated_at):%H:%M})"
                    for f in changed[:10]
                )
                messages.error(
                    request,
                    f"この画面を開いた後に、ほかの人が同じ月の空き情報を保存しました: {names}。"
                    "上書きしないよう保存を取りやめました。画面を開き直して、内容を確かめてから入力してください。",
                )
            else:
                saved = save_month(month, formset, current, request.user)
                messages.success(
                    request, f"{month_label(month)}の空き情報を保存しました({saved}件)。"
                )
                return redirect(f"{reverse('vacancy_monthly')}?month={month:%Y-%m}")
        else:
            messages.error(
                request,
                "入力に誤りがある行があります。赤く表示された行を直してください。何も保存していません。",
            )
    else:
        initial = []
        for facility, service in rows:
            figure = current.get((facility.pk, service.pk)) or last.get((facility.pk, service.pk))
            initial.append(
                {
                    "facility": facility.pk,
                    "service_type": service.pk,
                    "vacancies": ""
                    if figure is None or figure.vacancies is None
                    else figure.vacancies,
                    "for_whom": figure.for_whom if figure else "any",
                    "trial_stay": figure.trial_stay if figure else False,
                    "note": figure.note if figure else "",
                }
            )
        formset = VacancyRowFormSet(initial=initial)

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
        "facilities/admin/vacancy_monthly.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "month_label": month_label(month),
            "previous": previous_month(month),
            "next": (month + dt.timedelta(days=32)).replace(day=1),
            "formset": formset,
            "table": table,
            "loaded_at": timezone.now().isoformat(),
            "for_whom_labels": FOR_WHOM_LABELS,
            "answered": sum(1 for row in table if row["current"] and row["current"].answered),
        },
    )


@transaction.atomic
def save_month(month, formset, current, user):
    """Write every row of the month at once; returns the number of rows saved."""
    today = timezone.localdate()
    saved = 0
    for form in formset:
        data = form.cleaned_data
        key = (data["facility"], data["service_type"])
        figure = current.get(key)
        blank = data["vacancies"] is None and not data["note"] and not data["trial_stay"]
        if figure is None and blank:
            continue
        if figure is None:
            figure = VacancyFigure(facility_id=key[0], service_type_id=key[1], month=month)
        changed = (
            figure.pk is None
            or figure.vacancies != data["vacancies"]
            or figure.for_whom != data["for_whom"]
            or figure.trial_stay != data["trial_stay"]
            or figure.note != data["note"]
        )
        if not changed:
            continue
        figure.vacancies = data["vacancies"]
        figure.for_whom = data["for_whom"]
        figure.trial_stay = data["trial_stay"]
        figure.note = data["note"]
        figure.reported_on = today
        figure.entered_by = user
        figure.save()
        saved += 1
    return saved


@hooks.register("register_admin_urls")
def register_vacancy_urls():
    return [path("vacancies/monthly/", monthly_view, name="vacancy_monthly")]


class VacancyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_vacancy_menu_item():
    return VacancyMenuItem(
        "空き情報の入力(月次)", reverse("vacancy_monthly"), icon_name="table", order=250
    )


class MissingVacanciesPanel(Component):
    """Dashboard: facilities with a tracked service and no figure for this month."""

    name = "missing_vacancies"
    template_name = "facilities/admin/missing_vacancies_panel.html"
    order = 110

    def get_context_data(self, parent_context):
        month = month_start()
        current = figures_for(month)
        missing = [(f, s) for f, s in tracked_rows() if (f.pk, s.pk) not in current]
        return {
            "missing": missing[:30],
            "missing_count": len(missing),
            "month_label": month_label(month),
            "monthly_url": f"{reverse('vacancy_monthly')}?month={month:%Y-%m}",
        }


@hooks.register("construct_homepage_panels")
def add_missing_vacancies_panel(request, panels):
    if request.user.has_perm(PERMISSION):
        panels.append(MissingVacanciesPanel())


class EnteredByMixin:
    """Records who entered or last changed a figure."""

    def form_valid(self, form):
        form.instance.entered_by = self.request.user
        return super().form_valid(form)


class VacancyCreateView(EnteredByMixin, CreateView):
    pass


class VacancyEditView(EnteredByMixin, EditView):
    pass


class VacancyFigureAdmin(ModelAdmin):
    model = VacancyFigure
    menu_label = "空き情報(一覧)"
    menu_icon = "list-ul"
    menu_order = 260
    add_to_settings_menu = False
    list_display = (
        "facility",
        "service_type",
        "month",
        "vacancies_label",
        "for_whom",
        "trial_stay",
        "reported_on",
        "entered_by",
    )
    list_filter = ("month", "service_type", "for_whom", "trial_stay")
    search_fields = ("facility__title",)
    ordering = ("-month", "facility__kana_sort")
    create_view_class = VacancyCreateView
    edit_view_class = VacancyEditView
    list_per_page = 50

    def vacancies_label(self, obj):
        return "未回答" if obj.vacancies is None else f"{obj.vacancies}人"

    vacancies_label.short_description = "空き人数"


modeladmin_register(VacancyFigureAdmin)
