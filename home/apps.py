from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "サイト全体"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo (see there for the format).
    demo_data = ["demo/site.yaml", "demo/pages.yaml", "demo/plain.yaml"]

    def ready(self):
        from . import signals  # noqa: F401
