"""Production settings, security headers, Content-Security-Policy and front-end cache purging."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends import BaseBackend

from cms.security import origin_of
from tests.factories import NewsIndexPageFactory, NewsPageFactory

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k7Qz-3vN_pX9rT2mW8yB4cL6hJ1sD5fG0aE-uI7oP3qR9tY2wZ8xV4nM6bK1jH5g",
    "ALLOWED_HOSTS": "jiritsushien.example.jp",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "WAGTAILADMIN_BASE_URL": "https://jiritsushien.example.jp",
}

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
from django.core.files.storage import default_storage
print(json.dumps({
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_class": type(default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage).__name__,
    "options": settings.STORAGES["default"].get("OPTIONS", {}),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "docs_serve": getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None),
    "frontend_cache": settings.WAGTAILFRONTENDCACHE,
    "proxy_count": settings.TRUSTED_PROXY_COUNT,
    "proxy_header": settings.TRUSTED_PROXY_HEADER,
}))
"""


def production_settings(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("AWS_", "MEDIA_", "FRONTEND_CACHE", "CLOUDFLARE_", "TRUSTED_PROXY_", "LOGIN_CLIENT_")
        )
    }
    env.update(PRODUCTION_ENV)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_media_on_disk_by_default():
    result = production_settings()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["storage"] == "django.core.files.storage.FileSystemStorage"
    assert data["frontend_cache"] == {}


def test_media_on_s3_when_the_environment_says_so():
    result = production_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="kodama-media",
        AWS_S3_ENDPOINT_URL="https://s3.example-storage.jp",
        AWS_S3_REGION_NAME="jp-east-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret-example",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["storage"] == "storages.backends.s3.S3Storage"
    assert data["storage_class"] == "S3Storage"
    assert data["options"]["bucket_name"] == "kodama-media"
    assert data["options"]["endpoint_url"] == "https://s3.example-storage.jp"
    assert data["options"]["region_name"] == "jp-east-1"
    assert data["options"]["querystring_auth"] is False
    assert data["docs_serve"] == "serve_view"
    assert "https://s3.example-storage.jp" in data["img_src"]


def test_s3_without_a_bucket_name_is_a_clear_error():
    result = production_settings(MEDIA_STORAGE="s3")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "AWS_STORAGE_BUCKET_NAME にバケット名を設定してください" in result.stderr


def test_an_unknown_media_storage_is_a_clear_error():
    result = production_settings(MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE は disk か s3 にしてください" in result.stderr


def test_cache_purge_backends_come_from_the_environment():
    result = production_settings(
        FRONTEND_CACHE_PURGE_URL="http://127.0.0.1:8080",
        CLOUDFLARE_API_TOKEN="token-example",
        CLOUDFLARE_ZONE_ID="zone-example",
    )
    assert result.returncode == 0, result.stderr
    backends = json.loads(result.stdout)["frontend_cache"]
    assert backends["proxy"] == {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": "http://127.0.0.1:8080",
    }
    assert backends["cloudflare"]["ZONEID"] == "zone-example"

    result = production_settings(CLOUDFLARE_API_TOKEN="token-example")
    assert result.returncode != 0
    assert "CLOUDFLARE_ZONE_ID" in result.stderr


def test_no_proxy_is_trusted_unless_the_environment_says_so():
    data = json.loads(production_settings().stdout)
    assert data["proxy_count"] == 0
    assert data["proxy_header"] == "HTTP_X_FORWARDED_FOR"

    result = production_settings(TRUSTED_PROXY_COUNT="2", TRUSTED_PROXY_HEADER="X-Real-IP")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["proxy_count"] == 2
    assert data["proxy_header"] == "HTTP_X_REAL_IP"


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "１"])
def test_a_proxy_count_that_is_no_count_is_a_clear_error(value):
    result = production_settings(TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert (
        "TRUSTED_PROXY_COUNT は、前にあるプロキシの数(0 以上の整数)にしてください" in result.stderr
    )


def test_the_retired_client_ip_header_variable_is_a_clear_error():
    result = production_settings(LOGIN_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
    assert result.returncode != 0
    assert "LOGIN_CLIENT_IP_HEADER は使わなくなりました" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_check_deploy_is_clean():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TWO_FACTOR_REQUIRED")
    }
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Headers ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_pages_carry_the_security_headers_and_the_strict_policy(client, home_page):
    response = client.get(home_page.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = dict(
        (part.split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split("; ")
    )
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "https://cyberjapandata.gsi.go.jp" in policy["img-src"].split()


@pytest.mark.django_db
def test_the_admin_gets_its_own_policy(admin_client, home_page):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "default-src 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_tile_origin_follows_the_tile_url():
    assert (
        origin_of("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png")
        == "https://cyberjapandata.gsi.go.jp"
    )
    assert origin_of("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert origin_of("/tiles/{z}/{x}/{y}.png") == ""


def test_the_error_page_style_is_allowed_by_its_hash():
    template = (ROOT / "templates" / "500.html").read_text()
    styles = re.findall(r"<style>(.*?)</style>", template, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


def test_no_public_template_has_inline_script_style_or_handlers():
    folders = ["templates", "home/templates", "council/templates", "facilities/templates"]
    problems = []
    for folder in folders:
        for path in (ROOT / folder).rglob("*.html"):
            if "/admin/" in str(path) or path.name == "500.html":
                continue
            text = path.read_text()
            if re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
                problems.append(str(path.relative_to(ROOT)))
            for script in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in script and "application/ld+json" not in script:
                    problems.append(f"{path.relative_to(ROOT)}: {script}")
    assert problems == []


# --- Front-end cache purge ----------------------------------------------------------------------


class RecordingBackend(BaseBackend):
    """Test-only: keeps the URLs it was asked to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)

    def purge_batch(self, urls):
        self.purged.extend(urls)


@pytest.fixture
def recorder():
    RecordingBackend.purged = []
    with override_settings(
        WAGTAILFRONTENDCACHE={"test": {"BACKEND": "tests.test_production.RecordingBackend"}}
    ):
        yield RecordingBackend


@pytest.mark.django_db
def test_publishing_a_page_purges_it_and_the_pages_that_list_it(home_page, recorder):
    news_index = NewsIndexPageFactory(parent=home_page, slug="news")
    news = NewsPageFactory(parent=news_index, slug="kaisai")
    recorder.purged = []

    news.title = "研修会のお知らせ(更新)"
    news.save_revision().publish()

    base = "http://localhost"
    assert f"{base}/news/kaisai/" in recorder.purged
    assert f"{base}/news/" in recorder.purged
    assert f"{base}/" in recorder.purged
    assert f"{base}/sitemap.xml" in recorder.purged
    assert f"{base}/feeds/atom.xml" in recorder.purged

    recorder.purged = []
    news.unpublish()
    assert f"{base}/news/kaisai/" in recorder.purged
    assert f"{base}/news/" in recorder.purged


@pytest.mark.django_db
def test_nothing_is_purged_without_a_backend(home_page, settings):
    RecordingBackend.purged = []
    settings.WAGTAILFRONTENDCACHE = {}
    news_index = NewsIndexPageFactory(parent=home_page, slug="news")
    news_index.save_revision().publish()
    assert RecordingBackend.purged == []
