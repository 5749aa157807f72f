"""事業所担当 in the admin: the secretariat's screens, the office account's 「担当する事業所」,
its menu (only what it may use) and the answers to the facility and vacancy hooks."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from facilities.extensions import FACILITIES_KEPT_HOOK, FACILITY_PAGE_PERMISSIONS_HOOK

from . import access, views

hooks.register(FACILITY_PAGE_PERMISSIONS_HOOK, access.facility_page_permissions)
hooks.register(FACILITIES_KEPT_HOOK, access.facility_ids)

MINE_MENU = "office-facilities"
ACCOUNTS_MENU = "office-accounts"
# What an office account's menu keeps: its facilities, the vacancy entry and the guide.
OFFICE_MENU = {MINE_MENU, "vacancy-monthly", "corrections", "help"}


@hooks.register("register_admin_urls")
def register_office_urls():
    return [
        path("offices/", views.accounts_view, name="offices_accounts"),
        path("offices/invite/", views.invite_view, name="offices_invite"),
        path("offices/<int:pk>/suspend/", views.suspend_view, name="offices_suspend"),
        path("offices/<int:pk>/reactivate/", views.reactivate_view, name="offices_reactivate"),
        path("offices/invitations/<int:pk>/resend/", views.resend_view, name="offices_resend"),
        path("offices/invitations/<int:pk>/revoke/", views.revoke_view, name="offices_revoke"),
        path("offices/mine/", views.mine_view, name=views.MINE_URL_NAME),
    ]


class MineMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_office_user(request.user)


class AccountsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.LIST_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_mine_menu_item():
    return MineMenuItem(
        "担当する事業所", reverse(views.MINE_URL_NAME), name=MINE_MENU, icon_name="site", order=90
    )


@hooks.register("register_admin_menu_item")
def register_accounts_menu_item():
    return AccountsMenuItem(
        "事業所担当", reverse("offices_accounts"), name=ACCOUNTS_MENU, icon_name="group", order=270
    )


@hooks.register("construct_main_menu")
def keep_the_office_menu_short(request, menu_items):
    """An office account sees only its facilities, the vacancy entry and the guide (Wagtail
    would also show 画像, where it may upload photos from the page editor)."""
    if access.is_office_user(request.user):
        menu_items[:] = [item for item in menu_items if item.name in OFFICE_MENU]


class MineDashboardPanel(Component):
    """The office account's dashboard points to its facilities and the vacancy entry."""

    name = "office_facilities"
    template_name = "offices/admin/mine_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        return {"mine_url": reverse(views.MINE_URL_NAME), "vacancy_url": reverse("vacancy_monthly")}


@hooks.register("construct_homepage_panels")
def add_mine_panel(request, panels):
    if access.is_office_user(request.user):
        panels.append(MineDashboardPanel())
