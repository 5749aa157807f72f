"""The load benchmark (bench/load.py): its pages exist on the demo site and answer 200."""

import importlib.util
import sys
from pathlib import Path

import pytest

from home import demo

pytestmark = pytest.mark.django_db

LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_load_benchmark_answers_200_on_the_demo_site(client):
    demo.load()
    urls = load_benchmark().public_urls()
    assert len(urls) == 10
    for label, path in urls:
        response = client.get(path)
        assert response.status_code == 200, (label, path)
    search = dict(urls)["search"]
    assert "件" in client.get(search).content.decode()


def test_percentiles_are_nearest_rank():
    percentile = load_benchmark().percentile
    ordered = list(range(1, 101))
    assert [percentile(ordered, p) for p in (50, 90, 99, 100)] == [50, 90, 99, 100]
    assert percentile([7], 99) == 7


def test_the_handout_search_benchmark_builds_a_site_whose_search_finds_its_handouts(client):
    spec = importlib.util.spec_from_file_location(
        "bench_handouts_search", LOAD.parent / "handouts_search.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_site(handouts=4, pages=3) == 4
    html = client.get("/search/", {"q": "ひとつだけの議題ラベンダー"}).content.decode()
    assert "資料3 p.2" in html and "#page=2" in html
    assert html.count('class="search-result"') == 1
    html = client.get("/search/", {"q": "モニタリング"}).content.decode()
    assert "資料1 p.1" in html or "資料1 p.2" in html


SUITE = LOAD.parent / "suite.py"


def suite_benchmark():
    spec = importlib.util.spec_from_file_location("bench_suite", SUITE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_suite_measures_one_page_of_every_public_page_type_and_each_answers_200(client):
    from wagtail.models import Page

    demo.load()
    targets = suite_benchmark().suite_urls()
    paths = [t.path for t in targets]
    assert len(paths) == len(set(paths))
    for target in targets:
        assert client.get(target.path).status_code == 200, (target.label, target.path)
    public = Page.objects.live().public().exclude(depth=1)
    page_types = {page.specific_class.__name__ for page in public}
    measured = {t.label.rsplit("(", 1)[1].rstrip(")") for t in targets if "(" in t.label}
    assert page_types <= measured
    assert {"FacilityIndexPage", "FacilityPage", "HomePage", "MeetingPage"} <= page_types
    searches = [t for t in targets if t.facility_search]
    assert len(searches) == 3
    assert any("q=" in t.path for t in searches) and any("muni=" in t.path for t in searches)


def test_the_floor_view_and_the_cpu_header_exist_only_in_the_suites_urlconf(client, settings):
    from django.test import Client

    site = suite_benchmark()
    assert client.get(site.FLOOR_PATH).status_code == 404
    settings.ROOT_URLCONF = "bench.suite_site"
    settings.MIDDLEWARE = ["bench.suite_site.RequestCPUMiddleware", *settings.MIDDLEWARE]
    client = Client()  # loads the middleware anew
    response = client.get(site.FLOOR_PATH)
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["X-Bench-CPU-us"].isdigit()
    demo.load()
    assert client.get("/").status_code == 200
    assert client.get("/")["X-Bench-CPU-us"].isdigit()


WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18777/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.05ms    6.33ms  44.38ms   91.06%
    Req/Sec     1.94k   778.83     3.35k    70.00%
  Latency Distribution
     50%  492.00us
     75%    2.77ms
     90%    8.52ms
     99%    1.20s
  1955 requests in 2.50s, 0.97MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   1912.57
Transfer/sec:      0.95MB
"""


def test_the_suite_reads_wrks_report():
    result = suite_benchmark().parse_wrk(WRK_OUTPUT, seconds=9.0)
    assert result.requests == 1955
    assert result.seconds == pytest.approx(2.5)
    assert result.p50_ms == pytest.approx(0.492)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.errors == 7 + 3 + 1


def test_the_suite_counts_cpu_of_processes_that_started_during_the_run():
    meter = suite_benchmark().CPUMeter
    ticks = suite_benchmark().CLOCK_TICKS
    before = {"app": {1: 100, 2: 50}, "db": {}, "nginx": {}}
    after = {"app": {1: 100 + ticks, 2: 50, 3: ticks // 2}, "db": {9: 7}, "nginx": {}}
    used = meter.used_ms(before, after)
    assert used == {"app": pytest.approx(1500.0), "db": pytest.approx(7000 / ticks), "nginx": 0}


def test_the_suite_reads_the_cpu_header_from_gunicorns_access_log(tmp_path):
    log = tmp_path / "access.log"
    log.write_text("200 1500 hit\n")
    suite = suite_benchmark()
    offset, entries = suite.read_access_log(log, 0)
    assert entries == [("200", 1500, "hit")]
    with open(log, "a") as handle:
        handle.write("200 9100 -\n404 - -\n")
    offset, entries = suite.read_access_log(log, offset)
    assert entries == [("200", 9100, "-")]
    assert offset == log.stat().st_size


def test_the_suite_replaces_only_its_own_table_in_the_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- suite:sqlite -->\nold\n<!-- /suite:sqlite -->\n"
        "between\n<!-- suite:postgresql -->\npg\n<!-- /suite:postgresql -->\n"
    )
    suite = suite_benchmark()
    suite.write_readme("sqlite", "new table", readme=readme)
    text = readme.read_text()
    assert "old" not in text and "new table" in text
    assert text.startswith("intro\n") and "between" in text and "\npg\n" in text
    suite.write_readme("mysql", "other", readme=readme)
    assert readme.read_text().endswith("<!-- suite:mysql -->\nother\n<!-- /suite:mysql -->\n")


def test_the_suite_judges_each_page_against_its_target():
    suite = suite_benchmark()

    def row(section, label, rate, app_median=None, db=0.0, search=False, floor=None, static=None):
        result = suite.Load(requests=int(rate * 10), seconds=10.0)
        cpu = {"app": app_median or 0.0, "db": db}
        return suite.Row(
            section, label, "/", result, cpu, app_median, "", search, None, floor, static
        )

    rows = [
        row("uncached", suite.FLOOR_LABEL, 300, app_median=0.3),
        row("uncached", "news", 20, app_median=6.0, db=3.0),
        row("uncached", "meeting", 20, app_median=8.0, db=3.0),
        row("uncached", "facility search", 5, app_median=15.0, db=4.0, search=True),
        row("cached", "news", 160, floor=300),
        row("cached", "meeting", 140, floor=300),
        row("nginx", "news", 900, static=1000),
    ]
    report = suite.verdicts(rows)
    assert "- uncached news: 9.0 ms CPU (≤ 10): meets" in report
    assert "- uncached meeting: 11.0 ms CPU (≤ 10): MISSES" in report
    assert "- uncached facility search: 19.0 ms CPU (≤ 20): meets" in report
    assert "floor" not in report.split("cached pages")[0]
    assert "cached pages ≥ 50% of the floor's req/s: 1 of 2 meet" in report
    assert "below: meeting" in report
    assert "nginx pages ≥ 80% of nginx's static file's req/s: 1 of 1 meet" in report
