"""ふくしマップ as open data: the columns of 自治体標準オープンデータセット「介護サービス事業所一覧」
and the rows of the district's facilities in that shape.

One row per service a facility offers (a facility without a service still gets
one row), as the national data does. The column names are the standard's, so
that a spreadsheet written from this file is read back by the facility import
(and by any tool that knows the standard). Columns the site has no data for
(名称_英字, 町字ID, 建物名等(方書), 内線番号) are kept, empty, so the shape stays
the standard's.
"""

import re
from dataclasses import dataclass

from django.db.models import Max

from home.privacy import is_public

from .models import FacilityPage

PREFECTURE = "埼玉県"


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


FACILITY_COLUMNS = (
    Column("全国地方公共団体コード", "事業所がある市町の団体コード(6桁)"),
    Column("ID", "このデータの中で行を区別する番号(事業所の番号-サービスの番号)"),
    Column("地方公共団体名", "事業所がある市町の名前"),
    Column("名称", "事業所の名前"),
    Column("名称_カナ", "事業所の名前のよみ(カタカナ)"),
    Column("名称_英字", "事業所の名前の英字表記(このサイトでは空欄)"),
    Column("サービスの種類", "この行のサービス(障害福祉サービスの種類)"),
    Column("所在地_全国地方公共団体コード", "所在地の市町の団体コード(6桁)"),
    Column("町字ID", "アドレス・ベース・レジストリの町字ID(このサイトでは空欄)"),
    Column("所在地_連結表記", "都道府県から番地までの住所"),
    Column("所在地_都道府県", "都道府県(埼玉県)"),
    Column("所在地_市区町村", "市町"),
    Column("所在地_町字", "町名・大字と丁目"),
    Column("所在地_番地以下", "番地・号と建物名"),
    Column("建物名等(方書)", "建物名(このサイトでは番地以下に含めています)"),
    Column("郵便番号", "郵便番号"),
    Column("緯度", "世界測地系の緯度(10進数)"),
    Column("経度", "世界測地系の経度(10進数)"),
    Column("電話番号", "事業所の電話番号"),
    Column("内線番号", "内線番号(このサイトでは空欄)"),
    Column("FAX番号", "事業所のFAX番号"),
    Column("法人番号", "運営する法人の法人番号(13桁)"),
    Column("法人の名称", "運営する法人の名前"),
    Column("事業所番号", "指定を受けたときの事業所番号(10桁)"),
    Column("利用可能曜日", "営業している曜日(平日・土曜・日曜・祝日)"),
    Column("利用可能曜日特記事項", "曜日ごとの営業時間と定休日"),
    Column("定員", "この行のサービスの定員(人)"),
    Column("URL", "事業所のホームページ"),
    Column("備考", "この行のサービスについての補足と対象者"),
)
FACILITY_HEADER = [column.name for column in FACILITY_COLUMNS]

CLOSED_WORDS = ("休み", "休", "なし", "-", "―", "×")
TOWN = re.compile(r"^(?P<town>[^0-9０-９]*(?:[0-9０-９]+丁目)?)(?P<rest>.*)$")


def split_address(address):
    """(町字, 番地以下) of an address written after the municipality ('東台9丁目21番1号')."""
    match = TOWN.match(address.strip())
    return match.group("town").strip(), match.group("rest").strip()


def open_days(facility):
    """平日・土曜… for the days that have hours and are not marked as closed."""
    return "・".join(
        label
        for label, value in facility.hours()
        if value.strip() and value.strip() not in CLOSED_WORDS
    )


def hours_note(facility):
    parts = [f"{label} {value}" for label, value in facility.hours()]
    if facility.closed_days:
        parts.append(f"定休日 {facility.closed_days}")
    return " / ".join(parts)


def facilities_for_open_data():
    """Live, public facilities with what the rows need, in 50音 order (a fixed number of queries)."""
    return (
        FacilityPage.objects.live()
        .filter(is_public())
        .select_related("municipality")
        .prefetch_related(
            "services__service_type",
            "services__target_groups",
        )
        .order_by("kana_sort", "name_kana", "pk")
    )


def facility_rows(facilities, url_of=None):
    """The rows of the dataset as dicts keyed by FACILITY_HEADER, one per service offered.

    ``url_of(facility)``: the facility page's address, used where the facility has
    no website of its own; without it the column holds the website only.
    """
    rows = []
    for facility in facilities:
        municipality = facility.municipality
        town, rest = split_address(facility.address)
        base = {
            "全国地方公共団体コード": municipality.code,
            "地方公共団体名": municipality.name,
            "名称": facility.title,
            "名称_カナ": facility.name_kana,
            "名称_英字": "",
            "所在地_全国地方公共団体コード": municipality.code,
            "町字ID": "",
            "所在地_連結表記": f"{PREFECTURE}{municipality.name}{facility.address}",
            "所在地_都道府県": PREFECTURE,
            "所在地_市区町村": municipality.name,
            "所在地_町字": town,
            "所在地_番地以下": rest,
            "建物名等(方書)": "",
            "郵便番号": facility.postal_code,
            "緯度": "" if facility.latitude is None else str(facility.latitude),
            "経度": "" if facility.longitude is None else str(facility.longitude),
            "電話番号": facility.phone,
            "内線番号": "",
            "FAX番号": facility.fax,
            "法人番号": facility.corporate_number,
            "法人の名称": facility.operator,
            "事業所番号": facility.office_number or "",
            "利用可能曜日": open_days(facility),
            "利用可能曜日特記事項": hours_note(facility),
            "URL": facility.website or (url_of(facility) if url_of else ""),
        }
        services = list(facility.services.all())
        if not services:
            rows.append(
                {
                    **base,
                    "ID": f"{facility.pk}-0",
                    "サービスの種類": "",
                    "定員": "",
                    "備考": "",
                }
            )
        for service in services:
            targets = "・".join(t.name for t in service.target_groups.all())
            notes = [service.notes] if service.notes else []
            if targets:
                notes.append(f"対象: {targets}")
            rows.append(
                {
                    **base,
                    "ID": f"{facility.pk}-{service.pk}",
                    "サービスの種類": service.service_type.name,
                    "定員": service.capacity if service.capacity is not None else "",
                    "備考": "。".join(notes),
                }
            )
    return [{name: row[name] for name in FACILITY_HEADER} for row in rows]


def geojson_feature(row):
    """A GeoJSON Feature (RFC 7946) of one row: Point [経度, 緯度], or no geometry."""
    geometry = None
    if row["緯度"] != "" and row["経度"] != "":
        geometry = {"type": "Point", "coordinates": [float(row["経度"]), float(row["緯度"])]}
    return {"type": "Feature", "geometry": geometry, "properties": row}


def facilities_updated_at(facilities):
    """When the facilities' data last changed: the latest publication of one of them."""
    return facilities.order_by().aggregate(latest=Max("last_published_at"))["latest"]
