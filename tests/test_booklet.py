"""The printed ふくしマップ (booklet/): the PDF, its cover map, regenerating it, downloading it."""

import datetime as dt
import io
import logging
import re
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from wagtail.models import PageViewRestriction

from booklet import builder, cover_map
from booklet.models import Booklet
from editorial.roles import APPROVER, CONSULTATION_OFFICE, FACILITY_EDITOR, SECRETARIAT
from facilities import kana
from facilities.models import Municipality
from home.dates import wareki
from home.formatting import file_size
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 1)


def municipality(name):
    return Municipality.objects.get(name=name)


@pytest.fixture
def directory(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    facilities = {
        "aoba": FacilityPageFactory(
            parent=index,
            title="あおば作業所(サンプル)",
            name_kana="アオバサギョウショ",
            municipality=municipality("本庄市"),
            address="銀座1-2-3",
            postal_code="367-0052",
            phone="0495-11-2233",
            fax="0495-11-2234",
            operator="社会福祉法人サンプル会",
            latitude=Decimal("36.243600"),
            longitude=Decimal("139.190300"),
            services=[("就労継続支援B型", 20, [])],
        ),
        "kamisato": FacilityPageFactory(
            parent=index,
            title="かみさと園(サンプル)",
            name_kana="カミサトエン",
            municipality=municipality("上里町"),
            address="七本木100",
            phone="0495-33-4455",
            latitude=Decimal("36.251000"),
            longitude=Decimal("139.144000"),
            services=[("生活介護", 30, []), ("就労継続支援B型", 10, []), ("短期入所", 4, [])],
        ),
        "misato": FacilityPageFactory(
            parent=index,
            title="みさと相談室(サンプル)",
            name_kana="ミサトソウダンシツ",
            municipality=municipality("美里町"),
            address="木部200",
            services=[("計画相談支援", None, [])],
        ),
    }
    private = FacilityPageFactory(
        parent=index, title="非公開ホーム(サンプル)", services=[("短期入所", 2, [])]
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    draft = FacilityPageFactory(
        parent=index, title="下書きの家(サンプル)", services=[("生活介護", 5, [])]
    )
    draft.unpublish()
    changed = facilities["aoba"]
    changed.title = "まだ公開していない名前"
    changed.save_revision()
    return index, facilities


def pdf_text(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def build(**kwargs):
    pdf, count, tiles = builder.build_pdf(AS_OF, **kwargs)
    return pdf, count, tiles


# --- The PDF ------------------------------------------------------------------------------


def test_booklet_lists_the_public_facilities_with_their_details(directory):
    index, facilities = directory
    pdf, count, _ = build()
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    assert count == 3
    for facility in facilities.values():
        facility.refresh_from_db()
        assert facility.title in text
    assert "0495-11-2233" in text and "0495-11-2234" in text
    assert "定員20名" in text and "定員30名" in text and "定員4名" in text
    assert "〒367-0052 本庄市銀座1-2-3" in text
    assert "児玉郡市自立支援協議会" in pages[0]
    assert f"{wareki(AS_OF, weekday=False)}現在" in pages[0]
    assert "まだ公開していない名前" not in text
    assert "非公開ホーム" not in text and "下書きの家" not in text


def test_facilities_are_grouped_by_municipality_and_category_and_numbered(directory):
    pdf, _, _ = build()
    pages = pdf_text(pdf)
    body = "\n".join(pages[2:-1])
    # Municipalities in their order, each on its own page, with its categories.
    assert body.index("本庄市") < body.index("美里町") < body.index("上里町")
    content = builder.collect()
    names = [(g.name, [c.name for c in g.categories]) for g in content["groups"]]
    assert names == [
        ("本庄市", ["訓練等給付"]),
        ("美里町", ["相談支援"]),
        ("上里町", ["介護給付", "訓練等給付"]),
    ]
    kamisato = content["groups"][2]
    # Listed once, under its first service's category, and named under the other one.
    assert [e.facility.title for e in kamisato.categories[0].entries] == ["かみさと園(サンプル)"]
    assert [e.number for e in kamisato.categories[1].see_also] == [3]
    assert [e.number for e in content["entries"]] == [1, 2, 3]


def test_index_lists_facilities_in_kana_order_with_their_pages(directory):
    pdf, _, _ = build()
    index_page = pdf_text(pdf)[-1]
    assert "50音順さくいん" in index_page
    positions = [index_page.index(name) for name in ("あおば作業所", "かみさと園", "みさと相談室")]
    assert positions == sorted(positions)
    assert "ア行" in index_page and "カ行" in index_page and "マ行" in index_page
    assert builder.kana_row(kana.sort_key("ガッコウ")) == "カ行"
    assert builder.kana_row(kana.sort_key("ヴィラ")) == "ア行"
    assert builder.kana_row(kana.sort_key("1バン")) == "英数字など"


def test_pages_are_numbered_after_the_cover(directory):
    pdf, _, _ = build()
    pages = pdf_text(pdf)
    total = len(pages)
    assert total >= 4
    assert "ページ" not in pages[0].replace("ページが開きます", "")
    for number, text in enumerate(pages[1:], start=2):
        assert f"{number} / {total}ページ" in text


def fonts_of(pdf):
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            fonts.append((str(font["/BaseFont"]), described["/FontDescriptor"].get_object()))
    return fonts


def test_japanese_fonts_are_embedded(directory):
    pdf, _, _ = build()
    fonts = fonts_of(pdf)
    assert fonts
    for name, descriptor in fonts:
        assert "Noto" in name
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
    assert any("CJK" in name for name, _ in fonts)


def decoded_qr_codes(pdf):
    found = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=3).to_pil()
        found.extend(result.text for result in zxingcpp.read_barcodes(image))
    return found


def test_qr_codes_open_the_map_and_each_facility(directory):
    index, facilities = directory
    pdf, _, _ = build()
    found = decoded_qr_codes(pdf)
    expected = [index.get_full_url()] + [f.get_full_url() for f in facilities.values()]
    assert sorted(found) == sorted(expected)
    assert all(url.startswith("http://localhost/fukushi-map/") for url in found)


def test_building_costs_the_same_queries_for_more_facilities(
    directory, django_assert_max_num_queries
):
    index, _ = directory
    with django_assert_max_num_queries(8) as few:
        build()
    for n in range(6):
        FacilityPageFactory(
            parent=index,
            municipality=municipality(["神川町", "本庄市"][n % 2]),
            services=[("生活介護", 10, []), ("短期入所", 2, []), ("計画相談支援", None, [])],
        )
    with django_assert_max_num_queries(8) as many:
        pdf, count, _ = build()
    assert count == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_no_booklet_without_a_public_map_page(home_page):
    with pytest.raises(builder.BookletError, match="ふくしマップのページが公開されていない"):
        builder.build_pdf(AS_OF)


# --- The cover map --------------------------------------------------------------------------


def png_tile(colour=(200, 230, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_cover_map_uses_fetched_tiles_with_attribution(directory):
    fetched = []

    def fetcher(url):
        fetched.append(url)
        return png_tile()

    with override_settings(BOOKLET_MAP_TILES=True):
        pdf, _, tiles_used = build(tile_fetcher=fetcher)
    assert tiles_used
    assert fetched and all(
        re.fullmatch(r"https://cyberjapandata\.gsi\.go\.jp/xyz/std/\d+/\d+/\d+\.png", u)
        for u in fetched
    )
    cover = pdf_text(pdf)[0]
    assert "出典: 地理院タイル" in cover and "位置のみ" not in cover


def test_cover_map_svg_places_numbered_points_over_the_tiles():
    points = [
        cover_map.Point(1, 36.2436, 139.1903),
        cover_map.Point(2, 36.1770, 139.1810),
        cover_map.Point(12, 36.2510, 139.1440),
    ]
    with override_settings(BOOKLET_MAP_TILES=True):
        result = cover_map.cover_map(points, fetcher=lambda url: png_tile())
    zoom, left, top = cover_map.choose_view(points)
    assert result.svg.count("<image ") == len(cover_map.tiles_for(zoom, left, top))
    assert result.svg.count("<circle ") == 3
    for point in points:
        x, y = cover_map.world_pixel(point.latitude, point.longitude, zoom)
        assert 0 < x - left < cover_map.WIDTH and 0 < y - top < cover_map.HEIGHT
        assert f">{point.number}</text>" in result.svg


@pytest.mark.parametrize(
    "fetcher",
    [
        pytest.param(lambda url: (_ for _ in ()).throw(OSError("timed out")), id="timeout"),
        pytest.param(lambda url: b"<html>503</html>", id="not-an-image"),
    ],
)
def test_cover_map_falls_back_to_the_points_when_tiles_fail(directory, fetcher, caplog):
    with override_settings(BOOKLET_MAP_TILES=True), caplog.at_level(logging.WARNING):
        pdf, count, tiles_used = build(tile_fetcher=fetcher)
    assert not tiles_used
    # No image failed to load in WeasyPrint: the map is the points alone.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]
    assert any("位置だけの地図" in r.getMessage() for r in caplog.records)
    cover = pdf_text(pdf)[0]
    assert "位置のみ" in cover and "地理院タイル" not in cover
    assert "位置が登録されていない1か所は地図にありません" in cover
    # The two located facilities' numbers are drawn on the map.
    assert {"1", "3"} <= set(re.findall(r"\d+", cover))


def test_tiles_are_not_fetched_when_switched_off(directory):
    def fetcher(url):
        raise AssertionError("no tile may be fetched")

    pdf, _, tiles_used = build(tile_fetcher=fetcher)
    assert not tiles_used and "位置のみ" in pdf_text(pdf)[0]


# --- Regenerating in the admin ------------------------------------------------------------


def user_with(role):
    user = User.objects.create_user(username=f"user-{role}", password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


def test_editors_roles_hold_the_build_permission():
    for role in (SECRETARIAT, FACILITY_EDITOR):
        assert Group.objects.get(name=role).permissions.filter(codename="build_booklet").exists()
    for role in (APPROVER, CONSULTATION_OFFICE):
        assert (
            not Group.objects.get(name=role).permissions.filter(codename="build_booklet").exists()
        )


@pytest.mark.parametrize("role", [SECRETARIAT, FACILITY_EDITOR])
def test_editors_regenerate_the_booklet_from_the_admin(client, directory, role):
    user = user_with(role)
    client.force_login(user)
    url = reverse("booklet_admin")
    response = client.get(url)
    assert response.status_code == 200
    assert "冊子を作成する" in response.content.decode()
    response = client.post(url, follow=True)
    booklet = Booklet.objects.get()
    assert booklet.built_by == user and booklet.facility_count == 3
    assert booklet.file_size == booklet.file.size > 0
    page = response.content.decode()
    assert "冊子の作成を受け付けました" in page
    assert "3か所" in page and file_size(booklet.file_size) in page
    assert default_storage.open(booklet.file.name).read().startswith(b"%PDF-")


def test_the_build_menu_item_shows_only_with_the_permission(client, directory):
    client.force_login(user_with(FACILITY_EDITOR))
    assert reverse("booklet_admin") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(user_with(APPROVER))
    assert reverse("booklet_admin") not in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_roles_without_the_permission_get_403(client, directory, method):
    client.force_login(user_with(APPROVER))
    response = getattr(client, method)(reverse("booklet_admin"))
    assert response.status_code == 403
    assert not Booklet.objects.exists()


def test_regenerating_without_a_public_map_page_says_why(client, home_page):
    client.force_login(user_with(SECRETARIAT))
    response = client.post(reverse("booklet_admin"), follow=True)
    assert "ふくしマップのページが公開されていないため" in response.content.decode()
    assert not Booklet.objects.exists()


def test_only_the_newest_booklets_are_kept(directory):
    built = [builder.build_booklet() for _ in range(builder.KEEP_BOOKLETS + 1)]
    kept = list(Booklet.objects.all())
    assert kept == list(reversed(built[1:]))
    assert not default_storage.exists(built[0].file.name)
    assert all(default_storage.exists(b.file.name) for b in kept)


# --- Downloading from the map page ------------------------------------------------------------


def test_map_page_links_the_newest_booklet(client, directory):
    index, _ = directory
    page = client.get(index.url).content.decode()
    assert reverse("booklet_download") not in page
    assert client.get(reverse("booklet_download")).status_code == 404

    booklet = builder.build_booklet()
    page = client.get(index.url).content.decode()
    built_on = booklet.built_at.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    assert f'href="{reverse("booklet_download")}"' in page
    assert f"PDF、{file_size(booklet.file_size)}" in page
    assert (
        f'<time datetime="{built_on.isoformat()}">{wareki(built_on, weekday=False)}</time>' in page
    )

    response = client.get(reverse("booklet_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == booklet.file.open("rb").read()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_build_waits_in_the_queue_for_the_worker(
    client, directory, worker_keeps_the_test_connection
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    user = user_with(FACILITY_EDITOR)
    client.force_login(user)
    client.post(reverse("booklet_admin"))
    assert not Booklet.objects.exists()
    assert DBTaskResult.objects.get().task_path == "booklet.tasks.build_booklet_task"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Booklet.objects.get().built_by == user


def test_the_booklet_leaves_uploads_refusing_truncated_images():
    from PIL import ImageFile

    import booklet.builder  # noqa: F401  (WeasyPrint, imported by the builder, turns it on)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
