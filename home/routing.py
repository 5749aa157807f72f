"""Finding the page for an address in a fixed number of queries, whatever its depth.

Wagtail looks a page up level by level: at each level one query for the child with
the slug and one for its specific type. Here every page on the way is fetched in one
query by its ``url_path`` (with the home page's children, which the menu shows), and
only the page that answers is fetched as its specific type. A page type with its own
routing (``RoutablePageMixin``) still decides what the rest of the address means: the
walk stops there and hands the rest to it, and its children come from the same rows.

Each page found knows its parent (``_cached_parent_obj``), so the breadcrumbs need no
query of their own (``BasePage.breadcrumb_ancestors``).
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail.models import Page, Site

from . import sites
from .privacy import with_restricted

PAGES_KEY = "_pages_by_url_path"
MENU_KEY = "_home_children"
ROOT_KEY = "_site_root_row"


def follows_children_only(page_class):
    """True when the page type's routing is Wagtail's: the next part of the address is a
    child's slug (``BasePage.route`` marks itself so)."""
    route = getattr(page_class, "route", None)
    return route is Page.route or getattr(route, "follows_children_only", False)


def _pages_on_the_way(request, start, components, with_start=False):
    """The page at each address from ``start`` down ``components`` (None where there is
    none), fetched in one query the first time and kept on the request; ``with_start``:
    ``start`` is only its place in the tree (``home.sites``), and its row comes with the
    same query (kept under ROOT_KEY)."""
    known = request.__dict__.setdefault(PAGES_KEY, {})
    prefixes = [
        start.url_path + "".join(f"{slug}/" for slug in components[: n + 1])
        for n in range(len(components))
    ]
    missing = [prefix for prefix in prefixes if prefix not in known]
    if missing:
        site = Site.find_for_request(request)
        at_root = (
            site is not None and start.pk == site.root_page_id and MENU_KEY not in request.__dict__
        )
        condition = Page.objects.filter(url_path__in=missing, path__startswith=start.path)
        if at_root:
            # The menu's pages (the home page's children) come with the same query.
            condition = condition | Page.objects.child_of(start)
        if with_start:
            condition = condition | Page.objects.filter(pk=start.pk)
        rows = list(with_restricted(condition).order_by("path"))
        if with_start:
            request.__dict__[ROOT_KEY] = next((p for p in rows if p.pk == start.pk), None)
        for page in rows:
            if page.url_path in missing:
                known[page.url_path] = page
        for prefix in missing:
            known.setdefault(prefix, None)
        if at_root:
            request.__dict__[MENU_KEY] = [p for p in rows if p.depth == start.depth + 1]
    return [known[prefix] for prefix in prefixes]


def descend(start, request, components, found=None):
    """Wagtail's ``Page.route`` from ``start`` for a non-empty ``components``."""
    if found is None:
        found = _pages_on_the_way(request, start, components)
    parent, used = start, 0
    for child in found:
        if (
            child is None
            or child.depth != parent.depth + 1
            or not child.path.startswith(parent.path)
        ):
            break
        child._cached_parent_obj = parent
        parent, used = child, used + 1
        if not follows_children_only(child.specific_class):
            break
    if used == 0:
        return Page.route(start, request, components)  # Wagtail's own answer (a 404 as a rule)
    return parent.specific.route(request, components[used:])


def _same_place(page, place):
    return (
        page is not None
        and page.path == place.path
        and page.url_path == place.url_path
        and page.depth == place.depth
    )


def _route_from_cached_site(request, site, components):
    """The route from the site's root page when ``home.sites`` knows where the root is: the
    root's row comes with the pages on the way (or, for the root itself, as its specific
    type), one query fewer than Wagtail's look-up. ``False`` when the cached place is not
    the root's any more (then routing starts again Wagtail's way)."""
    place = site.root_place
    model = ContentType.objects.get_for_id(place.content_type_id).model_class() or Page
    if components and follows_children_only(model):
        stub = Page(pk=place.pk, path=place.path, url_path=place.url_path, depth=place.depth)
        found = _pages_on_the_way(request, stub, components, with_start=True)
        root = request.__dict__.get(ROOT_KEY)
        if not _same_place(root, place):
            return False
        site.root_page = root
        return descend(root, request, components, found=found)
    root = with_restricted(model.objects.filter(pk=place.pk)).first()
    if not _same_place(root, place):
        return False
    site.root_page = root
    return root.localized.specific.route(request, components)


def route_for_request(request, path):
    """What ``Page.route_for_request`` gives, through ``descend`` from the site's root page
    (kept where Wagtail keeps it, so that later look-ups in the request reuse it)."""
    if not hasattr(request, "_wagtail_route_for_request"):
        result = None
        site = sites.find_for_request(request)
        components = [component for component in path.split("/") if component]
        try:
            if site is not None and getattr(site, "root_place", None) is not None:
                result = _route_from_cached_site(request, site, components)
                if result is False:
                    for key in (PAGES_KEY, MENU_KEY, ROOT_KEY):
                        request.__dict__.pop(key, None)
                    sites.forget_cached_site(request)
                    site = Site.find_for_request(request)
                    result = None
                else:
                    site = None  # routed
            if site is not None:
                root = site.root_page
                if components and follows_children_only(root.specific_class):
                    result = descend(root, request, components)
                else:
                    result = root.localized.specific.route(request, components)
        except Http404:
            result = None
        request._wagtail_route_for_request = result
    return request._wagtail_route_for_request


def serve(request, path):
    """Wagtail's page view (``wagtail.views.serve``) with the routing above."""
    route_result = route_for_request(request, path)
    if route_result is None:
        raise Http404
    page, args, kwargs = route_result

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    on_serve_chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        on_serve_chain = fn(on_serve_chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return on_serve_chain(page, request, args, kwargs)


def menu_pages(request):
    """The home page's live, public children when routing fetched them, else None."""
    pages = request.__dict__.get(MENU_KEY)
    if pages is None:
        return None
    return [p for p in pages if p.live and not p.view_restricted]
