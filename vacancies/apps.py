from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    """空き情報: monthly vacancy figures, their entry screens and the public page."""

    name = "vacancies"
    verbose_name = "空き情報"
    default_auto_field = "django.db.models.BigAutoField"
