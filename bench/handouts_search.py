"""Benchmark of the site search with the text of 1,000 handouts of 20 pages each.

    .venv/bin/python bench/handouts_search.py [--handouts 1000] [--pages 20] [--repeat 20]
        [--databases sqlite postgres]

For each database the run makes a new, empty database (SQLite in a temporary
directory; PostgreSQL as ``handouts_bench_<pid>`` on the server of
``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``),
builds a site whose meetings carry the handouts, and times ``/search/`` with
the Django test client in the same process (no web server): p50 and p95 of
each query, single client, ``DEBUG = False``, the page cache off (a repeated
search would otherwise be answered from it). Both databases are dropped at the
end. See bench/README.md.

The handouts' text is written as extraction leaves it (``HandoutText`` rows,
normalised and folded by ``home.search``), without making PDF files: reading
PDFs is measured by ``bench/handouts.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 2024
MEETINGS = 50

# Sentences of the kind a handout holds; the run fills the blanks at random.
SUBJECTS = [
    "相談支援事業所",
    "就労継続支援B型の事業所",
    "グループホーム",
    "放課後等デイサービス",
    "特別支援学校",
    "基幹相談支援センター",
    "地域生活支援拠点等",
    "各市町の障害福祉担当課",
    "短期入所の事業所",
    "生活介護の事業所",
]
TOPICS = [
    "計画相談支援の導入率",
    "モニタリングの実施状況",
    "利用者の日中活動の場",
    "緊急時の受け入れ体制",
    "人材の確保と育成",
    "虐待の防止と早期発見",
    "卒業後の進路",
    "体験利用の受け入れ",
    "移動支援の利用状況",
    "家族の休息の支援",
]
VERBS = [
    "について報告がありました。",
    "について意見を交換しました。",
    "の課題を整理しました。",
    "について次年度の取組を確認しました。",
    "の状況を共有しました。",
]
TOWNS = ["本庄市", "美里町", "神川町", "上里町", "児玉郡市"]

# (label, query): a word on many pages (the first results are found at once), a word
# on one page of one handout, two words on the same page, and a word on no page
# (every page is read).
QUERIES = [
    ("多くの資料にある語", "モニタリング"),
    ("1ページだけにある語", "ひとつだけの議題ラベンダー"),
    ("2語(同じページ)", "グループホーム 体験利用"),
    ("どこにもない語", "存在しないことば"),
]


def page_text(rng, handout, page, unique_at):
    sentences = [
        f"{rng.choice(TOWNS)}の{rng.choice(SUBJECTS)}から、{rng.choice(TOPICS)}{rng.choice(VERBS)}"
        for _ in range(24)
    ]
    if (handout, page) == unique_at:
        sentences.insert(5, "ひとつだけの議題ラベンダーについて。")
    return f"資料{handout + 1} {page + 1}ページ " + "".join(sentences)


# --- One database (a child process) ----------------------------------------------


def build_site(handouts, pages):
    import datetime as dt

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, ReferenceIndex

    from council.models import CommitteePage, CouncilIndexPage, MeetingHandout, MeetingPage
    from handouts.models import HandoutDocument, HandoutStatus, HandoutText
    from home import search
    from home.demo import add_child, make_site_root
    from home.models import HomePage

    home, _ = make_site_root(HomePage(title="児玉郡市自立支援協議会", slug="home"))
    council, _ = add_child(home, CouncilIndexPage(title="協議会について", slug="about"))
    body, _ = add_child(council, CommitteePage(title="全体会", slug="zentaikai", kind="plenary"))
    Document = get_document_model()
    root = Collection.get_first_root_node()
    rng = random.Random(SEED)
    per_meeting = -(-handouts // MEETINGS)
    unique_at = (handouts // 2, pages // 2)
    number = 0
    for m in range(MEETINGS):
        count = min(per_meeting, handouts - number)
        if count <= 0:
            break
        date = dt.date(2020, 4, 1) + dt.timedelta(days=30 * m)
        documents = Document.objects.bulk_create(
            Document(
                title=f"資料{number + i + 1}",
                collection=root,
                file=ContentFile(b"", name=f"handout-{number + i + 1}.pdf").name,
            )
            for i in range(count)
        )
        meeting = MeetingPage(
            title=f"第{m + 1}回全体会", slug=date.isoformat(), date=date, status="held", agenda="[]"
        )
        meeting.handouts = [
            MeetingHandout(
                label=f"資料{number + i + 1}", title=f"検討資料{number + i + 1}", document=d
            )
            for i, d in enumerate(documents)
        ]
        add_child(body, meeting)
        ReferenceIndex.create_or_update_for_object(meeting)
        # Where tasks run at once, publishing has tried to read the (empty) files already.
        HandoutDocument.objects.filter(document__in=documents).delete()
        records = HandoutDocument.objects.bulk_create(
            HandoutDocument(
                document=d, status=HandoutStatus.TEXT, source=d.file.name, page_count=pages
            )
            for d in documents
        )
        rows = []
        for i, record in enumerate(records):
            for p in range(pages):
                text = search.normalize(page_text(rng, number + i, p, unique_at))
                rows.append(
                    HandoutText(
                        handout=record, page_number=p + 1, text=text, text_key=search.fold(text)
                    )
                )
        HandoutText.objects.bulk_create(rows, batch_size=2000)
        number += count
    return number


def measure_here(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    # The search itself, not the page cache that serves a repeated search.
    settings.PAGE_CACHE_ENABLED = False
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from handouts.models import HandoutText

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    made = build_site(args.handouts, args.pages)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeded = time.perf_counter() - started
    client = Client()
    results = []
    for label, query in QUERIES:
        for _ in range(args.warmup):
            client.get("/search/", {"q": query})
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get("/search/", {"q": query})
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        html = response.content.decode()
        found = html.count('class="search-result"')
        times.sort()
        results.append(
            {
                "label": label,
                "query": query,
                "p50": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "found": found,
            }
        )
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "handouts": made,
                "pages": HandoutText.objects.count(),
                "seconds_to_seed": seeded,
                "results": results,
            }
        )
    )


# --- The run: one child process per database ----------------------------------------


def run_child(database_url, args):
    env = dict(os.environ, DATABASE_URL=database_url, HANDOUTS_BENCH_CHILD="1")
    command = [
        sys.executable,
        __file__,
        "--handouts",
        str(args.handouts),
        "--pages",
        str(args.pages),
        "--repeat",
        str(args.repeat),
        "--warmup",
        str(args.warmup),
    ]
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handouts", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=20, help="pages per handout")
    parser.add_argument("--repeat", type=int, default=20, help="timed searches per query")
    parser.add_argument("--warmup", type=int, default=3, help="untimed searches per query")
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    if os.environ.get("HANDOUTS_BENCH_CHILD"):
        measure_here(args)
        return

    reports = []
    for kind in args.databases:
        if kind == "sqlite":
            with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
                reports.append(run_child(f"sqlite:///{tmp}/bench.sqlite3", args))
        else:
            import psycopg

            server = os.environ.get(
                "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            )
            name = f"handouts_bench_{os.getpid()}"
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                reports.append(run_child(server.rsplit("/", 1)[0] + "/" + name, args))
            finally:
                with psycopg.connect(server, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    for report in reports:
        print(
            f"\n{report['vendor']}: {report['handouts']:,} handouts, {report['pages']:,} pages "
            f"(seeded in {report['seconds_to_seed']:.0f} s); /search/, single client, "
            f"{args.repeat} requests per query"
        )
        print("| query | words | results | p50 ms | p95 ms |\n| --- | --- | ---: | ---: | ---: |")
        for row in report["results"]:
            print(
                f"| {row['label']} | {row['query']} | {row['found']} | "
                f"{row['p50']:.1f} | {row['p95']:.1f} |"
            )


if __name__ == "__main__":
    main()
