"""Conditional GET for the feeds and the sitemap: ``ETag`` and ``Last-Modified``, and 304.

Feed readers and search engines ask for the same feed or sitemap again and again; with
``If-None-Match`` or ``If-Modified-Since`` they get 304 Not Modified and no body when nothing
changed. The same steps as Django's ``ConditionalGetMiddleware``, on these views only:

- ``ETag``: a hash of the body, so it changes with any change of what is sent.
- ``Last-Modified``: the latest recorded change of any page (``pages_changed_at``), not the
  newest item's date: unpublishing, moving or deleting a page or restricting it changes a
  feed or the sitemap without making any of its items newer, and Wagtail logs those actions
  in the page history. It may move on for changes that do not touch the answer (the answer
  is then sent again, which is harmless); it never stays behind a logged change.

A client that sends both headers is judged by the ETag alone (RFC 9110, 13.2.2). The page
cache (cms/pagecache.py) stores these headers with the answer and answers 304 from a stored
answer too.
"""

from django.db.models import Max
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date
from wagtail.models import Page, PageLogEntry


def pages_changed_at():
    """The time of the latest publication or logged action of any page, or None."""
    published = Page.objects.aggregate(latest=Max("last_published_at"))["latest"]
    logged = PageLogEntry.objects.aggregate(latest=Max("timestamp"))["latest"]
    return max((t for t in (published, logged) if t is not None), default=None)


def conditional_response(request, response):
    """``response`` with ETag and Last-Modified, or a 304 when the request's validators match."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    changed = pages_changed_at()
    last_modified = int(changed.timestamp()) if changed is not None else None
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    elif response.has_header("Last-Modified"):
        del response["Last-Modified"]
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )
