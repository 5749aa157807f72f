from django.dispatch import receiver
from wagtail.signals import page_published

from .tasks import ALERT_PAGE_TYPES, send_page_alerts


@receiver(page_published, dispatch_uid="alerts_send_page_alerts")
def announce_published_page(sender, instance, **kwargs):
    if isinstance(instance, ALERT_PAGE_TYPES):
        send_page_alerts.enqueue(page_id=instance.pk)
