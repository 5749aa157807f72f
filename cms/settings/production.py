"""Production settings: every secret and host-specific value comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL,
WAGTAILADMIN_BASE_URL. Optional: CSRF_TRUSTED_ORIGINS, MEDIA_ROOT,
STATIC_ROOT, SECURE_HSTS_SECONDS, DB_CONN_MAX_AGE, the e-mail settings, TRUSTED_PROXY_COUNT and
TRUSTED_PROXY_HEADER,
MEDIA_STORAGE=s3 with the AWS_* variables, FRONTEND_CACHE_PURGE_URL and
CLOUDFLARE_* for purging the front-end cache. docs/deploy.md lists them all.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403


def env(name, default=None, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"環境変数 {name} を設定してください。")
    return value


DEBUG = False
SECRET_KEY = env("SECRET_KEY", required=True)
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", required=True).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("環境変数 DATABASE_URL を設定してください。")

# Persistent database connections: each gunicorn worker keeps its connection for
# DB_CONN_MAX_AGE seconds (default 60) instead of opening one per request, which cost about
# 9 ms of PostgreSQL CPU a request and a third of the throughput. Django checks a kept
# connection before reusing it (CONN_HEALTH_CHECKS), so a restarted PostgreSQL costs one
# reconnect, not an error page. Chosen over psycopg's pool: the workers are synchronous with
# one thread each, so a pool per process would hold the same one connection with more parts.
DATABASES["default"]["CONN_MAX_AGE"] = database_conn_max_age("60")  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405

# How many reverse proxies stand in front (deploy/nginx.conf: 1) and the header they append
# the client's address to, for the login throttling (editorial/addresses.py). 0: REMOTE_ADDR.
if env("LOGIN_CLIENT_IP_HEADER"):
    raise ImproperlyConfigured(
        "環境変数 LOGIN_CLIENT_IP_HEADER は使わなくなりました。前にあるプロキシの数を "
        "TRUSTED_PROXY_COUNT に(nginx 1台なら 1)、ヘッダーを変えるときは TRUSTED_PROXY_HEADER に"
        "書いてください(docs/deploy.md)。"
    )
_proxy_count = env("TRUSTED_PROXY_COUNT", "0").strip()
if not (_proxy_count.isascii() and _proxy_count.isdigit()):
    raise ImproperlyConfigured(
        "環境変数 TRUSTED_PROXY_COUNT は、前にあるプロキシの数(0 以上の整数)にしてください"
        f"(今の値: {_proxy_count})。"
    )
TRUSTED_PROXY_COUNT = int(_proxy_count)
_proxy_header = env("TRUSTED_PROXY_HEADER", "X-Forwarded-For").strip().upper().replace("-", "_")
TRUSTED_PROXY_HEADER = (
    _proxy_header if _proxy_header.startswith("HTTP_") else "HTTP_" + _proxy_header
)

EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING["root"]["level"] = env("LOG_LEVEL", "INFO")  # noqa: F405

# --- Uploaded files: on disk (MEDIA_ROOT) or on S3-compatible storage -------------------------
MEDIA_STORAGE = env("MEDIA_STORAGE", "disk").strip().lower()
if MEDIA_STORAGE == "s3":
    try:
        import storages  # noqa: F401
    except ImportError as error:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 には django-storages と boto3 が必要です。"
            "`uv sync --extra s3` で入れてください。"
        ) from error
    if not env("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 のときは、環境変数 AWS_STORAGE_BUCKET_NAME にバケット名を設定してください。"
        )
    _s3_options = {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "access_key": env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
        "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
        "location": env("AWS_LOCATION", ""),
        # Image URLs are kept in cached pages, so they must not expire: the bucket (or
        # the custom domain in front of it) serves the files publicly.
        "querystring_auth": env("AWS_QUERYSTRING_AUTH", "false").lower() == "true",
        "file_overwrite": False,
        "default_acl": None,
    }
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options,
    }
    if _s3_options["custom_domain"]:
        _media_origin = "https://" + _s3_options["custom_domain"]
    elif _s3_options["endpoint_url"]:
        from cms.security import origin_of

        _media_origin = origin_of(_s3_options["endpoint_url"])
    else:
        _media_origin = "https://*.amazonaws.com"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)  # noqa: F405
    ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)  # noqa: F405
elif MEDIA_STORAGE != "disk":
    raise ImproperlyConfigured(
        f"環境変数 MEDIA_STORAGE は disk か s3 にしてください(今の値: {MEDIA_STORAGE})。"
    )

# --- The page cache (cms/pagecache.py) ---------------------------------------------------------
# REDIS_URL (redis://host:6379/0): Django's Redis cache, shared by every app server, so one
# change invalidates the pages of all of them. Without it the files under var/cache/pages/
# serve one server only. A Redis server that does not answer makes pages render uncached.
if env("REDIS_URL"):
    CACHES[PAGE_CACHE_ALIAS] = {  # noqa: F405
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "TIMEOUT": PAGE_CACHE_TIMEOUT,  # noqa: F405
        "KEY_PREFIX": env("PAGE_CACHE_KEY_PREFIX", "kodama"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }

# --- Front-end cache purge on publish -----------------------------------------------------------
# FRONTEND_CACHE_PURGE_URL: where the HTTP PURGE requests go (nginx with the cache-purge
# module or Varnish), e.g. http://127.0.0.1:8080. CLOUDFLARE_API_TOKEN with CLOUDFLARE_ZONE_ID
# adds Cloudflare. Neither set: nothing is purged.
WAGTAILFRONTENDCACHE = {}
if env("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
    }
if env("CLOUDFLARE_API_TOKEN"):
    if not env("CLOUDFLARE_ZONE_ID"):
        raise ImproperlyConfigured(
            "CLOUDFLARE_API_TOKEN を使うときは、環境変数 CLOUDFLARE_ZONE_ID も設定してください。"
        )
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_API_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }
