"""The ふくしマップ demo: about 60 entered sample facilities and 8 more from the sample WAM NET file."""

import re
from collections import Counter

import pytest
from django.db import transaction
from wagtail.models import Page, Revision

from facilities.models import (
    FacilityIndexPage,
    FacilityPage,
    FacilityService,
    Municipality,
    ServiceCategory,
)
from facilities.validators import DISTRICT_BOUNDS
from home import demo as home_demo
from home.models import HomePage, SearchEntry
from tests.live import ensure_migration_data

pytestmark = pytest.mark.django_db

GROUP_HOME_TYPES = [
    "共同生活援助(介護サービス包括型)",
    "共同生活援助(外部サービス利用型)",
    "共同生活援助(日中サービス支援型)",
]
# The municipality's centre; every sample lies within JITTER degrees of it.
CENTRES = {
    "本庄市": (36.2436, 139.1903),
    "美里町": (36.1770, 139.1810),
    "神川町": (36.2140, 139.1020),
    "上里町": (36.2510, 139.1440),
}
JITTER = 0.02
POSTAL_PREFIXES = {
    "本庄市": ("367-00",),
    "美里町": ("367-01",),
    "神川町": ("367-02", "367-03"),
    "上里町": ("369-03",),
}


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker, migration_data):
    """Load the demo once for this module, inside a transaction rolled back at the end.

    Each test still runs in its own savepoint (pytest-django's ``db``), so a
    test that changes the content leaves the others untouched.
    """
    with django_db_blocker.unblock():
        # A live-server test run earlier by this worker may have flushed the database.
        ensure_migration_data(migration_data)
    with django_db_blocker.unblock(), transaction.atomic():
        everything = home_demo.load()
        home = HomePage.objects.get()
        pages = {"index": FacilityIndexPage.objects.get()}
        titles = set(FacilityPage.objects.values_list("title", flat=True)) | {pages["index"].title}
        created = [title for title in everything if title in titles]
        yield home, created, pages
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_content, db):
    return demo_content


def facilities():
    return FacilityPage.objects.live().select_related("municipality")


def entered():
    """The sample facilities written in demo/fukushi-map.yaml (as an editor would enter them)."""
    return facilities().filter(slug__startswith="sample-")


def imported_only():
    """The facilities only the sample WAM NET file lists, created by the importer."""
    return facilities().exclude(slug__startswith="sample-")


def offering(*type_names):
    return FacilityPage.objects.filter(
        pk__in=FacilityService.objects.filter(service_type__name__in=type_names).values("page_id")
    )


def test_creates_the_index_and_about_sixty_facilities(loaded):
    home, created, pages = loaded
    index = pages["index"]
    assert isinstance(index, FacilityIndexPage)
    assert index.get_parent().specific == home
    assert (index.slug, index.title, index.show_in_menus, index.live) == (
        "fukushi-map",
        "ふくしマップ",
        True,
        True,
    )
    assert "サンプル" in index.intro
    assert 55 <= entered().count() <= 65
    assert imported_only().count() == 8
    assert FacilityPage.objects.child_of(index).count() == facilities().count()
    assert len(created) == facilities().count() + 1


def test_every_facility_is_marked_as_a_sample(loaded):
    for page in facilities():
        assert page.title.endswith("(サンプル)") or page.title.startswith("サンプル"), page.title
        assert "サンプル" in page.operator
        assert page.phone.startswith("0495-00-")
        assert page.office_number.startswith("11") and len(page.office_number) == 10
        assert not page.corporate_number


def test_office_numbers_are_unique_per_site_and_slugs_unique(loaded):
    pages = list(facilities())
    assert len({p.grouping_key() for p in pages}) == len(pages)
    assert len({p.slug for p in pages}) == len(pages)
    # One 事業所番号 covers two sites in the sample file, as happens in the national data.
    shared = [n for n, c in Counter(p.office_number for p in pages).items() if c > 1]
    assert len(shared) == 1


def test_locations_lie_in_the_district_and_their_municipality(loaded):
    lat_low, lat_high = DISTRICT_BOUNDS["lat"]
    lng_low, lng_high = DISTRICT_BOUNDS["lng"]
    for page in facilities():
        assert page.has_location
        assert not page.address.startswith(page.municipality.name)
        assert lat_low <= float(page.latitude) <= lat_high
        assert lng_low <= float(page.longitude) <= lng_high
        centre_lat, centre_lng = CENTRES[page.municipality.name]
        assert abs(float(page.latitude) - centre_lat) <= JITTER
        assert abs(float(page.longitude) - centre_lng) <= JITTER
    # The national data carries no postal codes; the entered samples do.
    for page in entered():
        assert page.postal_code.startswith(POSTAL_PREFIXES[page.municipality.name])


def test_municipalities_are_covered_roughly_by_population(loaded):
    counts = Counter(facilities().values_list("municipality__name", flat=True))
    assert set(counts) == {m.name for m in Municipality.objects.all()}
    assert counts["本庄市"] > counts["上里町"] > counts["神川町"] >= counts["美里町"] > 0


def test_every_service_category_with_types_is_offered(loaded):
    for category in ServiceCategory.objects.filter(types__isnull=False).distinct():
        assert FacilityService.objects.filter(service_type__category=category).exists(), category
    # Target groups are the council's own data: the entered samples have them, imports do not.
    for service in FacilityService.objects.filter(page__in=entered()):
        assert service.target_groups.exists(), service


def test_residential_facilities_and_group_homes(loaded):
    residential = offering("施設入所支援")
    assert residential.count() >= 6
    for page in residential:
        names = set(page.services.values_list("service_type__name", flat=True))
        assert {"生活介護", "短期入所"} <= names, page.title
        capacity = page.services.get(service_type__name="施設入所支援").capacity
        assert capacity and capacity > 0
    group_homes = offering(*GROUP_HOME_TYPES)
    assert group_homes.count() >= 12
    for name in GROUP_HOME_TYPES:
        assert offering(name).exists(), name


def test_eight_kyoten_four_consultation_and_four_short_stay(loaded):
    kyoten = facilities().filter(kyoten_registered=True)
    assert kyoten.count() == 8
    consultation = kyoten.filter(pk__in=offering("計画相談支援").values("pk"))
    short_stay = kyoten.filter(pk__in=offering("短期入所").values("pk"))
    assert consultation.count() == 4
    assert short_stay.count() == 4
    assert not set(consultation) & set(short_stay)


def test_readings_exercise_fifty_sound_order(loaded):
    readings = list(facilities().values_list("name_kana", flat=True))
    firsts = {r[0] for r in readings}
    assert {"ガ", "ザ", "バ", "パ"} <= firsts
    assert any("ッ" in r for r in readings)
    assert any("ャ" in r for r in readings)
    assert any("ー" in r for r in readings)
    ordered = list(facilities().order_by("kana_sort").values_list("kana_sort", flat=True))
    assert ordered == sorted(ordered)


def test_most_facilities_are_fresh_and_a_few_are_stale(loaded):
    pages = list(entered())
    stale = [p for p in pages if p.is_stale()]
    assert 1 <= len(stale) <= len(pages) // 5
    assert all(p.verified_on for p in pages)
    # Imported facilities are not yet confirmed with the office: the page says so.
    assert not imported_only().filter(verified_on__isnull=False).exists()


def test_the_sample_file_is_loaded_through_the_importer_with_its_source(loaded, client):
    from facilities.demo_import import SAMPLE

    assert "sample" in SAMPLE.name
    sourced = facilities().exclude(import_record={})
    assert sourced.count() == 18
    assert set(imported_only()) <= set(sourced)
    for page in sourced:
        assert page.source_note() == "障害福祉サービス等情報公表システム(令和8年10月時点)"
        assert page.title.endswith("(サンプル)") and page.phone.startswith("0495-00-")
    page = imported_only().get(title="ひだまり生活介護(サンプル)")
    assert set(page.services.values_list("service_type__name", "capacity")) == {
        ("生活介護", 30),
        ("短期入所", 4),
        ("日中一時支援", None),
    }
    html = client.get(page.url).content.decode()
    assert "出典: 障害福祉サービス等情報公表システム(令和8年10月時点)" in html
    # The neighbouring town's row is left out.
    assert not FacilityPage.objects.filter(title__contains="よその町").exists()


def test_facilities_are_in_the_japanese_search_index(loaded):
    ids = set(facilities().values_list("pk", flat=True))
    assert set(SearchEntry.objects.filter(page_id__in=ids).values_list("page_id", flat=True)) == ids


def test_loading_twice_creates_nothing(loaded):
    _, _, pages = loaded
    counts = (
        Page.objects.count(),
        Revision.objects.count(),
        FacilityService.objects.count(),
        FacilityService.target_groups.through.objects.count(),
        FacilityPage.features.through.objects.count(),
    )
    before = {p.slug: (p.latitude, p.longitude, p.verified_on) for p in facilities()}
    assert home_demo.load() == []
    assert FacilityIndexPage.objects.get().pk == pages["index"].pk
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        FacilityService.objects.count(),
        FacilityService.target_groups.through.objects.count(),
        FacilityPage.features.through.objects.count(),
    ) == counts
    assert {p.slug: (p.latitude, p.longitude, p.verified_on) for p in facilities()} == before


def test_a_deleted_facility_is_recreated_with_the_same_values(loaded):
    page = FacilityPage.objects.get(slug="sample-zakuro-so")
    values = (page.latitude, page.longitude, page.office_number, page.verified_on)
    page.delete()
    assert home_demo.load() == ["ざくろ荘(サンプル)"]
    page = FacilityPage.objects.get(slug="sample-zakuro-so")
    assert (page.latitude, page.longitude, page.office_number, page.verified_on) == values


def test_index_renders_with_municipality_facets_adding_up(loaded, client):
    _, _, pages = loaded
    response = client.get(pages["index"].url)
    assert response.status_code == 200
    total = facilities().count()
    search = response.context["search"]
    assert search.count == total
    muni = next(f for f in search.facets if f.param == "muni")
    assert sum(o.count for o in muni.options) == total
    assert all(o.count > 0 for o in muni.options)
    html = response.content.decode()
    assert f"{total}件の事業所" in html
    shown = [
        int(n)
        for n in re.findall(r'for="f-muni-\d+">[^<]*<span class="facet__count">\((\d+)件', html)
    ]
    assert sum(shown) == total


def test_a_facility_page_renders(loaded, client):
    page = FacilityPage.objects.get(slug="sample-haniwa-no-sato")
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "はにわの里(サンプル)" in html
    assert "施設入所支援" in html
