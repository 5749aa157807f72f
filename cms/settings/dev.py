"""Local development: `make run`."""

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEMO_ACCOUNTS = True
