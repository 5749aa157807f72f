"""Benchmark of the monthly vacancy reminders (offices/reminders.py) for 500 offices.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/reminders.py \
        [--offices 500] [--keep-db]

Seeds the facilities as bench/facility_search.py does (a fresh SQLite database in a
temporary directory unless DATABASE_URL is given), gives every facility a tracked
service and one office account with an e-mail address, then times three runs with
the console e-mail backend (its output is counted, not printed): the first reminder
day, the same day again (nothing is due), and the second reminder day with the
summary to 事務局. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import facility_search as seeding  # noqa: E402  (the same sample facilities)

LIMIT_SECONDS = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=500, help="offices (one facility each)")
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary SQLite database")
    args = parser.parse_args()
    args.debug = False
    return args


def seed_offices(index, count):
    """One office account per facility, each facility with a tracked service."""
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from wagtail.models import Site

    from editorial.roles import SECRETARIAT
    from facilities.models import FacilityPage, FacilityService
    from offices.models import OfficeAccount, VacancyReminderSettings
    from vacancies.models import VacancySettings

    tracked = VacancySettings.tracked_for_default_site()
    with transaction.atomic():
        facilities = list(FacilityPage.objects.child_of(index).order_by("path")[:count])
        has_tracked = set(
            FacilityService.objects.filter(
                page__in=facilities, service_type__in=tracked
            ).values_list("page_id", flat=True)
        )
        FacilityService.objects.bulk_create(
            [
                FacilityService(page_id=f.pk, service_type=tracked[n % len(tracked)], sort_order=9)
                for n, f in enumerate(facilities)
                if f.pk not in has_tracked
            ]
        )
        User.objects.filter(username__startswith="bench-office-").delete()
        User.objects.bulk_create(
            [
                User(username=f"bench-office-{n}", email=f"office{n}@example.jp")
                for n in range(len(facilities))
            ]
        )
        users = list(User.objects.filter(username__startswith="bench-office-").order_by("pk"))
        OfficeAccount.objects.bulk_create([OfficeAccount(user=u) for u in users])
        accounts = list(OfficeAccount.objects.filter(user__in=users).order_by("user_id"))
        OfficeAccount.facilities.through.objects.bulk_create(
            [
                OfficeAccount.facilities.through(officeaccount_id=a.pk, facilitypage_id=f.pk)
                for a, f in zip(accounts, facilities, strict=True)
            ]
        )
        jimu, _ = User.objects.get_or_create(
            username="bench-jimu", defaults={"email": "jimu@example.jp"}
        )
        jimu.groups.add(Group.objects.get(name=SECRETARIAT))
        setting = VacancyReminderSettings.for_site(Site.objects.get(is_default_site=True))
        setting.enabled, setting.reminder_day, setting.second_after_days = True, 10, 5
        setting.save()
    return len(accounts)


class CountingStream(io.TextIOBase):
    """Where the console backend writes: counts the characters instead of printing them."""

    def __init__(self):
        self.characters = 0

    def write(self, text):
        self.characters += len(text)
        return len(text)


def timed_run(day, month):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices import reminders

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    moment = dt.datetime(month.year, month.month, day, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    stream, stdout = CountingStream(), sys.stdout
    sys.stdout = stream
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            sent = reminders.run(moment)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        sys.stdout = stdout
    return {
        "day": day,
        "sent": sent,
        "seconds": seconds,
        "cpu": cpu,
        "queries": len(queries.captured_queries),
        "characters": stream.characters,
    }


def main():
    args = parse_args()
    tmpdir = seeding.setup_django(args)
    from django.db import connection
    from django.utils import timezone

    from offices.models import VacancyReminder
    from vacancies.models import month_start

    try:
        _, index = seeding.bench_site()
        seconds = seeding.seed(index, args.offices, seeding.Taxonomy())
        offices = seed_offices(index, args.offices)
        month = month_start(timezone.localdate())
        VacancyReminder.objects.filter(month=month).delete()  # left by an earlier run (--keep-db)
        print(
            f"database: {connection.vendor}, {offices:,} offices with one facility each "
            f"(seeding took {seconds:.1f} s), e-mail: console backend\n"
        )
        runs = [timed_run(10, month), timed_run(10, month), timed_run(15, month)]
        print("| run | first | second | summary | s | CPU s | queries | mail characters |")
        print("|--|--:|--:|--:|--:|--:|--:|--:|")
        labels = ["reminder day", "same day again", "second day + summary"]
        for label, run in zip(labels, runs, strict=True):
            sent = run["sent"]
            print(
                f"| {label} (day {run['day']}) | {sent['first']} | {sent['second']} "
                f"| {sent['summary']} | {run['seconds']:.2f} | {run['cpu']:.2f} "
                f"| {run['queries']} | {run['characters']:,} |"
            )
        load = os.getloadavg()[0]
        slowest = max(run["seconds"] for run in runs)
        print(f"\nload average {load:.1f} on {os.cpu_count()} cores; slowest run {slowest:.2f} s")
        if runs[0]["sent"]["first"] != offices or runs[2]["sent"]["second"] != offices:
            sys.exit("not every office was reminded")
        if slowest > LIMIT_SECONDS:
            sys.exit(f"too slow: {slowest:.1f} s > {LIMIT_SECONDS} s")
    finally:
        connection.close()
        if tmpdir is not None:
            if args.keep_db:
                print(f"\nkept: DATABASE_URL={os.environ['DATABASE_URL']}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
