"""Page weight: the HTML of every public page type plus the stylesheets and scripts it
needs weigh at most 60 KB compressed, as a current browser receives them from the server
set up as in deploy/: Brotli (static files as collectstatic compresses them beside each
file, at Brotli's highest level; the HTML as nginx compresses it, at brotli_comp_level 5).

On the two pages that draw a map (the search results' map view and a facility page with a
location) the map library, Leaflet, which the map script loads, is counted too.
"""

from html.parser import HTMLParser

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from facilities.maps import map_config
from tests.test_query_budget import SMALL, Content

BUDGET = 60 * 1024
# deploy/nginx.conf: brotli_comp_level for the pages; whitenoise's .br files: Brotli's default (11).
HTML_QUALITY = 5
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


def compressed(data, quality=11):
    return len(brotli.compress(data, quality=quality))


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
    sizes = {"html": compressed(response.content, HTML_QUALITY)}
    for asset in assets:
        sizes[asset] = compressed(static_file(asset))
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
    config = map_config()
    leaflet = {
        url: compressed(static_file(url)) for url in (config["leafletJs"], config["leafletCss"])
    }
    weights = {}
    for name, url in pages(content).items():
        _, sizes = weigh(client, url)
        if name in MAP_PAGES:
            sizes.update(leaflet)
        weights[name] = sum(sizes.values())
        assert weights[name] <= BUDGET, (name, sizes)
    # Every page has its HTML and the site's stylesheet and scripts counted.
    assert all(w > 5 * 1024 for w in weights.values()), weights


def test_the_map_library_is_loaded_only_where_a_map_is_drawn(client, content):
    config = map_config()
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


def test_brotli_is_what_the_deployment_sends():
    """The sizes above hold only if the server sends Brotli: nginx compresses pages with it
    at the level counted here and sends collectstatic's .br files for static files."""
    from pathlib import Path

    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    assert "brotli on;" in conf and "brotli_static on;" in conf
    assert f"brotli_comp_level {HTML_QUALITY};" in conf
