"""WAM NET (障害福祉サービス等情報公表システム) open data: one CSV per service type, or ZIPs of them.

The files are UTF-8 with or without a BOM, or CP932, with 29 columns in a
header row (order does not matter; extra columns are ignored). Reading goes
through home.spreadsheets (encodings, formula marks) and home.archives (ZIP
bounds); this module only maps the columns.
"""

import io
import zipfile

from home.archives import ArchiveLimitError, ArchiveLimits, open_zip, read_zip_entry
from home.spreadsheets import read_csv, write_csv

from .rows import FIELDS, ImportFileError, RowError, SourceRow, header_text

SOURCE_LABEL = "障害福祉サービス等情報公表システム"

# The 29 published columns, and the field each one feeds (None: read, not imported).
COLUMNS = {
    "都道府県コード又は市区町村コード": "code",
    "NO（※システム内の固有の番号、連番）": None,
    "指定機関名": None,
    "法人の名称": "operator",
    "法人の名称_かな": None,
    "法人番号": "corporate_number",
    "法人住所（市区町村）": None,
    "法人住所（番地以降）": None,
    "法人電話番号": None,
    "法人FAX番号": None,
    "法人URL": None,
    "サービス種別": "service",
    "事業所の名称": "title",
    "事業所の名称_かな": "name_kana",
    "事業所番号": "office_number",
    "事業所住所（市区町村）": "municipality_text",
    "事業所住所（番地以降）": "address",
    "事業所電話番号": "phone",
    "事業所FAX番号": "fax",
    "事業所URL": "website",
    "事業所緯度": "latitude",
    "事業所経度": "longitude",
    "利用可能な時間帯（平日）": "hours_weekday",
    "利用可能な時間帯（土曜）": "hours_saturday",
    "利用可能な時間帯（日曜）": "hours_sunday",
    "利用可能な時間帯（祝日）": "hours_holiday",
    "定休日": "closed_days",
    "利用可能曜日特記事項（留意事項）": None,
    "定員": "capacity",
}
HEADERS = list(COLUMNS)
_BY_HEADER = {header_text(name): (name, target) for name, target in COLUMNS.items()}


def read_files(files, limits=None):
    """``SourceRow``s of every CSV in ``files`` [(name, bytes)], ZIPs unpacked.

    Raises ``ImportFileError`` with every problem found in the files' shape
    (encoding, headers, archive contents); row values are checked by the engine.
    """
    limits = limits or ArchiveLimits.from_setting("UPLOAD_ARCHIVE_LIMITS")
    rows, errors = [], []
    for name, data in files:
        for csv_name, csv_data in _csv_files(name, data, limits, errors):
            rows += _read_csv(csv_name, csv_data, errors)
    if errors:
        raise ImportFileError(errors)
    return rows


def _csv_files(name, data, limits, errors):
    if not data.startswith(b"PK"):
        if not name.lower().endswith(".csv"):
            errors.append(
                RowError(name, 0, "", "CSV ファイル(.csv)か ZIP ファイル(.zip)を選んでください。")
            )
            return []
        return [(name, data)]
    found = []
    try:
        with open_zip(io.BytesIO(data), limits) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if not info.filename.lower().endswith(".csv"):
                    errors.append(
                        RowError(
                            name,
                            0,
                            "",
                            f"ZIP の中に CSV ではないファイル「{info.filename}」があります。"
                            "公表システムからダウンロードした ZIP をそのまま選んでください。",
                        )
                    )
                    return []
                found.append((f"{name} の {info.filename}", read_zip_entry(archive, info)))
    except ArchiveLimitError as error:
        errors.append(RowError(name, 0, "", f"ZIP ファイルを開けません。{error.reason}。"))
        return []
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        errors.append(
            RowError(name, 0, "", "ZIP ファイルとして読み取れません(壊れている可能性があります)。")
        )
        return []
    if not found:
        errors.append(RowError(name, 0, "", "ZIP の中に CSV ファイルがありません。"))
    return found


def _read_csv(name, data, errors):
    table, problems = read_csv(data)
    errors += [RowError(name, row, "", message) for row, message in problems]
    if problems:
        return []
    if not table:
        errors.append(
            RowError(name, 0, "", "ファイルが空です(見出しの行もデータの行もありません)。")
        )
        return []
    header_number, header = table[0]
    positions, seen = {}, set()
    for index, cell in enumerate(header):
        known = _BY_HEADER.get(header_text(cell))
        if known is None:
            continue
        title, target = known
        if title in seen:
            errors.append(
                RowError(
                    name, header_number, title, "同じ見出しの列が2つあります。1つにしてください。"
                )
            )
            return []
        seen.add(title)
        if target:
            positions[target] = (index, title)
    missing = [title for title in HEADERS if title not in seen]
    if missing:
        errors.append(
            RowError(
                name,
                header_number,
                "",
                "見出しの行に、公表システムの列がそろっていません(足りない列: "
                + "、".join(missing[:8])
                + (f" ほか{len(missing) - 8}列" if len(missing) > 8 else "")
                + ")。1行目が公表システムの CSV の見出しのままか確かめてください。",
            )
        )
        return []
    if len(table) == 1:
        errors.append(RowError(name, 0, "", "データの行がありません(見出しの行だけです)。"))
        return []
    out = []
    for number, cells in table[1:]:
        values = {
            target: cells[index] if index < len(cells) else ""
            for target, (index, _) in positions.items()
        }
        columns = {target: title for target, (_, title) in positions.items()}
        out.append(SourceRow(name, number, values, columns))
    return out


__all__ = ["COLUMNS", "FIELDS", "HEADERS", "SOURCE_LABEL", "read_files", "write_csv_bytes"]


def write_csv_bytes(records, *, encoding="utf-8-sig", headers=None):
    """A WAM-shaped CSV of ``records`` (dicts by header name): for the demo, tests and benchmark."""
    headers = headers or HEADERS
    text = write_csv([headers, *[[r.get(h, "") for h in headers] for r in records]])
    if encoding != "utf-8-sig":
        text = text.removeprefix("\ufeff")
    return text.encode(encoding)
