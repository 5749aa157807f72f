from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_alerts_urls():
    return [
        path("alerts/", admin_views.admin_view, name="alerts_admin"),
        path("alerts/<int:pk>/remove/", admin_views.remove_view, name="alerts_admin_remove"),
    ]


class AlertsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_alerts_menu_item():
    return AlertsMenuItem("お知らせメール", reverse("alerts_admin"), icon_name="mail", order=280)
