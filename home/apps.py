from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "サイト全体"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
