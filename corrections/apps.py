from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = "掲載内容の修正の依頼"
    default_auto_field = "django.db.models.BigAutoField"
    # The request text and the handler's note are cleaned before saving (home.signals).
    editor_text = True
