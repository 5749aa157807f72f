"""Benchmark of the WAM NET import: dry run and apply at 2,500 rows / 1,000 facilities and
5,000 rows / 2,000 facilities.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/import_wam.py \
        [--sizes 1000 2000] [--repeat 5] [--keep-db] [--debug]

Each size is a WAM-shaped CSV (the 29 published columns, CP932) with 2.5 rows
per facility (every other facility offers 3 services, the rest 2), spread over
the four municipalities. For each size the run starts from an empty ふくしマップ
and measures, with the time and the number of SQL queries (CaptureQueriesContext):

1. reading the file;
2. the dry run against an empty directory (every facility new);
3. the apply (every facility created as a draft through save_revision);
4. the dry run of the same file again (every facility found, nothing to change);
5. the apply of that second plan (nothing to write).

Reading and the dry runs write nothing; they run ``--repeat`` times (median).

Without DATABASE_URL the run uses a temporary SQLite database, deleted at the
end (``--keep-db`` keeps it). With DATABASE_URL it uses that database, which
must be empty or made by an earlier run of this benchmark (its ふくしマップ is
replaced). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_SITE_NAME = "取り込みベンチマーク"
SEED = 2026
CENTRES = {
    "本庄市": (36.2436, 139.1903),
    "美里町": (36.1770, 139.1810),
    "神川町": (36.2140, 139.1020),
    "上里町": (36.2510, 139.1440),
}
TOWNS = {
    "本庄市": ["銀座", "千代田", "朝日町", "駅南", "小島", "日の出", "寿", "東台"],
    "美里町": ["阿那志", "猪俣", "木部", "広木", "甘粕"],
    "神川町": ["植竹", "元阿保", "渡瀬", "新宿", "八日市"],
    "上里町": ["七本木", "神保原町", "金久保", "大御堂", "三町"],
}
CODES = {"本庄市": "112119", "美里町": "113816", "神川町": "113832", "上里町": "113859"}
WEIGHTS = {"本庄市": 34, "美里町": 6, "神川町": 7, "上里町": 13}
SERVICES = [
    "生活介護",
    "短期入所",
    "就労継続支援Ｂ型",
    "就労継続支援Ａ型",
    "共同生活援助（介護サービス包括型）",
    "放課後等デイサービス",
    "児童発達支援",
    "居宅介護",
    "計画相談支援",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 2000], help="facilities per file"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of the reading and the dry runs (median)"
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument(
        "--debug", action="store_true", help="measure with DEBUG as the settings give it"
    )
    return parser.parse_args()


def setup_django(args):
    tmpdir = None
    if not os.environ.get("DATABASE_URL"):
        tmpdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

    import django
    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    if not args.debug:
        settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return tmpdir


def fresh_index():
    """The home page, and a new empty ふくしマップ under it (an earlier one is deleted)."""
    from wagtail.models import Site

    from facilities.models import FacilityIndexPage
    from home.demo import add_child, make_site_root
    from home.models import HomePage

    site = Site.objects.filter(is_default_site=True).first()
    if HomePage.objects.exists() and (site is None or site.site_name != BENCH_SITE_NAME):
        sys.exit(
            "DATABASE_URL のデータベースには、既にサイトの内容があります。"
            "ベンチマークは空のデータベースか、ベンチマークが作ったデータベースで実行してください。"
        )
    home, _ = make_site_root(HomePage(title="児玉郡市自立支援協議会", slug="home"))
    Site.objects.filter(is_default_site=True).update(site_name=BENCH_SITE_NAME)
    for old in FacilityIndexPage.objects.all():
        old.delete()
    home.refresh_from_db()
    index, _ = add_child(home, FacilityIndexPage(title="ふくしマップ", slug="fukushi-map"))
    return index


def build_file(facilities):
    """A WAM-shaped CSV (CP932) of ``facilities`` facilities and 2.5 rows per facility."""
    from facilities.imports.wam import COLUMNS, write_csv_bytes

    rng = random.Random(SEED)
    names = list(CENTRES)
    weights = [WEIGHTS[n] for n in names]
    records = []
    for n in range(facilities):
        town_name = rng.choices(names, weights)[0]
        lat, lng = CENTRES[town_name]
        values = {
            "code": "11",
            "operator": f"社会福祉法人サンプル会{n % 300}",
            "title": f"サンプル事業所{n}",
            "name_kana": f"さんぷるじぎょうしょ{n}",
            "office_number": f"119{n:07d}",
            "municipality_text": f"埼玉県{'' if town_name == '本庄市' else '児玉郡'}{town_name}",
            "address": f"{rng.choice(TOWNS[town_name])}{9000 + n % 1000}番地",
            "phone": f"0495-00-{n % 10000:04d}",
            "latitude": f"{lat + rng.uniform(-0.02, 0.02):.6f}",
            "longitude": f"{lng + rng.uniform(-0.02, 0.02):.6f}",
            "hours_weekday": "9:00〜17:00",
            "closed_days": "土日祝日",
        }
        for service in rng.sample(SERVICES, 3 if n % 2 == 0 else 2):
            row = {**values, "service": service, "capacity": str(rng.randint(5, 40))}
            records.append({h: row.get(t, "") if t else "" for h, t in COLUMNS.items()})
    return write_csv_bytes(records, encoding="cp932"), len(records)


def measured(label, function):
    from collections import deque

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Django keeps the last 9,000 queries; an apply of 2,000 facilities makes more.
    # A fresh log each time: the last step's 100,000 queries would slow the garbage collector.
    connection.queries_log = deque(maxlen=10**7)
    gc.collect()

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
    return value, {"step": label, "seconds": seconds, "queries": len(queries.captured_queries)}


def measured_median(label, function, repeat):
    """``measured`` ``repeat`` times: the median time (the queries are the same each time)."""
    runs = [measured(label, function) for _ in range(repeat)]
    runs.sort(key=lambda run: run[1]["seconds"])
    return runs[len(runs) // 2]


def run_size(facilities, repeat):
    import datetime as dt

    from facilities.imports import engine, wam
    from facilities.models import ImportKind

    index = fresh_index()
    assert index is not None
    data, rows = build_file(facilities)
    source = engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, dt.date(2026, 10, 1))
    files = [("bench.csv", data)]
    steps = []
    parsed, step = measured_median("read the file", lambda: wam.read_files(files), repeat)
    steps.append(step)
    plan, step = measured_median(
        "dry run, empty directory", lambda: engine.plan(parsed, source), repeat
    )
    assert plan.ok and len(plan.new) == facilities, plan.counts()
    steps.append(step)
    _, step = measured("apply: create drafts", lambda: engine.apply(plan))
    steps.append(step)
    again, step = measured_median(
        "dry run, all present", lambda: engine.plan(parsed, source), repeat
    )
    assert len(again.unchanged) == facilities, again.counts()
    steps.append(step)
    _, step = measured("apply: nothing to change", lambda: engine.apply(again))
    steps.append(step)
    return rows, steps


def print_table(database, facilities, rows, steps):
    print(f"\n## {database}: {rows:,} rows, {facilities:,} facilities\n")
    print("| step | seconds | queries | ms per row | queries per facility |")
    print("|---|--:|--:|--:|--:|")
    for s in steps:
        print(
            f"| {s['step']} | {s['seconds']:.2f} | {s['queries']:,} | "
            f"{s['seconds'] * 1000 / rows:.2f} | {s['queries'] / facilities:.2f} |"
        )


def main():
    args = parse_args()
    tmpdir = setup_django(args)
    from django.db import connection

    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )
    results = []
    try:
        for facilities in sorted(args.sizes):
            rows, steps = run_size(facilities, args.repeat)
            print_table(database, facilities, rows, steps)
            results.append((facilities, rows, steps))
        if len(results) >= 2:
            (small_f, small_r, small), (large_f, large_r, large) = results[0], results[-1]
            print(
                f"\n## Growth from {small_r:,} to {large_r:,} rows "
                f"(× {large_r / small_r:.1f} rows; rows × facilities would be "
                f"× {large_r * large_f / (small_r * small_f):.1f})\n"
            )
            print("| step | × time | × queries |")
            print("|---|--:|--:|")
            for a, b in zip(small, large, strict=True):
                queries = b["queries"] / a["queries"] if a["queries"] else float("nan")
                print(f"| {a['step']} | {b['seconds'] / a['seconds']:.2f} | {queries:.2f} |")
    finally:
        if tmpdir and not args.keep_db:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif tmpdir:
            print(f"\nDATABASE_URL={os.environ['DATABASE_URL']}")


if __name__ == "__main__":
    main()
