"""When to read documents again, or forget them."""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from . import tasks


def _page_published(sender, instance, **kwargs):
    tasks.sync_pages_task.enqueue([instance.pk])


def _page_unpublished(sender, instance, **kwargs):
    ids = list(instance.get_descendants(inclusive=True).values_list("pk", flat=True))
    tasks.sync_pages_task.enqueue(ids)


def _restriction_changed(sender, instance, **kwargs):
    page = instance.page
    ids = list(page.get_descendants(inclusive=True).values_list("pk", flat=True))
    tasks.sync_pages_task.enqueue(ids)


def _collection_restriction_changed(sender, instance, **kwargs):
    tasks.sync_all_task.enqueue()


def _document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tasks.sync_document_task.enqueue(instance.pk)


def connect():
    page_published.connect(_page_published, dispatch_uid="handouts_page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="handouts_page_unpublished")
    for signal in (post_save, post_delete):
        signal.connect(
            _restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"handouts_restriction_{signal is post_save}",
        )
        signal.connect(
            _collection_restriction_changed,
            sender=CollectionViewRestriction,
            dispatch_uid=f"handouts_collection_restriction_{signal is post_save}",
        )
    post_save.connect(
        _document_saved, sender=get_document_model(), dispatch_uid="handouts_document_saved"
    )
