"""The council's own list of facilities: .xlsx (openpyxl) or CSV (UTF-8 / CP932), any header names.

The headers are matched to fields through ``mapping`` ({header: field}), which the
mapping step pre-fills from ``SYNONYMS``. An .xlsx is checked by home.archives
first (a ZIP bomb is refused before openpyxl unpacks it); formulas and merged
cells are refused with their row and column, as their values cannot be trusted
(a formula's cached value may be stale, a merged cell's value sits in one row).
"""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from home.archives import ArchiveLimitError, ArchiveLimits, open_zip, verify_zip
from home.spreadsheets import read_csv

from .rows import FIELDS, ImportFileError, RowError, SourceRow, header_text

# Fields a sheet may feed, in the order the mapping step offers them.
SHEET_FIELDS = [
    "title",
    "name_kana",
    "office_number",
    "operator",
    "corporate_number",
    "municipality_text",
    "address",
    "phone",
    "fax",
    "website",
    "latitude",
    "longitude",
    "service",
    "capacity",
    "notes",
    "hours_weekday",
    "closed_days",
]
SHEET_LABELS = {
    **{name: FIELDS[name] for name in SHEET_FIELDS},
    "title": "事業所の名称",
    "municipality_text": "市町",
    "address": "住所",
    "service": "サービスの種類",
}
REQUIRED = ["title", "name_kana", "address", "service"]
SYNONYMS = {
    "title": ["名称", "事業所名", "事業所の名称"],
    "name_kana": [
        "名称_カナ",
        "事業所名_カナ",
        "事業所の名称_かな",
        "名称_かな",
        "よみ",
        "ふりがな",
    ],
    "address": ["住所", "所在地", "所在地_連結表記"],
    "municipality_text": ["市町", "市町村", "市区町村"],
    "phone": ["電話番号", "事業所電話番号"],
    "fax": ["FAX番号", "事業所FAX番号"],
    "office_number": ["事業所番号"],
    "corporate_number": ["法人番号"],
    "operator": ["法人の名称", "法人名"],
    "latitude": ["緯度", "事業所緯度"],
    "longitude": ["経度", "事業所経度"],
    "service": ["実施サービス", "サービス種別", "サービスの種類"],
    "capacity": ["定員"],
    "website": ["URL", "事業所URL", "ホームページ"],
    "notes": ["備考"],
    "hours_weekday": ["営業時間", "利用可能な時間帯(平日)"],
    "closed_days": ["定休日"],
}
_BY_SYNONYM = {header_text(s): field for field, names in SYNONYMS.items() for s in names}
TEMPLATE_HEADERS = [
    "事業所番号",
    "名称",
    "名称_カナ",
    "法人の名称",
    "法人番号",
    "住所",
    "電話番号",
    "FAX番号",
    "URL",
    "緯度",
    "経度",
    "実施サービス",
    "定員",
    "備考",
]
SERVICE_SEPARATORS = re.compile(r"[、,，/／\n]+")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def suggest(headers):
    """{header: field} for the headers a known synonym names (each field once)."""
    mapping, used = {}, set()
    for header in headers:
        field = _BY_SYNONYM.get(header_text(header))
        if field and field not in used:
            mapping[header] = field
            used.add(field)
    return mapping


def check_mapping(mapping):
    """Japanese messages for a mapping that misses a required field or uses one twice."""
    errors = []
    chosen = [f for f in mapping.values() if f]
    for field in REQUIRED:
        if field not in chosen:
            errors.append(f"「{SHEET_LABELS[field]}」にする列を選んでください(必ず要ります)。")
    for field in sorted(set(chosen), key=SHEET_FIELDS.index):
        if chosen.count(field) > 1:
            headers = "」「".join(h for h, f in mapping.items() if f == field)
            errors.append(
                f"「{SHEET_LABELS[field]}」に2つの列(「{headers}」)が選ばれています。1つにしてください。"
            )
    return errors


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_table(name, data, limits, errors):
    """[(row number, cells)] of the first sheet, or [] with errors."""
    try:
        with open_zip(io.BytesIO(data), limits) as archive:
            verify_zip(archive)
    except ArchiveLimitError as error:
        errors.append(RowError(name, 0, "", f"Excel のファイルを開けません。{error.reason}。"))
        return []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        errors.append(RowError(name, 0, "", "Excel のファイル(.xlsx)として読み取れません。"))
        return []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        errors.append(
            RowError(
                name, 0, "", "Excel のファイル(.xlsx)として読み取れません。保存し直してください。"
            )
        )
        return []
    sheet = workbook.worksheets[0]
    start = len(errors)
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        errors.append(
            RowError(
                name,
                merged.min_row,
                f"{get_column_letter(merged.min_col)}列",
                f"セルが結合されています({merged.coord})。結合を解除し、各行に値を入れてください。",
            )
        )
    table = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            value = cell.value
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                errors.append(
                    RowError(
                        name,
                        cell.row,
                        f"{cell.column_letter}列",
                        "数式が入っています。値だけを貼り付けてください(「形式を選択して貼り付け」の「値」)。",
                    )
                )
            cells.append(_cell_text(value).strip())
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            table.append((row[0].row, cells))
    return [] if len(errors) > start else table


