"""A saved or deleted evaluation changes its facility's page and the list page: purge both
from the front-end cache (nothing is sent unless WAGTAILFRONTENDCACHE names a backend)."""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from facilities.models import FacilityPage

from .models import GroupHomeEvaluation, GroupHomeEvaluationIndexPage


def purge_evaluation_pages(sender, instance, **kwargs):
    pages = [
        *FacilityPage.objects.live().filter(pk=instance.facility_id),
        *GroupHomeEvaluationIndexPage.objects.live(),
    ]
    if pages:
        batch = PurgeBatch()
        batch.add_pages(pages)
        batch.purge()


def register_signal_handlers():
    for signal in (post_save, post_delete):
        signal.connect(
            purge_evaluation_pages,
            sender=GroupHomeEvaluation,
            dispatch_uid=f"evaluations_purge_{signal is post_save}",
        )
