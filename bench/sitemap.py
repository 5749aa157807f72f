"""Benchmark of the sitemap (/sitemap.xml and its pages) at 2,000 and 20,000 facilities.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/sitemap.py \
        [--sizes 2000 20000] [--repeat 10] [--keep-db] [--debug]

Seeds the facilities with the ふくしマップ benchmark's helpers (bench/facility_search.py:
the same database rules, the same data) and times the sitemap index and each sitemap page,
uncached (the page cache is off for the run), with the number of URLs, SQL queries and
kilobytes of each. Target: ≤ 200 ms a sitemap page at 20,000 facilities, and the same
number of queries at every size. See bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facility_search  # noqa: E402  (bench/ is not a package)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per URL")
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument(
        "--debug", action="store_true", help="measure with DEBUG as the settings give it"
    )
    return parser.parse_args()


def sitemap_urls(client):
    """The index and the sitemap pages it lists, as paths."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    paths = ["/sitemap.xml"]
    for loc in root.iter(f"{SITEMAP}loc"):
        part = urlsplit(loc.text)
        paths.append(part.path + (f"?{part.query}" if part.query else ""))
    return paths


def url_count(client, path):
    root = ET.fromstring(client.get(path).content)
    return len(root.findall(f"{SITEMAP}url")) or len(root.findall(f"{SITEMAP}sitemap"))


def main():
    args = parse_args()
    args.markers_repeat = 0
    tmpdir = facility_search.setup_django(args)
    import os
    import shutil

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from facilities.models import FacilityPage

    settings.PAGE_CACHE_ENABLED = False  # the sitemap as it is built, not a stored answer
    try:
        _, index = facility_search.bench_site()
        tax = facility_search.Taxonomy()
        client = Client(HTTP_HOST="localhost")
        print(
            f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']}), "
            f"DEBUG={settings.DEBUG}, {args.repeat} timed requests per URL "
            f"after {args.warmup} warm-up, page cache off"
        )
        for size in sorted(args.sizes):
            seconds = facility_search.seed(index, size, tax)
            urls = sitemap_urls(client)
            results = facility_search.measure(client, urls, args.repeat, args.warmup)
            count = FacilityPage.objects.child_of(index).live().count()
            print(f"\n## {count:,} facilities (seeding took {seconds:.1f} s)\n")
            print("| URL | URLs listed | median ms | p90 ms | queries | KB |")
            print("|---|--:|--:|--:|--:|--:|")
            for url, r in zip(urls, results, strict=True):
                print(
                    f"| {url} | {url_count(client, url)} | {r['median']:.1f} | {r['p90']:.1f} "
                    f"| {r['queries']} | {r['bytes'] / 1024:.0f} |"
                )
    finally:
        connection.close()
        if tmpdir is not None:
            if args.keep_db:
                print(f"\nkept: DATABASE_URL={os.environ['DATABASE_URL']}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
