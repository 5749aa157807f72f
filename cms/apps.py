from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Site-wide operation: the page cache and purging the front-end cache on changes."""

    name = "cms"
    verbose_name = "サイトの運用"

    def ready(self):
        from . import cache, pagecache

        cache.register_signal_handlers()
        pagecache.register_signal_handlers()