def read_table(name, data, limits=None):
    """The rows of one sheet file as [(row number, cells)]; raises ImportFileError."""
    limits = limits or ArchiveLimits.from_setting("UPLOAD_ARCHIVE_LIMITS")
    errors = []
    if data.startswith(b"PK"):
        table = _xlsx_table(name, data, limits, errors)
    elif name.lower().endswith((".csv", ".txt")):
        table, problems = read_csv(data)
        errors += [RowError(name, row, "", message) for row, message in problems]
    else:
        errors.append(
            RowError(name, 0, "", "Excel のファイル(.xlsx)か CSV ファイル(.csv)を選んでください。")
        )
        table = []
    if not errors and not table:
        errors.append(
            RowError(name, 0, "", "ファイルが空です(見出しの行もデータの行もありません)。")
        )
    if errors:
        raise ImportFileError(errors)
    return table


def headers_and_sample(files):
    """(headers, first data row) of the first file, for the mapping step."""
    name, data = files[0]
    table = read_table(name, data)
    headers = table[0][1]
    sample = table[1][1] if len(table) > 1 else []
    return headers, sample + [""] * (len(headers) - len(sample))


def read_files(files, mapping=None):
    """``SourceRow``s of the sheets, columns taken by ``mapping`` ({header: field})."""
    rows, errors = [], []
    for name, data in files:
        try:
            table = read_table(name, data)
        except ImportFileError as error:
            errors += error.errors
            continue
        header_number, headers = table[0]
        chosen = mapping if mapping is not None else suggest(headers)
        positions = {}
        for index, header in enumerate(headers):
            field = chosen.get(header)
            if field in SHEET_FIELDS:
                positions[field] = (index, header)
        missing = [SHEET_LABELS[f] for f in REQUIRED if f not in positions]
        if missing:
            errors.append(
                RowError(
                    name,
                    header_number,
                    "",
                    "見出しの行に、必要な列が見つかりません(足りない列: "
                    + "、".join(missing)
                    + ")。列の対応を選び直すか、ひな形の見出しを使ってください。",
                )
            )
            continue
        if len(table) == 1:
            errors.append(RowError(name, 0, "", "データの行がありません(見出しの行だけです)。"))
            continue
        columns = {field: header for field, (_, header) in positions.items()}
        for number, cells in table[1:]:
            values = {
                field: cells[index] if index < len(cells) else ""
                for field, (index, _) in positions.items()
            }
            services = [s.strip() for s in SERVICE_SEPARATORS.split(values.get("service", ""))]
            services = [s for s in services if s] or [""]
            if len(services) > 1 and values.get("capacity"):
                errors.append(
                    RowError(
                        name,
                        number,
                        columns["capacity"],
                        "サービスを2つ以上書いた行に定員があります(定員はサービスごとに1行ずつ書きます)。",
                    )
                )
                continue
            for service in services:
                rows.append(SourceRow(name, number, {**values, "service": service}, columns))
    if errors:
        raise ImportFileError(errors)
    return rows


def template_bytes():
    """An empty sheet with the template headers, and a second sheet on how to fill it in."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "事業所一覧"
    sheet.append(TEMPLATE_HEADERS)
    for index, header in enumerate(TEMPLATE_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2.5)
    notes = workbook.create_sheet("記入のしかた")
    for line in (
        ["1行に1つの事業所・1つのサービスを書きます(同じ事業所の別のサービスは次の行に)。"],
        [
            "必ず書く列: 名称、名称_カナ、住所、実施サービス。住所は市町名から書きます(例: 本庄市東台9-1-1)。"
        ],
        ["事業所番号は10桁、法人番号は13桁の数字。電話番号は市外局番から(例: 0495-00-0000)。"],
        ["数式とセルの結合は使わないでください(取り込めません)。"],
        [
            "実施サービスは「サービスの種類」の名前で書きます(例: 生活介護、共同生活援助(介護サービス包括型))。"
        ],
    ):
        notes.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
