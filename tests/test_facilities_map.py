"""ふくしマップ: the map of the search results, a facility's small map, the admin
location picker and the taxonomy snippets.

The first part runs on the test database only (markers JSON, admin views).
``TestInChromium`` runs a live server and real Chromium; map tiles come from a
route that serves a tiny PNG (or fails, to test the fallback), and every other
request that leaves the live server is refused and recorded.
"""

import io
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from facilities.maps import map_config
from facilities.models import (
    FacilityPage,
    FacilityService,
    Feature,
    Municipality,
    ServiceCategory,
    ServiceType,
    TargetGroup,
)
from facilities.validators import DISTRICT_BOUNDS
from tests.axe import assert_no_axe_violations
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory
from tests.live import live_db, wait_until
from tests.twofactor import app_device, enter_code

B = "就労継続支援B型"
GH = "共同生活援助(介護サービス包括型)"
MUNICIPALITIES = ["本庄市", "美里町", "神川町", "上里町"]
SERVICES = [
    [(B, 20, ["知的", "精神"])],
    [("生活介護", 10, ["身体"]), ("短期入所", 4, ["身体", "知的"])],
    [(GH, 6, ["知的"])],
    [("計画相談支援", None, ["身体", "知的", "精神"])],
    [("放課後等デイサービス", 10, ["障害児"]), ("児童発達支援", 10, ["障害児"])],
]
FEATURES = [["送迎あり"], ["送迎あり", "食事提供"], [], ["入浴", "車椅子対応"], ["駐車場あり"]]
NAMES = ["ひまわり", "さくら", "あおば", "けやき", "みどり", "こすもす"]
KANA = ["ヒマワリ", "サクラ", "アオバ", "ケヤキ", "ミドリ", "コスモス"]


def coordinates(i):
    """Points spread over the district, as the factories want them (strings)."""
    return f"{36.15 + (i % 6) * 0.02:.6f}", f"{139.05 + (i // 6) * 0.04:.6f}"


def make_directory(home, count):
    """An index page with ``count`` facilities; the last one has no location."""
    index = FacilityIndexPageFactory(parent=home)
    pages = []
    for i in range(count):
        lat, lng = coordinates(i)
        located = i < count - 1
        pages.append(
            FacilityPageFactory(
                parent=index,
                slug=f"jigyousho-{i}",
                title=f"{NAMES[i % 6]}{MUNICIPALITIES[i % 4][:2]}事業所{i}",
                name_kana=f"{KANA[i % 6]}ジギョウショ{i}",
                municipality=Municipality.objects.get(name=MUNICIPALITIES[i % 4]),
                phone="0495-12-3456" if i % 2 else "",
                latitude=lat if located else None,
                longitude=lng if located else None,
                kyoten_registered=i % 5 == 0,
                services=SERVICES[i % len(SERVICES)],
                features=FEATURES[i % len(FEATURES)],
            )
        )
    return index, pages


def pk_of(model, name):
    return str(model.objects.get(name=name).pk)


def list_ids(client, index, params):
    """Ids of the facilities in the list view, over all its pages, in order."""
    ids, number = [], 1
    while True:
        response = client.get(index.url, {**params, "page": number})
        assert response.status_code == 200
        results = response.context["search"].results_page
        ids += [facility.pk for facility in results.object_list]
        if not results.has_next():
            return ids
        number += 1


MAP_SCRIPT = '<script src="/static/js/facility-map.js" defer></script>'
LEAFLET_JS = "/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/static/vendor/leaflet/leaflet.css"


def map_config_in(body):
    """The map settings the page gives static/js/facility-map.js (exactly one block)."""
    blocks = re.findall(
        r'<script id="facility-map-config" type="application/json">(.*?)</script>', body, re.S
    )
    assert len(blocks) == 1, f"{len(blocks)} map settings blocks"
    return json.loads(blocks[0])


