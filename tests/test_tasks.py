"""One task queue: the site's work and Wagtail's wait in the database for the worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, task

from tests.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _worker_in_the_test_transaction(worker_keeps_the_test_connection):
    pass


@task()
def add(a, b):
    return a + b


def test_tests_run_tasks_at_once():
    result = add.enqueue(2, 3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_queued_task_waits_for_the_worker_and_is_run_by_it():
    from django_tasks_db.models import DBTaskResult

    result = add.enqueue(20, 22)
    assert result.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
    assert DBTaskResult.objects.filter(task_path="tests.test_tasks.add").count() == 1


@override_settings(TASKS=DATABASE_QUEUE)
def test_wagtails_own_work_goes_through_the_same_queue(home_page):
    from django_tasks_db.models import DBTaskResult

    news = NewsPageFactory(parent=NewsIndexPageFactory(parent=home_page))
    news.save_revision().publish()
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "wagtail.tasks.update_reference_index_task" in queued
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
