from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "ふくしマップ"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo.
    demo_data = [("demo/fukushi-map.yaml", "facilities.demo_import.import_sample")]
