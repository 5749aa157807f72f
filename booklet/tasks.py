"""Building the booklet in the background worker (tests run it at once)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task
from wagtail.contrib.frontend_cache.utils import purge_page_from_cache, purge_url_from_cache

from .builder import build_booklet, map_index_page


@task()
def build_booklet_task(built_by_id=None):
    """Build and store a new booklet; returns its id."""
    user = get_user_model().objects.filter(pk=built_by_id).first() if built_by_id else None
    booklet = build_booklet(built_by=user)
    # The map page's link shows the newest booklet's date and size.
    index = map_index_page()
    purge_page_from_cache(index)
    site = index.get_site()
    if site is not None:
        purge_url_from_cache(site.root_url + download_path())
    return booklet.pk


def download_path():
    return reverse("booklet_download")
