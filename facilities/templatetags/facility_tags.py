from django import template
from django.template.loader import render_to_string
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
