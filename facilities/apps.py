from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "ふくしマップ"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import vacancy_admin, vacancy_csv  # noqa: F401  (admin hooks for vacancies)
