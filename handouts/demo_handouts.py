"""The demo step of handouts.yaml: the sample handouts of demo/documents.yaml as PDFs.

Each handout is printed as a Japanese PDF (WeasyPrint, Noto CJK), stored as a
Wagtail document, attached to its meeting (a new revision, published) and read
at once, so a fresh demo finds words inside its handouts without waiting for the
worker. A meeting that already has a handout with the same label is left as it
is, so loading again changes nothing.
"""

from html import escape
from pathlib import Path

import weasyprint
import yaml
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, ReferenceIndex, Site
from weasyprint.urls import URLFetcher

from council.models import MeetingHandout, MeetingPage
from home.demo.loader import DemoDataError

from .tasks import sync_document

DOCUMENTS = Path(__file__).resolve().parent / "demo" / "documents.yaml"

STYLE = """
@page { size: A4; margin: 22mm 20mm;
  @bottom-center { content: "児玉郡市自立支援協議会(デモ用のサンプル資料) " counter(page) " / " counter(pages);
    font-size: 8pt; color: #444; } }
body { font-family: "Noto Sans CJK JP", sans-serif; font-size: 11pt; line-height: 1.7; }
section + section { page-break-before: always; }
h1 { font-size: 15pt; margin: 0 0 1em; }
p.label { text-align: right; font-size: 10pt; margin: 0 0 1em; }
"""


def render_pdf(spec):
    """The handout as PDF bytes: one printed page per page of the spec."""
    sections = []
    for number, page in enumerate(spec["pages"]):
        label = f'<p class="label">{escape(spec["label"])}</p>' if number == 0 else ""
        paragraphs = "".join(f"<p>{escape(text)}</p>" for text in page["paragraphs"])
        sections.append(f"<section>{label}<h1>{escape(page['heading'])}</h1>{paragraphs}</section>")
    html = (
        f'<html lang="ja"><head><meta charset="utf-8"><title>{escape(spec["title"])}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )
    fetcher = URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


def _meeting(path):
    site = Site.objects.get(is_default_site=True)
    page = Page.objects.filter(url_path=site.root_page.url_path + path[1:]).first()
    if page is None or not isinstance(page.specific, MeetingPage):
        raise DemoDataError(
            f"handouts/demo/documents.yaml: 会議のページ「{path}」が見つかりません。"
        )
    return page.specific


def add_handouts():
    """Returns labels of the handouts created."""
    with open(DOCUMENTS, encoding="utf-8") as fh:
        specs = yaml.safe_load(fh)["handouts"]
    created, documents, changed = [], [], {}
    for spec in specs:
        meeting = changed.get(spec["meeting"]) or _meeting(spec["meeting"])
        if meeting.handouts.filter(label=spec["label"]).exists():
            continue
        document = get_document_model()(
            title=f"{meeting.date:%Y-%m-%d} {spec['label']} {spec['title']}",
            collection=Collection.get_first_root_node(),
            file=ContentFile(render_pdf(spec), name=spec["file"]),
        )
        document._set_file_hash()
        document.file_size = document.file.size
        document.save()
        meeting.handouts.add(
            MeetingHandout(
                label=spec["label"],
                title=spec["title"],
                document=document,
                sort_order=meeting.handouts.count(),
            )
        )
        changed[spec["meeting"]] = meeting
        documents.append(document)
        created.append(f"資料: {meeting.title} {spec['label']} {spec['title']}")
    for meeting in changed.values():
        meeting.save_revision().publish()
        ReferenceIndex.create_or_update_for_object(meeting)
    for document in documents:
        sync_document(document.pk)
    return created
