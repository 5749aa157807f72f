"""Upload rules: documents by content, images by size and pixels, through the real admin views.

Every test file here is built byte by byte (a minimal PDF, Office Open XML and
OpenDocument packages made with zipfile, OLE2 compound files following
MS-CFB), so what is accepted is a real file of its kind.
"""

import functools
import io
import json
import os
import struct
import tempfile
import time
import zipfile
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

from editorial.uploads import detect_document_kind, ole2_stream_names, upload_archive_limits
from home.archives import ArchiveLimitError, count_zip_entries
from home.formatting import file_size

MB = 1024 * 1024
Document = get_document_model()
Image = get_image_model()


# --- Building real files -----------------------------------------------------------


def make_pdf():
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, *method in entries:
            archive.writestr(name, data, compress_type=method[0] if method else None)
    return buffer.getvalue()


def make_docx():
    return _zip(docx_entries())


def docx_entries():
    override = f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/>'
    return [
        ("[Content_Types].xml", CONTENT_TYPES.format(overrides=override)),
        ("_rels/.rels", RELS.format(target="word/document.xml")),
        (
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>会議の資料</w:t></w:r></w:p></w:body></w:document>",
        ),
    ]


def make_xlsx(main_type=EXCEL_MAIN):
    return _zip(xlsx_entries(main_type))


def xlsx_entries(main_type=EXCEL_MAIN):
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    return [
        ("[Content_Types].xml", CONTENT_TYPES.format(overrides=overrides)),
        ("_rels/.rels", RELS.format(target="xl/workbook.xml")),
        (
            "xl/workbook.xml",
            f'<workbook {ns} {rel_ns}><sheets><sheet name="空き情報" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        ),
        (
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        ),
        (
            "xl/worksheets/sheet1.xml",
            f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>定員</t></is></c></row></sheetData></worksheet>",
        ),
    ]


def make_odf(mimetype):
    return _zip(odf_entries(mimetype))


def odf_entries(mimetype):
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mimetype}"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'office:version="1.2"><office:body/></office:document-content>'
    )
    return [
        ("mimetype", mimetype, zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content),
    ]


FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(name="", kind=0, child=NOSTREAM):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        NOSTREAM,
        NOSTREAM,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        ENDOFCHAIN,
        0,
    )


def make_ole2(stream_name):
    """A version 3 compound file: header, one FAT sector, one directory sector."""
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,  # 512-byte sectors
        6,
        b"\0" * 6,
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,
        ENDOFCHAIN,
        0,
        ENDOFCHAIN,
        0,
    )
    header += struct.pack("<109I", 0, *([FREESECT] * 108))
    fat = struct.pack("<128I", FATSECT, ENDOFCHAIN, *([FREESECT] * 126))
    directory = (
        _directory_entry("Root Entry", 5, child=1)
        + _directory_entry(stream_name, 2)
        + _directory_entry()
        + _directory_entry()
    )
    assert len(header) == len(fat) == len(directory) == 512
    return header + fat + directory


def make_png(width=4, height=3):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (11, 83, 148)).save(buffer, "PNG")
    return buffer.getvalue()


def make_jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), (11, 83, 148)).save(buffer, "JPEG")
    return buffer.getvalue()


