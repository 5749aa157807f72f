from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "ふくしマップ"
    default_auto_field = "django.db.models.BigAutoField"
    # Demo content, loaded by home.demo. The vacancy page and its generated figures are one unit.
    demo_data = [
        "demo/fukushi-map.yaml",
        ("demo/vacancies.yaml", "facilities.vacancy_demo.add_figures"),
    ]

    def ready(self):
        from . import vacancy_admin, vacancy_csv  # noqa: F401  (admin hooks for vacancies)
