from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = "事業所担当"
    default_auto_field = "django.db.models.BigAutoField"
