"""Benchmark of the ふくしマップ search page at 2,000 and 20,000 facilities.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/facility_search.py \
        [--sizes 2000 20000] [--repeat 20] [--markers-repeat 3] [--keep-db] [--debug]

Without DATABASE_URL the benchmark builds a fresh SQLite database in a
temporary directory and deletes it at the end (``--keep-db`` keeps it and
prints the DATABASE_URL that reuses it). With DATABASE_URL it uses that
database, which must be empty or made by an earlier run of this benchmark;
its data is always kept, and a later run only adds the facilities missing
for the largest size. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_SITE_NAME = "ふくしマップ検索ベンチマーク"
INDEX_SLUG = "fukushi-map"
CHUNK = 2000
SEED = 2024

CENTRES = {
    "本庄市": (36.2436, 139.1903),
    "美里町": (36.1770, 139.1810),
    "神川町": (36.2140, 139.1020),
    "上里町": (36.2510, 139.1440),
}
WEIGHTS = {"本庄市": 34, "美里町": 6, "神川町": 7, "上里町": 13}
TOWNS = {
    "本庄市": ["銀座", "千代田", "朝日町", "駅南", "小島", "日の出", "寿", "東台"],
    "美里町": ["阿那志", "猪俣", "木部", "広木", "甘粕"],
    "神川町": ["植竹", "元阿保", "渡瀬", "新宿", "八日市"],
    "上里町": ["七本木", "神保原町", "金久保", "大御堂", "三町"],
}
POSTAL = {"本庄市": "367-00", "美里町": "367-01", "神川町": "367-02", "上里町": "369-03"}
SYLLABLES = list(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
    "ガギグゲゴザジズゼゾダデドバビブベボパピプペポ"
) + ["シャ", "チョ", "キュ", "ッ", "ー"]
SUFFIXES = [
    ("作業所", "サギョウショ"),
    ("ホーム", "ホーム"),
    ("センター", "センター"),
    ("の家", "ノイエ"),
    ("工房", "コウボウ"),
    ("クラブ", "クラブ"),
]


# --- Setting up the database --------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument(
        "--markers-repeat",
        type=int,
        default=3,
        help="timed requests of the map markers JSON, whose cost grows with the directory (0: skip)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary SQLite database")
    parser.add_argument(
        "--debug", action="store_true", help="measure with DEBUG as the settings give it"
    )
    return parser.parse_args()


def setup_django(args):
    """Point DATABASE_URL at a temporary SQLite file unless one is given; migrate."""
    tmpdir = None
    if not os.environ.get("DATABASE_URL"):
        tmpdir = Path(tempfile.mkdtemp(prefix="facility-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

    import django
    from django.conf import settings

    # WhiteNoise warns when collectstatic has not run; static files play no part here.
    warnings.filterwarnings("ignore", message="No directory at")

    django.setup()
    if not args.debug:
        # Production-like: no query log, no template debug information.
        settings.DEBUG = False
    # The search itself: the page cache would answer every repeated request.
    settings.PAGE_CACHE_ENABLED = False

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return tmpdir


def bench_site():
    """The home page and the ふくしマップ page, made on an empty database."""
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
    index, _ = add_child(
        home, FacilityIndexPage(title="ふくしマップ", slug=INDEX_SLUG, show_in_menus=True)
    )
    return home, index


# --- Seeding --------------------------------------------------------------------


class Taxonomy:
    def __init__(self):
        from facilities.models import Feature, Municipality, ServiceType, TargetGroup

        self.municipalities = list(Municipality.objects.all())
        self.service_types = list(ServiceType.objects.all())
        self.target_groups = list(TargetGroup.objects.all())
        self.features = list(Feature.objects.all())
        self.weights = [WEIGHTS.get(m.name, 1) for m in self.municipalities]


def insert_local_rows(model, objs):
    """INSERT only the model's own table (multi-table inheritance), many rows at once."""
    from django.db import connection

    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def facility_values(number, rng, tax):
    municipality = rng.choices(tax.municipalities, tax.weights)[0]
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).lstrip("ッー")
    word = word or "ア"
    suffix, suffix_kana = rng.choice(SUFFIXES)
    lat, lng = CENTRES.get(municipality.name, (36.215, 139.15))
    town = rng.choice(TOWNS.get(municipality.name, ["本町"]))
    return {
        "title": f"{word}{suffix}{number}(サンプル)",
        "name_kana": f"{word}{suffix_kana}{number}",
        "municipality": municipality,
        "address": f"{town}{9000 + number % 1000}番地",
        "postal_code": f"{POSTAL.get(municipality.name, '367-00')}{rng.randint(10, 99)}",
        "latitude": Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}"),
        "longitude": Decimal(f"{lng + rng.uniform(-0.02, 0.02):.6f}"),
        "operator": f"社会福祉法人サンプル会{number % 300}",
        "office_number": f"119{number:07d}",
        "phone": f"0495-00-{number % 10000:04d}",
        "kyoten_registered": rng.random() < 0.02,
    }


