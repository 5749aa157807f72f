from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    """ウェブアクセシビリティ方針 and 試験結果 (JIS X 8341-3:2016), and the yearly test run
    that ``manage.py accessibility_test`` makes with axe-core in Chromium."""

    name = "accessibility"
    verbose_name = "ウェブアクセシビリティ"
    default_auto_field = "django.db.models.BigAutoField"
    # Text typed into this app's models is cleaned before saving (home.text).
    editor_text = True
    # Demo content, loaded by home.demo after every other app's pages.
    demo_data = ["demo/accessibility.yaml"]
