from wagtail import hooks

from home.views import SEARCH_SECTIONS_HOOK

from .search import search_handouts


@hooks.register(SEARCH_SECTIONS_HOOK)
def handouts_in_search(request, query):
    results, more = search_handouts(query)
    if not results:
        return None
    return {"template": "handouts/search_results.html", "results": results, "more": more}
