from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Site-wide operation: purging the front-end cache of listings on publish."""

    name = "cms"
    verbose_name = "サイトの運用"

    def ready(self):
        from .cache import register_signal_handlers

        register_signal_handlers()
