"""Reading the text of an uploaded document, within bounds.

PDF through PDFium's text page (pypdfium2): the text PDFium gives is the text
the file's fonts map to, so common kanji come back as themselves, where other
readers often give the look-alike radicals (U+2F00…) that some Japanese PDFs
declare. Word (.docx), OpenDocument (.odt, .ods) and Excel (.xlsx) are ZIP
packages, opened only through ``home.archives`` within ``UPLOAD_ARCHIVE_LIMITS``;
CSV goes through ``home.spreadsheets.read_csv``. Every text is normalised with
``home.search.normalize`` (NFKC).

Bounds: ``MAX_FILE_BYTES`` per file, ``MAX_PAGES`` PDF pages and
``MAX_CHARACTERS`` characters per document; what is past them is left out and
the result says it was cut.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from home import search
from home.archives import ArchiveLimitError, ArchiveLimits, open_zip, read_zip_entry
from home.spreadsheets import read_csv

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_PAGES = 500
MAX_CHARACTERS = 2_000_000

TEXT, SCAN, UNREADABLE = "text", "scan", "unreadable"

# A PDF keeps the lines of the printed page: a Japanese sentence wrapped at the edge
# of the page comes back broken in two. A break between two non-ASCII characters,
# unless the first ends a sentence, is such a wrap and is taken out, so that words
# across it can be found.
_WRAPPED_LINE = re.compile(r"(?<=[^\x00-\x7F。.!?!?」』)])[ \t]*\r?\n[ \t]*(?=[^\x00-\x7F])")
EXTENSIONS = {"pdf", "docx", "xlsx", "odt", "ods", "csv"}

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@dataclass
class Extraction:
    status: str
    pages: list[tuple[int, str]] = field(default_factory=list)
    reason: str = ""
    page_count: int = 0
    truncated: bool = False


class Unreadable(Exception):
    pass


class _Budget:
    def __init__(self):
        self.left = MAX_CHARACTERS
        self.truncated = False

    def take(self, text):
        text = search.normalize(text)
        if len(text) > self.left:
            text, self.truncated = text[: self.left], True
        self.left -= len(text)
        return text


def extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def extract(name, data: bytes) -> Extraction:
    """The text of the file ``name`` with content ``data`` (never raises for a bad file)."""
    kind = extension(name)
    if len(data) > MAX_FILE_BYTES:
        return Extraction(
            UNREADABLE,
            reason=f"ファイルが大きすぎるため読み取っていません(上限は {MAX_FILE_BYTES // (1024 * 1024)} MB です)。",
        )
    budget = _Budget()
    try:
        if kind == "pdf":
            return _pdf(data, budget)
        if kind == "csv":
            return _single(_csv(data), budget)
        if kind in {"docx", "xlsx", "odt", "ods"}:
            return _single(_zipped(kind, data), budget)
    except Unreadable as error:
        return Extraction(UNREADABLE, reason=str(error))
    return Extraction(UNREADABLE, reason="この種類のファイルからは文字を読み取りません。")


def join_wrapped_lines(text):
    return _WRAPPED_LINE.sub("", text)


def _single(text, budget):
    text = budget.take(text)
    return Extraction(TEXT, pages=[(1, text)], page_count=1, truncated=budget.truncated)


def _pdf(data, budget):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message or "security" in message:
            raise Unreadable(
                "パスワードで保護(暗号化)された PDF のため、文字を読み取れません。"
                "保護を外した PDF をアップロードしてください。"
            ) from None
        raise Unreadable(
            "PDF として読み取れません(壊れている可能性があります)。"
            "元のファイルから PDF を作り直してアップロードしてください。"
        ) from None
    try:
        count = len(pdf)
        pages = []
        chars = 0
        truncated = count > MAX_PAGES
        for index in range(min(count, MAX_PAGES)):
            if budget.left <= 0:
                truncated = True
                break
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            text = budget.take(join_wrapped_lines(text))
            chars += len(text)
            pages.append((index + 1, text))
    except pdfium.PdfiumError:
        raise Unreadable("PDF のページを読み取れません(壊れている可能性があります)。") from None
    finally:
        pdf.close()
    truncated = truncated or budget.truncated
    if pages and chars == 0:
        return Extraction(
            SCAN,
            pages=[],
            page_count=count,
            truncated=truncated,
            reason="文字の情報がない PDF です(画像だけのスキャン)。画面読み上げソフトで読めず、"
            "サイト内検索でも見つかりません。文字の入った PDF(元の文書から保存したもの)に差し替えてください。",
        )
    return Extraction(TEXT, pages=pages, page_count=count, truncated=truncated)


def pdf_has_text(data, max_pages=MAX_PAGES):
    """Whether any page of the PDF ``data`` (up to ``max_pages``) has text; None if unreadable.

    Stops at the first page with text, so a usual handout is answered from its first page.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        count = len(pdf)
        for index in range(min(count, max_pages)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    if textpage.get_text_range().strip():
                        return True
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()
    return False if count else None


def _csv(data):
    rows, errors = read_csv(data)
    if errors and not rows:
        raise Unreadable(f"CSV を読み取れません({errors[0][0]}行目: {errors[0][1]})")
    return "\n".join(" ".join(cells) for _, cells in rows)


def _xml_text(xml_bytes, paragraph_tags):
    try:
        root = ElementTree.fromstring(xml_bytes)
    except ElementTree.ParseError:
        raise Unreadable("文書の中身(XML)を読み取れません(壊れている可能性があります)。") from None
    lines = []
    for element in root.iter():
        if element.tag in paragraph_tags:
            lines.append("".join(element.itertext()))
    return "\n".join(lines)


def _zipped(kind, data):
    limits = ArchiveLimits.from_setting("UPLOAD_ARCHIVE_LIMITS")
    try:
        with open_zip(io.BytesIO(data), limits) as archive:
            if kind == "xlsx":
                return _xlsx(data)
            part = "word/document.xml" if kind == "docx" else "content.xml"
            try:
                info = archive.getinfo(part)
            except KeyError:
                raise Unreadable(
                    f"ファイルの中に本文({part})がありません。保存し直してからアップロードしてください。"
                ) from None
            xml_bytes = read_zip_entry(archive, info)
    except ArchiveLimitError as error:
        raise Unreadable(f"ファイルを開けません。{error.reason}。") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise Unreadable("ファイルとして読み取れません(壊れている可能性があります)。") from None
    if kind == "docx":
        return _xml_text(xml_bytes, {f"{W_NS}p"})
    return _xml_text(xml_bytes, {f"{TEXT_NS}p", f"{TEXT_NS}h"})


def _xlsx(data):
    """Cell values, sheet by sheet; called after ``open_zip`` accepted the package."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise Unreadable(
            "Excel のファイルとして読み取れません(壊れている可能性があります)。"
        ) from None
    lines, size = [], 0
    try:
        for sheet in workbook.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None and str(v).strip()]
                if cells:
                    lines.append(" ".join(cells))
                    size += len(lines[-1]) + 1
                if size > MAX_CHARACTERS:
                    # The budget cuts the rest; reading further would only cost memory.
                    return "\n".join(lines)
    finally:
        workbook.close()
    return "\n".join(lines)
