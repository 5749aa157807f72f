"""The public pages work in Chromium under the site's Content-Security-Policy.

Every page is loaded with the policy header the site sends; a listener records
every ``securitypolicyviolation`` event and the console is watched for CSP
errors. Map tiles are served by a route with a tiny PNG; any other request
that leaves the live server is refused and recorded.
"""

import io
from urllib.parse import urlparse

import pytest
from django.conf import settings
from PIL import Image

from facilities.models import Municipality, ServiceType
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from tests.live import live_db, wait_until
from vacancies.models import month_start, previous_month

pytestmark = [pytest.mark.browser, live_db]

GH = "共同生活援助(介護サービス包括型)"
TILE_HOST = urlparse(settings.FACILITY_MAP_TILE_URL).hostname
# The settings of static/js/facility-map.js, on the public maps and in the page editor.
MAP_CONFIG = 'script#facility-map-config[type="application/json"]'

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline") + " " + (event.sourceFile || "")
  );
});
"""


def tiny_png():
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (235, 235, 225)).save(buffer, "PNG")
    return buffer.getvalue()


class Watch:
    """Routes the page's requests and collects CSP errors from events and the console."""

    def __init__(self, page, live_server):
        self.page = page
        self.origin = live_server.url
        self.png = tiny_png()
        self.tile_requests = 0
        self.unexpected = []
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.on_console)
        page.route("**/*", self.handle)

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def handle(self, route):
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        elif urlparse(url).hostname == TILE_HOST:
            self.tile_requests += 1
            route.fulfill(status=200, content_type="image/png", body=self.png)
        else:
            self.unexpected.append(url)
            route.abort()

    def goto(self, path):
        response = self.page.goto(self.origin + path)
        assert response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, path
        return response

    def violations(self):
        return self.page.evaluate("window.__cspViolations") + self.console


@pytest.fixture
def site(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    facility = FacilityPageFactory(
        parent=index,
        slug="hidamari",
        title="サンプルひだまりホーム",
        name_kana="ヒダマリ",
        municipality=Municipality.objects.get(name="本庄市"),
        latitude="36.240000",
        longitude="139.190000",
        services=[(GH, 6, ["知的"])],
    )
    FacilityPageFactory(
        parent=index,
        slug="aoba",
        title="サンプルあおば作業所",
        name_kana="アオバ",
        municipality=Municipality.objects.get(name="上里町"),
        latitude="36.250000",
        longitude="139.140000",
        services=[("就労継続支援B型", 20, ["知的"])],
    )
    service = ServiceType.objects.get(name=GH)
    month = month_start()
    for n in range(12):
        VacancyFigureFactory(facility=facility, service_type=service, month=month, vacancies=n % 3)
        month = previous_month(month)
    vacancy_page = VacancyPageFactory(parent=live_home)
    return {"home": live_home, "index": index, "facility": facility, "vacancies": vacancy_page}


def test_public_pages_work_without_policy_violations(live_server, page, site):
    watch = Watch(page, live_server)

    watch.goto(site["home"].url)
    assert page.locator("h1").count() >= 1
    assert watch.violations() == []

    # A facility page: JSON-LD, the small map (its settings in a JSON block, Leaflet loaded
    # on demand), the QR code and the vacancy history chart (inline SVG).
    watch.goto(site["facility"].url)
    page.wait_for_selector('#facility-map[data-map-state="ready"]')
    assert page.locator(MAP_CONFIG).count() == 1
    assert page.locator("#facility-map .leaflet-marker-icon").count() == 1
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    assert page.locator("svg.vacancy-chart").count() == 1
    assert page.evaluate("document.querySelector('img[alt*=\"二次元コード\"]').naturalWidth") > 0
    assert watch.violations() == []

    # The search page in map view: Leaflet initialises and draws tiles and markers.
    watch.goto(site["index"].url + "?view=map")
    page.wait_for_selector('#facility-map[data-map-state="ready"]')
    page.wait_for_selector("#facility-map .leaflet-tile-loaded")
    assert page.locator("#facility-map .leaflet-marker-icon").count() == 2
    assert watch.tile_requests > 0
    # Leaflet's own stylesheet applies (its panes are positioned absolutely).
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-pane')).position",
        )
        == "absolute"
    )
    assert watch.violations() == []

    watch.goto(site["vacancies"].url)
    assert page.locator("table.vacancy-table").count() >= 1
    assert watch.violations() == []
    assert watch.unexpected == []


def test_admin_works_under_its_policy(live_server, page, site):
    """The admin's inline scripts run: the editor opens, the location picker draws its map."""
    from django.contrib.auth.models import User

    from tests.twofactor import app_device, enter_code

    kanri = User.objects.create_superuser("kanri", "kanri@example.jp", "kanri-pass-2024")
    device = app_device(kanri)
    watch = Watch(page, live_server)
    watch.goto("/admin/login/")
    page.fill("#id_username", "kanri")
    page.fill("#id_password", "kanri-pass-2024")
    page.keyboard.press("Enter")
    enter_code(page, device)  # the code page runs under the admin's policy too
    page.wait_for_url("**/admin/")
    assert page.locator("#editor-tasks-heading").count() == 1

    watch.goto(f"/admin/pages/{site['facility'].pk}/edit/")
    assert page.locator(MAP_CONFIG).count() == 1
    page.wait_for_selector('#facility-location-map[data-map-state="ready"]')
    page.wait_for_selector("#facility-location-map .leaflet-tile-loaded")
    assert watch.violations() == []
    assert watch.unexpected == []


def test_an_inline_script_is_blocked_and_reported(live_server, page, site):
    """The control: the listener does see a violation when there is one."""
    watch = Watch(page, live_server)
    watch.goto(site["home"].url)
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true;";
          document.body.appendChild(script);
          const div = document.createElement("div");
          div.setAttribute("style", "color: red");
          document.body.appendChild(div);
        }"""
    )
    wait_until(page, "window.__cspViolations.length >= 2")
    assert page.evaluate("window.__inlineRan === true") is False
    directives = " ".join(watch.violations())
    assert "script-src" in directives
    assert "style-src" in directives
