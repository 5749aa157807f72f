from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backup and restore."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "operations"
    verbose_name = "サイトの運用"
