"""Privacy that reaches beyond the page itself: editors, documents, caches (see home.privacy)."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import GlossaryTerm, ReadingEntry
from .privacy import may_edit, may_view_derived, pages_using
from .snippets import SnippetViewSet as SiteSnippetViewSet


class ReadingEntryViewSet(SnippetViewSet):
    """読み仮名辞書: readings of the ふりがな that override the analyser (home.furigana)."""

    model = ReadingEntry
    icon = "doc-full"
    menu_label = "読み仮名辞書"
    menu_name = "reading_dictionary"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["word", "reading", "updated_at"]
    search_fields = ["word", "reading"]
    ordering = ["word"]


register_snippet(ReadingEntryViewSet)


class GlossaryTermViewSet(SiteSnippetViewSet):
    """用語集: welfare terms with a plain explanation; their first appearance on a page
    links to the 用語集 page (home.glossary)."""

    model = GlossaryTerm
    icon = "help"
    menu_label = "用語集"
    menu_name = "glossary"
    add_to_admin_menu = True
    menu_order = 311
    list_display = ["term", "reading", "updated_at"]
    search_fields = ["term", "reading", "explanation"]
    ordering = ["reading"]


register_snippet(GlossaryTermViewSet)


@hooks.register("before_serve_page", order=-1)
def restricted_pages_for_their_editors(page, request, serve_args, serve_kwargs):
    """A restricted page's editors may view it on the site too.

    ``before_serve_page`` runs before Wagtail's own check of the view restrictions
    (an ``on_serve_page`` wrapper), which admits the visitors the restriction names
    and marks every restricted page's response as not to be cached.
    """
    if not request.user.is_authenticated:
        return None
    restrictions = list(page.get_view_restrictions())
    if restrictions and not all(r.accept_request(request) for r in restrictions):
        if may_edit(request.user, page):
            response = page.serve(request, *serve_args, **serve_kwargs)
            add_never_cache_headers(response)
            return response
    return None


@hooks.register("before_serve_document")
def documents_follow_their_pages(document, request):
    """A document attached only to pages the visitor may not view is not served to them."""
    if may_view_derived(request, pages_using(document)):
        return None
    if not request.user.is_authenticated:
        login_url = getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", None) or reverse(
            "wagtailcore_login"
        )
        return redirect_to_login(request.get_full_path(), login_url)
    raise PermissionDenied