def make_png_bomb(width, height):
    """A PNG whose header declares ``width`` x ``height`` but holds only a few bytes."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096, 9))
        + chunk(b"IEND", b"")
    )


PRESENTATION_MAIN = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)


def pptx_entries():
    """A PowerPoint package: not an accepted kind, but a ZIP all the same."""
    override = f'<Override PartName="/ppt/presentation.xml" ContentType="{PRESENTATION_MAIN}"/>'
    return [
        ("[Content_Types].xml", CONTENT_TYPES.format(overrides=override)),
        ("_rels/.rels", RELS.format(target="ppt/presentation.xml")),
        (
            "ppt/presentation.xml",
            '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/'
            'main"/>',
        ),
    ]


# --- ZIP bombs ---------------------------------------------------------------------
# Written by hand, so that an entry can declare sizes its data does not have.

ZERO_MB = b"\0" * MB


def deflate(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@functools.cache
def deflated_zeros(megabytes):
    """A raw deflate stream of ``megabytes`` MB of zero bytes (about 1KB per MB) and its CRC.

    After a full flush the compressor starts afresh, so one flushed megabyte can
    be repeated to make a stream of any length without compressing it all.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(ZERO_MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(ZERO_MB, crc)
    return block * megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc


def raw_zip(entries, zip64=False):
    """A ZIP file from (name, stored bytes, method, CRC, declared uncompressed size).

    With ``zip64`` the directory's place and size are given in a ZIP64 end record,
    as writers do past 65,535 entries or 4GB.
    """
    body, directory = bytearray(), bytearray()
    for name, data, method, crc, size in entries:
        encoded = name.encode()
        local = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
        )
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            len(body),
        )
        directory += encoded
        body += local + encoded + data
    count = len(entries)
    if not zip64:
        end = struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0
        )
        return bytes(body + directory + end)
    record_at = len(body) + len(directory)
    end = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), len(body)
    )
    end += struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
    end += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(body + directory + end)


def honest(name, data, method=zipfile.ZIP_DEFLATED):
    data = data.encode() if isinstance(data, str) else data
    stored = deflate(data) if method == zipfile.ZIP_DEFLATED else data
    return (name, stored, method, zlib.crc32(data), len(data))


FORMAT_ENTRIES = {
    "docx": docx_entries,
    "xlsx": xlsx_entries,
    "pptx": pptx_entries,
    "odt": lambda: odf_entries("application/vnd.oasis.opendocument.text"),
    "ods": lambda: odf_entries("application/vnd.oasis.opendocument.spreadsheet"),
}
MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/worksheets/sheet1.xml",
    "pptx": "ppt/presentation.xml",
    "odt": "content.xml",
    "ods": "content.xml",
}
MEDIA_FOLDER = {"docx": "word/media", "xlsx": "xl/media", "pptx": "ppt/media"}


@functools.cache
def zip_bomb(kind, variant):
    """A small file of format ``kind`` that would unpack to far too much.

    - declared: the main part declares 3.7GB (its data is a few bytes)
    - actual: the main part declares 2KB, but its data unpacks to 1GB of zeros
    - entries: 20,000 more (empty) entries than a document has
    - ratio: a 50MB part of zeros, declared truthfully, packed to 50KB
    """
    entries = [honest(name, data, *method) for name, data, *method in FORMAT_ENTRIES[kind]()]
    main = MAIN_PART[kind]
    index = next(i for i, entry in enumerate(entries) if entry[0] == main)
    name, stored, method, crc, _ = entries[index]
    folder = MEDIA_FOLDER.get(kind, "Pictures")
    if variant == "declared":
        entries[index] = (name, stored, method, crc, 4_000_000_000)
    elif variant == "actual":
        zeros, zeros_crc = deflated_zeros(1024)
        entries[index] = (name, zeros, zipfile.ZIP_DEFLATED, zeros_crc, 2048)
    elif variant == "entries":
        entries += [honest(f"{folder}/{i}.xml", b"", zipfile.ZIP_STORED) for i in range(20_000)]
    elif variant == "ratio":
        zeros, zeros_crc = deflated_zeros(50)
        entries.append((f"{folder}/blank.bin", zeros, zipfile.ZIP_DEFLATED, zeros_crc, 50 * MB))
    return raw_zip(entries)


BOMB_REASONS = {
    "declared": "展開すると大きすぎるファイルが入っています(「{main}」が 3.8GB。上限は 200MB です)",
    "actual": "「{main}」が、記録された大きさ(2KB)より大きく展開されます",
    "entries": "中に入っているファイルの数が多すぎます(上限は 10,000 個です)",
    "ratio": "極端に圧縮されています(「{media}/blank.bin」は展開すると",
}


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 48 + b"This program"
HTML = b'<!DOCTYPE html><html><body><script>alert("x")</script></body></html>'
CSV_ROWS = "事業所名,サービス,空き\nサンプル事業所,短期入所,2\n①テスト,共同生活援助,0\n"

