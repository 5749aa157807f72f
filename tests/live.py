"""Marker for tests that run a live server (browser tests).

They need real transactions, so the database is flushed after each one.
Naming every installed app as ``available_apps`` makes Django skip the
post-migrate signal during that flush; ``conftest._restore_migration_data``
then brings back what the migrations had created before the next test.
"""

import pytest
from django.conf import settings

live_db = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
