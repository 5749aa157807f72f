from django.http import (
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.models import Page

from . import reading_aids, search
from .listing import paginate

RESULTS_PER_PAGE = 10
# Apps add their own results below the pages' (the handouts' text): fn(request, query) -> a dict
# with "template" and what it needs, or None. Shown on the first page of results.
SEARCH_SECTIONS_HOOK = "site_search_sections"


@require_GET
def search_view(request):
    """サイト内検索: substring search over every live, public page (see ``home.search``)."""
    raw = request.GET.get("q", "")
    query = search.parse_query(raw)
    context = {"query": query, "query_text": query.raw, "results": None}
    if raw and query.is_empty:
        context["message"] = "検索できる文字が含まれていません。別の言葉で検索してください。"
    if not query.is_empty:
        entries = search.search_entries(query)
        results_page = paginate(request, entries, RESULTS_PER_PAGE)
        pages = Page.objects.filter(pk__in=[e.page_id for e in results_page]).specific()
        by_id = {p.pk: p for p in pages}
        context["results"] = [
            {
                "page": by_id[e.page_id],
                "title": search.highlight(e.title, query.terms),
                "excerpt": search.excerpt(e.text, query.terms),
            }
            for e in results_page
            if e.page_id in by_id
        ]
        context["results_page"] = results_page
        context["result_count"] = results_page.paginator.count
        if results_page.number == 1:
            context["sections"] = [
                section
                for hook in hooks.get_hooks(SEARCH_SECTIONS_HOOK)
                if (section := hook(request, query))
            ]
    return render(request, "home/search.html", context)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /aids/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def reading_aids_view(request):
    """Sets the reading aids chosen in the bar (``/aids/?text_size=large&next=/path/``)
    and goes back to the page. Unknown names and values are ignored; a ``next`` that
    is not a path of this site goes to the home page."""
    target = request.GET.get("next", "")
    if not (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        target = "/"
    response = HttpResponseRedirect(target + "#reading-aids")
    for name in reading_aids.CHOICES:
        value = request.GET.get(name, "")
        if reading_aids.valid(name, value):
            response.set_cookie(
                name,
                value,
                max_age=reading_aids.COOKIE_MAX_AGE,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=True,
            )
    return response


@require_GET
def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def server_error(request):
    """A 500 page that needs neither the database nor context processors."""
    return HttpResponseServerError(loader.get_template("500.html").render())
