"""A section page created after the roles were set up gets its permissions and workflow at once."""

from django.apps import apps
from django.db.models.signals import post_save

from . import roles


def attach_new_section(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        roles.attach_section(apps, instance, sender._meta.label)


def connect():
    for label in roles.SECTION_MODELS:
        post_save.connect(
            attach_new_section,
            sender=apps.get_model(label),
            dispatch_uid=f"editorial.attach_new_section.{label}",
        )