VALID_DOCUMENTS = {
    "kaigi.pdf": make_pdf,
    "shiryo.docx": make_docx,
    "meibo.xlsx": make_xlsx,
    "gijiroku.odt": lambda: make_odf("application/vnd.oasis.opendocument.text"),
    "yotei.ods": lambda: make_odf("application/vnd.oasis.opendocument.spreadsheet"),
    "shiryo.doc": lambda: make_ole2("WordDocument"),
    "meibo.xls": lambda: make_ole2("Workbook"),
    "akijoho-utf8.csv": lambda: CSV_ROWS.encode("utf-8"),
    "akijoho-bom.csv": lambda: CSV_ROWS.encode("utf-8-sig"),
    "akijoho-sjis.csv": lambda: CSV_ROWS.encode("cp932"),
}


# --- Helpers ---------------------------------------------------------------------


def stored_files():
    found = set()

    def walk(path):
        dirs, files = default_storage.listdir(path)
        found.update(os.path.join(path, name) for name in files)
        for name in dirs:
            walk(os.path.join(path, name))

    walk("")
    return found


def root_collection_id():
    return Collection.get_first_root_node().pk


def upload(name, data):
    return SimpleUploadedFile(name, data)


def post_upload(client, app, view, name, data):
    """Upload through one of an app's three upload views ("add", "add_multiple", the
    chooser); ``app`` is "wagtaildocs" or "wagtailimages". Returns (accepted, message text)."""
    if view == "add":
        response = client.post(
            reverse(f"{app}:add"),
            {"title": name, "file": upload(name, data), "collection": root_collection_id()},
        )
        if response.status_code == 302:
            return True, ""
        assert response.status_code == 200
        return False, response.content.decode()
    if view == "add_multiple":
        response = client.post(
            reverse(f"{app}:add_multiple"),
            {"files[]": upload(name, data), "collection": root_collection_id()},
        )
        body = response.json()
        return body["success"], body.get("error_message", "")
    prefix = "document" if app == "wagtaildocs" else "image"
    response = client.post(
        reverse(f"{app}_chooser:create"),
        {
            f"{prefix}-chooser-upload-title": name,
            f"{prefix}-chooser-upload-file": upload(name, data),
            f"{prefix}-chooser-upload-collection": root_collection_id(),
        },
    )
    body = response.json()
    # An image chosen in a rich text field asks for its format next.
    return body["step"] in ("chosen", "select_format"), body.get("htmlFragment", "") or json.dumps(
        body
    )


def post_document(client, view, name, data):
    return post_upload(client, "wagtaildocs", view, name, data)


def post_image(client, view, name, data):
    return post_upload(client, "wagtailimages", view, name, data)


VIEWS = ["add", "add_multiple", "chooser"]


def assert_one_plain_sentence(message, name):
    """The refusal of ``name`` is one sentence, with no brackets inside brackets."""
    start = message.index(f"「{name}」は")
    sentence = message[start : message.index("。", start) + 1]
    assert sentence.endswith("ため、受け付けられません。"), sentence
    depth = 0
    for char in sentence[len(name) + 2 :]:
        depth += {"(": 1, "「": 1, ")": -1, "」": -1}.get(char, 0)
        assert depth <= 1, f"括弧の中に括弧があります: {sentence}"


@pytest.fixture
def nothing_left_behind(db):
    """Asserts after the test that no row and no stored file was added."""
    before = stored_files()
    yield
    assert Document.objects.count() == 0
    assert Image.objects.count() == 0
    assert UploadedFile.objects.count() == 0
    assert stored_files() == before


# --- Detection -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VALID_DOCUMENTS))
def test_each_accepted_kind_is_recognised_from_its_bytes(name):
    kind = detect_document_kind(io.BytesIO(VALID_DOCUMENTS[name]()))
    assert kind == name.rsplit(".", 1)[1]


