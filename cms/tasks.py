"""Background work of the site-wide operation: purging the front cache of every public URL."""

from django_tasks import task
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, Site

from .cache import site_wide_urls


@task()
def purge_site_task():
    """Purge every live public page and the site-wide URLs (feeds, sitemap, open data) from
    the front cache: a snippet, a setting or a vacancy figure may show on any of them."""
    batch = PurgeBatch()
    for page in Page.objects.live().public().filter(depth__gt=1).specific(defer=True).iterator():
        batch.add_page(page)
    for site in Site.objects.all():
        batch.add_urls(site_wide_urls(site.root_url, site))
    batch.purge()
