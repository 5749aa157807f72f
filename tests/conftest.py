import os
import shutil

import pytest

from tests.live import ensure_migration_data, requests_in_flight

# Playwright runs an event loop in the test thread; Django's ORM calls from
# the same tests are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Chromium が見つかりません: `apt-get install -y chromium` を実行してください。",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def client():
    """Django's test client; its logins end verified by the account's authenticator app."""
    from tests.twofactor import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def admin_client(db, admin_user):
    """A superuser logged in with password and code (pytest-django's, with the second factor)."""
    from tests.twofactor import VerifiedClient

    client = VerifiedClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def home_page(db):
    from tests.factories import make_site_home

    return make_site_home()


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker):
    """What migrations put in the test database (locale, root page, groups, taxonomies).

    Taken once, before any test that flushes the database runs.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _fresh_glossary_version():
    """The 用語集's version is kept in a cache that outlives each test's database rows
    (home.glossary): every test starts without it."""
    from home import glossary

    glossary.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_site_rows():
    """The sites are kept in a cache that outlives each test's database rows (home.sites):
    every test starts without them."""
    from home import sites

    sites.clear_cache()


@pytest.fixture(autouse=True)
def _restore_migration_data(request):
    """Put migration data back after a transactional (live server) test flushed it.

    Django's own serialized rollback cannot be used here: once Playwright's
    event loop runs in the test thread, Django keeps connections in context
    variables, and the fresh connection object lacks the serialized copy.
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server", "admin_client"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    data = request.getfixturevalue("migration_data")
    request.getfixturevalue("_django_db_helper")
    ensure_migration_data(data)


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """After a browser test, wait for the live server's last requests before the flush.

    Set up before the test's browser page and after its database, so it runs
    once the browser has closed and before the database is emptied (tests.live).
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    requests_in_flight.settle()


@pytest.fixture
def live_home(transactional_db):
    """The site's home page for tests that run a live server."""
    from tests.factories import make_site_home

    return make_site_home()


@pytest.fixture
def worker_keeps_the_test_connection(monkeypatch):
    """Run ``manage.py db_worker`` inside a test's transaction.

    The worker recycles database connections between tasks; inside a test's transaction
    that would close the connection the test runs in (on PostgreSQL; SQLite ignores it).
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
