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

from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail.models import Page, Site

from .privacy import with_restricted

PAGES_KEY = "_pages_by_url_path"
MENU_KEY = "_home_children"


def follows_children_only(page_class):
    """True when the page type's routing is Wagtail's: the next part of the address is a
    child's slug (``BasePage.route`` marks itself so)."""
    route = getattr(page_class, "route", None)
    return route is Page.route or getattr(route, "follows_children_only", False)


def _pages_on_the_way(request, start, components):
    """The page at each address from ``start`` down ``components`` (None where there is
    none), fetched in one query the first time and kept on the request."""
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
        rows = list(with_restricted(condition).order_by("path"))
        for page in rows:
            if page.url_path in missing:
                known[page.url_path] = page
        for prefix in missing:
            known.setdefault(prefix, None)
        if at_root:
            request.__dict__[MENU_KEY] = [p for p in rows if p.depth == start.depth + 1]
    return [known[prefix] for prefix in prefixes]


def descend(start, request, components):
    """Wagtail's ``Page.route`` from ``start`` for a non-empty ``components``."""
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


def route_for_request(request, path):
    """What ``Page.route_for_request`` gives, through ``descend`` from the site's root page
    (kept where Wagtail keeps it, so that later look-ups in the request reuse it)."""
    if not hasattr(request, "_wagtail_route_for_request"):
        result = None
        site = Site.find_for_request(request)
        if site is not None:
            root = site.root_page
            components = [component for component in path.split("/") if component]
            try:
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
