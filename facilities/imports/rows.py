"""What the readers hand to the engine: rows of canonical fields, and errors by row and column."""

import unicodedata
from dataclasses import dataclass, field

# Canonical fields a row may carry, with the Japanese name used in messages.
FIELDS = {
    "code": "団体コード",
    "title": "事業所の名称",
    "name_kana": "事業所の名称_かな",
    "operator": "法人の名称",
    "corporate_number": "法人番号",
    "office_number": "事業所番号",
    "municipality_text": "事業所住所(市区町村)",
    "address": "住所",
    "phone": "電話番号",
    "fax": "FAX番号",
    "website": "URL",
    "latitude": "緯度",
    "longitude": "経度",
    "hours_weekday": "利用可能な時間帯(平日)",
    "hours_saturday": "利用可能な時間帯(土曜)",
    "hours_sunday": "利用可能な時間帯(日曜)",
    "hours_holiday": "利用可能な時間帯(祝日)",
    "closed_days": "定休日",
    "service": "サービス種別",
    "capacity": "定員",
    "notes": "備考",
}


def header_text(value):
    """A header as compared: NFKC (full-width brackets become ASCII), no spaces or BOM."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace("\ufeff", "")
    return "".join(text.split())


@dataclass
class SourceRow:
    file: str
    number: int
    values: dict
    # The column header each canonical field came from, for messages.
    columns: dict = field(default_factory=dict)

    def get(self, name):
        return (self.values.get(name) or "").strip()

    def column(self, name):
        return self.columns.get(name) or FIELDS.get(name, name)


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # 0: the file as a whole
    column: str
    message: str

    def __str__(self):
        where = [self.file] if self.file else []
        if self.row:
            where.append(f"{self.row}行目")
        if self.column:
            where.append(f"「{self.column}」")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class ImportFileError(Exception):
    """A file that cannot be read at all; ``errors`` are ``RowError``s."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
