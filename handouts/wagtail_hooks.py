from django.contrib import messages
from wagtail import hooks
from wagtail.models import Page

from home.content_checks import DOCUMENT_CHECKS_HOOK
from home.views import SEARCH_SECTIONS_HOOK

from .scans import scan_warning, scans, text_layer_findings
from .search import search_handouts


@hooks.register(SEARCH_SECTIONS_HOOK)
def handouts_in_search(request, query):
    results, more = search_handouts(query)
    if not results:
        return None
    return {"template": "handouts/search_results.html", "results": results, "more": more}


@hooks.register("before_edit_page")
def warn_about_scans(request, page):
    if request.method != "GET":
        return None
    for document, _ in scans(Page.objects.filter(pk=page.pk)):
        messages.warning(request, scan_warning(document))
    return None


hooks.register(DOCUMENT_CHECKS_HOOK, text_layer_findings)
