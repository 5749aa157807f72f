"""Extraction in the background worker (tests run it at once)."""

from django.db import transaction
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from . import visibility
from .extract import EXTENSIONS, MAX_FILE_BYTES, extension, extract
from .models import HandoutDocument, HandoutText


def _source(document):
    return f"{document.file.name}:{document.file_hash}"


def sync_document(document_id):
    """Extract the document's text if a live, public page uses it; forget it otherwise."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not visibility.is_visible(document_id):
        HandoutDocument.objects.filter(document_id=document_id).delete()
        return None
    if extension(document.file.name) not in EXTENSIONS:
        return None
    record = HandoutDocument.objects.filter(document=document).first()
    if record is not None and document.file_hash and record.source == _source(document):
        return record.pk
    try:
        with document.open_file() as f:
            # One byte over the bound is enough for extract() to refuse the file.
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        data = None
    if data is None:
        result_status, reason, pages, count, truncated = (
            "unreadable",
            "ファイルが見つからないため、文字を読み取れません。",
            [],
            0,
            False,
        )
    else:
        result = extract(document.file.name, data)
        result_status, reason, pages = result.status, result.reason, result.pages
        count, truncated = result.page_count, result.truncated
    with transaction.atomic():
        record, _ = HandoutDocument.objects.update_or_create(
            document=document,
            defaults={
                "status": result_status,
                "reason": reason,
                "source": _source(document),
                "page_count": count,
                "truncated": truncated,
            },
        )
        record.pages.all().delete()
        rows = [HandoutText(handout=record, page_number=n, text=t) for n, t in pages if t]
        for row in rows:
            row.save()
    return record.pk


def forget_hidden():
    """Drop the text of every document that no live, public page uses any more."""
    HandoutDocument.objects.exclude(document_id__in=visibility.visible_document_ids()).delete()
    visibility.only_restricted_collections(HandoutDocument.objects.all(), "document__").delete()


@task()
def sync_document_task(document_id):
    return sync_document(document_id)


@task()
def sync_pages_task(page_ids):
    """After a page was published, unpublished or its privacy changed (with its descendants)."""
    for page in Page.objects.filter(pk__in=page_ids).specific():
        # The index is otherwise updated by a task of its own, maybe after this one.
        ReferenceIndex.create_or_update_for_object(page)
    forget_hidden()
    for document_id in visibility.documents_of_pages(page_ids):
        sync_document(document_id)


def rebuild(force=True):
    """Read every document of live, public pages again; returns how many there are."""
    if force:
        HandoutDocument.objects.update(source="")
    forget_hidden()
    ids = {int(pk) for pk in visibility.visible_references().values_list("to_object_id", flat=True)}
    for document_id in sorted(ids):
        sync_document(document_id)
    return len(ids)


@task()
def rebuild_task():
    return rebuild()


@task()
def sync_all_task():
    """After a collection's privacy changed."""
    return rebuild(force=False)