def marker_data(client, index, params):
    response = client.get(index.url + "markers/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- Markers JSON ------------------------------------------------------------------------


@pytest.fixture
def directory(home_page):
    # 24 facilities: the list has two pages (20 a page), the map shows all located ones.
    return make_directory(home_page, 24)


FILTER_COMBINATIONS = {
    "none": lambda: {},
    "one municipality": lambda: {"muni": [pk_of(Municipality, "本庄市")]},
    "two municipalities": lambda: {
        "muni": [pk_of(Municipality, "本庄市"), pk_of(Municipality, "上里町")]
    },
    "service type": lambda: {"svc": [pk_of(ServiceType, B)]},
    "two service types": lambda: {"svc": [pk_of(ServiceType, B), pk_of(ServiceType, GH)]},
    "service type and municipality": lambda: {
        "svc": [pk_of(ServiceType, "生活介護")],
        "muni": [pk_of(Municipality, "美里町")],
    },
    "target group": lambda: {"target": [pk_of(TargetGroup, "障害児")]},
    "two target groups": lambda: {
        "target": [pk_of(TargetGroup, "身体"), pk_of(TargetGroup, "精神")]
    },
    "feature": lambda: {"feat": [pk_of(Feature, "送迎あり")]},
    "two features": lambda: {"feat": [pk_of(Feature, "送迎あり"), pk_of(Feature, "入浴")]},
    "keyword": lambda: {"q": "ひまわり"},
    "keyword of a service": lambda: {"q": "就労"},
    "keyword and filters": lambda: {
        "q": "事業所",
        "muni": [pk_of(Municipality, "本庄市"), pk_of(Municipality, "神川町")],
        "target": [pk_of(TargetGroup, "知的")],
        "feat": [pk_of(Feature, "送迎あり")],
    },
    "category and kyoten": lambda: {
        "cat": [pk_of(ServiceCategory, "訓練等給付"), pk_of(ServiceCategory, "相談支援")],
        "kyoten": "1",
    },
    "bad values are dropped": lambda: {"muni": ["abc", "999999"], "svc": [pk_of(ServiceType, B)]},
    "sorted by municipality": lambda: {"sort": "muni", "feat": [pk_of(Feature, "食事提供")]},
}


@pytest.mark.django_db
def test_markers_are_the_listed_facilities_that_have_a_location(client, directory):
    index, pages = directory
    located = {p.pk for p in pages if p.has_location}
    sizes = {}
    for name, make_params in FILTER_COMBINATIONS.items():
        params = make_params()
        listed = list_ids(client, index, params)
        data = marker_data(client, index, params)
        expected = sorted(i for i in listed if i in located)
        assert sorted(f["id"] for f in data["facilities"]) == expected, name
        assert data["count"] == len(data["facilities"]), name
        sizes[name] = (len(listed), len(expected))
    # Every combination matches some facilities, and most of them fewer than all.
    assert all(n_map > 0 for _, n_map in sizes.values()), sizes
    assert sizes["none"] == (24, 23)
    assert sum(1 for n_list, _ in sizes.values() if n_list < 24) == len(sizes) - 1, sizes
    # The facility without a location is in the list but never on the map.
    assert pages[-1].pk in list_ids(client, index, {})


@pytest.mark.django_db
def test_markers_for_a_combination_without_results_are_empty(client, directory):
    index, _ = directory
    params = {"svc": [pk_of(ServiceType, B)], "cat": [pk_of(ServiceCategory, "相談支援")]}
    assert list_ids(client, index, params) == []
    assert marker_data(client, index, params) == {"count": 0, "notes": [], "facilities": []}


@pytest.mark.django_db
def test_markers_carry_what_the_popup_shows(client, directory):
    index, pages = directory
    data = marker_data(client, index, {})
    assert data["count"] == 23  # 24 facilities, one without a location
    assert pages[-1].pk not in {f["id"] for f in data["facilities"]}
    assert pages[-1].pk in list_ids(client, index, {})

    first = next(f for f in data["facilities"] if f["id"] == pages[1].pk)
    assert first == {
        "id": pages[1].pk,
        "name": pages[1].title,
        "kana": pages[1].name_kana,
        "url": pages[1].url,
        "lat": 36.17,
        "lng": 139.05,
        "municipality": "美里町",
        "address": "本庄1-1-1",
        "phone": "0495-12-3456",
        "tel": "tel:0495123456",
        "services": ["生活介護", "短期入所"],
    }
    assert client.get(first["url"]).status_code == 200


@pytest.mark.django_db
def test_markers_report_dropped_conditions_like_the_list(client, directory):
    index, _ = directory
    params = {"muni": ["abc"], "kyoten": "2"}
    notes = client.get(index.url, params).context["search"].notes
    assert len(notes) == 2
    assert marker_data(client, index, params)["notes"] == notes


@pytest.mark.django_db
def test_map_view_renders_the_map_element_and_the_list(client, directory):
    index, _ = directory
    muni = pk_of(Municipality, "上里町")
    body = client.get(index.url, {"view": "map", "muni": muni}).content.decode()
    assert 'id="facility-map"' in body
    assert f'data-markers-url="{index.url}markers/?view=map&amp;muni={muni}"' in body
    config = map_config_in(body)
    assert config["leafletJs"] == LEAFLET_JS
    assert config["leafletCss"] == LEAFLET_CSS
    assert config["center"] == [36.215, 139.15]
    assert body.count(MAP_SCRIPT) == 1
    assert body.count('class="facility-card"') == 6
    list_body = client.get(index.url).content.decode()
    assert 'id="facility-map"' not in list_body
    assert "facility-map-config" not in list_body
    assert "facility-map.js" not in list_body


@pytest.mark.django_db
def test_markers_above_the_limit_come_as_groups_on_a_bounded_grid(client, directory, settings):
    from facilities.models.search import MARKER_GRID

    index, pages = directory
    settings.FACILITY_MAP_MAX_MARKERS = 5
    data = marker_data(client, index, {})
    assert data["facilities"] == []
    clusters = data["clusters"]
    assert 1 < len(clusters) <= MARKER_GRID * MARKER_GRID
    assert data["count"] == sum(c["count"] for c in clusters) == 23
    located = [p for p in pages if p.has_location]
    for cluster in clusters:
        (south, west), (north, east) = cluster["bounds"]
        inside = [
            p
            for p in located
            if south <= float(p.latitude) <= north and west <= float(p.longitude) <= east
        ]
        assert len(inside) >= cluster["count"]
        assert south <= cluster["lat"] <= north and west <= cluster["lng"] <= east
    # Filters apply to the groups as to the list.
    params = {"muni": [pk_of(Municipality, "本庄市")]}
    expected = [i for i in list_ids(client, index, params) if i in {p.pk for p in located}]
    assert marker_data(client, index, params)["count"] == len(expected) == 6
    # At or below the limit the facilities come one by one, as before.
    settings.FACILITY_MAP_MAX_MARKERS = 6
    assert sorted(f["id"] for f in marker_data(client, index, params)["facilities"]) == sorted(
        expected
    )


@pytest.mark.django_db
def test_markers_json_does_not_grow_with_the_facilities_above_the_limit(
    client, directory, settings
):
    index, _ = directory
    settings.FACILITY_MAP_MAX_MARKERS = 3
    few = client.get(index.url + "markers/").content
    for i in range(24, 60):
        lat, lng = coordinates(i)
        FacilityPageFactory(
            parent=index,
            slug=f"more-{i}",
            title=f"追加事業所{i}",
            municipality=Municipality.objects.get(name="本庄市"),
            latitude=lat,
            longitude=f"{139.05 + (i % 7) * 0.01:.6f}",
        )
    many = client.get(index.url + "markers/")
    assert many.json()["count"] == 23 + 36
    # The same grid of groups: the answer's size is bounded by the grid, not the facilities.
    assert len(many.content) < 2 * len(few) + 2000


@pytest.mark.django_db
def test_markers_for_the_visible_area(client, directory, settings):
    index, pages = directory
    located = [p for p in pages if p.has_location]
    # Leaflet's order: west, south, east, north. The first column of points (lng 139.05).
    bbox = "139.04,36.14,139.06,36.26"
    inside = sorted(p.pk for p in located if float(p.longitude) < 139.06)
    assert 0 < len(inside) < len(located)
    data = marker_data(client, index, {"bbox": bbox})
    assert sorted(f["id"] for f in data["facilities"]) == inside
    assert data["count"] == len(inside)
    # Too many in view: groups, only of what is in view.
    settings.FACILITY_MAP_MAX_MARKERS = 2
    data = marker_data(client, index, {"bbox": bbox})
    assert data["count"] == len(inside)
    assert all(139.04 <= c["lng"] <= 139.06 for c in data["clusters"])
    # A malformed or impossible area is ignored: every facility.
    settings.FACILITY_MAP_MAX_MARKERS = 400
    for bad in ("abc", "1,2,3", "139.06,36.14,139.04,36.26", "nan,36,139,37", "1,2,3,4,5"):
        assert marker_data(client, index, {"bbox": bad})["count"] == 23, bad


# --- Admin: taxonomy snippets and the picker's settings -----------------------------------


@pytest.mark.django_db
def test_taxonomy_snippets_are_grouped_in_the_admin_menu(admin_client):
    body = admin_client.get("/admin/").content.decode()
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S
    )
    assert props, "no sidebar on the dashboard"
    menu = json.dumps(json.loads(props.group(1)), ensure_ascii=False)
    group = re.search(
        r'"name": "facility_taxonomy", "label": "ふくしマップの分類", "icon_name": "site".*?\]\]',
        menu,
    )
    assert group, menu
    for model, label, count in [
        (Municipality, "市町", 4),
        (ServiceCategory, "サービス区分", 6),
        (ServiceType, "サービスの種類", 34),
        (TargetGroup, "対象者の区分", 5),
        (Feature, "特徴", 7),
    ]:
        url = reverse(f"wagtailsnippets_facilities_{model._meta.model_name}:list")
        assert f'"label": "{label}"' in group.group(0) and f'"url": "{url}"' in group.group(0)
        response = admin_client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert all(str(obj) in content for obj in model.objects.all())
        assert len(response.context["object_list"]) == count == model.objects.count()


