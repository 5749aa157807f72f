from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from editorial import page_passwords, review
from editorial.dashboard import EditorTasksPanel


@hooks.register("insert_global_admin_css")
def dashboard_css():
    return format_html('<link rel="stylesheet" href="{}">', static("editorial/dashboard.css"))


@hooks.register("construct_homepage_panels")
def add_editor_tasks_panel(request, panels):
    panels.append(EditorTasksPanel(request.user))


hooks.register("before_edit_page", review.refuse_posts_from_reviewers)
hooks.register("construct_page_action_menu", review.keep_only_review_actions)
hooks.register("before_bulk_action", review.refuse_bulk_publish_by_reviewers)
# Wraps Wagtail's own view-restriction check (registered later, so it runs inside this one).
hooks.register("on_serve_page", page_passwords.refuse_locked_clients)
