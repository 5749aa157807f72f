from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail import hooks

from facilities.extensions import FACILITY_INDEX_SECTIONS_HOOK
from facilities.maps import map_scripts

register = template.Library()


@register.simple_tag(takes_context=True)
def without_filter(context, param, value):
    """The current query string with one value of one filter removed (and the page reset)."""
    params = context["request"].GET.copy()
    values = [v for v in dict.fromkeys(params.getlist(param)) if v != str(value)]
    params.setlist(param, values)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def facet_fieldsets(facets):
    """The search form's fieldsets of options (市町, 区分, 種類, 対象者, 特徴), each option a
    checkbox with its count and the groups of サービスの種類 as headings.

    Written here rather than as template loops: some 60 options of a dozen template nodes
    each were a third of the page's rendering time.
    """
    parts = []
    for facet in facets:
        param = escape(facet.param)
        parts.append(
            f'<fieldset class="facet" id="facet-{param}">\n'
            f"<legend>{escape(facet.label)}</legend>\n<ul>\n"
        )
        group = None
        for option in facet.options:
            if option.group != group:
                group = option.group
                if group:
                    parts.append(f'<li class="facet__group">{escape(group)}</li>\n')
            ident = f"f-{param}-{int(option.id)}"
            count = int(option.count)
            parts.append(
                f'<li class="facet__option{"" if count else " facet__option--zero"}">\n'
                f'<input type="checkbox" name="{param}" value="{int(option.id)}" id="{ident}"'
                f"{' checked' if option.selected else ''}>\n"
                f'<label for="{ident}">{escape(option.label)} <span class="facet__count">'
                f"({count}件{'' if count else '・該当なし'})</span></label>\n</li>\n"
            )
        parts.append("</ul>\n</fieldset>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or an int


@register.simple_tag
def facility_map_scripts():
    """The map settings and static/js/facility-map.js (see facilities/maps.py)."""
    return map_scripts()


@register.simple_tag(takes_context=True)
def facility_index_sections(context, page):
    """What other apps add to ふくしマップ (hook ``facility_index_sections``), rendered."""
    request = context.get("request")
    parts = []
    for hook in hooks.get_hooks(FACILITY_INDEX_SECTIONS_HOOK):
        section = hook(page, request)
        if section:
            parts.append(render_to_string(section["template"], section, request=request))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, autoescaped
