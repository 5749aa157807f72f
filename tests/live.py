"""Marker for tests that run a live server (browser tests).

They need real transactions, so the database is flushed after each one.
Naming every installed app as ``available_apps`` makes Django skip the
post-migrate signal during that flush; ``conftest._restore_migration_data``
then brings back what the migrations had created before the next test.
"""

import threading
import time

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started

live_db = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))


class _RequestsInFlight:
    """Requests the live server has started and not yet finished.

    A browser closed at the end of a test may still send a request (the admin
    releases its editing session with a beacon when a page is left). If the
    live server handles it while the database is flushed, SQLite refuses the
    flush ("database table is locked") and the next test starts from the last
    one's rows; ``settle`` waits for such stragglers before the flush.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0
        self.last = 0.0

    # The live server answers each request in a thread of its own; the test
    # client's requests run in the test's (main) thread and are not counted.
    def started(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self._lock:
            self.count += 1
            self.last = time.monotonic()

    def finished(self, **kwargs):
        if threading.current_thread() is threading.main_thread():
            return
        with self._lock:
            self.count = max(0, self.count - 1)
            self.last = time.monotonic()

    def settle(self, quiet=0.2, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.count == 0 and time.monotonic() - self.last >= quiet:
                    return
            time.sleep(0.02)
        with self._lock:
            self.count = 0
        raise AssertionError(f"ライブサーバーの処理が {timeout:.0f} 秒たっても終わりません。")


requests_in_flight = _RequestsInFlight()
request_started.connect(requests_in_flight.started, weak=False)
request_finished.connect(requests_in_flight.finished, weak=False)


def ensure_migration_data(data):
    """Bring back what migrations created if a flush removed it (see conftest)."""
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


def wait_until(page, expression, arg=None, timeout=30.0):
    """Poll ``expression`` (or a function string called with ``arg``) until it is truthy.

    Playwright's ``wait_for_function`` runs its predicate through the page's ``eval``, which
    the site's Content-Security-Policy refuses; ``page.evaluate`` is not bound by it.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression) if arg is None else page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{timeout:.0f} 秒待っても次が成り立ちません: {expression}")
        page.wait_for_timeout(50)
