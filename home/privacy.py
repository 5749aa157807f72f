"""Who may see what a restricted page holds, and everything derived from it.

A page's view restrictions (Wagtail's privacy setting, on the page or an
ancestor) decide who may view it: the visitors they accept (logged in, in one
of the named groups, or who entered the page's password) and the editors who
may change that page in the admin. Data derived from a page follows the same
rule wherever it shows: a facility's vacancy figures follow the 空き情報 page,
a handout follows the meeting page it is attached to.

A response that depended on such a decision differs by visitor; the request is
marked so that no shared cache stores it (see ``cms.security``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.expressions import RawSQL
from wagtail.models import Page, PageViewRestriction, ReferenceIndex

VARIES_BY_VISITOR = "varies_by_visitor"

# Apps whose pages show data of another page (the facility pages show the 空き情報
# page's figures) say so through this Wagtail hook: fn(page) -> the pages that show
# its data. A change of ``page``'s privacy then reaches those pages too.
PAGES_SHOWING_DATA_OF_HOOK = "pages_showing_data_of"


def view_restrictions(page):
    """The view restrictions that apply to ``page`` in one query: those on the page or an
    ancestor, and on the page an alias among them points to (what Wagtail's
    ``get_view_restrictions`` finds with two queries)."""
    step = page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    aliased = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of_id")
    return PageViewRestriction.objects.filter(Q(page__path__in=paths) | Q(page_id__in=aliased))


def _restricted_subtrees_sql():
    """SQL for the ids of every page under a view restriction (on it or an ancestor).

    Not correlated with the outer query, so the database works it out once per query: from
    each restricted page (a handful) along the path index to its last descendant. The
    descendants of a path are the paths that start with it, and they all sort between it
    and the same path followed by 'Z's ('Z' is the last character treebeard uses).
    """
    page = Page._meta.db_table
    restriction = PageViewRestriction._meta.db_table
    last = "Z" * Page._meta.get_field("path").max_length
    # CROSS JOIN keeps SQLite's join order as written (restrictions first); PostgreSQL
    # plans it like any join.
    return (
        f"SELECT p.id FROM {restriction} v CROSS JOIN {page} r CROSS JOIN {page} p "
        f"WHERE r.id = v.page_id AND p.path >= r.path AND p.path <= r.path || '{last}' "
        f"AND SUBSTR(p.path, 1, LENGTH(r.path)) = r.path"
    )


def is_public():
    """A filter for pages with no view restriction on them or an ancestor:
    ``pages.filter(is_public())`` gives what ``pages.public()`` gives, without a query
    of its own (Wagtail's version reads every view restriction first).

    Written as "not among the pages under a restriction" rather than "no restriction on
    a prefix of this page's path": SQLite answered the latter by reading the whole page
    table for every page (0.4 s for one listing at 2,000 facilities)."""
    return ~Q(pk__in=RawSQL(_restricted_subtrees_sql(), []))


def public(pages):
    """``pages.public()`` in the same query (see ``is_public``)."""
    return pages.filter(is_public())


def may_edit(user, page):
    return bool(user and user.is_authenticated and page.permissions_for_user(user).can_edit())


def with_restricted(pages):
    """``pages`` annotated with ``view_restricted``: whether a view restriction applies to the
    page (on it or an ancestor). ``may_view`` then needs no query for a page without one."""
    return pages.annotate(view_restricted=~is_public())


def may_view(request, page):
    """True when the visitor of ``request`` may view ``page`` (decided once per request)."""
    decisions = request.__dict__.setdefault("_page_view_decisions", {})
    restricted = getattr(page, "view_restricted", None)
    if page.pk not in decisions and restricted is not None and not restricted:
        if page.alias_of_id is None:  # an alias also follows its original's restrictions
            decisions[page.pk] = True
    if page.pk not in decisions:
        restrictions = list(page.get_view_restrictions())
        if restrictions:
            setattr(request, VARIES_BY_VISITOR, True)
        decisions[page.pk] = all(r.accept_request(request) for r in restrictions) or (
            bool(restrictions) and may_edit(request.user, page)
        )
    return decisions[page.pk]


def pages_using(obj):
    """The pages whose content refers to ``obj`` (a document, say), by Wagtail's reference index."""
    references = ReferenceIndex.get_references_to(obj).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    return Page.objects.filter(
        pk__in=[int(pk) for pk in references.values_list("object_id", flat=True)]
    )


def may_view_derived(request, pages):
    """For data that belongs to ``pages`` (e.g. a handout attached to meeting pages): True when
    it belongs to none, or the visitor may view one of the live ones or edit any of them."""
    pages = list(pages)
    if not pages:
        return True
    if any(page.live and may_view(request, page) for page in pages):
        return True
    setattr(request, VARIES_BY_VISITOR, True)
    return any(may_edit(request.user, page) for page in pages)