@pytest.mark.django_db
def test_service_types_can_be_filtered_by_category(admin_client):
    url = reverse("wagtailsnippets_facilities_servicetype:list")
    category = ServiceCategory.objects.get(name="相談支援")
    response = admin_client.get(url, {"category": category.pk})
    assert response.status_code == 200
    names = [s.name for s in response.context["object_list"]]
    assert names == ["計画相談支援", "地域移行支援", "地域定着支援"]
    assert len(admin_client.get(url).context["object_list"]) == ServiceType.objects.count()


@pytest.fixture
def service_in_use(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    FacilityPageFactory(parent=index, services=[(B, 20, ["知的"])])
    draft = FacilityPageFactory(parent=index, services=[(B, 10, [])])
    draft.unpublish()
    return ServiceType.objects.get(name=B)


@pytest.mark.django_db
def test_deleting_a_service_type_in_use_is_refused_with_a_message(admin_client, service_in_use):
    url = reverse("wagtailsnippets_facilities_servicetype:delete", args=[service_in_use.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert ServiceType.objects.filter(pk=service_in_use.pk).exists()
    assert FacilityService.objects.filter(service_type=service_in_use).count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert any("「就労継続支援B型」は使われているため削除できません" in m for m in messages), (
        messages
    )
    assert any("提供しているサービス 2件" in m for m in messages), messages


@pytest.mark.django_db
def test_bulk_deleting_service_types_in_use_is_refused(admin_client, service_in_use):
    unused = ServiceType.objects.get(name="行動援護")
    url = (
        reverse("wagtail_bulk_action", args=("facilities", "servicetype", "delete"))
        + f"?id={service_in_use.pk}&id={unused.pk}"
    )
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert ServiceType.objects.filter(pk__in=[service_in_use.pk, unused.pk]).count() == 2
    assert any("削除できません" in str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_unused_taxonomy_entries_can_still_be_deleted(admin_client, service_in_use):
    unused = ServiceType.objects.get(name="行動援護")
    response = admin_client.post(
        reverse("wagtailsnippets_facilities_servicetype:delete", args=[unused.pk])
    )
    assert response.status_code == 302
    assert not ServiceType.objects.filter(pk=unused.pk).exists()
    feature = Feature.objects.get(name="入浴")
    response = admin_client.post(
        reverse("wagtailsnippets_facilities_feature:delete", args=[feature.pk])
    )
    assert response.status_code == 302
    assert not Feature.objects.filter(pk=feature.pk).exists()


@pytest.mark.django_db
def test_municipality_used_by_a_facility_cannot_be_deleted(admin_client, service_in_use):
    honjo = Municipality.objects.get(name="本庄市")
    response = admin_client.post(
        reverse("wagtailsnippets_facilities_municipality:delete", args=[honjo.pk]), follow=True
    )
    assert response.status_code == 200
    assert Municipality.objects.filter(pk=honjo.pk).exists()
    assert any("「本庄市」は使われているため" in str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_page_editor_gets_the_picker_settings(admin_client, service_in_use):
    facility = FacilityPage.objects.live().first()
    body = admin_client.get(reverse("wagtailadmin_pages:edit", args=[facility.pk])).content
    body = body.decode()
    data = map_config_in(body)
    assert data["tileUrl"] == settings.FACILITY_MAP_TILE_URL
    assert data["attribution"] == settings.FACILITY_MAP_ATTRIBUTION
    assert data["center"] == [36.215, 139.15]
    assert (data["zoom"], data["pointZoom"]) == (11, 16)
    assert data["leafletJs"] == LEAFLET_JS
    assert data["imagePath"] == "/static/vendor/leaflet/images/"
    assert body.count(MAP_SCRIPT) == 1


@pytest.mark.django_db
def test_public_maps_and_the_picker_take_their_settings_from_one_place(
    client, admin_client, home_page
):
    index, pages = make_directory(home_page, 2)
    facility = pages[0]
    assert facility.has_location
    tiles = "https://tiles.example.org/std/{z}/{x}/{y}.png"
    with override_settings(
        FACILITY_MAP_TILE_URL=tiles,
        FACILITY_MAP_ATTRIBUTION="© テスト地図",
        FACILITY_MAP_CENTER=(36.2, 139.1),
    ):
        expected = map_config()
        bodies = {
            "search results map": client.get(index.url, {"view": "map"}),
            "facility page": client.get(facility.url),
            "page editor": admin_client.get(reverse("wagtailadmin_pages:edit", args=[facility.pk])),
        }
    assert (expected["tileUrl"], expected["attribution"]) == (tiles, "© テスト地図")
    assert expected["center"] == [36.2, 139.1]
    for name, response in bodies.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert map_config_in(body) == expected, name
        assert body.count(MAP_SCRIPT) == 1, name
        # Written once, in that block: not repeated in attributes of the map element.
        assert body.count("tiles.example.org") == 1, name


# --- In Chromium -----------------------------------------------------------------------------


def tiny_png():
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (235, 235, 225)).save(buffer, "PNG")
    return buffer.getvalue()


TILE_HOST = urlparse(settings.FACILITY_MAP_TILE_URL).hostname


class Network:
    """Routes every request of a page: the live server passes, tiles are served or failed."""

    def __init__(self, page, live_server, tiles="ok", block=()):
        self.tiles = tiles
        self.block = block
        self.tile_requests = 0
        self.unexpected = []
        self.paths = []  # every path requested from the live server, in order
        self.origin = live_server.url
        self.png = tiny_png()
        page.route("**/*", self.handle)

    def handle(self, route):
        url = route.request.url
        if url.startswith(self.origin):
            self.paths.append(urlparse(url).path)
            if any(urlparse(url).path == path for path in self.block):
                route.abort()
            else:
                route.continue_()
        elif urlparse(url).hostname == TILE_HOST:
            self.tile_requests += 1
            if self.tiles == "ok":
                route.fulfill(status=200, content_type="image/png", body=self.png)
            else:
                route.abort()
        else:
            self.unexpected.append(url)
            route.abort()

    def leaflet_loads(self):
        """How often Leaflet's script and stylesheet have been requested so far."""
        return self.paths.count(LEAFLET_JS), self.paths.count(LEAFLET_CSS)


STATUS = "#facility-map-status"
FAILED = "地図を読み込めませんでした。一覧はそのままお使いいただけます。"


@pytest.fixture
def small_directory(live_home):
    """Seven facilities, one of them without a location and one with markup in its name."""
    index, pages = make_directory(live_home, 6)
    odd = FacilityPageFactory(
        parent=index,
        slug="markup",
        title="<b>太字</b>&作業所",
        name_kana="タイジサギョウショ",
        municipality=Municipality.objects.get(name="神川町"),
        latitude="36.214000",
        longitude="139.101000",
        services=[(B, 10, [])],
    )
    return index, pages + [odd]


class TestInChromium:
    pytestmark = [pytest.mark.browser, live_db]

    def log_in(self, page, live_server):
        admin = User.objects.create_superuser("admin", "admin@example.jp", "kanri-pass-2024")
        device = app_device(admin)
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "kanri-pass-2024")
        page.keyboard.press("Enter")
        enter_code(page, device)
        page.wait_for_url("**/admin/")

    def wait_for_map(self, page, text):
        page.wait_for_selector('#facility-map[data-map-state="ready"]')
        wait_until(
            page,
            "text => document.querySelector('#facility-map-status').textContent === text",
            arg=text,
        )

    def test_map_view_shows_every_located_facility(self, live_server, page, small_directory):
        index, pages = small_directory
        network = Network(page, live_server)
        page.goto(live_server.url + index.url)
        assert page.locator(".facility-card").count() == 7
        assert page.locator("#facility-map").count() == 0
        assert_no_axe_violations(page)
        assert network.leaflet_loads() == (0, 0)  # no map, no Leaflet

        page.get_by_role("link", name="地図で見る").click()
        self.wait_for_map(page, "地図に6件の事業所を表示しています。")
        assert network.leaflet_loads() == (1, 1)
        assert page.locator("#facility-map .leaflet-marker-icon").count() == 6
        assert page.locator(".facility-map__fallback").count() == 0
        assert page.locator(".facility-card").count() == 7
        assert page.locator("#facility-map .leaflet-tile-loaded").count() > 0
        assert "地理院タイル" in page.locator(".leaflet-control-attribution").inner_text()
        assert network.tile_requests > 0
        assert_no_axe_violations(page)

        # Markup in a name is shown as text, in the marker's name and in its popup.
        marker = page.get_by_role("button", name="<b>太字</b>&作業所")
        marker.click()
        popup = page.locator(".leaflet-popup-content")
        link = popup.get_by_role("link", name="<b>太字</b>&作業所")
        assert link.get_attribute("href") == live_server.url + pages[-1].url
        assert popup.locator("b").count() == 0
        assert "神川町 本庄1-1-1" in popup.inner_text()
        assert "サービス: 就労継続支援B型" in popup.inner_text()
        assert_no_axe_violations(page)
        assert network.unexpected == []

    def test_filtered_map_shows_only_the_filtered_facilities(
        self, live_server, page, small_directory
    ):
        index, _ = small_directory
        Network(page, live_server)
        kamikawa = pk_of(Municipality, "神川町")
        page.goto(f"{live_server.url}{index.url}?view=map&muni={kamikawa}")
        # 神川町: facility 2 and the one with markup in its name.
        self.wait_for_map(page, "地図に2件の事業所を表示しています。")
        assert page.locator("#facility-map .leaflet-marker-icon").count() == 2
        assert page.locator(".facility-card").count() == 2

    def test_many_facilities_show_as_groups_until_zoomed_in(
        self, live_server, page, small_directory, settings
    ):
        settings.FACILITY_MAP_MAX_MARKERS = 3
        index, _ = small_directory
        network = Network(page, live_server)
        page.goto(f"{live_server.url}{index.url}?view=map")
        self.wait_for_map(
            page,
            "地図に6件の事業所を、近くの事業所ごとにまとめて表示しています。"
            "拡大すると1件ずつ表示します。",
        )
        groups = page.locator("#facility-map .facility-cluster")
        singles = "#facility-map .leaflet-marker-icon:not(.facility-cluster)"
        assert groups.count() >= 1
        assert page.locator(singles).count() == 0
        assert_no_axe_violations(page)
        # Choosing a group by keyboard zooms to it; the map asks for the visible area and
        # shows the facilities there one by one.
        groups.first.focus()
        page.keyboard.press("Enter")
        wait_until(page, f"() => document.querySelectorAll('{singles}').length > 0")
        wait_until(
            page,
            "() => /^地図に\\d+件の事業所を表示しています。$/"
            ".test(document.querySelector('#facility-map-status').textContent)",
        )
        assert network.unexpected == []

    def test_marker_popups_open_with_the_keyboard(self, live_server, page, small_directory):
        index, pages = small_directory
        Network(page, live_server)
        page.goto(f"{live_server.url}{index.url}?view=map")
        self.wait_for_map(page, "地図に6件の事業所を表示しています。")

        marker = page.get_by_role("button", name=pages[0].title)
        assert marker.get_attribute("tabindex") == "0"
        marker.focus()
        page.keyboard.press("Enter")
        link = page.locator(".leaflet-popup-content").get_by_role("link", name=pages[0].title)
        link.wait_for()
        assert page.evaluate("document.activeElement.textContent") == pages[0].title
        page.keyboard.press("Escape")
        page.locator(".leaflet-popup").wait_for(state="detached")
        assert page.evaluate("document.activeElement.alt") == pages[0].title

        page.keyboard.press(" ")
        link.wait_for()
        assert page.evaluate("document.activeElement.textContent") == pages[0].title
        page.keyboard.press("Enter")  # follows the link in the popup
        page.wait_for_url("**" + pages[0].url.rstrip("/") + "/")
        assert page.locator("h1").inner_text() != ""

    def test_facility_page_small_map(self, live_server, page, small_directory):
        _, pages = small_directory
        network = Network(page, live_server)
        facility = pages[0]
        page.goto(live_server.url + facility.url)
        self.wait_for_map(page, f"地図に「{facility.title}」の場所を表示しています。")
        assert network.leaflet_loads() == (1, 1)
        assert page.locator("#facility-map .leaflet-marker-icon").count() == 1
        assert page.locator(".facility-map__fallback").count() == 0
        assert_no_axe_violations(page)
        assert network.unexpected == []

        page.goto(live_server.url + pages[-2].url)  # no location: no map at all
        assert page.locator("#facility-map").count() == 0

    def test_failing_tiles_leave_the_list(self, live_server, page, small_directory):
        index, _ = small_directory
        network = Network(page, live_server, tiles="fail")
        page.goto(f"{live_server.url}{index.url}?view=map")
        wait_until(
            page,
            "text => document.querySelector('#facility-map-status').textContent === text",
            arg=FAILED,
        )
        assert network.tile_requests > 0
        assert page.locator(".facility-card").count() == 7
        assert page.locator(".facility-list").is_visible()
        assert page.locator("#facility-map").is_hidden()
        assert page.locator("#facility-map .leaflet-marker-icon").count() == 0
        assert_no_axe_violations(page)

    def test_facility_page_says_so_when_tiles_fail(self, live_server, page, small_directory):
        _, pages = small_directory
        Network(page, live_server, tiles="fail")
        page.goto(live_server.url + pages[0].url)
        wait_until(
            page,
            "() => document.querySelector('#facility-map-status').textContent"
            ".startsWith('地図を読み込めませんでした。')",
        )
        assert page.locator("#facility-map").is_hidden()
        assert page.locator(".facts dd", has_text="本庄1-1-1").is_visible()

    @pytest.mark.parametrize("blocked", [LEAFLET_JS, LEAFLET_CSS])
    def test_blocked_leaflet_leaves_the_list_and_the_fallback(
        self, live_server, page, small_directory, blocked
    ):
        index, _ = small_directory
        network = Network(page, live_server, block=[blocked])
        page.goto(f"{live_server.url}{index.url}?view=map")
        wait_until(
            page,
            "text => document.querySelector('#facility-map-status').textContent === text",
            arg=FAILED,
        )
        assert page.locator(".facility-map__fallback").count() == 1
        assert page.locator("#facility-map").is_hidden()
        assert page.locator("#facility-map.leaflet-container").count() == 0
        assert page.locator(".facility-card").count() == 7
        assert network.tile_requests == 0

    def test_failing_markers_request_leaves_the_list(self, live_server, page, small_directory):
        index, _ = small_directory
        Network(page, live_server, block=[index.url + "markers/"])
        page.goto(f"{live_server.url}{index.url}?view=map")
        wait_until(
            page,
            "text => document.querySelector('#facility-map-status').textContent === text",
            arg=FAILED,
        )
        assert page.locator("#facility-map").is_hidden()
        assert page.locator(".facility-card").count() == 7

    def test_without_javascript_the_fallback_text_shows(
        self, live_server, browser, browser_context_args, small_directory
    ):
        index, _ = small_directory
        context = browser.new_context(**browser_context_args, java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}{index.url}?view=map")
            assert page.locator(".facility-map__fallback").is_visible()
            assert page.locator(".facility-card").count() == 7
            assert page.locator("#facility-map-status").inner_text() == ""
        finally:
            context.close()

    def test_filters_by_keyboard(self, live_server, page, small_directory):
        index, _ = small_directory
        Network(page, live_server)
        page.goto(live_server.url + index.url)
        heading = page.locator("#results")
        assert heading.inner_text() == "7件の事業所"
        misato = pk_of(Municipality, "美里町")

        page.focus("#facility-q")
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == f"f-muni-{misato}":
                break
        else:
            pytest.fail("Tab did not reach the 美里町 checkbox")
        page.keyboard.press("Space")
        assert page.is_checked(f"#f-muni-{misato}")
        for _ in range(120):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type") == "submit":
                break
        else:
            pytest.fail("Tab did not reach the submit button")
        assert page.evaluate("document.activeElement.textContent") == "この条件で探す"
        page.keyboard.press("Enter")
        page.wait_for_url(f"**muni={misato}**")

        assert parse_qs(urlparse(page.url).query)["muni"] == [misato]
        # 美里町: facilities 1 and 5.
        assert heading.inner_text() == "2件の事業所が見つかりました"
        assert page.locator(".facility-card").count() == 2
        assert page.is_checked(f"#f-muni-{misato}")

    def test_admin_map_picker_fills_latitude_and_longitude(
        self, live_server, page, small_directory
    ):
        index, pages = small_directory
        network = Network(page, live_server)
        self.log_in(page, live_server)

        # A form without latitude and longitude has the script but loads no Leaflet.
        page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[index.pk]))
        assert page.locator("#facility-map-config").count() == 1
        assert page.evaluate("typeof window.L") == "undefined"
        assert page.locator("link[data-leaflet]").count() == 0
        assert page.locator("#facility-location-map").count() == 0
        assert network.leaflet_loads() == (0, 0)

        # A facility without a location: the map shows the district, without a marker.
        facility = pages[-2]
        assert not facility.has_location
        page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[facility.pk]))
        picker = page.locator('#facility-location-map[data-map-state="ready"]')
        picker.wait_for()
        assert network.leaflet_loads() == (1, 1)
        assert page.locator("#facility-location-map .leaflet-marker-icon").count() == 0
        page.wait_for_selector("#facility-location-map .leaflet-tile-loaded")
        picker.scroll_into_view_if_needed()
        box = picker.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)

        lat = page.input_value("#id_latitude")
        lng = page.input_value("#id_longitude")
        assert re.fullmatch(r"\d+\.\d{6}", lat) and re.fullmatch(r"\d+\.\d{6}", lng)
        assert DISTRICT_BOUNDS["lat"][0] < float(lat) < DISTRICT_BOUNDS["lat"][1]
        assert DISTRICT_BOUNDS["lng"][0] < float(lng) < DISTRICT_BOUNDS["lng"][1]
        # Right of and above the centre of the district.
        assert float(lat) > 36.215 and float(lng) > 139.15
        assert page.locator("#facility-location-map .leaflet-marker-icon").count() == 1

        # Typing moves the marker to the new point, which the map pans to.
        page.fill("#id_latitude", "36.200000")
        page.fill("#id_longitude", "139.180000")
        wait_until(
            page,
            """() => {
                const map = document.querySelector('#facility-location-map').getBoundingClientRect();
                const icon = document.querySelector('#facility-location-map .leaflet-marker-icon')
                    .getBoundingClientRect();
                const x = icon.left + icon.width / 2, y = icon.bottom;
                return Math.abs(x - (map.left + map.width / 2)) < 3
                    && Math.abs(y - (map.top + map.height / 2)) < 3;
            }""",
        )

        # Saving keeps the clicked point.
        box = picker.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
        lat, lng = page.input_value("#id_latitude"), page.input_value("#id_longitude")
        assert float(lat) < 36.2 and float(lng) < 139.18
        page.get_by_role("button", name="下書きを保存").click()
        page.wait_for_selector(".messages .success")
        facility.refresh_from_db()
        draft = facility.get_latest_revision_as_object()
        assert (f"{draft.latitude:.6f}", f"{draft.longitude:.6f}") == (lat, lng)

        # A facility with a location: the marker is there from the start.
        located = pages[0]
        page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[located.pk]))
        page.locator('#facility-location-map[data-map-state="ready"]').wait_for()
        assert page.locator("#facility-location-map .leaflet-marker-icon").count() == 1
        assert page.input_value("#id_latitude") == f"{located.latitude:.6f}"

    def test_admin_form_without_the_map_library(self, live_server, page, small_directory):
        _, pages = small_directory
        facility = pages[0]
        network = Network(page, live_server, block=[LEAFLET_CSS])
        self.log_in(page, live_server)
        edit_url = live_server.url + reverse("wagtailadmin_pages:edit", args=[facility.pk])

        # Without Leaflet's stylesheet the picker is still drawn, with the facility's marker.
        page.goto(edit_url)
        picker = page.locator('#facility-location-map[data-map-state="ready"]')
        picker.wait_for()
        assert page.locator("#facility-location-map .leaflet-marker-icon").count() == 1

        # Without Leaflet itself there is no map; the fields are the input, as always.
        network.block = [LEAFLET_JS]
        with page.expect_console_message(lambda message: "facility-map:" in message.text):
            page.goto(edit_url)
        assert page.locator("#facility-location-map").count() == 0
        page.fill("#id_latitude", "36.200000")
        page.fill("#id_longitude", "139.180000")
        page.get_by_role("button", name="下書きを保存").click()
        page.wait_for_selector(".messages .success")
        draft = FacilityPage.objects.get(pk=facility.pk).get_latest_revision_as_object()
        assert (f"{draft.latitude:.6f}", f"{draft.longitude:.6f}") == ("36.200000", "139.180000")
