"""Benchmark of ふりがな (home.furigana): demo pages with and without ruby.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/furigana.py [--repeat 30]

Builds a temporary SQLite database (migrate, load_demo_content), then requests
each page through Django's test client: without ruby, with ruby and a cold
cache (the per-text-node cache cleared before each request, so every text node
is analysed), and with ruby and a warm cache (as for the second visitor), in turn.
The page cache is off: it would answer every repeated request. Prints the
median of each and the ratio to the page without ruby. The first
request with ruby, which loads SudachiPy's dictionary, is reported on its own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pages():
    """(label, path) of demo pages with much Japanese text."""
    from council.models import ActivityReportPage, MeetingPage, MeetingStatus
    from facilities.models import FacilityPage
    from home.models import StandardPage

    def first(queryset):
        page = queryset.live().public().first()
        if page is None:
            raise LookupError("the demo content has no such page")
        return page.url

    return [
        ("home", "/"),
        (
            "meeting",
            first(MeetingPage.objects.filter(status=MeetingStatus.HELD).order_by("-date")),
        ),
        ("activity report", first(ActivityReportPage.objects.order_by("path"))),
        ("standard page", first(StandardPage.objects.order_by("path"))),
        ("facility", first(FacilityPage.objects.order_by("path"))),
    ]


def measure(client, path, repeat, clear_cache):
    """Median milliseconds of (no ruby, ruby cold, ruby warm), taken in turn so that
    a busy machine slows each alike; and the last response with ruby."""
    times = {"plain": [], "cold": [], "warm": []}
    for _ in range(repeat):
        for kind in times:
            client.cookies.clear()
            if kind != "plain":
                client.cookies["ruby"] = "1"
            if kind == "cold":
                clear_cache()
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost")
            times[kind].append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    return [statistics.median(t) * 1000 for t in times.values()], response


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="furigana-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["localhost"]
        # The rendering itself, not the page cache that answers a repeated request.
        settings.PAGE_CACHE_ENABLED = False
        from django.test import Client

        from home import furigana

        with open(os.devnull, "w") as quiet:
            call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
            call_command("load_demo_content", stdout=quiet)

        client = Client()
        targets = pages()
        # The first request with ruby loads SudachiPy's dictionary (once per process).
        started = time.perf_counter()
        client.get("/?ruby=1", HTTP_HOST="localhost")
        print(
            f"first request with ruby (loads the dictionary): {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        print(
            f"{'page':<16} {'main text':>9} {'ruby':>5} {'no ruby':>9} "
            f"{'ruby, cold':>17} {'ruby, warm':>17}"
        )
        for label, path in targets:
            (plain, cold, warm), response = measure(client, path, args.repeat, furigana.clear_cache)
            body = response.content.decode()
            main_html = re.search(r"<main.*?</main>", body, re.S).group(0)
            text = re.sub(r"<rt>.*?</rt>|<[^>]+>", "", main_html)
            print(
                f"{label:<16} {len(text):>7}字 {body.count('<ruby>'):>5} {plain:>7.1f}ms "
                f"{cold:>7.1f}ms (×{cold / plain:.2f}) {warm:>7.1f}ms (×{warm / plain:.2f})"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
