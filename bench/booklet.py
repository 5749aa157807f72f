"""Benchmark of the printed ふくしマップ (booklet/) at 500 facilities.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/booklet.py \
        [--size 500] [--repeat 2] [--tiles] [--keep-db] [--output booklet.pdf]

Seeds the facilities as bench/facility_search.py does (a fresh SQLite database
in a temporary directory unless DATABASE_URL is given), builds the PDF and
reports the time of each step, the SQL queries, the pages and the size. The
cover map is drawn from the coordinates alone unless ``--tiles`` is given (then
the time includes fetching the tiles). See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
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
    parser.add_argument("--size", type=int, default=500, help="facilities in the directory")
    parser.add_argument("--repeat", type=int, default=2, help="timed builds")
    parser.add_argument("--tiles", action="store_true", help="fetch 地理院タイル for the cover")
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument("--output", help="write the last PDF to this file")
    args = parser.parse_args()
    args.debug = False
    return args


def timed_build(tiles):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from booklet import builder

    settings.BOOKLET_MAP_TILES = tiles
    as_of = timezone.localdate()
    started, cpu_started = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        content = builder.collect()
        collected = time.perf_counter()
        html, overview = builder.render_html(content, as_of)
    rendered = time.perf_counter()
    pdf = builder.write_pdf(html)
    finished = time.perf_counter()
    return {
        "cpu": time.process_time() - cpu_started,
        "collect": collected - started,
        "html": rendered - collected,
        "pdf": finished - rendered,
        "total": finished - started,
        "queries": len(queries.captured_queries),
        "facilities": len(content["entries"]),
        "tiles": overview.tiles_used,
        "bytes": len(pdf),
        "document": pdf,
    }


def main():
    args = parse_args()
    tmpdir = seeding.setup_django(args)
    from django.db import connection
    from pypdf import PdfReader

    try:
        _, index = seeding.bench_site()
        seconds = seeding.seed(index, args.size, seeding.Taxonomy())
        print(
            f"database: {connection.vendor}, {args.size:,} facilities "
            f"(seeding took {seconds:.1f} s), cover map: "
            f"{'地理院タイル' if args.tiles else 'points only'}\n"
        )
        runs = [timed_build(args.tiles) for _ in range(args.repeat)]
        pages = len(PdfReader(io.BytesIO(runs[-1]["document"])).pages)
        print(
            "| run | collect s | HTML + QR + map s | PDF s | total s | CPU s | queries | facilities |"
        )
        print("|--:|--:|--:|--:|--:|--:|--:|--:|")
        for number, run in enumerate(runs, start=1):
            print(
                f"| {number} | {run['collect']:.2f} | {run['html']:.2f} | {run['pdf']:.1f} "
                f"| {run['total']:.1f} | {run['cpu']:.1f} | {run['queries']} | {run['facilities']} |"
            )
        median = statistics.median(run["total"] for run in runs)
        size = runs[-1]["bytes"]
        load = os.getloadavg()[0]
        print(
            f"\nload average {load:.1f} on {os.cpu_count()} cores; median {median:.1f} s for {runs[-1]['facilities']} facilities, "
            f"{pages} pages, {size / 1024 / 1024:.2f} MB ({size:,} bytes)"
        )
        if args.output:
            Path(args.output).write_bytes(runs[-1]["document"])
            print(f"written: {args.output}")
        if median > LIMIT_SECONDS:
            sys.exit(f"too slow: {median:.1f} s > {LIMIT_SECONDS} s")
    finally:
        connection.close()
        if tmpdir is not None:
            if args.keep_db:
                print(f"\nkept: DATABASE_URL={os.environ['DATABASE_URL']}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
