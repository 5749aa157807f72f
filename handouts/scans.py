"""PDFs without a text layer (scans) among the documents of live, public pages.

A screen reader has nothing to read in them and the site search cannot find them;
editors see them on the page's edit screen and on the dashboard.
"""

from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.models import Page

from home.content_checks import WARN, Finding

from . import visibility
from .extract import MAX_FILE_BYTES, extension, pdf_has_text
from .models import HandoutDocument, HandoutStatus

SCAN_HEADING = "文字の情報がないPDF(スキャン)"
SCAN_WHY = "画面読み上げソフトで読めず、サイト内検索でも見つかりません"


def scans(pages=None):
    """[(document, page)] for each scanned PDF and a live, public page using it (of ``pages``)."""
    scanned = (
        HandoutDocument.objects.filter(status=HandoutStatus.SCAN)
        .annotate(doc_text=Cast("document_id", output_field=CharField()))
        .values("doc_text")
    )
    references = visibility.visible_references().filter(to_object_id__in=scanned)
    if pages is not None:
        references = references.filter(
            object_id__in=pages.annotate(pk_text=Cast("pk", output_field=CharField())).values(
                "pk_text"
            )
        )
    rows = sorted(
        {(int(d), int(p)) for d, p in references.values_list("to_object_id", "object_id")}
    )
    documents = get_document_model().objects.in_bulk({d for d, _ in rows})
    found_pages = Page.objects.only("pk", "title").in_bulk({p for _, p in rows})
    return [(documents[d], found_pages[p]) for d, p in rows if d in documents and p in found_pages]


def scan_warning(document):
    return (
        f"資料「{document.title}」は{SCAN_HEADING}です。{SCAN_WHY}。"
        "元の文書から保存した、文字の入ったPDFに差し替えてください。"
    )


def text_layer_findings(document):
    """公開前の確認 (``home.content_checks``): a PDF attached to a page that has no text.

    The extraction's record is used when it is of this file; otherwise the PDF is read
    until a page with text is found.
    """
    if extension(document.file.name) != "pdf":
        return []
    record = HandoutDocument.objects.filter(document=document).first()
    if record is not None and record.source == f"{document.file.name}:{document.file_hash}":
        scanned = record.status == HandoutStatus.SCAN
    else:
        try:
            with document.open_file() as f:
                data = f.read(MAX_FILE_BYTES + 1)
        except OSError:
            return []
        scanned = len(data) <= MAX_FILE_BYTES and pdf_has_text(data) is False
    return [Finding(WARN, scan_warning(document))] if scanned else []
