"""空き情報 in the admin (the monthly screen, CSV, the listing, a dashboard panel), and on
ふくしマップ (the facility page's figures and the 空きあり filter)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import CreateView, EditView

from facilities.extensions import (
    FACILITY_PAGE_SECTIONS_HOOK,
    FACILITY_SEARCH_FILTERS_HOOK,
    FACILITY_SEARCH_RESULTS_HOOK,
)
from home.privacy import PAGES_SHOWING_DATA_OF_HOOK

from . import extensions, views
from .models import VacancyFigure, month_label, month_start

hooks.register(FACILITY_PAGE_SECTIONS_HOOK, extensions.facility_vacancies)
hooks.register(FACILITY_SEARCH_FILTERS_HOOK, extensions.vacancy_filter)
hooks.register(FACILITY_SEARCH_RESULTS_HOOK, extensions.result_vacancies_updated)
hooks.register(PAGES_SHOWING_DATA_OF_HOOK, extensions.pages_showing_figures)


@hooks.register("register_admin_urls")
def register_vacancy_urls():
    return [
        path("vacancies/monthly/", views.monthly_view, name="vacancy_monthly"),
        path("vacancies/csv/", views.csv_download_view, name="vacancy_csv_download"),
        path("vacancies/csv/upload/", views.csv_upload_view, name="vacancy_csv_upload"),
    ]


class VacancyMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_enter(request.user)


@hooks.register("register_admin_menu_item")
def register_vacancy_menu_item():
    return VacancyMenuItem(
        "空き情報の入力(月次)",
        reverse("vacancy_monthly"),
        name="vacancy-monthly",
        icon_name="table",
        order=250,
    )


class MissingVacanciesPanel(Component):
    """Dashboard: facilities with a tracked service and no figure for this month."""

    name = "missing_vacancies"
    template_name = "vacancies/admin/missing_vacancies_panel.html"
    order = 110

    def get_context_data(self, parent_context):
        month = month_start()
        missing = VacancyFigure.objects.missing_rows(month)
        return {
            "missing": missing[:30],
            "missing_count": len(missing),
            "month_label": month_label(month),
            "monthly_url": views.monthly_url(month),
        }


@hooks.register("construct_homepage_panels")
def add_missing_vacancies_panel(request, panels):
    if request.user.has_perm(views.PERMISSION):
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
        "status",
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

    def status(self, obj):
        return obj.status_label

    status.short_description = "空き状況"


modeladmin_register(VacancyFigureAdmin)
