"""What editors may upload, judged by each file's content rather than its name.

Documents: PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt,
.ods) and CSV, each recognised from its bytes, with an extension that agrees.
Word, Excel and OpenDocument files are ZIP packages: they are unpacked only
within ``settings.UPLOAD_ARCHIVE_LIMITS`` (``home.archives``), so a ZIP bomb is
refused without being unpacked.
Images: a size limit and a pixel limit read from the image's header before
anything is decoded, so an image bomb is refused without being unpacked.

Every refusal is a ``ValidationError`` in Japanese that names the file and
the reason; the forms in ``editorial.forms`` attach these to the admin's
upload views.
"""

import codecs
import os
import re
import struct
import warnings
import zipfile
import zlib
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from home.archives import (
    ArchiveLimitError,
    ArchiveLimits,
    open_zip,
    read_zip_entry,
    verify_zip,
)
from home.formatting import KB, MB, file_size

# Extension -> how the content is described to editors.
DOCUMENT_KINDS = {
    "pdf": "PDF",
    "doc": "Word 文書(.doc)",
    "docx": "Word 文書(.docx)",
    "xls": "Excel ブック(.xls)",
    "xlsx": "Excel ブック(.xlsx)",
    "odt": "OpenDocument 文書(.odt)",
    "ods": "OpenDocument スプレッドシート(.ods)",
    "csv": "CSV(UTF-8 または Shift_JIS の文字だけのファイル)",
}
ACCEPTED_DOCUMENTS_TEXT = (
    "PDF、Word(.doc・.docx)、Excel(.xls・.xlsx)、OpenDocument(.odt・.ods)、CSV"
)

PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

OOXML_MAIN_TYPES = {
    # Macro-enabled and template variants are deliberately absent.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "docx",
        "/word/",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "xlsx",
        "/xl/",
    ),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# A [Content_Types].xml or mimetype larger than this is not a real document's.
MAX_CONTENT_TYPES_BYTES = 1 * MB
MAX_MIMETYPE_BYTES = 1 * KB

# Short names of the accepted kinds, and the list of them, for refusals (one sentence each).
KIND_NAMES = {
    "pdf": "PDF",
    "doc": "Word 文書",
    "docx": "Word 文書",
    "xls": "Excel ブック",
    "xlsx": "Excel ブック",
    "odt": "OpenDocument 文書",
    "ods": "OpenDocument スプレッドシート",
    "csv": "CSV",
}
ACCEPTED_DOCUMENTS_SHORT = "PDF・Word・Excel・OpenDocument・CSV"

# Content that is none of the accepted kinds: 「…は中身が PDF ではなく<name>のため、…」.
OTHER_CONTENT = {
    "executable": "プログラム",
    "html": "ウェブページ",
    "image": "画像",
    "zip": "ZIP 圧縮ファイル",
    "ole2": "Word・Excel 以外の Office ファイル",
    "csv": "文字だけのファイル",
}
# Content that cannot be what any name says: 「…は<condition>ため、…」.
BROKEN_CONTENT = {
    "binary": "文字ではないデータを含む",
    "encoding": "UTF-8 でも Shift_JIS でもない文字を含む",
    "broken_pdf": "途中で切れている",
    "broken_zip": "ファイルの形式が壊れている",
    "broken_ole2": "ファイルの形式が壊れている",
    "empty": "中身が空の",
}

CHUNK = 1 * MB


# --- Sizes ---------------------------------------------------------------------


def refusal(name, reason, code):
    """One plain sentence: 「<file>」は<reason>ため、受け付けられません。

    ``reason`` is a clause that ends where ため can follow (「…を超えている」「…の」).
    """
    return ValidationError(
        "「%(name)s」は%(reason)sため、受け付けられません。",
        code=code,
        params={"name": os.path.basename(name or ""), "reason": reason},
    )


def check_size(uploaded, limit):
    """Refuse a file larger than ``limit`` bytes (``None``: no limit)."""
    if limit is not None and uploaded.size > limit:
        raise refusal(
            uploaded.name,
            f" {file_size(uploaded.size, round_up=True)} あり、上限の {file_size(limit)} を超えている",
            "file_too_large",
        )


