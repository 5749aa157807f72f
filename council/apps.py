from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "協議会"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo.
    demo_data = ["demo/about.yaml", "demo/bodies.yaml", "demo/news.yaml"]
