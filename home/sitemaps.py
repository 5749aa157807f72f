"""The sitemap: an index at /sitemap.xml and pages of at most SITEMAP_PAGE_SIZE URLs.

Search engines read at most 50,000 URLs from one sitemap file; the index lists the pages
(``/sitemap-pages.xml``, ``/sitemap-pages.xml?p=2`` …), built with Django's sitemaps framework
through Wagtail's views (which give the sitemap the request, hence the site).

Every live public page of the request's site is listed (``Page.objects.live().public()``:
pages under a view restriction, and everything below them, never are). A page of the sitemap
costs the same few queries whatever its size: the pages are read as plain rows (url_path
and dates, no page objects, never as their specific types), and their URLs are made from
``url_path`` and the sites' root paths the way ``Page.get_url_parts`` makes them, without a
query or a ``reverse()`` for each page. That is right as long as no page type has its own
``get_url_parts`` or ``get_sitemap_urls`` (tests/test_server_setup.py checks every page type).
"""

from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as wagtail_sitemap_views
from wagtail.models import Page, Site

from .conditional import conditional_response

# URLs per sitemap page: well under the 50,000 search engines accept, so that one page stays
# cheap to build (see bench/sitemap.py).
SITEMAP_PAGE_SIZE = 5_000
SAFE_IN_PATH = RFC3986_SUBDELIMS + "/~:@"  # what Django's reverse() leaves unquoted


class PageSitemap(Sitemap):
    """Every live public page of the request's site, in tree order."""

    limit = SITEMAP_PAGE_SIZE

    def pages(self):
        root = self.get_wagtail_site().root_page
        return Page.objects.live().public().descendant_of(root, inclusive=True)

    def items(self):
        return (
            self.pages()
            .order_by("path")
            .values_list("url_path", Coalesce("last_published_at", "latest_revision_created_at"))
        )

    def get_latest_lastmod(self):
        return self.pages().aggregate(
            latest=Max(Coalesce("last_published_at", "latest_revision_created_at"))
        )["latest"]

    def locator(self):
        """A function from a page's ``url_path`` to its full URL (None: not routable), as
        ``Page.get_full_url(request)`` gives it."""
        roots = Site.get_site_root_paths()
        current = self.get_wagtail_site().pk
        prefix = reverse("wagtail_serve", args=("",))
        append_slash = getattr(settings, "WAGTAIL_APPEND_SLASH", True)

        def locate(url_path):
            matching = [root for root in roots if url_path.startswith(root.root_path)]
            if not matching:
                return None
            # The most specific site first; among several sites, the request's (as Wagtail).
            chosen = matching[0]
            if len(matching) > 1 and len({root.site_id for root in matching}) > 1:
                chosen = next((r for r in matching if r.site_id == current), chosen)
            path = prefix + quote(url_path[len(chosen.root_path) :], safe=SAFE_IN_PATH)
            if not append_slash and path != "/":
                path = path.rstrip("/")
            return chosen.root_url + path

        return locate

    def xml(self, rows):
        """The ``<urlset>`` of ``rows`` (url_path, last change), written directly: a template
        costs more than everything else together at 10,000 URLs."""
        locate = self.locator()
        tz = timezone.get_current_timezone()
        parts = [URLSET_START]
        for url_path, changed in rows:
            location = locate(url_path)
            if location is None:
                continue
            lastmod = (
                f"<lastmod>{changed.astimezone(tz).date().isoformat()}</lastmod>"
                if changed is not None
                else ""
            )
            parts.append(f"<url><loc>{xml_escape(location)}</loc>{lastmod}</url>\n")
        parts.append(URLSET_END)
        return "".join(parts)


URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
URLSET_END = "</urlset>\n"
ROBOTS = "noindex, noodp, noarchive"  # as Django's sitemap views: the XML itself is no result

SITEMAPS = {"pages": PageSitemap}


def sitemap_index(request):
    """/sitemap.xml: the sitemap pages, each with the newest change of its section."""
    response = wagtail_sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    return conditional_response(request, response)


def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of URLs (Django's paginator, as the index counts)."""
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("この名前のサイトマップはありません。")
    sitemap = sitemap_class(request)
    try:
        page = sitemap.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("サイトマップのこのページはありません。") from None
    response = HttpResponse(sitemap.xml(page.object_list), content_type="application/xml")
    response["X-Robots-Tag"] = ROBOTS
    return conditional_response(request, response)


def sitemap_paths(site):
    """The paths of the index and of every sitemap page of ``site`` (for the front cache)."""
    paths = [reverse("sitemap")]
    root = site.root_page
    count = Page.objects.live().public().descendant_of(root, inclusive=True).count()
    for section in SITEMAPS:
        first = reverse("sitemap_section", kwargs={"section": section})
        paths.append(first)
        pages = max(1, -(-count // SITEMAP_PAGE_SIZE))
        paths.extend(f"{first}?p={number}" for number in range(2, pages + 1))
    return paths
