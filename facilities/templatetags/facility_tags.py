from django import template

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
