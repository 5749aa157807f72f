"""Purging the front-end cache (nginx, Varnish, Cloudflare) when pages change.

``wagtail.contrib.frontend_cache`` already purges a page's own URLs when it is
published or unpublished. The pages that list it change too: its parent (the
news list, the facility directory, a committee's meeting list), the home page
(latest news), the sitemap, the council's feeds and the open data page with its
dataset files. This module purges those. (The JSON API's answers, whose URLs carry
any query string, are not purged; they are shared for five minutes at most.)

A change of a page's privacy purges the page, the pages below it, the pages that
list it and the pages that show its data (``home.privacy``), as publishing does:
a front cache must not keep serving a page that has just been restricted.
Nothing is sent unless ``WAGTAILFRONTENDCACHE`` names a backend.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from wagtail import hooks
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from home.privacy import PAGES_SHOWING_DATA_OF_HOOK
from home.sitemaps import sitemap_paths
from opendata.datasets import DATASETS
from opendata.models import OpenDataPage

# Site-wide URLs whose content depends on the published pages.
LISTING_URL_NAMES = ["council_atom", "council_calendar"]


def listing_urls(page):
    """Absolute URLs of the pages and feeds that list ``page`` (not ``page`` itself)."""
    site = page.get_site()
    if site is None:
        return []
    root_url = site.root_url
    urls = []
    parent = page.get_parent()
    for listing in (parent, site.root_page):
        if listing is None or listing.depth < 2 or listing.pk == page.pk:
            continue
        url = listing.specific_deferred.get_full_url()
        if url and url not in urls:
            urls.append(url)
    urls.extend(site_wide_urls(root_url, site))
    return urls


def site_wide_urls(root_url, site=None):
    """The sitemap index and its pages, the council's feeds, the open data page and its files."""
    paths = sitemap_paths(site) if site is not None else [reverse("sitemap")]
    urls = [root_url + path for path in paths]
    for name in LISTING_URL_NAMES:
        try:
            urls.append(root_url + reverse(name))
        except NoReverseMatch:
            continue
    urls.extend(open_data_urls(root_url))
    return urls


def open_data_urls(root_url):
    """The open data page and every dataset file: any page may be in a dataset."""
    urls = [
        root_url + reverse("opendata_file", args=[dataset.slug, fmt])
        for dataset in DATASETS
        for fmt in dataset.formats
    ]
    page = OpenDataPage.objects.live().first()
    if page is not None:
        urls.append(page.get_full_url())
    return urls


def purge_listings(sender, instance, **kwargs):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    batch = PurgeBatch()
    batch.add_urls(listing_urls(instance))
    batch.purge()


def purge_after_privacy_change(sender, instance, **kwargs):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    page = instance.page
    pages = [page, *page.get_descendants().live().specific()]
    for hook in hooks.get_hooks(PAGES_SHOWING_DATA_OF_HOOK):
        pages.extend(hook(page))
    batch = PurgeBatch()
    batch.add_pages(pages)
    batch.add_urls(listing_urls(page))
    batch.purge()


def register_signal_handlers():
    page_published.connect(purge_listings, dispatch_uid="cms_purge_listings_published")
    page_unpublished.connect(purge_listings, dispatch_uid="cms_purge_listings_unpublished")
    for signal in (post_save, post_delete):
        signal.connect(
            purge_after_privacy_change,
            sender=PageViewRestriction,
            dispatch_uid=f"cms_purge_privacy_{signal is post_save}",
        )
