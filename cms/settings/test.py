"""Test settings: fast hashing, plain static storage, in-memory cache."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    # Wagtail keeps renditions by image id; a later test's image with a reused id must not get
    # an earlier test's rendition.
    "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
# The page cache is off so that no test sees another's stored pages; tests/test_page_cache.py
# turns it on.
PAGE_CACHE_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Wagtail's autosave (a save request 0.5 s after each edit) off: the live server of the
# browser tests shares SQLite's in-memory connection between its threads, and an autosave
# running beside the test's own click fails there ("cannot open savepoint") or, on the
# new-page form, makes the page twice. The tests check the site's forms, not Wagtail's autosave.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# No network in tests: the booklet's cover map is drawn from the coordinates (tests that
# cover the tiles give a fetcher of their own).
BOOKLET_MAP_TILES = False
# Client.login() authenticates without a request, which django-axes refuses; logins
# through the login views are still throttled (tests/test_logins.py).
AUTHENTICATION_BACKENDS = [
    "editorial.logins.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The suite tests the two-factor requirement, whatever the developer's environment says.
TWO_FACTOR_REQUIRED = True
# On PostgreSQL the suite empties tables with DELETE instead of TRUNCATE (tests/postgresql).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
