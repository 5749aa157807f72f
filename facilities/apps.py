from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "ふくしマップ"
    default_auto_field = "django.db.models.BigAutoField"
    # Demo content, loaded by home.demo.
    demo_data = [("demo/fukushi-map.yaml", "facilities.demo_import.import_sample")]
