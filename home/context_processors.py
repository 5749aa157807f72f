from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .privacy import public
from .reading_aids import ReadingAids, bar
from .routing import menu_pages

FOOTER_SLUGS = ("sitemap", "accessibility", "opendata", "yasashii", "yogoshu")


def site_navigation(request):
    """The home page's live, public children, fetched once per request.

    ``nav_items``: the home page and its children marked 'show in menus';
    ``footer_pages``: the sitemap, accessibility, open data, やさしい日本語 and 用語集 pages by slug.
    """

    def children():
        site = Site.find_for_request(request)
        if site is None:
            return None, []
        root = site.root_page
        pages = menu_pages(request)  # fetched with the page when routing passed the home page
        if pages is None:
            pages = list(
                public(root.get_children().live()).only(
                    "title", "url_path", "path", "depth", "slug", "show_in_menus"
                )
            )
        return root, pages

    data = SimpleLazyObject(lambda: children())

    def nav_items():
        root, pages = data
        return [root, *(p for p in pages if p.show_in_menus)] if root else []

    def footer_pages():
        _, pages = data
        return {p.slug: p for p in pages if p.slug in FOOTER_SLUGS}

    return {
        "nav_items": SimpleLazyObject(nav_items),
        "footer_pages": SimpleLazyObject(footer_pages),
    }


def reading_aids(request):
    """The visitor's reading aids (``home.reading_aids``): ``reading_aids`` for the
    ``<html>`` classes and the ruby of the main content, ``reading_aids_bar`` for the bar."""
    aids = ReadingAids.from_request(request)
    return {
        "reading_aids": aids,
        "reading_aids_bar": SimpleLazyObject(lambda: bar(request, aids)),
    }
