"""Which documents may be searched: those a live, public page refers to.

Wagtail's reference index (``ReferenceIndex``) records every document a page's
saved content refers to, handouts (``MeetingHandout``) and links in rich text and
blocks alike. A document referred to only by draft or restricted pages is never
searchable, and its text is not kept; nor is one in a collection whose view is
restricted (Wagtail's collection privacy).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, IntegerField, OuterRef
from django.db.models.functions import Cast, Length, Substr
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, ReferenceIndex


def _references():
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(get_document_model()),
    )


def visible_page_ids_as_text():
    return (
        Page.objects.live()
        .public()
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .values("pk_text")
    )


def visible_references():
    return _references().filter(object_id__in=visible_page_ids_as_text())


def visible_document_ids():
    """A subquery of the ids of documents that live, public pages refer to."""
    return (
        visible_references()
        .annotate(doc_id=Cast("to_object_id", output_field=IntegerField()))
        .values("doc_id")
    )


def in_restricted_collection(prefix=""):
    """Exists() for documents (``prefix`` to reach them) in a collection with a view
    restriction, or under one: part of the query, so it costs no query of its own."""
    path = f"{prefix}collection__path"
    return Exists(
        CollectionViewRestriction.objects.filter(
            collection__path=Substr(OuterRef(path), 1, Length("collection__path"))
        )
    )


def without_restricted_collections(queryset, prefix=""):
    return queryset.exclude(in_restricted_collection(prefix))


def only_restricted_collections(queryset, prefix=""):
    return queryset.filter(in_restricted_collection(prefix))


def is_visible(document_id):
    documents = get_document_model().objects.filter(pk=document_id)
    if not without_restricted_collections(documents).exists():
        return False
    return visible_references().filter(to_object_id=str(document_id)).exists()


def documents_of_pages(page_ids):
    """Ids of the documents that the pages ``page_ids`` refer to."""
    rows = _references().filter(object_id__in=[str(pk) for pk in page_ids])
    return sorted({int(pk) for pk in rows.values_list("to_object_id", flat=True)})


def pages_of_documents(document_ids):
    """{document id: [live public pages referring to it]} in two queries."""
    rows = list(
        visible_references()
        .filter(to_object_id__in=[str(pk) for pk in document_ids])
        .values_list("to_object_id", "object_id")
        .distinct()
    )
    pages = Page.objects.in_bulk({int(page_id) for _, page_id in rows})
    found = {}
    for doc_id, page_id in sorted(rows, key=lambda r: (int(r[0]), int(r[1]))):
        page = pages.get(int(page_id))
        if page is not None:
            found.setdefault(int(doc_id), []).append(page)
    return found