def document_max_size():
    return getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)


# --- Documents -----------------------------------------------------------------


def extension_of(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _read_at(f, offset, size):
    f.seek(offset)
    return f.read(size)


def detect_document_kind(f):
    """What a file's bytes are: a key of DOCUMENT_KINDS, or a key of OTHER_CONTENT.

    ``f`` is any seekable binary file; it is left at position 0. A ZIP file
    beyond the upload limits raises ``home.archives.ArchiveLimitError``.
    """
    try:
        head = _read_at(f, 0, 8)
        if not head:
            return "empty"
        if head.startswith(PDF_MAGIC):
            kind = _pdf_kind(f)
        elif head == OLE2_MAGIC:
            kind = _ole2_kind(f)
        elif head.startswith(ZIP_MAGIC):
            kind = _zip_kind(f)
        elif head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
            kind = "executable"
        elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or (
            head.startswith(b"RIFF") and _read_at(f, 8, 4) == b"WEBP"
        ):
            kind = "image"
        else:
            kind = _text_kind(f)
    finally:
        f.seek(0)
    return kind


def _pdf_kind(f):
    # A complete PDF ends with %%EOF (possibly followed by a line break or
    # a little padding); a truncated upload does not.
    f.seek(0, os.SEEK_END)
    end = f.tell()
    tail = _read_at(f, max(0, end - 2048), 2048)
    return "pdf" if b"%%EOF" in tail else "broken_pdf"


def _ole2_kind(f):
    """Tell a Word 97-2003 document from an Excel 97-2003 book by its streams."""
    names = ole2_stream_names(f)
    if names is None:
        return "broken_ole2"
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    return "ole2"


FREE_OR_END = 0xFFFFFFFA  # sector numbers at or above this are markers, not sectors


def ole2_stream_names(f):
    """Names in an OLE2 compound file's directory (MS-CFB), or None if malformed."""
    f.seek(0, os.SEEK_END)
    file_size = f.tell()
    header = _read_at(f, 0, 512)
    if len(header) < 512 or header[28:30] != b"\xfe\xff":
        return None
    (shift,) = struct.unpack_from("<H", header, 30)
    if shift not in (9, 12):
        return None
    sector_size = 1 << shift
    max_sectors = max(0, file_size // sector_size - 1)
    n_fat, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, n_difat = struct.unpack_from("<II", header, 68)
    if n_fat > max_sectors or n_difat > max_sectors:
        return None

    def sector(number):
        if number >= max_sectors:
            return None
        data = _read_at(f, (number + 1) * sector_size, sector_size)
        return data if len(data) == sector_size else None

    per_sector = sector_size // 4
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    number = first_difat
    for _ in range(n_difat):
        data = sector(number)
        if data is None:
            return None
        entries = struct.unpack(f"<{per_sector}I", data)
        fat_sectors.extend(entries[:-1])
        number = entries[-1]
    fat = []
    for number in fat_sectors[:n_fat]:
        data = sector(number)
        if data is None:
            return None
        fat.extend(struct.unpack(f"<{per_sector}I", data))

    names, seen = set(), set()
    number = first_dir
    while number < FREE_OR_END:
        if number in seen or number >= len(fat):
            return None
        seen.add(number)
        data = sector(number)
        if data is None:
            return None
        for offset in range(0, sector_size, 128):
            entry = data[offset : offset + 128]
            (name_length,) = struct.unpack_from("<H", entry, 64)
            if entry[66] in (1, 2, 5) and 2 <= name_length <= 64:
                names.add(entry[: name_length - 2].decode("utf-16-le", "replace"))
        number = fat[number]
    return names or None


def upload_archive_limits():
    return ArchiveLimits.from_setting("UPLOAD_ARCHIVE_LIMITS")


def _zip_kind(f):
    try:
        with open_zip(f, upload_archive_limits()) as archive:
            verify_zip(archive)
            entries = archive.infolist()
            names = {info.filename for info in entries}
            if entries and entries[0].filename == "mimetype":
                if entries[0].file_size > MAX_MIMETYPE_BYTES:
                    return "zip"
                mimetype = read_zip_entry(archive, entries[0]).strip()
                kind = ODF_MIMETYPES.get(mimetype)
                if kind and "content.xml" in names:
                    return kind
                return "zip"
            if "[Content_Types].xml" in names:
                return _ooxml_kind(archive, names)
            return "zip"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        return "broken_zip"


def _ooxml_kind(archive, names):
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        return "zip"
    try:
        root = ElementTree.fromstring(read_zip_entry(archive, info))
    except ElementTree.ParseError:
        return "broken_zip"
    for element in root:
        if not element.tag.endswith("}Override"):
            continue
        main = OOXML_MAIN_TYPES.get(element.get("ContentType", ""))
        part = element.get("PartName", "")
        if main and part.startswith(main[1]) and part.lstrip("/") in names:
            return main[0]
    return "zip"


MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml")
# Control bytes never found in a text file (tab, LF, FF, CR and the old EOF mark are fine).
# C1 controls, and what CP932 maps its unassigned bytes 0xA0 and 0xFD-0xFF to.
NOT_TEXT_CHARACTERS = re.compile("[\x80-\x9f\uf8f0-\uf8f3]")
CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A))