def test_ole2_directory_is_read_for_stream_names():
    assert ole2_stream_names(io.BytesIO(make_ole2("WordDocument"))) == {
        "Root Entry",
        "WordDocument",
    }
    # A PowerPoint file, or a compound file cut short, is neither Word nor Excel.
    assert detect_document_kind(io.BytesIO(make_ole2("PowerPoint Document"))) == "ole2"
    assert detect_document_kind(io.BytesIO(make_ole2("WordDocument")[:700])) == "broken_ole2"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (EXE, "executable"),
        (HTML, "html"),
        (b"\xef\xbb\xbf  <html><body>x</body></html>", "html"),
        (make_pdf()[:-20], "broken_pdf"),
        (make_xlsx(EXCEL_MACRO_MAIN), "zip"),
        (_zip([("readme.txt", "x")]), "zip"),
        (b"PK\x03\x04 not really a zip", "broken_zip"),
        (make_png(), "image"),
        ("名前,数\n".encode("euc_jp") + b"\x8f\xa1\xa1", "encoding"),
        (b"a,b\n\x01\x02\x03", "binary"),
        (b"a,b\n\x00", "binary"),
        (b"", "empty"),
    ],
)
def test_other_content_is_named(data, kind):
    assert detect_document_kind(io.BytesIO(data)) == kind


def test_text_split_across_chunks_is_still_text(monkeypatch):
    # A multibyte character straddling the boundary between two reads.
    monkeypatch.setattr("editorial.uploads.CHUNK", 7)
    assert detect_document_kind(io.BytesIO("あいうえお,かきくけこ\n".encode())) == "csv"
    assert detect_document_kind(io.BytesIO("あいうえお,かきくけこ\n".encode("cp932"))) == "csv"


def test_sizes_are_shown_rounded_up_against_a_limit():
    assert file_size(20 * MB, round_up=True) == "20MB"
    assert file_size(205 * MB, round_up=True) == "205MB"
    assert file_size(20 * MB + 1, round_up=True) == "20.1MB"
    assert file_size(999 * 1024 + 1, round_up=True) == "1MB"
    assert file_size(int(1.25 * 1024 * MB), round_up=True) == "1.3GB"


def test_sizes_are_shown_rounded_on_public_pages():
    assert file_size(820) == "820B"
    assert file_size(350 * 1024) == "350KB"
    assert file_size(300 * 1024 + 9) == "300KB"
    assert file_size(20 * MB + 1) == "20MB"
    assert file_size(int(1.26 * MB)) == "1.3MB"
    assert file_size("不明") == ""


# --- Documents through the admin -------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", sorted(VALID_DOCUMENTS))
def test_valid_documents_are_accepted(admin_client, view, name):
    data = VALID_DOCUMENTS[name]()
    accepted, message = post_document(admin_client, view, name, data)
    assert accepted, message
    document = Document.objects.get()
    assert document.file.name.endswith(name.rsplit(".", 1)[1])
    with document.open_file() as stored:
        assert stored.read() == data


REFUSED_DOCUMENTS = [
    ("setup.pdf", EXE, "中身が PDF ではなくプログラムのため"),
    ("oshirase.pdf", HTML, "中身が PDF ではなくウェブページのため"),
    ("kiroku.pdf", make_pdf()[:-30], "途中で切れているため"),
    ("shiryo.pdf", make_docx(), "中身が Word 文書 で、拡張子(.pdf)と合わないため"),
    ("meibo.docx", make_xlsx(), "中身が Excel ブック で、拡張子(.docx)と合わないため"),
    ("meibo.doc", make_ole2("Workbook"), "中身が Excel ブック で、拡張子(.doc)と合わないため"),
    (
        "macro.xlsx",
        make_xlsx(EXCEL_MACRO_MAIN),
        "中身が Excel ブック ではなくZIP 圧縮ファイルのため",
    ),
    ("page.csv", HTML, "中身が CSV ではなくウェブページのため"),
    ("photo.csv", make_png(), "中身が CSV ではなく画像のため"),
    # A text file renamed .pdf: no advice to rename it .csv.
    ("memo.pdf", b"memo\n", "中身が PDF ではなく文字だけのファイルのため"),
    ("setup.exe", EXE, "載せられる種類のファイル(PDF・Word・Excel・OpenDocument・CSV)ではないため"),
    (
        "memo.txt",
        b"memo",
        "載せられる種類のファイル(PDF・Word・Excel・OpenDocument・CSV)ではないため",
    ),
]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("name", "data", "reason"), REFUSED_DOCUMENTS, ids=[r[0] for r in REFUSED_DOCUMENTS]
)
def test_bad_documents_are_refused_with_the_reason(
    admin_client, nothing_left_behind, view, name, data, reason
):
    accepted, message = post_document(admin_client, view, name, data)
    assert not accepted
    assert f"「{name}」は{reason}、受け付けられません。" in message
    assert_one_plain_sentence(message, name)
    # Only our message: no second, generic one from the model's extension check.
    assert "拡張子 “" not in message and "File extension" not in message


