"""The import engine: rows checked and grouped into facilities, compared with the site, applied.

``plan(rows, source)`` is the dry run. It loads what it compares with in bulk,
one query per kind (municipalities, service types, facility pages, their
latest revisions, service rows of pages without a revision), so its cost
grows with the rows and not with rows × facilities. ``apply(plan, user)``
writes the plan in one transaction through the pages' revisions.

Which value wins, per imported field (title, address, capacity of a service …):

- the file's value equals the current one: unchanged;
- an editor changed the field since the last import (the current value is not
  the value recorded at that import): the editor's value stays (``protected``);
- the file has no value where the current page has one that was never
  imported: the page's value stays;
- otherwise the file's value replaces the current one.

Fields the council maintains (features, photos, 紹介, target groups, notes of
WAM services, 拠点, 情報確認日, e-mail) are never written.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from wagtail.models import Revision

from facilities import kana
from facilities.keys import grouping_key, normalise_text
from facilities.models import FacilityIndexPage, FacilityPage, FacilityService
from facilities.models.taxonomy import Municipality, ServiceType
from facilities.validators import (
    DISTRICT_BOUNDS,
    digits_only,
    normalize_phone,
    validate_corporate_number,
    validate_phone,
)

from .rows import FIELDS, RowError

PREFECTURE = "11"
PREFECTURE_NAME = "埼玉県"
DISTRICT_NAMES = "本庄市・美里町・神川町・上里町"
OTHER_PREFECTURE = re.compile(r"^(?:北海道|東京都|京都府|大阪府|.{2,3}県)")

# Fields written on the page, in the order the dry run lists them.
PAGE_FIELDS = [
    "title",
    "name_kana",
    "operator",
    "corporate_number",
    "office_number",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "phone",
    "fax",
    "website",
    "hours_weekday",
    "hours_saturday",
    "hours_sunday",
    "hours_holiday",
    "closed_days",
]
MAX_LENGTHS = {
    name: FacilityPage._meta.get_field(name).max_length
    for name in ("title", "name_kana", "operator", "address", "phone", "fax", "website")
}
LABELS = {
    name: str(FacilityPage._meta.get_field(name).verbose_name)
    for name in PAGE_FIELDS
    if name != "title"
}
LABELS["title"] = "事業所名"

# WAM names that differ from the taxonomy's (after NFKC and without spaces).
SERVICE_SYNONYMS = {
    "地域相談支援(地域移行支援)": "地域移行支援",
    "地域相談支援(地域定着支援)": "地域定着支援",
    "福祉型障害児入所施設": "障害児入所支援",
    "医療型障害児入所施設": "障害児入所支援",
    "福祉型障害児入所支援": "障害児入所支援",
    "医療型障害児入所支援": "障害児入所支援",
    "共同生活援助(介護サービス包括型)": "共同生活援助(介護サービス包括型)",
    "自立訓練(宿泊型)": "宿泊型自立訓練",
}


@dataclass(frozen=True)
class Source:
    kind: str  # ImportKind value
    label: str  # 出典 shown on the page
    date: dt.date  # 時点


@dataclass
class FileFacility:
    """One facility as the file describes it: the rows sharing its grouping key."""

    key: str
    rows: list
    values: dict  # page field -> text (municipality: its code)
    services: dict  # service type id -> {"capacity": text, "notes": text or None}
    municipality: Municipality


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class FacilityDiff:
    status: str  # "new", "changed", "unchanged"
    facility: FileFacility
    page_id: int | None = None
    title: str = ""
    changes: list = field(default_factory=list)
    protected: list = field(default_factory=list)  # Change(old=editor's value, new=file's)
    record: dict = field(default_factory=dict)  # the import record to store
    record_changed: bool = False


@dataclass
class Plan:
    source: Source
    rows: int = 0
    outside_rows: int = 0
    errors: list = field(default_factory=list)
    unknown_types: dict = field(default_factory=dict)  # name -> [RowError-like where]
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # (page id, title, office number)
    skipped: list = field(default_factory=list)  # titles of facilities with unknown types only
    index_id: int | None = None

    @property
    def ok(self):
        return not self.errors

    def counts(self):
        return {
            "rows": self.rows,
            "outside_rows": self.outside_rows,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "missing": len(self.missing),
            "unknown_types": len(self.unknown_types),
            "errors": len(self.errors),
        }

    def protected(self):
        """(facility title, Change) for every field kept because an editor changed it."""
        return [(d.title, c) for d in self.changed + self.unchanged for c in d.protected]

    def digest(self):
        """A fingerprint of what the dry run showed, to refuse an apply if it has changed since."""
        data = {
            "source": [self.source.kind, self.source.label, self.source.date.isoformat()],
            "errors": [str(e) for e in self.errors],
            "facilities": [
                [
                    d.status,
                    d.facility.key,
                    d.page_id,
                    d.record,
                    [[c.field, c.old, c.new] for c in d.changes],
                    [[c.field, c.old, c.new] for c in d.protected],
                ]
                for d in self.new + self.changed + self.unchanged
            ],
            "missing": self.missing,
        }
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# --- Checking rows ---------------------------------------------------------------------


class Vocabulary:
    """Municipalities and service types, loaded once."""

    def __init__(self):
        self.municipalities = list(Municipality.objects.all())
        self.by_code = {m.code[:5]: m for m in self.municipalities}
        self.by_id = {m.pk: m for m in self.municipalities}
        self.services = {}
        self.service_by_id = {}
        for service in ServiceType.objects.all():
            self.services[normalise_text(service.name)] = service
            self.service_by_id[service.pk] = service
        for alias, name in SERVICE_SYNONYMS.items():
            target = self.services.get(normalise_text(name))
            if target is not None:
                self.services.setdefault(normalise_text(alias), target)

    def service(self, name):
        return self.services.get(normalise_text(name))


def _check_code(row, errors):
    """(five-digit code, problem) of the 団体コード column; '' when the row has none."""
    raw = digits_only(row.get("code"))
    if not raw:
        return "", False
    if not raw.isdigit() or len(raw) not in (2, 5, 6):
        errors.append(
            RowError(
                row.file,
                row.number,
                row.column("code"),
                f"「{row.get('code')}」は団体コードとして読めません"
                "(6桁の全国地方公共団体コード、5桁のコード、または都道府県コードを書きます)。",
            )
        )
        return "", True
    if len(raw) == 2:
        return raw + "000", False
    if len(raw) == 6:
        total = sum(int(d) * w for d, w in zip(raw[:5], (6, 5, 4, 3, 2), strict=True))
        if (11 - total % 11) % 10 != int(raw[5]):
            errors.append(
                RowError(
                    row.file,
                    row.number,
                    row.column("code"),
                    f"団体コード「{raw}」の検査数字(6桁目)が正しくありません"
                    "(例: 本庄市は 112119)。",
                )
            )
            return "", True
    return raw[:5], False


def _municipality(row, vocabulary, errors):
    """The district municipality of a row, None for a row outside the district."""
    code, bad = _check_code(row, errors)
    if bad:
        return None, True
    named = normalise_text(row.get("municipality_text"))
    # The council's sheet may give one address with the municipality in front.
    text = named or normalise_text(row.get("address"))
    said_prefecture = text.startswith(PREFECTURE_NAME)
    if OTHER_PREFECTURE.match(text) and not said_prefecture:
        return None, False
    if code and code[:2] != PREFECTURE and not said_prefecture:
        return None, False
    rest = text.removeprefix(PREFECTURE_NAME).removeprefix("児玉郡")
    for municipality in vocabulary.municipalities:
        if rest.startswith(municipality.name):
            return municipality, False
    if code in vocabulary.by_code and not named:
        return vocabulary.by_code[code], False
    return None, False


def _decimal(row, name, errors):
    text = digits_only(row.get(name)).replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors.append(
            RowError(
                row.file,
                row.number,
                row.column(name),
                f"「{row.get(name)}」は数として読めません(例: 36.2438 のように十進数で書きます)。",
            )
        )
        return None
    axis = "lat" if name == "latitude" else "lng"
    low, high = DISTRICT_BOUNDS[axis]
    if not low <= value <= high:
        what = "緯度" if name == "latitude" else "経度"
        errors.append(
            RowError(
                row.file,
                row.number,
                row.column(name),
                f"{what}「{row.get(name)}」が児玉郡市の範囲外です({low}〜{high} の間の値を書きます)。",
            )
        )
        return None
    return value


def _text_of(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.000001")))
    return str(value)


def check_row(row, vocabulary, errors, require_office=True):
    """The page values, service and capacity of one row in the district; None if it is outside."""
    start = len(errors)
    municipality, bad = _municipality(row, vocabulary, errors)
    if municipality is None and not bad and not require_office:
        # The council's own list holds only the district: a row that names none is a mistake.
        column = "municipality_text" if row.get("municipality_text") else "address"
        errors.append(
            RowError(
                row.file,
                row.number,
                row.column(column),
                f"「{row.get(column)}」から市町が分かりません"
                f"(住所は {DISTRICT_NAMES} のどれかから書きます。例: 本庄市東台9-1-1)。",
            )
        )
        return False
    if municipality is None:
        return None if not bad else False

    def fail(name, message):
        errors.append(RowError(row.file, row.number, row.column(name), message))

    values = {"municipality": municipality.code}
    office = digits_only(row.get("office_number"))
    if office and not (len(office) == 10 and office.isascii() and office.isdigit()):
        fail(
            "office_number",
            f"「{row.get('office_number')}」は事業所番号になりません(10桁の数字を書きます)。",
        )
    elif not office and require_office:
        fail("office_number", "事業所番号が空です(10桁の数字を書きます)。")
    values["office_number"] = office
    values["title"] = " ".join(row.get("title").split())
    if not values["title"]:
        fail("title", "事業所の名称が空です。")
    reading = kana.normalize_kana(row.get("name_kana"))
    reading = re.sub(r"[()()「」『』・.,、。]", "", reading).strip()
    if not reading:
        fail("name_kana", "事業所の名称のよみが空です(カタカナかひらがなで書きます)。")
    elif not kana.is_valid_reading(reading):
        fail(
            "name_kana",
            f"「{row.get('name_kana')}」はよみとして読めません(カタカナかひらがなで書きます)。",
        )
    values["name_kana"] = reading
    values["operator"] = " ".join(row.get("operator").split())
    corporate = digits_only(row.get("corporate_number"))
    if corporate:
        try:
            validate_corporate_number(corporate)
        except ValidationError as error:
            fail("corporate_number", f"「{row.get('corporate_number')}」: {error.messages[0]}")
    values["corporate_number"] = corporate
    address = " ".join(row.get("address").split())
    if not row.get("municipality_text"):
        address = _after_municipality(address, municipality.name)
    if not address:
        fail("address", "住所(番地以降)が空です。")
    values["address"] = address
    latitude = _decimal(row, "latitude", errors)
    longitude = _decimal(row, "longitude", errors)
    if (latitude is None) != (longitude is None) and len(errors) == start:
        fail(
            "latitude" if latitude is None else "longitude",
            "緯度と経度は両方書きます(片方だけでは地図に出せません)。",
        )
    values["latitude"], values["longitude"] = _text_of(latitude), _text_of(longitude)
    for name in ("phone", "fax"):
        number = normalize_phone(row.get(name))
        if number:
            try:
                validate_phone(number)
            except ValidationError:
                fail(
                    name,
                    f"「{row.get(name)}」は電話番号として読めません(0495-00-0000 のように市外局番から書きます)。",
                )
        values[name] = number
    website = row.get("website")
    if website and "://" not in website:
        website = "http://" + website
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            fail(
                "website",
                f"「{row.get('website')}」はURLとして読めません(https:// から始まるアドレスを書きます)。",
            )
    values["website"] = website
    for name in ("hours_weekday", "hours_saturday", "hours_sunday", "hours_holiday"):
        values[name] = _wave_dash(row.get(name))[:60]
    values["closed_days"] = _wave_dash(row.get("closed_days"))[:120]
    capacity = digits_only(row.get("capacity")).removesuffix("人").removesuffix("名")
    if capacity and not (capacity.isascii() and capacity.isdigit()):
        fail(
            "capacity",
            f"「{row.get('capacity')}」は定員として読めません(人数を数字で書きます。定員がなければ空欄)。",
        )
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            fail(name, f"長すぎます({len(values[name])}文字。{limit}文字までです)。")
    service_name = row.get("service")
    if not service_name:
        fail("service", "サービス種別が空です。")
    if len(errors) > start:
        return False
    return {
        "values": values,
        "municipality": municipality,
        "service": service_name,
        "capacity": str(int(capacity)) if capacity else "",
        "notes": row.get("notes") if "notes" in row.values else None,
    }


def _wave_dash(text):
    """「9:00〜17:00」as typed: CP932 files give back the full-width tilde for the wave dash."""
    return text.replace("\uff5e", "\u301c")


def _after_municipality(address, municipality_name):
    text = address.removeprefix(PREFECTURE_NAME).removeprefix("児玉郡").strip()
    return text.removeprefix(municipality_name).strip()


def group_rows(rows, vocabulary, plan, require_office=True):
    """FileFacility by grouping key; errors, unknown types and rows outside go into ``plan``."""
    groups = {}
    seen = {}
    for row in rows:
        plan.rows += 1
        checked = check_row(row, vocabulary, plan.errors, require_office)
        if checked is None:
            plan.outside_rows += 1
            continue
        if checked is False:
            continue
        values = checked["values"]
        municipality = checked["municipality"]
        key = grouping_key(
            values["office_number"],
            municipality.code,
            values["address"],
            values["title"],
            municipality.name,
        )
        service = vocabulary.service(checked["service"])
        service_key = (key, service.pk if service else normalise_text(checked["service"]))
        if service_key in seen:
            first = seen[service_key]
            plan.errors.append(
                RowError(
                    row.file,
                    row.number,
                    row.column("service"),
                    f"{first.number}行目と同じ事業所・同じサービス「{checked['service']}」の行です"
                    "(重なっている行を1つにしてください)。",
                )
            )
            continue
        seen[service_key] = row
        if service is None:
            plan.unknown_types.setdefault(checked["service"], []).append(
                f"{row.file} {row.number}行目"
            )
        facility = groups.get(key)
        if facility is None:
            facility = groups[key] = FileFacility(key, [], dict(values), {}, municipality)
        else:
            for name, value in values.items():
                if value and not facility.values.get(name):
                    facility.values[name] = value
        facility.rows.append(row.number)
        if service is not None:
            facility.services[service.pk] = {
                "capacity": checked["capacity"],
                "notes": checked["notes"],
            }
    if plan.rows and plan.outside_rows == plan.rows:
        plan.errors.append(
            RowError(
                "",
                0,
                "",
                f"ファイルのどの行も児玉郡市({DISTRICT_NAMES})の事業所ではありません。"
                "埼玉県のファイルか、市区町村の列を確かめてください。",
            )
        )
    elif not plan.rows and not plan.errors:
        plan.errors.append(RowError("", 0, "", "データの行がありません。"))
    plan.skipped = [g.values["title"] for g in groups.values() if not g.services]
    return [g for g in groups.values() if g.services]


# --- The site's side ---------------------------------------------------------------------

PAGE_COLUMNS = [
    "id",
    "title",
    "live",
    "has_unpublished_changes",
    "latest_revision_id",
    "import_key",
    "import_record",
    "municipality_id",
    *[n for n in PAGE_FIELDS if n not in ("title", "municipality")],
]


@dataclass
class Current:
    """A facility on the site as the import sees it: its latest (draft or live) content."""

    page_id: int
    title: str
    values: dict
    services: dict  # service type id -> {"capacity": text, "notes": text}
    record: dict
    import_key: str
    keys: set = field(default_factory=set)


def load_site(index, vocabulary):
    """Every facility under ``index``, from its latest revision where it has one (4 queries)."""
    pages = list(FacilityPage.objects.child_of(index).order_by("path").values(*PAGE_COLUMNS))
    revision_ids = [p["latest_revision_id"] for p in pages if p["latest_revision_id"]]
    contents = dict(Revision.objects.filter(id__in=revision_ids).values_list("id", "content"))
    no_revision = [p["id"] for p in pages if p["latest_revision_id"] not in contents]
    rows = {}
    for service in FacilityService.objects.filter(page_id__in=no_revision).values(
        "page_id", "service_type_id", "capacity", "notes"
    ):
        rows.setdefault(service["page_id"], []).append(service)
    site = []
    for page in pages:
        content = contents.get(page["latest_revision_id"])
        source = content if content is not None else page
        municipality = vocabulary.by_id.get(
            source.get("municipality") if content is not None else page["municipality_id"]
        )
        values = {"title": source.get("title") or ""}
        values["municipality"] = municipality.code if municipality else ""
        for name in PAGE_FIELDS:
            if name in ("title", "municipality"):
                continue
            value = source.get(name)
            if name in ("latitude", "longitude") and value not in (None, ""):
                value = Decimal(str(value))
            values[name] = _text_of(value)
        services = {}
        for service in (
            (content or {}).get("services", []) if content is not None else rows.get(page["id"], [])
        ):
            type_id = service.get("service_type") or service.get("service_type_id")
            services[type_id] = {
                "capacity": _text_of(service.get("capacity")),
                "notes": service.get("notes") or "",
            }
        record = (
            (content.get("import_record") if content is not None else None)
            or page["import_record"]
            or {}
        )
        if isinstance(record, str):
            record = json.loads(record)
        current = Current(page["id"], values["title"], values, services, record, page["import_key"])
        if page["import_key"]:
            current.keys.add(page["import_key"])
        if municipality is not None:
            current.keys.add(
                grouping_key(
                    values["office_number"],
                    municipality.code,
                    values["address"],
                    values["title"],
                    municipality.name,
                )
            )
        site.append(current)
    return site


# --- Comparing ---------------------------------------------------------------------------


def _decide(name, label, file_value, current_value, record_fields, diff):
    """Add to ``diff`` what happens to one field; returns the value to record for it."""
    recorded = record_fields.get(name)
    if file_value == current_value:
        return file_value
    if recorded is not None and current_value != recorded:
        diff.protected.append(Change(name, label, current_value, file_value))
        return recorded
    if recorded is None and current_value and not file_value:
        return None
    diff.changes.append(Change(name, label, current_value, file_value))
    return file_value


def compare(facility, current, source, vocabulary):
    record_fields = dict((current.record or {}).get("fields", {})) if current else {}
    diff = FacilityDiff(
        "new" if current is None else "changed",
        facility,
        page_id=current.page_id if current else None,
        title=current.title if current else facility.values["title"],
    )
    fields = {}
    for name in PAGE_FIELDS:
        file_value = facility.values.get(name, "")
        if current is None:
            fields[name] = file_value
            continue
        kept = _decide(
            name, LABELS[name], file_value, current.values.get(name, ""), record_fields, diff
        )
        if kept is not None:
            fields[name] = kept
        elif name in record_fields:
            fields[name] = record_fields[name]
    for type_id, offered in facility.services.items():
        service = vocabulary.service_by_id[type_id]
        capacity_key = f"capacity:{service.name}"
        notes_key = f"notes:{service.name}"
        now = current.services.get(type_id) if current else None
        if now is None:
            if current is not None:
                diff.changes.append(
                    Change(capacity_key, f"サービス「{service.name}」", "", _offer_text(offered))
                )
            fields[capacity_key] = offered["capacity"]
            if offered["notes"] is not None:
                fields[notes_key] = offered["notes"]
            continue
        label = f"定員({service.name})"
        kept = _decide(
            capacity_key, label, offered["capacity"], now["capacity"], record_fields, diff
        )
        if kept is not None:
            fields[capacity_key] = kept
        if offered["notes"] is not None:
            kept = _decide(
                notes_key,
                f"備考({service.name})",
                offered["notes"],
                now["notes"],
                record_fields,
                diff,
            )
            if kept is not None:
                fields[notes_key] = kept
    record = {
        "source": source.kind,
        "label": source.label,
        "date": source.date.isoformat(),
        "fields": {**record_fields, **fields},
    }
    diff.record = record
    if current is not None:
        if not diff.changes:
            diff.status = "unchanged"
        diff.record_changed = record != current.record
    return diff


def _offer_text(offered):
    return f"追加(定員 {offered['capacity']})" if offered["capacity"] else "追加"


def plan(rows, source, *, errors=()):
    """The dry run: what importing ``rows`` would change. Writes nothing."""
    result = Plan(source, errors=list(errors))
    vocabulary = Vocabulary()
    facilities = group_rows(rows, vocabulary, result, require_office=source.kind == "wam")
    index = FacilityIndexPage.objects.order_by("path").first()
    if index is None:
        result.errors.append(
            RowError(
                "",
                0,
                "",
                "ふくしマップのページがありません。先にふくしマップのページを作ってください。",
            )
        )
    if not result.ok:
        return result
    result.index_id = index.pk
    own_pages = index.get_full_url()
    for facility in facilities:
        if own_pages and facility.values.get("website", "").startswith(own_pages):
            # Open data names a facility's page on this site when it has no website of its own:
            # read back, that is no website.
            facility.values["website"] = ""
    site = load_site(index, vocabulary)
    by_key = {}
    for current in site:
        for key in current.keys:
            by_key.setdefault(key, current)
    matched = set()
    for facility in facilities:
        current = by_key.get(facility.key)
        if current is not None and current.page_id in matched:
            current = None
        if current is not None:
            matched.add(current.page_id)
        diff = compare(facility, current, source, vocabulary)
        getattr(result, diff.status).append(diff)
    covered = {type_id for f in facilities for type_id in f.services}
    for current in site:
        if current.page_id not in matched and covered & set(current.services):
            result.missing.append(
                (current.page_id, current.title, current.values.get("office_number", ""))
            )
    return result


# --- Applying ------------------------------------------------------------------------------


class StalePlan(Exception):
    """The site or the file changed between the dry run and the apply."""


def _set_values(page, values, vocabulary):
    for name in PAGE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "municipality":
            page.municipality = next(m for m in vocabulary.municipalities if m.code == value)
        elif name in ("latitude", "longitude"):
            setattr(page, name, Decimal(value) if value else None)
        elif name == "office_number":
            page.office_number = value or None
        else:
            setattr(page, name, value)


def _set_services(page, facility, diff, vocabulary, existing=None):
    """Add missing service rows and write the capacities (and notes) the plan decided."""
    fields = diff.record["fields"]
    rows = {s.service_type_id: s for s in (existing or [])}
    for type_id in facility.services:
        service_type = vocabulary.service_by_id[type_id]
        row = rows.get(type_id)
        if row is None:
            row = FacilityService(service_type=service_type, sort_order=len(rows))
            rows[type_id] = row
            page.services.add(row)
        capacity = fields.get(f"capacity:{service_type.name}", "")
        if any(c.field == f"capacity:{service_type.name}" for c in diff.changes) or row.pk is None:
            row.capacity = int(capacity) if capacity else None
        notes_key = f"notes:{service_type.name}"
        if notes_key in fields and (
            any(c.field == notes_key for c in diff.changes) or row.pk is None
        ):
            row.notes = fields[notes_key][:200]


def _slugs(index):
    return set(index.get_children().values_list("slug", flat=True))


def _new_slug(facility, taken):
    base = facility.values.get("office_number") or "facility"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


@transaction.atomic
def apply(result, user=None, *, publish=False, expected_digest=None):
    """Write ``result`` (a fresh plan) in one transaction. Returns counts of what was written.

    New facilities become drafts, or are published when ``publish`` is chosen and
    ``user`` may publish under the index. A changed facility gets a new revision,
    published under the same conditions, and only if it had no unpublished draft
    (an editor's pending draft is never published by an import).
    """
    if not result.ok:
        raise StalePlan("エラーのある取り込みは実行できません。")
    if expected_digest and result.digest() != expected_digest:
        raise StalePlan(
            "確認の画面を開いた後に、サイトの事業所が変更されました。もう一度確認してから取り込んでください。"
        )
    index = FacilityIndexPage.objects.get(pk=result.index_id)
    may_publish = publish and (
        user is None or index.permissions_for_user(user).can_publish_subpage()
    )
    vocabulary = Vocabulary()
    taken = _slugs(index)
    published = drafts = 0
    for diff in result.new:
        facility = diff.facility
        page = FacilityPage(
            slug=_new_slug(facility, taken), live=False, has_unpublished_changes=True
        )
        _set_values(page, diff.record["fields"], vocabulary)
        page.import_key = facility.key
        page.import_record = diff.record
        _set_services(page, facility, diff, vocabulary)
        page.owner = user
        index.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=True)
        if may_publish:
            revision.publish(user=user)
            published += 1
        else:
            drafts += 1
    update = [
        d for d in result.changed + result.unchanged if d.status == "changed" or d.record_changed
    ]
    pages = FacilityPage.objects.in_bulk([d.page_id for d in update])
    revisions = Revision.objects.in_bulk(
        [p.latest_revision_id for p in pages.values() if p.latest_revision_id]
    )
    for diff in update:
        live = pages[diff.page_id]
        had_draft = live.has_unpublished_changes
        if diff.status == "unchanged" and not (may_publish and live.live and not had_draft):
            # Only the record would change: not worth a draft that someone must publish.
            continue
        revision = revisions.get(live.latest_revision_id)
        page = live.with_content_json(revision.content) if revision is not None else live
        changed = {c.field: c for c in diff.changes}
        _set_values(
            page, {k: v for k, v in diff.record["fields"].items() if k in changed}, vocabulary
        )
        if not page.import_key:
            page.import_key = diff.facility.key
        page.import_record = diff.record
        _set_services(page, diff.facility, diff, vocabulary, existing=list(page.services.all()))
        revision = page.save_revision(user=user, log_action=True)
        if may_publish and live.live and not had_draft:
            revision.publish(user=user)
            published += 1
        else:
            drafts += 1
    return {**result.counts(), "published": published, "drafts": drafts}


def digest_of(result):
    return result.digest()


__all__ = ["FIELDS", "Plan", "Source", "StalePlan", "apply", "plan"]
