"""Benchmark suite: every public page type of the demo site, uncached and cached, against a bare
Django view (the floor) and nginx serving a static file (the ceiling), in one run.

    .venv/bin/python bench/suite.py [--duration 5] [--connections 8] [--database-url URL]
                                    [--write-readme]

The run builds the demo site in a temporary directory (a new SQLite database, or the empty
database of ``--database-url``; migrate, ``load_demo_content``, collectstatic), then serves it
with gunicorn, ``deploy/gunicorn.conf.py`` and the production settings (bench/suite_settings.py
adds only the floor view and a CPU header), first with the page cache off, then on. With nginx
installed, it also serves a static file from nginx and every page through nginx's proxy cache,
configured as deploy/nginx.conf. For each URL it reports requests per second, latency p50/p99,
the server's CPU time per request (gunicorn workers, the PostgreSQL backends, nginx workers)
and the ratio of its requests per second to the floor's. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402 (needs ROOT on the path)

SETTINGS = "bench.suite_settings"
FLOOR_LABEL = "floor: bare Django view"
CEILING_LABEL = "ceiling: nginx static file"
FLOOR_PATH = "/bench-floor/"  # bench/suite_site.py
FACILITY_KEYWORD = "就労"
SITE_SEARCH_TERM = load.SEARCH_TERM
# gunicorn's access log, one line a request: status, the CPU header, the page cache's header.
ACCESS_LOG_FORMAT = "%(s)s %({x-bench-cpu-us}o)s %({x-page-cache}o)s"
MIN_REQUESTS = 20
MAX_DURATION = 40.0  # seconds
CPU_TARGET_MS = 10.0
FACILITY_SEARCH_CPU_TARGET_MS = 20.0
CACHED_TO_FLOOR_TARGET = 0.5
NGINX_CACHE_TO_STATIC_TARGET = 0.8
README = ROOT / "bench" / "README.md"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- The pages -----------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    path: str
    facility_search: bool = False


def suite_urls():
    """One live public page of each specific page type (the first in the tree), then the
    facility search with filters and with a keyword, the site search, the Atom feed and the
    sitemap."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from council.models import MeetingArchivePage, MeetingPage, MeetingStatus
    from facilities.models import FacilityIndexPage, FacilityPage
    from home.dates import fiscal_year

    pages = Page.objects.live().public().exclude(depth=1)
    targets = []
    for content_type_id in sorted(set(pages.values_list("content_type", flat=True))):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = pages.filter(content_type_id=content_type_id).order_by("path").first().specific
        label = f"{model._meta.verbose_name} ({model.__name__})"
        targets.append(Target(label, page.url, facility_search=model is FacilityIndexPage))

    index = FacilityIndexPage.objects.live().public().first()
    facility = FacilityPage.objects.live().public().order_by("path").first()
    if index is None or facility is None:
        raise LookupError("no published ふくしマップ: was the demo content loaded?")
    service = facility.services.first()
    filters = urlencode({"muni": facility.municipality_id, "svc": service.service_type_id})
    archive = MeetingArchivePage.objects.live().public().first()
    meeting = (
        MeetingPage.objects.live().public().filter(status=MeetingStatus.HELD).order_by("-date")
    ).first()
    if archive is not None and meeting is not None:
        nendo = fiscal_year(meeting.date)
        targets.append(Target("meeting archive, 年度 filter", f"{archive.url}?nendo={nendo}"))
    targets += [
        Target("facility search, filters", f"{index.url}?{filters}", facility_search=True),
        Target(
            "facility search, keyword",
            f"{index.url}?{urlencode({'q': FACILITY_KEYWORD})}",
            facility_search=True,
        ),
        Target("site search", "/search/?" + urlencode({"q": SITE_SEARCH_TERM})),
        Target("Atom feed", "/feeds/atom.xml"),
        Target("sitemap.xml", "/sitemap.xml"),
    ]
    return targets


# --- The site ------------------------------------------------------------------------------------


def site_environment(workdir, port, database_url, workers):
    env = load.site_environment(workdir, port, workers)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if database_url:
        env["DATABASE_URL"] = database_url
    # Longer than the run: each worker keeps one PostgreSQL backend, whose CPU time is read
    # from /proc (production keeps them 60 s; a reconnect a minute would change nothing else).
    env["DB_CONN_MAX_AGE"] = "3600"
    return env