@pytest.mark.parametrize("view", VIEWS)
def test_a_200mb_upload_is_refused_quickly(admin_client, nothing_left_behind, view, tmp_path):
    temp_dir = tmp_path / "uploads"
    temp_dir.mkdir()
    with tempfile.TemporaryFile() as big:
        big.write(b"%PDF-1.7\n")
        big.truncate(205 * MB)  # sparse: no 205MB written to disk by the test itself
        big.seek(0)
        started = time.monotonic()
        with override_settings(FILE_UPLOAD_TEMP_DIR=str(temp_dir)):
            accepted, message = post_document(admin_client, view, "zentai.pdf", big.read())
        elapsed = time.monotonic() - started
    assert not accepted
    assert (
        "「zentai.pdf」は 205MB あり、上限の 20MB を超えているため、受け付けられません。" in message
    )
    assert elapsed < 15, f"{elapsed:.1f}秒かかりました"
    # Django's temporary copy of the upload is gone too.
    assert list(temp_dir.iterdir()) == []


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1 * MB)
def test_document_size_limit_follows_the_setting(admin_client, nothing_left_behind):
    data = CSV_ROWS.encode() * (MB // len(CSV_ROWS.encode()) + 1)
    accepted, message = post_document(admin_client, "add", "ookii.csv", data)
    assert not accepted
    assert (
        "「ookii.csv」は 1.1MB あり、上限の 1MB を超えているため、受け付けられません。" in message
    )


def test_document_size_limit_reads_the_environment():
    import subprocess
    import sys

    code = "from cms.settings import base; print(base.WAGTAILDOCS_MAX_UPLOAD_SIZE)"
    env = {**os.environ, "DOCUMENT_MAX_UPLOAD_SIZE_MB": "5"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(5 * MB)


def test_upload_page_tells_editors_what_is_accepted(admin_client):
    page = admin_client.get(reverse("wagtaildocs:add")).content.decode()
    assert "載せられるのは PDF、Word(.doc・.docx)、Excel(.xls・.xlsx)" in page
    assert "(20MB まで)" in page


def test_editing_a_document_without_a_new_file_keeps_it(admin_client):
    accepted, message = post_document(admin_client, "add", "kaigi.pdf", make_pdf())
    assert accepted, message
    document = Document.objects.get()
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "第1回 会議資料", "collection": document.collection_id},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "第1回 会議資料"


def test_replacing_a_document_with_bad_content_keeps_the_old_file(admin_client):
    accepted, message = post_document(admin_client, "add", "kaigi.pdf", make_pdf())
    assert accepted, message
    document = Document.objects.get()
    before = stored_files()
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": document.title,
            "collection": document.collection_id,
            "file": upload("kaigi.pdf", EXE),
        },
    )
    assert response.status_code == 200
    assert "「kaigi.pdf」は中身が PDF ではなくプログラムのため" in response.content.decode()
    assert stored_files() == before
    with Document.objects.get().open_file() as stored:
        assert stored.read() == make_pdf()


# --- Archives: ZIP bombs -----------------------------------------------------------

BOMB_VARIANTS = ["declared", "actual", "entries", "ratio"]
ACCEPTED_ZIP_KINDS = ["docx", "xlsx", "odt", "ods"]


def bomb_reason(kind, variant):
    return BOMB_REASONS[variant].format(
        main=MAIN_PART[kind], media=MEDIA_FOLDER.get(kind, "Pictures")
    )


@pytest.mark.parametrize("variant", BOMB_VARIANTS)
@pytest.mark.parametrize("kind", sorted(FORMAT_ENTRIES))
def test_zip_bombs_are_refused_by_their_content_quickly(kind, variant):
    data = zip_bomb(kind, variant)
    assert len(data) < 3 * MB
    started = time.monotonic()
    with pytest.raises(ArchiveLimitError) as error:
        detect_document_kind(io.BytesIO(data))
    assert time.monotonic() - started < 5
    assert bomb_reason(kind, variant) in error.value.reason


