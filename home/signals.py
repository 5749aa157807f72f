"""Keep the Japanese search index in step with publishing."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from . import search


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    search.index_page(instance)


@receiver(page_unpublished)
def drop_unpublished_page(sender, instance, **kwargs):
    search.remove_page(instance)