def _text_kind(f):
    """'csv' for text in UTF-8 (with or without BOM) or Shift_JIS (CP932)."""
    f.seek(0)
    first = f.read(1024)
    if first.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower().startswith(MARKUP_STARTS):
        return "html"
    f.seek(0)
    decoders = {
        "utf-8-sig": codecs.getincrementaldecoder("utf-8-sig")(),
        "cp932": codecs.getincrementaldecoder("cp932")(),
    }
    binary = bytes.maketrans(b"", b"")
    while chunk := f.read(CHUNK):
        if chunk.translate(binary, CONTROL_BYTES) != chunk:
            return "binary"
        for name, decoder in list(decoders.items()):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                del decoders[name]
                continue
            if NOT_TEXT_CHARACTERS.search(text):
                del decoders[name]
        if not decoders:
            return "encoding"
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    return "csv" if decoders else "encoding"


def check_document(uploaded):
    """Refuse a document whose extension or content is not accepted, or that is too large."""
    name = uploaded.name
    extension = extension_of(name)
    if extension not in DOCUMENT_KINDS:
        raise refusal(
            name,
            f"載せられる種類のファイル({ACCEPTED_DOCUMENTS_SHORT})ではない",
            "invalid_extension",
        )
    check_size(uploaded, document_max_size())
    try:
        kind = detect_document_kind(uploaded)
    except ArchiveLimitError as error:
        # The limit that was hit (error.reason) means nothing to an editor; the file is refused.
        raise refusal(
            name, "圧縮された中身が大きすぎるか壊れている", "archive_too_large"
        ) from error
    if kind == extension:
        return
    if kind in BROKEN_CONTENT:
        reason = BROKEN_CONTENT[kind]
    elif kind in DOCUMENT_KINDS and kind != "csv":
        reason = f"中身が {KIND_NAMES[kind]} で、拡張子(.{extension})と合わない"
    else:
        reason = f"中身が {KIND_NAMES[extension]} ではなく{OTHER_CONTENT[kind]}の"
    raise refusal(name, reason, "invalid_content")


# --- Images --------------------------------------------------------------------


def image_pixel_limit():
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)


def image_size_limit():
    return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", None)


def check_image_pixels(uploaded):
    """Refuse an image whose header declares more pixels than allowed.

    Only the header is read; a file Pillow cannot read at all is left for the
    image field to refuse as "not an image".
    """
    limit = image_pixel_limit()
    if limit is None:
        return
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError:
        # Pillow refuses to even describe it: far beyond any sensible limit.
        raise refusal(
            uploaded.name,
            f"画素数が上限の {limit:,} 画素を大きく超えている",
            "file_too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
        return
    finally:
        uploaded.seek(0)
    pixels = width * height * frames
    if pixels > limit:
        frames_text = f"×{frames}コマ" if frames > 1 else ""
        raise refusal(
            uploaded.name,
            f" {width}×{height}{frames_text} で {pixels:,} 画素あり、上限の {limit:,} 画素を超えている",
            "file_too_many_pixels",
        )