@pytest.mark.parametrize("variant", BOMB_VARIANTS)
@pytest.mark.parametrize("kind", ACCEPTED_ZIP_KINDS)
def test_zip_bombs_are_refused_and_nothing_is_stored(
    admin_client, nothing_left_behind, kind, variant
):
    name = f"bakudan.{kind}"
    accepted, message = post_document(admin_client, "add", name, zip_bomb(kind, variant))
    assert not accepted
    assert (
        f"「{name}」は圧縮された中身が大きすぎるか壊れているため、受け付けられません。" in message
    )


@pytest.mark.parametrize("view", VIEWS)
def test_every_upload_view_refuses_a_zip_bomb(admin_client, nothing_left_behind, view):
    accepted, message = post_document(admin_client, view, "meibo.xlsx", zip_bomb("xlsx", "ratio"))
    assert not accepted
    assert (
        "「meibo.xlsx」は圧縮された中身が大きすぎるか壊れているため、受け付けられません。"
        in message
    )


@pytest.mark.parametrize("variant", BOMB_VARIANTS)
def test_a_powerpoint_bomb_is_refused_under_any_name(admin_client, nothing_left_behind, variant):
    data = zip_bomb("pptx", variant)
    accepted, message = post_document(admin_client, "add", "happyo.pptx", data)
    assert not accepted
    assert (
        "「happyo.pptx」は載せられる種類のファイル(PDF・Word・Excel・OpenDocument・CSV)ではないため"
        in message
    )
    accepted, message = post_document(admin_client, "add", "happyo.docx", data)
    assert not accepted
    assert (
        "「happyo.docx」は圧縮された中身が大きすぎるか壊れているため、受け付けられません。"
        in message
    )


def test_too_many_entries_are_counted_before_zipfile_reads_the_directory(monkeypatch):
    data = zip_bomb("docx", "entries")

    def not_called(*args, **kwargs):
        raise AssertionError("zipfile parsed the whole directory")

    monkeypatch.setattr(zipfile, "ZipFile", not_called)
    with pytest.raises(ArchiveLimitError, match="上限は 10,000 個です"):
        detect_document_kind(io.BytesIO(data))


def test_a_zip64_directory_is_counted_too():
    entries = [honest(name, data) for name, data in docx_entries()]
    data = raw_zip(entries, zip64=True)
    assert count_zip_entries(io.BytesIO(data), upload_archive_limits()) == 3
    assert detect_document_kind(io.BytesIO(data)) == "docx"
    many = entries + [honest(f"word/media/{i}.xml", b"", zipfile.ZIP_STORED) for i in range(10_000)]
    with pytest.raises(ArchiveLimitError, match="上限は 10,000 個です"):
        detect_document_kind(io.BytesIO(raw_zip(many, zip64=True)))


@override_settings(
    UPLOAD_ARCHIVE_LIMITS={
        "max_entries": 20,
        "max_entry_bytes": 2 * MB,
        "max_total_bytes": 2 * MB,
        "max_ratio": 100,
    }
)
def test_archive_limits_follow_the_settings(admin_client, nothing_left_behind):
    photos = [honest(f"word/media/image{i}.jpeg", os.urandom(MB)) for i in range(3)]
    entries = [honest(name, data) for name, data in docx_entries()] + photos
    accepted, message = post_document(admin_client, "add", "shiryo.docx", raw_zip(entries))
    assert not accepted
    assert "「shiryo.docx」は圧縮された中身が大きすぎるか壊れているため" in message
    with pytest.raises(ArchiveLimitError) as error:
        detect_document_kind(io.BytesIO(raw_zip(entries)))
    assert "展開すると全体が大きすぎます(3.1MB。上限は 2MB です)" in error.value.reason
    many = [honest(name, data) for name, data in docx_entries()]
    many += [honest(f"word/media/{i}.xml", "") for i in range(18)]
    accepted, message = post_document(admin_client, "add", "shiryo.docx", raw_zip(many))
    assert not accepted
    with pytest.raises(ArchiveLimitError) as error:
        detect_document_kind(io.BytesIO(raw_zip(many)))
    assert "中に入っているファイルの数が多すぎます(上限は 20 個です)" in error.value.reason


