"""Settings shared by every environment.

Anything secret or host-specific is read from the environment in
``production.py``; this module holds only safe defaults.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cms.security import origin_of

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "home",
    "council",
    "facilities",
    "vacancies",
    "evaluations",
    "opendata",
    "booklet",
    "alerts",
    "handouts",
    "corrections",
    "accessibility",
    "offices",
    "editorial",
    "operations",
    "cms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.table_block",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    # wagtail-modeladmin filters its listings by related fields with Django admin's filters.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "axes",
    "csp",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.security.PermissionsPolicyMiddleware",
    "cms.security.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS for the read-only API only (CORS_URLS_REGEX); before CommonMiddleware, as it asks.
    "corsheaders.middleware.CorsMiddleware",
    # Stored answers for anonymous visitors (cms/pagecache.py): before the session, CSRF and
    # authentication middlewares, which a stored answer does not need.
    "cms.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.middleware.VisitorCacheMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "offices.middleware.SuspendedOfficeAccountMiddleware",
    "editorial.twofactor.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_navigation",
                "home.context_processors.reading_aids",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"


def database_conn_max_age(default):
    """DB_CONN_MAX_AGE: seconds a process keeps its database connection (0: one per request).
    Development opens one per request; production keeps it a minute (production.py)."""
    value = os.environ.get("DB_CONN_MAX_AGE", default).strip()
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            "環境変数 DB_CONN_MAX_AGE は、接続を使い回す秒数(0 以上の整数、0 は使い回さない)"
            f"にしてください(今の値: {value})。"
        )
    return int(value)


# DATABASE_URL selects the database: a SQLite file under var/ by default,
# postgres://user:pass@host:port/name for PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=database_conn_max_age("0"),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Caches ----------------------------------------------------------------------------------
# "default": small things of one process (Django's local memory). "pages": the page cache
# (cms/pagecache.py), shared by every worker process: files under var/cache/pages/ on one
# server, Redis when REDIS_URL is set (production.py) so several servers share one cache
# and one invalidation. Stored answers are made unreachable by content changes, not by time;
# PAGE_CACHE_TIMEOUT only frees the space of old ones.
PAGE_CACHE_ALIAS = "pages"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    PAGE_CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
PAGE_CACHE_TIMEOUT = 24 * 60 * 60
# The reading aids' cookies: a page differs by their values, so each is part of the key.
# A value not listed (the default, or anything unknown) gives the default page's key.
PAGE_CACHE_VARY_COOKIES = ["text_size", "bg_color", "ruby"]
PAGE_CACHE_COOKIE_VALUES = {
    "text_size": ["large", "xlarge"],
    "bg_color": ["black", "blue"],
    "ruby": ["1"],
}
# Tracking parameters no view reads: a request with them is answered from the stored page
# without them (a page rendered for them is not stored: its links carry them).
PAGE_CACHE_IGNORED_PARAMETERS = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "fbclid",
    "gclid",
]

# --- Background work --------------------------------------------------------------------------
# One task queue for everything that takes more than a moment: Wagtail's own work (search and
# reference index, cache purge) and the site's (imports, PDF building, e-mail). Tasks wait in
# the database until the worker (`manage.py db_worker`, started by `make run`, a systemd unit in
# production) runs them. Tests run them immediately (cms/settings/test.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Logins -------------------------------------------------------------------------------
# Failed logins (admin and the front-end login for private pages) are throttled by
# django-axes, wrong passwords for password-protected pages by editorial/page_passwords.py;
# editorial/logins.py explains the limits, docs/deploy.md why they are what they are.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_COOL_OFF = timedelta(minutes=30)
LOGIN_ACCOUNT_FAILURE_LIMIT = 5  # the same account (or protected page) from the same address
LOGIN_ADDRESS_FAILURE_LIMIT = 20  # one address, over any accounts (or protected pages)
LOGIN_DAILY_PERIOD = timedelta(hours=24)
LOGIN_ACCOUNT_DAILY_FAILURE_LIMIT = 20  # one account, from any addresses
PAGE_PASSWORD_DAILY_FAILURE_LIMIT = 100  # one protected page, from any addresses
# The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT reverse proxies in front,
# the address the outermost of them (the one the client reached) wrote into
# TRUSTED_PROXY_HEADER (editorial/addresses.py).
TRUSTED_PROXY_COUNT = 0
TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
AXES_HANDLER = "editorial.logins.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "editorial.logins.failure_limit"
AXES_COOLOFF_TIME = LOGIN_COOL_OFF
AXES_LOCKOUT_CALLABLE = "editorial.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "editorial.addresses.client_address"
AXES_USERNAME_CALLABLE = "editorial.logins.client_username"
# A successful login would clear every failure from its address, including other
# accounts' failures; they expire with the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"


# --- Two-factor login (editorial/twofactor/) ------------------------------------------------
# A code from an authenticator app, after the password, for every account that can reach the
# admin: compulsory for the roles editorial/roles.py marks and for superusers, offered to the
# others. TWO_FACTOR_REQUIRED=false lifts the compulsion on a developer's own machine only;
# `check --deploy` warns while it is off.
def env_flag(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false"):
        raise ImproperlyConfigured(
            f"環境変数 {name} は true か false にしてください(今の値: {value})。"
        )
    return value == "true"


TWO_FACTOR_REQUIRED = env_flag("TWO_FACTOR_REQUIRED", True)
# One account per role with a random password (manage.py create_demo_accounts, run by
# `make run`), so a newcomer can walk through the approval. Only the demo (dev.py) turns it on.
DEMO_ACCOUNTS = False
# The page cache (cms/pagecache.py, CACHES above): on unless PAGE_CACHE_ENABLED=false.
PAGE_CACHE_ENABLED = env_flag("PAGE_CACHE_ENABLED", True)
# A wrong code makes the next try wait 1, 2, 4, 8… seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after a working day (8 hours from login, not extended by activity)
# and when the browser is closed, so a shared office computer does not stay logged in.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views override this with SAMEORIGIN
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "midi",
        "accelerometer",
        "gyroscope",
        "magnetometer",
        "browsing-topics",
    )
}

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ja", "日本語")]
# Everyone works in Japan: no time zone to choose (and no list of English zone names).
WAGTAIL_USER_TIME_ZONES = ["Asia/Tokyo"]
WAGTAILADMIN_USER_LOGIN_FORM = "editorial.login_form.LoginForm"
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "児玉郡市自立支援協議会"
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # the name authenticator apps show next to the code
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Uploads: documents and images are checked by content in editorial/uploads.py.
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "csv"]
# Documents always go through Django, so the privacy of the pages they belong to applies
# (home/wagtail_hooks.py); nginx serves no file under media/documents/.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "editorial.forms.DocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("DOCUMENT_MAX_UPLOAD_SIZE_MB", "20")) * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "editorial.forms.ImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("IMAGE_MAX_UPLOAD_SIZE_MB", "10")) * 1024 * 1024
# 40 million pixels: a 7,000 x 5,700 camera photo still fits.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", "40000000"))
# Archives are unpacked only within these bounds (home/archives.py): the uploaded
# Word, Excel and OpenDocument files (ZIP), and the backups given to `restore` (tar.gz).
# A ratio is unpacked bytes per packed byte; XML parts of real documents stay well under 100.
UPLOAD_ARCHIVE_LIMITS = {
    "max_entries": int(os.environ.get("UPLOAD_ARCHIVE_MAX_ENTRIES", "10000")),
    "max_entry_bytes": int(os.environ.get("UPLOAD_ARCHIVE_MAX_ENTRY_MB", "200")) * 1024 * 1024,
    "max_total_bytes": int(os.environ.get("UPLOAD_ARCHIVE_MAX_TOTAL_MB", "500")) * 1024 * 1024,
    "max_ratio": int(os.environ.get("UPLOAD_ARCHIVE_MAX_RATIO", "100")),
}
BACKUP_ARCHIVE_LIMITS = {
    "max_entries": int(os.environ.get("BACKUP_MAX_ENTRIES", "100000")),
    "max_entry_bytes": int(os.environ.get("BACKUP_MAX_ENTRY_MB", "1024")) * 1024 * 1024,
    "max_total_bytes": int(os.environ.get("BACKUP_MAX_TOTAL_GB", "20")) * 1024 * 1024 * 1024,
    "max_ratio": int(os.environ.get("BACKUP_MAX_RATIO", "200")),
}
# Rich text offers only what static/css/site.css styles; home.blocks takes the list from here.
RICH_TEXT_FEATURES = ["bold", "link", "document-link", "ol", "ul"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": RICH_TEXT_FEATURES},
    }
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The English banner about Wagtail's new release; the dashboard links to this site's own guide.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ふくしマップ: map tiles (GSI 地理院タイル by default; any XYZ template works).
FACILITY_MAP_TILE_URL = os.environ.get(
    "FACILITY_MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
FACILITY_MAP_ATTRIBUTION = os.environ.get(
    "FACILITY_MAP_ATTRIBUTION",
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
)
FACILITY_MAP_CENTER = (36.215, 139.15)
# The markers JSON lists at most this many facilities one by one; above it, it groups them on a
# grid (facilities/models/search.py), so its size stays bounded whatever the number of facilities.
FACILITY_MAP_MAX_MARKERS = 400

# --- The read-only JSON API (opendata/api.py, /api/v1/) -------------------------------------
# Any site may read it from a browser: GET only, no cookies sent across origins.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# The printed ふくしマップ (booklet/): its cover map fetches the tiles above when this is on,
# each within BOOKLET_MAP_TILE_TIMEOUT seconds; a tile that fails or is late means a map of
# the points alone.
BOOKLET_MAP_TILES = os.environ.get("BOOKLET_MAP_TILES", "1") != "0"
BOOKLET_MAP_TILE_TIMEOUT = 5
BOOKLET_MAP_TILES_DEADLINE = 15

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Public pages: scripts, styles, fonts and data from the site only; images also from the
# map tile server. JSON-LD blocks are data, not scripts, and need no exception. The inline
# style of the 500 page (which must work without static files) is allowed by its hash.
ERROR_PAGE_STYLE_HASH = "'sha256-TieZ6dsta7xBMto3LMp8gIUTl16nHoW7fzIV9s8CmP0='"
_map_tile_origin = origin_of(FACILITY_MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", ERROR_PAGE_STYLE_HASH],
        "img-src": ["'self'"] + ([_map_tile_origin] if _map_tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin (and its previews) use inline scripts and styles, so its policy allows
# them but still keeps every resource on the site itself (plus the map tiles for the
# location picker), blocks plugins and foreign form targets. Every directive is named:
# django-csp would otherwise fall back to default-src 'self' and block the admin's scripts.
ADMIN_URL_PREFIXES = ["/admin/"]
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"] + ([_map_tile_origin] if _map_tile_origin else []),
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# Editors' avatars are not fetched from Gravatar: their e-mail hashes stay on the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
