import json

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from home import furigana, glossary
from home.formatting import file_size, phone_numbers_in
from home.formatting import tel_href as _tel_href

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied: ``?nendo=2023&page=2``.

    Repeated values of a parameter are kept once, so a link never grows with
    a bloated query string.
    """
    params = context["request"].GET.copy()
    for name in list(params.keys()):
        params.setlist(name, list(dict.fromkeys(params.getlist(name))))
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def document_meta(document):
    """「PDF・312KB」 for a Wagtail document."""
    if document is None:
        return ""
    ext = (document.file_extension or "").upper() or "ファイル"
    size = file_size(document.get_file_size()) if document.file else ""
    return format_html("{}", f"{ext}・{size}" if size else ext)


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def page_jsonld(context):
    """The page's schema.org data (``get_jsonld``) as a script element, '</script>'-safe."""
    page = context.get("page")
    data = page.get_jsonld(context.get("request")) if hasattr(page, "get_jsonld") else None
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def page_header_data(context):
    """The ``header`` dict in the context, else the page's own (BasePage.get_page_header)."""
    header = context.get("header")
    if header:
        return header
    page = context.get("page")
    return page.get_page_header() if hasattr(page, "get_page_header") else {}


@register.simple_tag
def plain_header(title):
    """A page header for views that are not pages (search, login, 404): the title alone."""
    return {"title": title}


@register.simple_tag
def nav_current(item, page):
    """aria-current for a menu entry: "page" on the page itself, "true" anywhere in its section.

    The home page is only current on itself, not for every page below it.
    """
    if page is None or not getattr(page, "path", None):
        return ""
    if page.pk == item.pk:
        return "page"
    if item.depth > 2 and page.path.startswith(item.path):
        return "true"
    return ""


@register.simple_tag
def page_numbers(page_obj):
    """Page numbers around the current one, with '…' for the gaps (never the whole range)."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


@register.filter
def tel_href(number):
    """``{{ page.phone|tel_href }}``: 「tel:0495123456」, or "" when nothing can be dialled."""
    return _tel_href(number)


@register.filter
def phone_link(number):
    """A phone number as a link that calls it on a phone; plain text if it can't be dialled."""
    href = _tel_href(number)
    if not href:
        return number or ""
    return format_html('<a href="{}">{}</a>', href, number)


@register.filter
def link_phone_numbers(text):
    """Plain text (a contact, how to apply) with each phone number in it as a tel: link.

    The rest is escaped; chain ``|linebreaksbr`` after it for line breaks.
    """
    return mark_safe(  # noqa: S308 - every piece is escaped by format_html or escape
        "".join(
            format_html('<a href="{}">{}</a>', href, piece) if href else escape(piece)
            for piece, href in phone_numbers_in(text)
        )
    )


class FuriganaNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, condition):
        self.nodelist = nodelist
        self.condition = condition

    def render(self, context):
        output = self.nodelist.render(context)
        if self.condition.resolve(context, ignore_failures=True):
            return mark_safe(furigana.add_ruby(output))
        return output


@register.tag
def furigana_if(parser, token):
    """``{% furigana_if reading_aids.ruby %}…{% endfurigana_if %}``: the HTML inside with
    ruby over its kanji when the condition is true (``home.furigana.add_ruby``)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("furigana_if takes one condition")
    nodelist = parser.parse(("endfurigana_if",))
    parser.delete_first_token()
    return FuriganaNode(nodelist, parser.compile_filter(bits[1]))


class GlossaryNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, page):
        self.nodelist = nodelist
        self.page = page

    def render(self, context):
        output = self.nodelist.render(context)
        page = self.page.resolve(context, ignore_failures=True)
        if getattr(page, "marks_glossary_terms", True) is False:
            return output
        return mark_safe(glossary.mark_terms(output))


@register.tag
def glossary_marks(parser, token):
    """``{% glossary_marks page %}…{% endglossary_marks %}``: the HTML inside with the first
    appearance of each 用語集 term linked to the 用語集 (``home.glossary.mark_terms``);
    not on a page whose ``marks_glossary_terms`` is False (the 用語集 itself)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("glossary_marks takes the page")
    nodelist = parser.parse(("endglossary_marks",))
    parser.delete_first_token()
    return GlossaryNode(nodelist, parser.compile_filter(bits[1]))
