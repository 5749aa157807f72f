from django.apps import AppConfig


class BookletConfig(AppConfig):
    name = "booklet"
    verbose_name = "ふくしマップの冊子"
    default_auto_field = "django.db.models.BigAutoField"
