"""The printed ふくしマップ (A4 PDF) built from the live directory.

Only facilities that anyone may view are listed (``.live().public()`` under the
live, public ふくしマップ page), with the values of their published version.
They are grouped by municipality, then by the service category of their first
service (主なサービス); a facility that offers services of other categories is
named there too, with a pointer to its entry. Numbers run through the list and
match the points of the cover's map. The number of queries does not depend on
the number of facilities.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from facilities.models import FacilityIndexPage, FacilityPage, FacilityService
from facilities.qr import qr_code
from home.dates import wareki

from .cover_map import Point, cover_map
from .models import Booklet

# Importing WeasyPrint makes Pillow load truncated images in the whole process. The booklet
# only draws images it made itself, and uploads must go on refusing truncated files.
ImageFile.LOAD_TRUNCATED_IMAGES = False

COUNCIL_NAME = "児玉郡市自立支援協議会"
KEEP_BOOKLETS = 5  # older PDFs are deleted after a new one is stored
OTHER_CATEGORY = "その他"
KANA_ROWS = (
    ("ア行", "アイウエオ"),
    ("カ行", "カキクケコ"),
    ("サ行", "サシスセソ"),
    ("タ行", "タチツテト"),
    ("ナ行", "ナニヌネノ"),
    ("ハ行", "ハヒフヘホ"),
    ("マ行", "マミムメモ"),
    ("ヤ行", "ヤユヨ"),
    ("ラ行", "ラリルレロ"),
    ("ワ行", "ワヰヱヲン"),
)
OTHER_ROW = "英数字など"


class BookletError(Exception):
    """The booklet cannot be built; the message is shown to editors."""


@dataclass
class Entry:
    number: int
    facility: FacilityPage
    url: str
    services: list

    @property
    def anchor(self):
        return f"facility-{self.number}"

    @property
    def qr(self):
        # One pixel per module, enlarged without smoothing (image-rendering: pixelated):
        # 500 SVG codes double the time WeasyPrint takes.
        return qr_code(self.url).png_data_uri(scale=1, border=4)


@dataclass
class CategoryGroup:
    name: str
    anchor: str
    entries: list = field(default_factory=list)
    see_also: list = field(default_factory=list)


@dataclass
class MunicipalityGroup:
    name: str
    anchor: str
    categories: list = field(default_factory=list)


def kana_row(kana_sort):
    initial = kana_sort[:1]
    for label, kana in KANA_ROWS:
        if initial and initial in kana:
            return label
    return OTHER_ROW


def map_index_page():
    index = FacilityIndexPage.objects.live().public().first()
    if index is None:
        raise BookletError(
            "ふくしマップのページが公開されていないため、冊子を作れません。"
            "ページを公開してから、もう一度作成してください。"
        )
    return index


def facilities_for(index):
    services = FacilityService.objects.select_related("service_type__category").order_by(
        "sort_order", "pk"
    )
    return (
        FacilityPage.objects.live()
        .public()
        .descendant_of(index)
        .select_related("municipality")
        .prefetch_related(Prefetch("services", queryset=services))
        .order_by("municipality__sort_order", "municipality__code", "kana_sort", "pk")
    )


def _category_key(service):
    category = service.service_type.category
    return (category.sort_order, category.pk, category.name)


def collect(index=None):
    """Everything the booklet shows, grouped and numbered."""
    index = index or map_index_page()
    # municipality -> {category key -> ([(facility, services)] listed there, [pk] named there)}
    grouped = {}
    municipalities = {}
    for facility in facilities_for(index):
        services = list(facility.services.all())
        municipality = facility.municipality
        municipalities[municipality.pk] = municipality
        keys = [_category_key(s) for s in services] or [(10**6, 0, OTHER_CATEGORY)]
        by_category = grouped.setdefault(municipality.pk, {})
        by_category.setdefault(keys[0], ([], []))[0].append((facility, services))
        for key in dict.fromkeys(keys[1:]):
            if key != keys[0]:
                by_category.setdefault(key, ([], []))[1].append(facility.pk)

    entries, groups, by_pk = [], [], {}
    for m_index, (municipality_pk, by_category) in enumerate(grouped.items(), start=1):
        group = MunicipalityGroup(
            name=municipalities[municipality_pk].name, anchor=f"municipality-{m_index}"
        )
        for c_index, key in enumerate(sorted(by_category), start=1):
            listed, others = by_category[key]
            category = CategoryGroup(name=key[2], anchor=f"{group.anchor}-{c_index}")
            for facility, services in listed:
                entry = Entry(len(entries) + 1, facility, facility.get_full_url(), services)
                entries.append(entry)
                by_pk[facility.pk] = entry
                category.entries.append(entry)
            category.see_also = others
            group.categories.append(category)
        groups.append(group)
    for group in groups:
        for category in group.categories:
            category.see_also = sorted(
                (by_pk[pk] for pk in category.see_also), key=lambda e: e.number
            )

    kana_index = {}
    for entry in sorted(entries, key=lambda e: (e.facility.kana_sort, e.number)):
        kana_index.setdefault(kana_row(entry.facility.kana_sort), []).append(entry)
    rows = [label for label, _ in KANA_ROWS] + [OTHER_ROW]
    return {
        "index_page": index,
        "map_url": index.get_full_url(),
        "entries": entries,
        "groups": groups,
        "kana_index": [(row, kana_index[row]) for row in rows if row in kana_index],
    }


def render_html(content, as_of, tile_fetcher=None):
    points = [
        Point(e.number, float(e.facility.latitude), float(e.facility.longitude))
        for e in content["entries"]
        if e.facility.has_location
    ]
    overview = cover_map(points, fetcher=tile_fetcher)
    context = {
        **content,
        "council_name": COUNCIL_NAME,
        "as_of": as_of,
        "as_of_label": wareki(as_of, weekday=False),
        "map_qr": qr_code(content["map_url"]).png_data_uri(scale=1, border=4),
        "cover_map": overview,
        "unplotted": len(content["entries"]) - len(points),
    }
    return render_to_string("booklet/booklet.html", context), overview


def write_pdf(html):
    # Everything the document needs is inline (data: URIs): WeasyPrint fetches nothing.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


def build_pdf(as_of=None, tile_fetcher=None):
    """(pdf bytes, facility count, whether the cover map has tiles)."""
    as_of = as_of or timezone.localdate()
    content = collect()
    html, overview = render_html(content, as_of, tile_fetcher=tile_fetcher)
    return write_pdf(html), len(content["entries"]), overview.tiles_used


def build_booklet(built_by=None, tile_fetcher=None):
    """Build the PDF, store it as the newest :class:`Booklet` and drop the oldest ones."""
    built_at = timezone.now()
    pdf, count, tiles_used = build_pdf(timezone.localdate(built_at), tile_fetcher=tile_fetcher)
    name = f"fukushi-map-{timezone.localtime(built_at):%Y%m%d-%H%M%S}.pdf"
    booklet = Booklet(
        built_at=built_at,
        facility_count=count,
        file_size=len(pdf),
        map_tiles=tiles_used,
        built_by=built_by,
    )
    booklet.file.save(name, ContentFile(pdf), save=False)
    with transaction.atomic():
        booklet.save()
        old = list(Booklet.objects.all()[KEEP_BOOKLETS:])
        Booklet.objects.filter(pk__in=[b.pk for b in old]).delete()
    for stale in old:
        stale.file.delete(save=False)
    return booklet
