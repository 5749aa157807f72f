"""ふくしマップ: the settings of every map on the site, public and admin.

``static/js/facility-map.js`` draws the search results map, a facility page's
small map and the location picker on the facility page form. It reads its
settings from one JSON block (``CONFIG_ID``), which ``map_scripts()`` writes
together with the script tag: the public templates through the
``{% facility_map_scripts %}`` tag, the page editor through ``insert_editor_js``.
"""

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, json_script

CONFIG_ID = "facility-map-config"
DISTRICT_ZOOM = 11
FACILITY_ZOOM = 16


def map_config():
    """Tiles, centre, zoom levels and the vendored Leaflet's URLs, from the Django settings."""
    return {
        "tileUrl": settings.FACILITY_MAP_TILE_URL,
        "attribution": settings.FACILITY_MAP_ATTRIBUTION,
        "center": list(settings.FACILITY_MAP_CENTER),
        "zoom": DISTRICT_ZOOM,
        "pointZoom": FACILITY_ZOOM,
        "minZoom": 5,
        "maxZoom": 18,
        "leafletJs": static("vendor/leaflet/leaflet.js"),
        "leafletCss": static("vendor/leaflet/leaflet.css"),
        # Leaflet's default marker looks for marker-icon.png and its shadow in this directory.
        "imagePath": static("vendor/leaflet/images/marker-icon.png").rsplit("/", 1)[0] + "/",
    }


def map_scripts():
    """The settings as a JSON block (data, not a script: fine under the CSP) and the script."""
    return json_script(map_config(), CONFIG_ID) + format_html(
        '<script src="{}" defer></script>', static("js/facility-map.js")
    )
