"""The booklet in the admin (its screen and menu item) and on ふくしマップ (the download link)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from facilities.extensions import FACILITY_INDEX_SECTIONS_HOOK

from . import views
from .extensions import download_section
from .models import BUILD_PERMISSION

hooks.register(FACILITY_INDEX_SECTIONS_HOOK, download_section)


@hooks.register("register_admin_urls")
def register_booklet_urls():
    return [path("booklet/", views.admin_view, name="booklet_admin")]


class BookletMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(BUILD_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_booklet_menu_item():
    return BookletMenuItem(
        "ふくしマップの冊子(PDF)", reverse("booklet_admin"), icon_name="doc-full", order=270
    )
