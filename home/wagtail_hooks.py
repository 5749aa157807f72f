"""Privacy that reaches beyond the page itself: editors, documents, caches (see home.privacy)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.userbar import AccessibilityItem, ContentCheckerItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .content_checks import BLOCK, page_findings
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


CHECK_HEADINGS = {
    BLOCK: "公開前の確認: 公開する前に直す必要があります(下書きは保存しました)。",
    "warn": "公開前の確認: 次の点を見直してください(公開はできます)。",
}


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def show_content_checks(request, page):
    """After a save, what the checks found: the warnings, and on a draft what would
    refuse publishing (a post that publishes was refused before it got here). Not after
    the editor's autosave, which answers in JSON and would pile the same list up."""
    if not request.accepts("text/html"):
        return
    findings = page_findings(page.specific if type(page) is Page else page)
    for level in (BLOCK, "warn"):
        lines = [finding.text() for finding in findings if finding.level == level]
        if lines:
            messages.warning(
                request,
                format_html(
                    '{}<ul class="content-checks">{}</ul>',
                    CHECK_HEADINGS[level],
                    format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
                ),
            )


class SiteAccessibilityItem(ContentCheckerItem):
    """The editor's accessibility checker (「チェック」) with this site's rule for alternative
    text that is a file name, and its messages in Japanese."""

    axe_custom_checks = [
        {
            "id": "check-image-alt-text",
            "options": {
                "pattern": r"\.(avif|gif|jpe?g|png|svg|webp|bmp|tiff?|heic|heif)$|_"
                r"|^(IMG|DSC|DSCN|DSCF|PXL|PIC)[-_]?[0-9]{3,}"
                r"|^(スクリーンショット|Screenshot|名称未設定|無題)"
            },
        },
        {"id": "check-empty-meta-description"},
    ]
    axe_messages = {
        "button-name": {
            "error_name": "ボタンの文字がありません",
            "help_text": "読み上げソフトの利用者に分かる言葉を入れてください",
        },
        "empty-heading": {
            "error_name": "中身のない見出しがあります",
            "help_text": "見出しに言葉を入れるか、見出しを消してください",
        },
        "empty-table-header": {
            "error_name": "表の見出しのセルが空です",
            "help_text": "見出しのセルに、その列・行の内容を表す言葉を入れてください",
        },
        "frame-title": {
            "error_name": "埋め込み(iframe)にタイトルがありません",
            "help_text": "埋め込みの内容が分かるタイトルを付けてください",
        },
        "heading-order": {
            "error_name": "見出しの段階が飛んでいます",
            "help_text": "大見出し(h2)の次は小見出し(h3)のように、段階を飛ばさずに使ってください",
        },
        "input-button-name": {
            "error_name": "ボタンの文字がありません",
            "help_text": "読み上げソフトの利用者に分かる言葉を入れてください",
        },
        "link-name": {
            "error_name": "リンクの文字がありません",
            "help_text": "リンク先の内容が分かる言葉を入れてください",
        },
        "p-as-heading": {
            "error_name": "太字の段落を見出しの代わりに使っています",
            "help_text": "見出しのブロックを使ってください",
        },
        "alt-text-quality": {
            "error_name": "画像の代替テキストがファイル名のようです",
            "help_text": "画像が伝える内容を文章で書いてください",
        },
        "empty-meta-description": {
            "error_name": "概要(検索エンジン向けの説明)が空です",
            "help_text": "ページの内容を120字程度で書いてください",
        },
    }


@hooks.register("construct_wagtail_userbar")
def use_the_sites_accessibility_checker(request, items, page):
    items[:] = [
        SiteAccessibilityItem(item.in_editor) if type(item) is AccessibilityItem else item
        for item in items
    ]
