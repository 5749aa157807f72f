from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """オープンデータ: the datasets page, their files and the read-only JSON API."""

    name = "opendata"
    verbose_name = "オープンデータ"
    default_auto_field = "django.db.models.BigAutoField"
    # The licence setting is typed by editors: control characters are removed on save.
    editor_text = True
    # Demo content, loaded by home.demo.
    demo_data = ["demo/opendata.yaml"]
