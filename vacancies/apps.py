from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    """空き情報: monthly vacancy figures, their entry screens and the public page."""

    name = "vacancies"
    verbose_name = "空き情報"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo: the 空き情報 page, then generated figures.
    demo_data = [("demo/vacancies.yaml", "vacancies.demo_figures.add_figures")]
