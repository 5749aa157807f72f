from django.apps import AppConfig


class HandoutsConfig(AppConfig):
    name = "handouts"
    verbose_name = "資料の中の文字"
    default_auto_field = "django.db.models.BigAutoField"
    demo_data = [("demo/handouts.yaml", "handouts.demo_handouts.add_handouts")]

    def ready(self):
        from . import signals

        signals.connect()