def seed_chunk(index, first_number, count, rng, tax):
    """Create ``count`` live FacilityPages under ``index`` without going through treebeard."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import Page

    from facilities import kana
    from facilities.models import FacilityPage, FacilityService
    from home import search
    from home.models import SearchEntry

    content_type = ContentType.objects.get_for_model(FacilityPage)
    now = timezone.now()
    today = timezone.localdate()
    # Not index.get_last_child(): treebeard reads numchild, which seed() sets
    # only once every chunk is in.
    last = (
        Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
        .order_by("-path")
        .first()
    )
    position = Page._str2int(last.path[-Page.steplen :]) if last else 0

    bases, facilities = [], []
    for offset in range(count):
        number = first_number + offset
        values = facility_values(number, rng, tax)
        slug = f"bench-{number}"
        position += 1
        bases.append(
            Page(
                title=values["title"],
                draft_title=values["title"],
                slug=slug,
                content_type=content_type,
                path=Page._get_path(index.path, index.depth + 1, position),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=index.locale_id,
            )
        )
        facilities.append(values)
    Page.objects.bulk_create(bases, batch_size=500)

    pages = []
    for base, values in zip(bases, facilities, strict=True):
        page = FacilityPage(
            page_ptr_id=base.pk,
            summary=f"{values['municipality'].name}のサンプル事業所です。",
            kana_sort=kana.sort_key(values["name_kana"]),
            hours_weekday="9:00〜17:00",
            closed_days="土日祝日、年末年始",
            verified_on=today - dt.timedelta(days=rng.randint(0, 500)),
            **values,
        )
        pages.append(page)
    insert_local_rows(FacilityPage, pages)

    services, service_targets = [], []
    for page in pages:
        for service_type in rng.sample(tax.service_types, rng.randint(1, 3)):
            services.append(
                FacilityService(
                    page_id=page.pk,
                    service_type=service_type,
                    capacity=rng.choice([None, 5, 10, 20, 40]),
                    sort_order=len(services),
                )
            )
            service_targets.append(rng.sample(tax.target_groups, rng.randint(1, 3)))
    FacilityService.objects.bulk_create(services, batch_size=1000)
    through = FacilityService.target_groups.through
    through.objects.bulk_create(
        [
            through(facilityservice_id=service.pk, targetgroup_id=group.pk)
            for service, groups in zip(services, service_targets, strict=True)
            for group in groups
        ],
        batch_size=2000,
    )
    through = FacilityPage.features.through
    through.objects.bulk_create(
        [
            through(facilitypage_id=page.pk, feature_id=feature.pk)
            for page in pages
            for feature in rng.sample(tax.features, rng.randint(0, 3))
        ],
        batch_size=2000,
    )

    # The Japanese search index, with exactly the text the site's indexer would store.
    entries = []
    indexed = (
        FacilityPage.objects.filter(pk__in=[p.pk for p in pages])
        .select_related("municipality")
        .prefetch_related("services__service_type", "features")
    )
    for page in indexed:
        title = search.normalize(page.title)
        text = search.searchable_text(page)
        entries.append(
            SearchEntry(
                page_id=page.pk,
                title=title,
                title_key=search.fold(title),
                text=text,
                text_key=search.fold(text),
            )
        )
    SearchEntry.objects.bulk_create(entries, batch_size=500)


def seed(index, size, tax):
    """Top the directory up to ``size`` facilities; returns seconds spent."""
    from django.db import connection, transaction
    from wagtail.models import Page

    from facilities.models import FacilityPage

    started = time.perf_counter()
    existing = FacilityPage.objects.child_of(index).count()
    rng = random.Random(SEED + existing)
    number = existing + 1
    with transaction.atomic():
        while number <= size:
            count = min(CHUNK, size - number + 1)
            seed_chunk(index, number, count, rng, tax)
            number += count
            index.refresh_from_db()
        total = FacilityPage.objects.child_of(index).count()
        Page.objects.filter(pk=index.pk).update(numchild=total)
    # Fresh planner statistics, as PostgreSQL's autovacuum would gather after a
    # bulk load; without them PostgreSQL picks nested loops that are 5-10x slower.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    index.refresh_from_db()
    return time.perf_counter() - started


# --- Measuring ------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def get(client, url, plain=False):
    """``plain``: match keywords with the plain LIKE alone, as before the substring index."""
    from django.test import override_settings

    with override_settings(SEARCH_SUBSTRING_INDEX=not plain):
        return client.get(url)


def timed_get(client, url, plain=False):
    started = time.perf_counter()
    response = get(client, url, plain)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{url} returned {response.status_code}")
    return elapsed


def measure(client, urls, repeat, warmup):
    """Time every URL ``repeat`` times, in rounds (one request to each URL per round),
    so that a busy moment on the machine slows every scenario alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        for url, plain in urls:
            timed_get(client, url, plain)
    times = {key: [] for key in urls}
    for _ in range(repeat):
        for url, plain in urls:
            times[url, plain].append(timed_get(client, url, plain))
    results = []
    for url, plain in urls:
        with CaptureQueriesContext(connection) as queries:
            response = get(client, url, plain)
        match = re.search(r"(\d+)件の事業所", response.content.decode())
        results.append(
            {
                "median": statistics.median(times[url, plain]),
                "p90": percentile(times[url, plain], 0.9),
                "queries": len(queries.captured_queries),
                "results": int(match.group(1)) if match else None,
                "bytes": len(response.content),
                "gzip": len(gzip.compress(response.content)),
            }
        )
    return results


def scenarios(index):
    from facilities.models import Municipality, ServiceType, TargetGroup

    base = index.url
    muni = Municipality.objects.get(name="本庄市").pk
    svc = ServiceType.objects.get(name="就労継続支援B型").pk
    target = TargetGroup.objects.get(name="知的").pk
    return [
        ("baseline: home page /", "/", "page"),
        ("robots.txt", "/robots.txt", "page"),
        ("no filter", base, "page"),
        (
            "3 filters (市町+種類+対象者)",
            f"{base}?muni={muni}&svc={svc}&target={target}",
            "page",
        ),
        ("keyword q=就労", f"{base}?q=%E5%B0%B1%E5%8A%B4", "page"),
        (
            "keyword q=就労, plain LIKE (as before the index)",
            f"{base}?q=%E5%B0%B1%E5%8A%B4",
            "plain",
        ),
        ("keyword q=相談支援", f"{base}?q=%E7%9B%B8%E8%AB%87%E6%94%AF%E6%8F%B4", "page"),
        (
            "keyword q=相談支援, plain LIKE (as before the index)",
            f"{base}?q=%E7%9B%B8%E8%AB%87%E6%94%AF%E6%8F%B4",
            "plain",
        ),
        ("map markers JSON, no filter", f"{base}markers/", "markers"),
        # What the map asks for zoomed in on 本庄市's centre (about 1.6 km × 1.1 km).
        (
            "map markers JSON, visible area",
            f"{base}markers/?bbox=139.180,36.238,139.200,36.248",
            "markers",
        ),
    ]


def print_table(count, rows, seconds):
    print(f"\n## {count:,} facilities (seeding took {seconds:.1f} s)\n")
    header = (
        "scenario",
        "median ms",
        "p90 ms",
        "× baseline",
        "queries",
        "results",
        "KB",
        "gzip KB",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|")
    baseline = rows[0][1]["median"]
    for label, r in rows:
        print(
            f"| {label} | {r['median']:.1f} | {r['p90']:.1f} | {r['median'] / baseline:.2f} "
            f"| {r['queries']} | {'' if r['results'] is None else r['results']} "
            f"| {r['bytes'] / 1024:.0f} | {r['gzip'] / 1024:.1f} |"
        )


def main():
    args = parse_args()
    tmpdir = setup_django(args)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from facilities.models import FacilityPage

    try:
        _, index = bench_site()
        tax = Taxonomy()
        client = Client(HTTP_HOST="localhost")
        print(
            f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']}), "
            f"DEBUG={settings.DEBUG}, {args.repeat} timed requests per scenario "
            f"after {args.warmup} warm-up"
        )
        queries = {}
        for size in sorted(args.sizes):
            seconds = seed(index, size, tax)
            pages = [
                (label, (url, kind == "plain"))
                for label, url, kind in scenarios(index)
                if kind in ("page", "plain")
            ]
            results = measure(client, [key for _, key in pages], args.repeat, args.warmup)
            rows = [(label, r) for (label, _), r in zip(pages, results, strict=True)]
            if args.markers_repeat:
                for label, url, kind in scenarios(index):
                    if kind == "markers":
                        (result,) = measure(client, [(url, False)], args.markers_repeat, 1)
                        rows.append((label, result))
            count = FacilityPage.objects.child_of(index).live().count()
            print_table(count, rows, seconds)
            queries[count] = {label: r["queries"] for label, r in rows}
        if len(queries) > 1:
            print("\nSQL queries per request by size:")
            for label in next(iter(queries.values())):
                counts = [queries[size][label] for size in queries]
                same = "same" if len(set(counts)) == 1 else "DIFFERENT"
                print(f"  {label}: {' / '.join(map(str, counts))} ({same})")
    finally:
        connection.close()
        if tmpdir is not None:
            if args.keep_db:
                print(f"\nkept: DATABASE_URL={os.environ['DATABASE_URL']}")
            else:
                shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