def test_a_long_real_document_is_accepted(admin_client):
    # Repetitive XML packs well, but nowhere near a bomb's ratio (about 30 : 1 here).
    paragraphs = "".join(
        f"<w:p><w:r><w:t>第{i}回 会議の資料 議題{i % 7}</w:t></w:r></w:p>" for i in range(100_000)
    )
    entries = [
        (name, data.replace("<w:body>", f"<w:body>{paragraphs}") if "document" in name else data)
        for name, data in docx_entries()
    ]
    data = _zip(entries)
    assert len(paragraphs.encode()) > 5 * MB
    accepted, message = post_document(admin_client, "add", "gijiroku.docx", data)
    assert accepted, message


def test_archive_limits_read_the_environment():
    import subprocess
    import sys

    code = "from cms.settings import base; print(*base.UPLOAD_ARCHIVE_LIMITS.values())"
    env = {
        **os.environ,
        "UPLOAD_ARCHIVE_MAX_ENTRIES": "300",
        "UPLOAD_ARCHIVE_MAX_ENTRY_MB": "5",
        "UPLOAD_ARCHIVE_MAX_TOTAL_MB": "8",
        "UPLOAD_ARCHIVE_MAX_RATIO": "40",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["300", str(5 * MB), str(8 * MB), "40"]


# --- Images through the admin ----------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("name", "make"), [("logo.png", make_png), ("shashin.jpg", make_jpeg)])
def test_valid_images_are_accepted(admin_client, view, name, make):
    accepted, message = post_image(admin_client, view, name, make())
    assert accepted, message
    assert Image.objects.count() == 1


REFUSED_IMAGES = [
    (
        "bakudan.png",
        make_png_bomb(30000, 30000),
        "画素数が上限の 40,000,000 画素を大きく超えているため",
    ),
    (
        "ookii.png",
        make_png_bomb(8000, 6000),
        " 8000×6000 で 48,000,000 画素あり、上限の 40,000,000 画素を超えているため",
    ),
    ("setup.jpg", EXE, "中身がJPEG・PNG・WebP の画像ではないため"),
    ("page.jpg", HTML, "中身がJPEG・PNG・WebP の画像ではないため"),
    ("logo.jpg", make_png(), "中身が PNG の画像で、拡張子(.jpg)と合わないため"),
    ("anime.gif", b"GIF89a" + b"\0" * 20, "載せられる種類のファイル(JPEG・PNG・WebP)ではないため"),
    ("kireta.png", make_png(400, 300)[:60], "ため"),
]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("name", "data", "reason"), REFUSED_IMAGES, ids=[r[0] for r in REFUSED_IMAGES]
)
def test_bad_images_are_refused_with_the_reason(
    admin_client, nothing_left_behind, view, name, data, reason
):
    accepted, message = post_image(admin_client, view, name, data)
    assert not accepted
    assert f"「{name}」は" in message and f"{reason}、受け付けられません。" in message
    assert_one_plain_sentence(message, name)


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=2 * 1024)
@pytest.mark.parametrize("view", VIEWS)
def test_image_size_limit(admin_client, nothing_left_behind, view):
    noisy = io.BytesIO()
    PILImage.frombytes("L", (64, 64), os.urandom(64 * 64)).save(noisy, "PNG")
    accepted, message = post_image(admin_client, view, "noise.png", noisy.getvalue())
    assert not accepted
    assert "、上限の 2KB を超えているため、受け付けられません。" in message


def test_image_limits_read_the_environment():
    import subprocess
    import sys

    code = (
        "from cms.settings import base; "
        "print(base.WAGTAILIMAGES_MAX_UPLOAD_SIZE, base.WAGTAILIMAGES_MAX_IMAGE_PIXELS)"
    )
    env = {**os.environ, "IMAGE_MAX_UPLOAD_SIZE_MB": "3", "IMAGE_MAX_PIXELS": "1000000"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [str(3 * MB), "1000000"]
