from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """Who may edit what: roles, approval, upload rules and the editors' dashboard."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "editorial"
    verbose_name = "編集の運用"

    def ready(self):
        from . import signals
        from .twofactor import checks  # noqa: F401  (registers the deploy check)

        signals.connect()
