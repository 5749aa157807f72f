"""修正の依頼: the link on every facility page, the admin inbox, its menu item and the
dashboard's count of open requests."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from facilities.extensions import FACILITY_PAGE_SECTIONS_HOOK

from . import admin_views, dashboard, extensions

hooks.register(FACILITY_PAGE_SECTIONS_HOOK, extensions.facility_correction_link)
hooks.register("editor_tasks_sections", dashboard.open_requests_section)


@hooks.register("register_admin_urls")
def register_corrections_urls():
    return [
        path("corrections/", admin_views.inbox_view, name="corrections_admin"),
        path("corrections/<int:pk>/", admin_views.detail_view, name="corrections_admin_detail"),
    ]


class CorrectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_view(request.user)


@hooks.register("register_admin_menu_item")
def register_corrections_menu_item():
    return CorrectionsMenuItem(
        "修正の依頼", reverse("corrections_admin"), name="corrections", icon_name="mail", order=270
    )
