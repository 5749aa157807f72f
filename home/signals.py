"""Keep the Japanese search index in step with publishing; clean editors' text before saving."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import furigana, glossary, search, sites
from .text import clean_instance


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    search.index_page(instance)


@receiver(page_unpublished)
def drop_unpublished_page(sender, instance, **kwargs):
    search.remove_page(instance)


@receiver(pre_save)
def clean_editor_text(sender, instance, raw=False, **kwargs):
    """Every page, and every model of an app whose config says ``editor_text = True``
    (snippets, settings, inline rows, vacancy figures): see ``home.text``."""
    if raw:
        return
    if issubclass(sender, Page) or getattr(sender._meta.app_config, "editor_text", False):
        clean_instance(instance)


@receiver(post_save, sender="home.ReadingEntry")
@receiver(post_delete, sender="home.ReadingEntry")
def reading_dictionary_changed(sender, **kwargs):
    """A 読み仮名辞書 entry changed: the ふりがな cached in every process is stale."""
    furigana.dictionary_changed()


@receiver(post_save, sender="home.GlossaryTerm")
@receiver(post_delete, sender="home.GlossaryTerm")
@receiver(post_delete, sender="home.GlossaryPage")
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Site)
def glossary_changed(sender, **kwargs):
    """The terms, the 用語集 page, a view restriction or a site changed: the marks of the
    用語集 terms (home.glossary) cached in every process are stale."""
    glossary.glossary_changed()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def glossary_page_changed(sender, instance, **kwargs):
    from .models import GlossaryPage

    if issubclass(instance.specific_class or Page, GlossaryPage):
        glossary.glossary_changed()


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def site_changed(sender, **kwargs):
    """A site changed: the sites kept in the shared cache (home.sites) are stale."""
    sites.sites_changed()


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """A moved page may be a site's root: its place in the tree is kept with the sites."""
    sites.sites_changed()
