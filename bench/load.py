"""Load benchmark: the demo site under gunicorn, driven by concurrent clients.

    .venv/bin/python bench/load.py [--duration 60] [--clients 8] [--warmup 5] [--workers N]

The run builds a temporary SQLite database (migrate, ``load_demo_content``),
collects the static files, and serves the site with gunicorn and
``deploy/gunicorn.conf.py`` under the production settings (DEBUG off, static
files through whitenoise) on a free port of 127.0.0.1. Client threads (Python's
standard library) then request the public pages in turn for the given time.
The report gives requests, errors, requests per second and latency percentiles,
overall and per page. The exit status is 1 if any request failed (a status
other than 200, or no answer). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCH_TERM = "相談支援"
# Variables of the operator's shell that would point the site elsewhere.
DROPPED_VARIABLES = (
    "MEDIA_STORAGE",
    "FRONTEND_CACHE_PURGE_URL",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_ZONE_ID",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
)


def public_urls():
    """(label, path) of the public pages to request, found in the demo site's database."""
    from council.models import MeetingArchivePage, MeetingPage, MeetingStatus, NewsIndexPage
    from facilities.models import FacilityIndexPage, FacilityPage
    from home.dates import fiscal_year
    from vacancies.models import VacancyPage

    def first(queryset, what):
        page = queryset.live().public().first()
        if page is None:
            raise LookupError(f"no published {what}: was the demo content loaded?")
        return page

    meeting = first(
        MeetingPage.objects.filter(status=MeetingStatus.HELD).order_by("-date"), "meeting"
    )
    facility = first(FacilityPage.objects.order_by("path"), "facility")
    service = facility.services.first()
    filters = urlencode({"muni": facility.municipality_id, "svc": service.service_type_id})
    archive = first(MeetingArchivePage.objects.all(), "meeting archive")
    return [
        ("home", "/"),
        ("meeting", meeting.url),
        ("meeting archive, 年度", f"{archive.url}?nendo={fiscal_year(meeting.date)}"),
        (
            "facility search, filters",
            f"{first(FacilityIndexPage.objects, 'ふくしマップ').url}?{filters}",
        ),
        ("facility", facility.url),
        ("空き情報", first(VacancyPage.objects, "空き情報 page").url),
        ("news", first(NewsIndexPage.objects, "news index").url),
        ("search", "/search/?" + urlencode({"q": SEARCH_TERM})),
        ("sitemap.xml", "/sitemap.xml"),
        ("Atom feed", "/feeds/atom.xml"),
    ]


# --- The site ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(workdir, port, workers=None):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "load-benchmark-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
            "VAR_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            # Plain HTTP on 127.0.0.1: no TLS proxy in front.
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
            "GUNICORN_ERROR_LOG": str(workdir / "error.log"),
        }
    )
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def prepare_site(env):
    """Migrate, load the demo content and collect static files; return the URLs to request."""
    os.environ.update(env)
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    try:
        with open(os.devnull, "w") as quiet:
            call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
            call_command("load_demo_content", stdout=quiet)
            call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
        return public_urls()
    finally:
        connections.close_all()


def start_gunicorn(env, workdir):
    with open(workdir / "gunicorn.out", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "cms.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_serving(process, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit status {process.returncode})")
        try:
            status, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- The clients -------------------------------------------------------------------------


def fetch(connection, path):
    connection.request("GET", path, headers={"User-Agent": "kodama-load-benchmark"})
    response = connection.getresponse()
    body = response.read()
    if response.will_close:
        connection.close()
    return response.status, body


@dataclass
class Results:
    latencies: dict = field(default_factory=dict)  # label -> [seconds]
    errors: dict = field(default_factory=dict)  # label -> count
    examples: list = field(default_factory=list)  # a few (label, what went wrong)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label, seconds, error=None):
        with self.lock:
            self.latencies.setdefault(label, []).append(seconds)
            if error:
                self.errors[label] = self.errors.get(label, 0) + 1
                if len(self.examples) < 10:
                    self.examples.append((label, error))


def drive(port, urls, clients, seconds, results=None):
    """Request ``urls`` in turn from ``clients`` threads for ``seconds``; return the wall time."""
    deadline = time.monotonic() + seconds

    def client(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = offset
        while time.monotonic() < deadline:
            label, path = urls[turn % len(urls)]
            turn += 1
            started = time.perf_counter()
            try:
                status, _ = fetch(connection, path)
                error = None if status == 200 else f"{path}: status {status}"
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                error = f"{path}: {type(exc).__name__}: {exc}"
            if results is not None:
                results.add(label, time.perf_counter() - started, error)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


# --- The report --------------------------------------------------------------------------


def percentile(ordered, p):
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def row(label, path, latencies, errors, elapsed):
    ordered = sorted(latencies)
    ms = [f"{percentile(ordered, p) * 1000:.0f}" for p in (50, 90, 99)]
    return (
        f"| {label} | {path} | {len(ordered)} | {errors} | {len(ordered) / elapsed:.1f} | "
        + " | ".join(ms)
        + f" | {ordered[-1] * 1000:.0f} |"
    )


def report(urls, results, elapsed):
    lines = [
        "| page | URL | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    everything = []
    for label, path in urls:
        latencies = results.latencies.get(label, [])
        everything += latencies
        if latencies:
            shown = f"`{unquote(path)}`"
            lines.append(row(label, shown, latencies, results.errors.get(label, 0), elapsed))
    total_errors = sum(results.errors.values())
    if everything:
        lines.append(row("**all pages**", "", everything, total_errors, elapsed))
    return "\n".join(lines), len(everything), total_errors


def machine():
    cores = os.cpu_count()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of measured load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of unmeasured load first")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="kodama-load-"))
    port = free_port()
    env = site_environment(workdir, port, args.workers)
    process = None
    try:
        print(f"Preparing the demo site in {workdir} …", flush=True)
        started = time.monotonic()
        urls = prepare_site(env)
        print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
        process = start_gunicorn(env, workdir)
        wait_until_serving(process, port)
        for label, path in urls:
            status, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=60), path)
            if status != 200:
                print(f"{label} {path}: status {status} before the run", file=sys.stderr)
                return 1
        if args.warmup > 0:
            drive(port, urls, args.clients, args.warmup)
        print(
            f"Measuring: {args.clients} clients for {args.duration:g} s "
            f"against gunicorn on 127.0.0.1:{port} …",
            flush=True,
        )
        results = Results()
        load_before = os.getloadavg()[0]
        elapsed = drive(port, urls, args.clients, args.duration, results)
        load_after = os.getloadavg()[0]
    finally:
        if process is not None:
            stop(process)
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    table, total, errors = report(urls, results, elapsed)
    # As deploy/gunicorn.conf.py counts them when GUNICORN_WORKERS is not set.
    workers = args.workers or min(2 * multiprocessing.cpu_count() + 1, 9)
    print()
    print(f"{dt.date.today():%Y-%m-%d}, {machine()}")
    print(
        f"gunicorn workers: {workers}; clients: {args.clients}; "
        f"measured: {elapsed:.1f} s after {args.warmup:g} s of warm-up"
    )
    print(f"load average (1 min) before the run: {load_before:.1f}, at its end: {load_after:.1f}")
    print(f"requests: {total}, errors: {errors}, requests per second: {total / elapsed:.1f}")
    print()
    print(table)
    for label, what in results.examples:
        print(f"error: {label}: {what}", file=sys.stderr)
    return 1 if errors or not total else 0


if __name__ == "__main__":
    sys.exit(main())
