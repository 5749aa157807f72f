"""Page weight: the HTML of every public page type plus the stylesheets and scripts it
refers to weigh at most 60 KB compressed (gzip; whitenoise serves the static files
compressed, the HTML is compressed by the web server).

The map library (Leaflet, vendored) is not referred to by any page: the map script loads
it only where a map is drawn (the search results' map view and a facility page with a
location), so it is not counted here: it adds about 46 KB (leaflet.js 42 KB and
leaflet.css 3.5 KB, gzip) to those two pages only, once, as a cached static file.
"""

import gzip
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from facilities.maps import map_config
from tests.test_query_budget import SMALL, Content

BUDGET = 60 * 1024
# Leaflet 1.9 (script and stylesheet), gzip: what a page with a map adds when it is drawn.
LEAFLET_BUDGET = 48 * 1024
MAP_PAGES = {"facilities.FacilityIndexPage (地図)", "facilities.FacilityPage"}


class Assets(HTMLParser):
    """The stylesheets and scripts a page refers to."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.urls.append(attrs.get("href"))
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def gzipped(data):
    return len(gzip.compress(data, compresslevel=9))


def static_file(url):
    assert url.startswith(settings.STATIC_URL), f"{url} is not a static file"
    path = finders.find(url[len(settings.STATIC_URL) :].split("?")[0])
    assert path, f"{url} not found"
    with open(path, "rb") as f:
        return f.read()


def weigh(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Assets()
    parser.feed(response.content.decode())
    assets = sorted(set(parser.urls))
    sizes = {"html": gzipped(response.content)}
    for asset in assets:
        sizes[asset] = gzipped(static_file(asset))
    return response, sizes


@pytest.fixture
def content(home_page):
    content = Content(home_page)
    content.grow_to(**SMALL)
    return content


def pages(content):
    urls = dict(content.urls())
    urls["facilities.FacilityIndexPage (地図)"] = content.index.url + "?view=map"
    return urls


def test_every_public_page_weighs_at_most_60_kb_compressed(client, content):
    weights = {}
    for name, url in pages(content).items():
        _, sizes = weigh(client, url)
        weights[name] = sum(sizes.values())
        assert weights[name] <= BUDGET, (name, sizes)
    # Every page has its HTML and the site's stylesheet and scripts counted.
    assert all(w > 5 * 1024 for w in weights.values()), weights


def test_the_map_library_is_loaded_only_where_a_map_is_drawn(client, content):
    config = map_config()
    leaflet = gzipped(static_file(config["leafletJs"])) + gzipped(static_file(config["leafletCss"]))
    assert leaflet <= LEAFLET_BUDGET, leaflet
    for name, url in pages(content).items():
        response, sizes = weigh(client, url)
        assert config["leafletJs"] not in sizes and config["leafletCss"] not in sizes, name
        if 'id="facility-map"' in response.content.decode():
            # The map script is there to load it; nothing else on the page does.
            assert name in MAP_PAGES and "/static/js/facility-map.js" in sizes, name
        else:
            assert "/static/js/facility-map.js" not in sizes, name
    # The map view is drawn here: the page, and the library its script then loads.
    _, sizes = weigh(client, content.index.url + "?view=map")
    assert "/static/js/facility-map.js" in sizes
