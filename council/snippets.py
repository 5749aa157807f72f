"""Non-page data of the council, edited in the admin as snippets."""

from wagtail.admin.panels import FieldPanel

from home.snippets import SnippetViewSet

from .models import BusinessItem


class BusinessItemViewSet(SnippetViewSet):
    model = BusinessItem
    icon = "list-ol"
    menu_label = "事業項目"
    menu_name = "business_items"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["number", "name"]
    search_fields = ["name"]
    ordering = ["number"]
    panels = [FieldPanel("number"), FieldPanel("name"), FieldPanel("description")]
