"""The base of the site's snippet viewsets: the admin's snippet screens in Japanese.

Wagtail's snippet chooser widget formats its button labels (「Choose 市町」) once, when
the snippet is registered at start-up, before any language is active, so they stay in
English. ``SnippetViewSet`` here gives each snippet a chooser whose labels are
translated when a form is drawn, and ``boolean_columns`` shows yes/no fields as the
admin's はい/いいえ icons rather than ``True``/``False``.
"""

from django.utils.translation import gettext
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views.chooser import SnippetChooserViewSet as WagtailSnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet as WagtailSnippetViewSet
from wagtail.snippets.widgets import AdminSnippetChooser


def _translated(msgid):
    """A label read in the active language each time; Wagtail's __init__ may set it (ignored)."""

    def get(widget):
        return gettext(msgid) % {"object": widget.model._meta.verbose_name}

    return property(get, lambda widget, value: None)


class SnippetChooser(AdminSnippetChooser):
    choose_one_text = _translated("Choose %(object)s")
    choose_another_text = _translated("Choose another %(object)s")
    link_to_chosen_text = _translated("Edit this %(object)s")


class SnippetChooserViewSet(WagtailSnippetChooserViewSet):
    @property
    def widget_class(self):
        return SnippetChooser(model=self.model, icon=self.icon)


class SnippetViewSet(WagtailSnippetViewSet):
    chooser_viewset_class = SnippetChooserViewSet


def boolean_columns(model, names):
    """``list_display`` with the model's BooleanFields as はい/いいえ columns."""
    columns = []
    for name in names:
        field = next((f for f in model._meta.fields if f.name == name), None)
        if field is not None and field.get_internal_type() == "BooleanField":
            columns.append(BooleanColumn(name, label=field.verbose_name))
        else:
            columns.append(name)
    return columns