def prepare_site(env):
    """Migrate, load the demo content and collect static files; return the targets."""
    os.environ.update(env)
    import django
    from django.core.management import call_command
    from django.db import connection, connections

    django.setup()
    try:
        if connection.introspection.table_names():
            raise SystemExit(
                f"{env['DATABASE_URL']} is not empty: give a new database (createdb) to the suite"
            )
        with open(os.devnull, "w") as quiet:
            call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
            call_command("load_demo_content", stdout=quiet)
            call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
        return suite_urls()
    finally:
        connections.close_all()


def start_gunicorn(env, workdir, name):
    log = workdir / f"{name}.access.log"
    with open(workdir / f"{name}.out", "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                str(log),
                "--access-logformat",
                ACCESS_LOG_FORMAT,
                "cms.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.access_log = log
    return process


def get(port, path, headers=None):
    # Long: requests that the load generator left behind at the end of its seconds are still
    # in the workers' queue on a busy machine.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers={"User-Agent": "kodama-suite", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["body-length"] = len(body)
        return response.status, headers
    finally:
        connection.close()


# --- nginx -----------------------------------------------------------------------------------------


def nginx_binary():
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def nginx_config(workdir, nginx_port, app_port):
    """deploy/nginx.conf's static files and proxy cache, on 127.0.0.1 without TLS, every path in
    the temporary directory."""
    user = "user root;" if os.geteuid() == 0 else ""
    modules = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = workdir / "nginx"
    return f"""{user}
worker_processes auto;
daemon off;
pid {temp}/nginx.pid;
error_log {temp}/error.log;
events {{ worker_connections 1024; }}
http {{
    {modules}
    access_log {temp}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    proxy_cache_path {temp}/cache levels=1:2 keys_zone=kodama:20m max_size=1g inactive=1h use_temp_path=off;
    upstream kodama_app {{ server 127.0.0.1:{app_port} fail_timeout=0; }}
    server {{
        listen 127.0.0.1:{nginx_port};
        location /static/ {{
            root {workdir};
            expires 1h;
            add_header X-Content-Type-Options nosniff;
            access_log off;
        }}
        location / {{
            proxy_pass http://kodama_app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_redirect off;
            proxy_cache kodama;
            proxy_cache_key "$host$request_uri";
            proxy_cache_valid 200 10m;
            proxy_cache_methods GET HEAD;
            proxy_cache_bypass $cookie_sessionid $http_authorization $cookie_text_size $cookie_bg_color $cookie_ruby;
            proxy_no_cache $cookie_sessionid $http_authorization $cookie_text_size $cookie_bg_color $cookie_ruby;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def start_nginx(binary, workdir, nginx_port, app_port):
    (workdir / "nginx").mkdir(exist_ok=True)
    config = workdir / "nginx" / "nginx.conf"
    config.write_text(nginx_config(workdir, nginx_port, app_port))
    with open(workdir / "nginx" / "out", "wb") as out:
        return subprocess.Popen(
            [binary, "-c", str(config), "-p", str(workdir / "nginx")],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def static_file_path(workdir):
    """The site stylesheet under its hashed name, as the pages link it."""
    import json

    manifest = json.loads((workdir / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


# --- CPU time from /proc --------------------------------------------------------------------------


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


class CPUMeter:
    """CPU time of the server's processes: gunicorn's workers, the database's backends for the
    suite's database (PostgreSQL: the same machine), nginx's workers."""

    def __init__(self, gunicorn=None, nginx=None):
        self.gunicorn = gunicorn
        self.nginx = nginx

    def db_pids(self):
        from django.db import connection

        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            return [pid for (pid,) in cursor.fetchall()]

    def snapshot(self):
        groups = {
            "app": children(self.gunicorn.pid) if self.gunicorn else [],
            "db": self.db_pids(),
            "nginx": children(self.nginx.pid) if self.nginx else [],
        }
        return {
            group: {pid: ticks for pid in pids if (ticks := cpu_ticks(pid)) is not None}
            for group, pids in groups.items()
        }

    @staticmethod
    def used_ms(before, after):
        """CPU milliseconds per group between two snapshots (a process that started in between
        counts from zero; one that ended is lost, which DB_CONN_MAX_AGE avoids)."""
        return {
            group: sum(ticks - before[group].get(pid, 0) for pid, ticks in after[group].items())
            * 1000
            / CLOCK_TICKS
            for group in after
        }


# --- The load ------------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    latencies: list = field(default_factory=list)


def wrk_binary():
    return shutil.which("wrk")


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output, seconds):
    """requests, errors and the latency percentiles from `wrk --latency`'s report."""

    def number(pattern, default=0):
        match = re.search(pattern, output)
        return int(match.group(1)) if match else default

    def latency(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(match.group(1)) * WRK_UNITS[match.group(2)] if match else float("nan")

    requests = number(r"(\d+) requests in")
    took = re.search(r"requests in ([\d.]+)(us|ms|s|m),", output)
    if took:
        seconds = float(took.group(1)) * WRK_UNITS[took.group(2)] / 1000
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Load(
        requests=requests,
        errors=number(r"Non-2xx or 3xx responses: (\d+)") + socket_errors,
        seconds=seconds,
        p50_ms=latency(50),
        p99_ms=latency(99),
    )


def run_wrk(port, path, connections, seconds):
    command = [
        wrk_binary(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "60s",
        "-H",
        "User-Agent: kodama-suite",
        f"http://127.0.0.1:{port}{path}",
    ]
    started = time.monotonic()
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    result = parse_wrk(finished.stdout, time.monotonic() - started)
    if not result.requests:
        print(f"wrk {path}: no request answered:\n{finished.stdout}{finished.stderr}", flush=True)
    return result


def run_threads(port, path, connections, seconds):
    """The same load from Python threads, when wrk is not installed (it takes more of the CPU)."""
    deadline = time.monotonic() + seconds
    result = Load()
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, errors = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _ = load.fetch(connection, path)
                errors += status != 200
            except (OSError, http.client.HTTPException):
                connection.close()
                errors += 1
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            result.latencies += mine
            result.errors += errors

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    ordered = sorted(result.latencies)
    result.requests = len(ordered)
    if ordered:
        result.p50_ms = load.percentile(ordered, 50) * 1000
        result.p99_ms = load.percentile(ordered, 99) * 1000
    return result


# --- One measurement --------------------------------------------------------------------------


@dataclass
class Row:
    section: str
    label: str
    path: str
    load: Load
    cpu_ms: dict  # group -> CPU ms per request (mean)
    app_median_ms: float | None = None  # per request, from the CPU header
    cache: str = ""  # what the page cache / nginx answered
    facility_search: bool = False
    kb: float | None = None  # the response body
    floor_rate: float | None = None  # the floor's req/s, measured just before this row
    static_rate: float | None = None  # nginx's static file's req/s, measured just before

    @property
    def rate(self):
        return self.load.requests / self.load.seconds if self.load.seconds else 0.0


def read_access_log(log, offset):
    """(new offset, [(status, cpu µs, page cache)]) of the lines written since ``offset``."""
    with open(log, "rb") as handle:
        handle.seek(offset)
        data = handle.read()
    lines = data.decode("utf-8", "replace").splitlines()
    entries = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            entries.append((parts[0], int(parts[1]), parts[2]))
    return offset + len(data), entries


class Runner:
    def __init__(self, args, meter, server=None):
        self.args = args
        self.meter = meter
        self.server = server  # the gunicorn process whose access log has the CPU header
        self.offset = 0

    def drive(self, port, path, seconds):
        if self.args.client == "wrk":
            return run_wrk(port, path, self.args.connections, seconds)
        return run_threads(port, path, self.args.connections, seconds)

    def warm(self, port, path):
        """Every worker answers the URL a few times (its templates compiled, its caches
        filled), each request awaited; then the load itself for ``--warmup`` seconds."""
        threads = [
            threading.Thread(target=lambda: [get(port, path) for _ in range(3)])
            for _ in range(self.args.workers_running)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.args.warmup > 0:
            self.drive(port, path, self.args.warmup)
            wait_until_idle(port, path)

    def measure(self, section, label, path, port, facility_search=False, cache=""):
        self.warm(port, path)
        # A slow page on a busy machine may answer only a few requests in the given seconds:
        # the run then measures it again for twice as long, up to MAX_DURATION.
        duration = self.args.duration
        while True:
            if self.server is not None:
                self.offset = os.path.getsize(self.server.access_log)
            before = self.meter.snapshot()
            result = self.drive(port, path, duration)
            # The requests still in the workers' queue when the load generator stopped are
            # answered (and counted from the access log) before the CPU time is read.
            wait_until_idle(port, path)
            time.sleep(0.3)  # the workers write their last log lines
            after = self.meter.snapshot()
            entries = []
            if self.server is not None:
                self.offset, entries = read_access_log(self.server.access_log, self.offset)
            if result.requests >= MIN_REQUESTS or duration * 2 > MAX_DURATION:
                break
            duration *= 2
        used = CPUMeter.used_ms(before, after)
        answered = len(entries) if self.server is not None else result.requests
        per_request = {g: ms / answered for g, ms in used.items()} if answered else {}
        row = Row(
            section, label, path, result, per_request, cache=cache, facility_search=facility_search
        )
        if self.server is not None:
            cpu = [us / 1000 for status, us, _ in entries if status == "200"]
            if cpu:
                row.app_median_ms = statistics.median(cpu)
            kinds = sorted({kind for _, _, kind in entries if kind != "-"})
            if kinds and not cache:
                row.cache = "/".join(kinds)
        print(
            f"  {section}: {label}: {row.rate:.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"app {per_request.get('app', 0):.2f} ms/req",
            flush=True,
        )
        return row


def wait_until_idle(port, path):
    """Until the server has answered what the load generator left in its queue."""
    get(port, path)


def check(port, target_path):
    """The headers of a 200 answer to ``target_path`` (and the body's length)."""
    status, headers = get(port, target_path)
    if status != 200:
        raise RuntimeError(f"{target_path}: status {status}")
    return headers


def serve_phase(args, env, workdir, targets, section, cached):
    """Start gunicorn with the page cache on or off, measure the floor and every target."""
    env = {**env, "PAGE_CACHE_ENABLED": "true" if cached else "false"}
    server = start_gunicorn(env, workdir, section)
    rows = []
    try:
        load.wait_until_serving(server, args.port)
        runner = Runner(args, CPUMeter(gunicorn=server), server)
        check(args.port, FLOOR_PATH)
        floor = runner.measure(section, FLOOR_LABEL, FLOOR_PATH, args.port)
        rows.append(floor)
        for target in targets:
            if cached:
                # The fast rows move with the other work on the machine: each is compared
                # with the floor measured just before it.
                floor = runner.measure(section, FLOOR_LABEL, FLOOR_PATH, args.port)
            check(args.port, target.path)
            headers = check(args.port, target.path)
            if cached and headers.get("x-page-cache") != "hit":
                state = headers.get("x-page-cache")
                print(f"  {target.path}: the page cache answered {state!r}, not hit", flush=True)
            row = runner.measure(
                section, target.label, target.path, args.port, target.facility_search
            )
            row.floor_rate = floor.rate
            row.kb = headers["body-length"] / 1024
            rows.append(row)
        return rows, server
    except BaseException:
        load.stop(server)
        raise


def nginx_phase(args, workdir, targets, server, floor_rate):
    """nginx in front of the cached gunicorn: a static file, then every page from its cache."""
    binary = nginx_binary()
    port = load.free_port()
    nginx = start_nginx(binary, workdir, port, args.port)
    rows = []
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                get(port, FLOOR_PATH)
                break
            except OSError:
                if nginx.poll() is not None or time.monotonic() > deadline:
                    out = (workdir / "nginx" / "out").read_text(errors="replace")
                    raise RuntimeError(f"nginx did not start: {out}") from None
                time.sleep(0.2)
        runner = Runner(args, CPUMeter(gunicorn=server, nginx=nginx))
        section = "nginx"
        static = static_file_path(workdir)
        ceiling = runner.measure(section, CEILING_LABEL, static, port)
        ceiling.kb = check(port, static)["body-length"] / 1024
        ceiling.floor_rate = floor_rate
        rows.append(ceiling)
        for target in targets:
            static_rate = runner.measure(section, CEILING_LABEL, static, port).rate
            check(port, target.path)
            headers = check(port, target.path)
            row = runner.measure(
                section,
                target.label,
                target.path,
                port,
                target.facility_search,
                cache=f"nginx {headers.get('x-cache-status')}",
            )
            row.kb = headers["body-length"] / 1024
            row.floor_rate = floor_rate
            row.static_rate = static_rate
            rows.append(row)
        return rows
    finally:
        load.stop(nginx)


# --- The report --------------------------------------------------------------------------------


def fmt(value, digits=1):
    return "" if value is None or value != value else f"{value:.{digits}f}"


def table(rows):
    lines = [
        "| run | page | URL | KB | req/s | × floor | × nginx static | p50 ms | p99 ms "
        "| CPU ms/req app | CPU ms/req db | CPU ms/req nginx | app CPU median ms | cache | errors |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for row in rows:
        to_floor = row.rate / row.floor_rate if row.floor_rate else None
        to_ceiling = row.rate / row.static_rate if row.static_rate else None
        if row.label in (FLOOR_LABEL, CEILING_LABEL):
            to_floor = 1.0 if row.label == FLOOR_LABEL else to_floor
            to_ceiling = 1.0 if row.label == CEILING_LABEL else None
        lines.append(
            f"| {row.section} | {row.label} | `{unquote(row.path)}` | {fmt(row.kb)} "
            f"| {row.rate:.0f} | {fmt(to_floor, 2)} | {fmt(to_ceiling, 2)} "
            f"| {fmt(row.load.p50_ms)} | {fmt(row.load.p99_ms)} "
            f"| {fmt(row.cpu_ms.get('app'), 2)} | {fmt(row.cpu_ms.get('db') or None, 2)} "
            f"| {fmt(row.cpu_ms.get('nginx') or None, 2)} | {fmt(row.app_median_ms, 2)} "
            f"| {row.cache} | {row.load.errors} |"
        )
    return "\n".join(lines)


def server_cpu_ms(row):
    """The CPU time of one uncached request for the targets: the median of the worker's own
    (per request) plus the mean of the database's (PostgreSQL's backends; SQLite runs in the
    worker)."""
    app = row.app_median_ms if row.app_median_ms is not None else row.cpu_ms.get("app", 0)
    return app + row.cpu_ms.get("db", 0)


def verdicts(rows):
    lines = []
    for row in rows:
        if row.section == "uncached" and row.label != FLOOR_LABEL:
            limit = FACILITY_SEARCH_CPU_TARGET_MS if row.facility_search else CPU_TARGET_MS
            cpu = server_cpu_ms(row)
            verdict = "meets" if cpu <= limit else "MISSES"
            lines.append(f"- uncached {row.label}: {cpu:.1f} ms CPU (≤ {limit:g}): {verdict}")
    for section, reference, target, what in (
        ("cached", "floor_rate", CACHED_TO_FLOOR_TARGET, "the floor"),
        ("nginx", "static_rate", NGINX_CACHE_TO_STATIC_TARGET, "nginx's static file"),
    ):
        measured = [r for r in rows if r.section == section and getattr(r, reference)]
        if not measured:
            continue
        ratios = sorted((r.rate / getattr(r, reference), r.label) for r in measured)
        missing = [label for ratio, label in ratios if ratio < target]
        lines.append(
            f"- {section} pages ≥ {target:.0%} of {what}'s req/s: "
            f"{len(measured) - len(missing)} of {len(measured)} meet "
            f"(lowest {ratios[0][0]:.2f}, {ratios[0][1]}; median {ratios[len(ratios) // 2][0]:.2f})"
            + (f"; below: {', '.join(missing)}" if missing else "")
        )
    return "\n".join(lines)


def machine_description(database_vendor, database_version):
    import django
    import wagtail

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    return (
        f"{cores} cores ({model or platform.machine()}), {platform.system()}, "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, {database_vendor} {database_version}"
    )


def database_version():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return "PostgreSQL", cursor.fetchone()[0].split()[0]
    import sqlite3

    return "SQLite", sqlite3.sqlite_version


def tool_versions():
    parts = []
    if (binary := nginx_binary()) is not None:
        out = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip()
        parts.append(out.replace("nginx version: ", ""))
    return parts


def write_readme(section_key, text, readme=README):
    """Replace the text between the markers of ``section_key`` in bench/README.md (or add it at
    the end of the suite's section)."""
    start, end = f"<!-- suite:{section_key} -->", f"<!-- /suite:{section_key} -->"
    content = readme.read_text()
    block = f"{start}\n{text.strip()}\n{end}"
    if start in content and end in content:
        before, rest = content.split(start, 1)
        after = rest.split(end, 1)[1]
        content = before + block + after
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(content)


# --- A profile of one page ------------------------------------------------------------------------


def profile(path, requests=20, top=25):
    """cProfile of ``requests`` uncached requests of ``path`` in this process (after 3 unprofiled
    ones): where the CPU time of a page goes."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: status {response.status_code}")
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    cpu_ms = (time.process_time() - started) * 1000 / requests
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(
        f"{unquote(path)}: {cpu_ms:.1f} ms CPU a request under the profiler ({requests} "
        f"requests), {len(queries)} SQL queries a request"
    )
    # The site's own functions by time spent in them and in what they call, then every
    # function by its own time.
    stats.sort_stats("cumulative").print_stats(rf"^{re.escape(str(ROOT))}/(?!\.venv|bench)", top)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    print(out.getvalue())


# --- Main ----------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per URL")
    parser.add_argument("--warmup", type=float, default=1, help="seconds before each, not counted")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its conf's)")
    parser.add_argument(
        "--database-url", help="an empty database to build the site in (default: new SQLite)"
    )
    parser.add_argument(
        "--client",
        choices=["wrk", "threads"],
        default="wrk" if wrk_binary() else "threads",
        help="load generator (default: wrk when installed, else Python threads)",
    )
    parser.add_argument("--no-nginx", action="store_true", help="skip nginx even if installed")
    parser.add_argument(
        "--pages", type=int, help="measure only the first N pages (a quick check of the suite)"
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        action="append",
        help="instead of the load: build the site and print a cProfile of PATH, uncached "
        "(may be given more than once)",
    )
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    # Stopped from outside: stop gunicorn and nginx and delete the directory all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = Path(tempfile.mkdtemp(prefix="kodama-suite-"))
    args.port = load.free_port()
    # As deploy/gunicorn.conf.py counts them when GUNICORN_WORKERS is not set.
    args.workers_running = args.workers or min(2 * os.cpu_count() + 1, 9)
    env = site_environment(workdir, args.port, args.database_url, args.workers)
    if args.profile:
        env["PAGE_CACHE_ENABLED"] = "false"
        try:
            prepare_site(env)
            for path in args.profile:
                profile(path)
            return 0
        finally:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(workdir, ignore_errors=True)
    server = None
    load_before = os.getloadavg()
    try:
        print(f"Preparing the demo site in {workdir} …", flush=True)
        started = time.monotonic()
        targets = prepare_site(env)
        if args.pages:
            targets = targets[: args.pages]
        print(f"  ready in {time.monotonic() - started:.0f} s, {len(targets)} URLs", flush=True)
        vendor, version = database_version()
        rows, server = serve_phase(args, env, workdir, targets, "uncached", cached=False)
        load.stop(server)
        server = None
        cached_rows, server = serve_phase(args, env, workdir, targets, "cached", cached=True)
        rows += cached_rows
        if not args.no_nginx and nginx_binary():
            rows += nginx_phase(args, workdir, targets, server, cached_rows[0].rate)
    finally:
        if server is not None:
            load.stop(server)
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()

    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Tokyo")).date()
    workers = args.workers_running
    client = "wrk" if args.client == "wrk" else "Python threads"
    header = [
        f"{today:%Y-%m-%d} (Asia/Tokyo), {machine_description(vendor, version)}"
        + "".join(f", {tool}" for tool in tool_versions()),
        f"gunicorn: {workers} sync workers, production settings; load: {client}, "
        f"{args.connections} connections, {args.duration:g} s per URL after {args.warmup:g} s",
        f"load average (1, 5, 15 min) at the start: {', '.join(f'{v:.2f}' for v in load_before)}; "
        f"at the end: {', '.join(f'{v:.2f}' for v in load_after)}",
    ]
    text = "\n".join(
        ["", *[line + "  " for line in header], "", table(rows), "", verdicts(rows), ""]
    )
    print(text)
    if args.write_readme:
        write_readme(vendor.lower(), text)
    return 1 if any(r.load.errors or not r.load.requests for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
