"""Reviewing is not writing: an approver judges a page, the secretariat changes it.

Wagtail opens a page's editor to everyone who may review it while it waits for
approval, and 承認者 hold "publish" (approving publishes in their name). Without
these checks an approver could save their own wording, or publish a draft
directly, and so skip the approval the council's records must go through.
"""

import json

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.admin.action_menu import WorkflowMenuItem

REFUSED = (
    "承認者は内容を書き換えたり、そのまま公開したりできません。"
    "直してほしい点は「修正を依頼」のコメントで事務局に伝えてください。"
)
WRITING_ACTIONS = {
    "action-save-draft",
    "action-publish",
    "action-submit",
    "action-restart-workflow",
    "action-cancel-workflow",
}


def may_write(user, page):
    """Whether the user may change the page's content, as opposed to only reviewing it."""
    if user.is_superuser:
        return True
    permissions = page.permissions_for_user(user).permissions
    return "change" in permissions or ("add" in permissions and page.owner_id == user.pk)


def refuse_posts_from_reviewers(request, page):
    """Reviewers post the editor only to approve or reject, and never save its content.

    Wagtail sends workflow actions through the edit form, saving whatever the
    form holds as a new revision first. For a reviewer the action is carried
    out here instead, without the form; any other post is refused.
    """
    if request.method != "POST" or may_write(request.user, page):
        return None
    if request.POST.get("action-workflow-action"):
        return perform_review(request, page)
    messages.error(request, REFUSED)
    return redirect("wagtailadmin_pages:edit", page.pk)


def review_data(task, action, text):
    """The workflow action's extra data (a JSON object from the editor's modal), checked by the
    action's own form; None when it is not what the modal could have sent.

    Unknown keys would reach ``on_action`` as keyword arguments, and strings that are not
    text (a NUL, half of a surrogate pair) would reach the database.
    """
    try:
        extra = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        return None
    if not all(is_text(v) for v in extra.values()):
        return None
    form_class = task.specific.get_form_for_action(action)
    if form_class is None:
        return {} if not extra else None
    form = form_class(extra)
    if set(extra) - set(form.fields) or not form.is_valid():
        return None
    return form.cleaned_data


def is_text(value):
    """Whether a string can be stored: UTF-8 without NUL characters."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def perform_review(request, page):
    task = page.current_workflow_task
    action = request.POST.get("workflow-action-name", "")
    allowed = (
        {name: label for name, label, _modal in task.get_actions(page, request.user)}
        if task
        else {}
    )
    extra = None
    if action in allowed:
        extra = review_data(task, action, request.POST.get("workflow-action-extra-data"))
    if extra is None:
        messages.error(
            request, "この操作は行えません。ページを開き直してから、もう一度お試しください。"
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    task.specific.on_action(page.current_workflow_task_state, request.user, action, **extra)
    done = {
        "approve": f"「{page.title}」を承認しました。",
        "reject": f"「{page.title}」の修正を依頼しました。",
    }
    messages.success(request, done.get(action, f"「{page.title}」: {allowed[action]}"))
    return redirect("wagtailadmin_explore", page.get_parent().pk)


def keep_only_review_actions(menu_items, request, context):
    page = context.get("page")
    if context.get("view") == "create" or page is None or may_write(request.user, page):
        return
    kept = [item for item in menu_items if item.name not in WRITING_ACTIONS]
    # The first item becomes the main button: a review action, never 「非公開」.
    kept.sort(key=lambda item: not isinstance(item, WorkflowMenuItem))
    menu_items[:] = kept


def refuse_bulk_publish_by_reviewers(request, action_type, objects, action):
    if action_type != "publish":
        return None
    if all(may_write(request.user, obj) for obj in objects if hasattr(obj, "permissions_for_user")):
        return None
    messages.error(request, REFUSED)
    return redirect("wagtailadmin_explore_root")
