"""PDFs without a text layer (scans) among the documents of live, public pages.

A screen reader has nothing to read in them and the site search cannot find them;
editors see them on the page's edit screen and on the dashboard.
"""

from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.models import Page

from . import visibility
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
