from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """日中サービス支援型グループホームの評価: the council's yearly evaluation of each
    day-service-type group home, its report to Saitama prefecture and the public list."""

    name = "evaluations"
    verbose_name = "グループホームの評価"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo: sample group homes, a meeting, the list page,
    # then the evaluations themselves.
    demo_data = [("demo/evaluations.yaml", "evaluations.demo_records.add_evaluations")]

    def ready(self):
        from .signals import register_signal_handlers

        register_signal_handlers()
