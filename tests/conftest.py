import os
import shutil

import pytest

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
def home_page(db):
    from tests.factories import make_site_home

    return make_site_home()


@pytest.fixture
def live_home(django_db_serialized_rollback, transactional_db):
    """The site's home page for tests that run a live server.

    Serialized rollback restores what migrations created (root page,
    locale, collections, groups) after each test's flush.
    """
    from tests.factories import make_site_home

    return make_site_home()
