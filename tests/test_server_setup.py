"""The server set up for speed: persistent database connections, the gunicorn configuration,
the sitemap index and its pages, and 304 answers of the feeds and the sitemap."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k7Qz-3vN_pX9rT2mW8yB4cL6hJ1sD5fG0aE-uI7oP3qR9tY2wZ8xV4nM6bK1jH5g",
    "ALLOWED_HOSTS": "jiritsushien.example.jp",
    "DATABASE_URL": "postgres://kodama@/kodama",
    "WAGTAILADMIN_BASE_URL": "https://jiritsushien.example.jp",
}

PRINT_DATABASE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({"max_age": db["CONN_MAX_AGE"], "health": db["CONN_HEALTH_CHECKS"]}))
"""


def production_database(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "GUNICORN_"))}
    env.update(PRODUCTION_ENV, **extra)
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Production settings ------------------------------------------------------------------------


def test_production_keeps_database_connections_for_a_minute_with_health_checks():
    result = production_database()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"max_age": 60, "health": True}


def test_the_connection_age_comes_from_the_environment():
    result = production_database(DB_CONN_MAX_AGE="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"max_age": 0, "health": True}


@pytest.mark.parametrize("value", ["abc", "-5", "１０"])
def test_a_connection_age_that_is_no_number_is_a_clear_error(value):
    result = production_database(DB_CONN_MAX_AGE=value)
    assert result.returncode != 0
    assert "DB_CONN_MAX_AGE" in result.stderr and "0 以上の整数" in result.stderr


def test_development_opens_a_connection_per_request_unless_told():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == int(
        os.environ.get("DB_CONN_MAX_AGE", "0")
    )


# --- gunicorn -----------------------------------------------------------------------------------


def gunicorn_config(monkeypatch, **env):
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_preloads_the_app_and_does_not_recycle_workers(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["preload_app"] is True
    assert config["max_requests"] == 0 and config["max_requests_jitter"] == 0
    assert config["bind"] == "unix:/run/kodama/gunicorn.sock"
    assert config["timeout"] == 120


def test_gunicorn_recycling_and_preloading_can_be_set_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, GUNICORN_MAX_REQUESTS="50000", GUNICORN_PRELOAD="false")
    assert config["preload_app"] is False
    assert config["max_requests"] == 50000 and config["max_requests_jitter"] == 5000


def test_gunicorn_closes_the_masters_connections_before_each_fork(monkeypatch):
    from django.core.cache import caches
    from django.db import connections

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append("database"))
    monkeypatch.setattr(caches, "close_all", lambda: closed.append("caches"))
    config = gunicorn_config(monkeypatch)
    config["pre_fork"](server=None, worker=None)
    assert sorted(closed) == ["caches", "database"]
