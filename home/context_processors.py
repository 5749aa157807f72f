from wagtail.models import Site


def site_navigation(request):
    """Top-level navigation: the live, public pages under the home page marked 'show in menus'."""

    def items():
        site = Site.find_for_request(request)
        if site is None:
            return []
        root = site.root_page
        children = root.get_children().live().public().in_menu().only(
            "title", "url_path", "path", "depth"
        )
        return [root, *children]

    from django.utils.functional import SimpleLazyObject

    return {"nav_items": SimpleLazyObject(items)}
