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


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker):
    """What migrations put in the test database (locale, root page, groups, taxonomies).

    Taken once, before any test that flushes the database runs.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


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
    from django.db import connection
    from wagtail.models import Locale

    if not Locale.objects.exists():
        _restore(connection, data)


def _restore(connection, data):
    """Load a serialized copy, content types first, one bulk insert per model.

    Saving row by row fires signal handlers that look up content types (and
    costs two queries a row); bulk inserts skip both, so a transactional test
    starts from migration state in a dozen queries.
    """
    import json
    from collections import defaultdict

    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import transaction

    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    rows = json.loads(data)
    first = [r for r in rows if r["model"] == "contenttypes.contenttype"]
    rest = [r for r in rows if r["model"] != "contenttypes.contenttype"]
    with transaction.atomic(), connection.constraint_checks_disabled():
        for chunk in (first, rest):
            by_model = defaultdict(list)
            relations = []
            for item in serializers.deserialize("json", json.dumps(chunk)):
                by_model[type(item.object)].append(item.object)
                relations.extend((item.object, name, ids) for name, ids in item.m2m_data.items())
            for model, objects in by_model.items():
                if model._meta.parents:
                    # Multi-table children (page types): their parent rows
                    # are in the data already; save the child table only.
                    for obj in objects:
                        obj.save_base(raw=True)
                else:
                    model._base_manager.bulk_create(objects)
            through_rows = defaultdict(list)
            for obj, name, ids in relations:
                field = obj._meta.get_field(name)
                through = field.remote_field.through
                source = field.m2m_field_name()
                target = field.m2m_reverse_field_name()
                through_rows[through].extend(
                    through(**{f"{source}_id": obj.pk, f"{target}_id": pk}) for pk in ids
                )
            for through, objects in through_rows.items():
                through._base_manager.bulk_create(objects)
    connection.check_constraints()
    ContentType.objects.clear_cache()


@pytest.fixture
def live_home(transactional_db):
    """The site's home page for tests that run a live server."""
    from tests.factories import make_site_home

    return make_site_home()
