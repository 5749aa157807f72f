"""The daily reminder run in the background worker (tests run it at once)."""

from django_tasks import task

from . import reminders


@task()
def send_vacancy_reminders():
    """Send the vacancy reminders due today (Asia/Tokyo); returns the numbers sent, by kind."""
    return reminders.run()
