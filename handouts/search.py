"""Handouts in the site search: the PDF pages (or files) whose text holds every word.

Matching is ``home.search``'s: the query is parsed by ``parse_query`` and each
folded word must occur in the folded text of one page (AND), a plain
``LIKE '%…%'``, narrowed by the index of ``home.substring``. Only documents of live, public pages take part; the number of
queries does not grow with the number of results.
"""

from council.models import MeetingHandout
from home import search, substring

from . import visibility
from .extract import extension
from .models import HANDOUT_TEXT, HandoutDocument, HandoutText

MAX_RESULTS = 20


def search_handouts(query, limit=MAX_RESULTS):
    """Up to ``limit`` matches (and whether there were more), the documents read last first."""
    if query.is_empty:
        return [], False
    # The documents that may be shown are a subquery of their own: joined to the pages'
    # text instead, they let PostgreSQL, which cannot tell how many pages a word is on,
    # pick a plan that compares every page with every document (seconds at 20,000 pages).
    visible = visibility.without_restricted_collections(
        HandoutDocument.objects.filter(document_id__in=visibility.visible_document_ids()),
        "document__",
    )
    rows = HandoutText.objects.filter(handout_id__in=visible.values("pk"))
    for term in query.terms:
        rows = rows.filter(substring.contains(HANDOUT_TEXT, term))
    rows = list(
        rows.only("handout_id", "page_number", "text").order_by("-handout_id", "page_number")[
            : limit + 1
        ]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    # Their documents by key, in a query of their own for the same reason.
    handouts = HandoutDocument.objects.select_related("document").in_bulk(
        {row.handout_id for row in rows}
    )
    for row in rows:
        row.handout = handouts[row.handout_id]
    document_ids = {row.handout.document_id for row in rows}
    pages = visibility.pages_of_documents(document_ids)
    page_ids = {page.pk for found in pages.values() for page in found}
    labels = {
        (handout.page_id, handout.document_id): handout
        for handout in MeetingHandout.objects.filter(
            document_id__in=document_ids, page_id__in=page_ids
        ).only("page_id", "document_id", "label", "title")
    }
    results = []
    for row in rows:
        document = row.handout.document
        found = pages.get(document.pk)
        if not found:
            continue
        page = found[0]
        handout = labels.get((page.pk, document.pk))
        if handout is not None and handout.label:
            name = f"{handout.label} {handout.title or document.title}"
            short = handout.label
        else:
            name = short = (handout.title if handout else "") or document.title
        is_pdf = extension(document.file.name) == "pdf"
        results.append(
            {
                "document": document,
                "page": page,
                "name": name,
                "page_number": row.page_number if is_pdf else None,
                "location": f"{short} p.{row.page_number}" if is_pdf else name,
                "url": f"{document.url}#page={row.page_number}" if is_pdf else document.url,
                "excerpt": search.excerpt(row.text, query.terms),
            }
        )
    return results, more
