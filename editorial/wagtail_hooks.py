from wagtail import hooks

from editorial.dashboard import EditorTasksPanel


@hooks.register("construct_homepage_panels")
def add_editor_tasks_panel(request, panels):
    panels.append(EditorTasksPanel(request.user))
