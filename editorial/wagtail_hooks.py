from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from editorial import guide, page_passwords, review
from editorial.addresses import client_address
from editorial.dashboard import EditorTasksPanel
from editorial.twofactor import views as two_factor


@hooks.register("insert_global_admin_css")
def dashboard_css():
    return format_html('<link rel="stylesheet" href="{}">', static("editorial/dashboard.css"))


@hooks.register("construct_homepage_panels")
def add_editor_tasks_panel(request, panels):
    panels.append(EditorTasksPanel(request.user))


class EditorGuidePanel(Component):
    name = "editor_guide"
    template_name = "editorial/guide/panel.html"
    order = 95


@hooks.register("construct_homepage_panels")
def add_editor_guide_panel(request, panels):
    panels.append(EditorGuidePanel())


@hooks.register("construct_help_menu")
def offer_the_sites_own_guide(request, menu_items):
    """「ヘルプ」 opens this site's guide, not Wagtail's English guide and release notes."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]
    menu_items.append(
        MenuItem(
            "編集の手引き",
            reverse("editor_guide"),
            name="site-editor-guide",
            icon_name="help",
            order=100,
        )
    )


@hooks.register("register_admin_urls")
def register_editor_guide_urls():
    return [
        path("guide/", guide.guide_view, name="editor_guide"),
        path("guide/images/<str:name>", guide.image_view, name="editor_guide_image"),
    ]


hooks.register("before_edit_page", review.refuse_posts_from_reviewers)
hooks.register("construct_page_action_menu", review.keep_only_review_actions)
hooks.register("before_bulk_action", review.refuse_bulk_publish_by_reviewers)
# Wraps Wagtail's own view-restriction check (registered later, so it runs inside this one).
hooks.register("on_serve_page", page_passwords.refuse_locked_clients)
# The client address (behind the trusted proxies) for apps that count requests (alerts).
hooks.register("client_address", client_address)


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("two-factor/verify/", two_factor.verify_view, name="two_factor_verify"),
        path("two-factor/setup/", two_factor.setup_view, name="two_factor_setup"),
        path(
            "two-factor/recovery-codes/",
            two_factor.recovery_codes_view,
            name="two_factor_recovery_codes",
        ),
        path(
            "two-factor/recovery-codes/new/",
            two_factor.new_recovery_codes_view,
            name="two_factor_new_recovery_codes",
        ),
        path("two-factor/turn-off/", two_factor.turn_off_view, name="two_factor_turn_off"),
        path("two-factor/users/", two_factor.users_view, name="two_factor_users"),
        path(
            "two-factor/users/<int:user_id>/reset/",
            two_factor.reset_view,
            name="two_factor_reset",
        ),
    ]


@hooks.register("register_account_settings_panel")
def two_factor_account_panel(request, user, profile):
    return two_factor.AccountPanel(request, user, profile)


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def two_factor_users_menu_item():
    return SuperuserMenuItem(
        "二要素認証の状況", reverse("two_factor_users"), icon_name="key", order=650
    )
