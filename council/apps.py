from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "協議会"
    default_auto_field = "django.db.models.BigAutoField"
