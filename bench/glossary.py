"""Benchmark of the 用語集 marks (home.glossary) on a long page, alone and with ふりがな.

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/glossary.py [--repeat 20] [--paragraphs 200]

Builds a temporary SQLite database (migrate, load_demo_content: the 用語集 with its
terms), adds a long general page (``--paragraphs`` paragraphs of running text in
which every term of the 用語集 appears), then requests it through Django's test
client, in turn: without marks (``mark_terms`` replaced by the identity), with marks
and a cold cache (the marked contents cleared before each request), with marks and a
warm cache (the second visitor), and the same three with ruby on (ruby warm in each, so
the difference is the marks). The page cache is off: it would answer every repeated
request. Prints the median of each, and the time of ``mark_terms`` alone on the page's
main content.
"""

from __future__ import annotations

import argparse
import json
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

SENTENCES = (
    "{term}について、相談支援専門員がていねいに説明します。",
    "本庄市・美里町・神川町・上里町に住む人が使えます。",
    "わからないことがあれば、事務局に電話かFAXで聞いてください。",
)


def long_page(paragraphs):
    """A general page under the home page with ``paragraphs`` paragraphs; its path."""
    from wagtail.models import Site

    from home.models import GlossaryTerm, StandardPage

    terms = list(GlossaryTerm.objects.values_list("term", flat=True))
    blocks = []
    for n in range(paragraphs):
        term = terms[n % len(terms)]
        text = "".join(s.format(term=term) for s in SENTENCES)
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
        if n % 10 == 0:
            blocks.append({"type": "heading", "value": {"text": f"{term}の説明", "level": "h2"}})
    home = Site.objects.get(is_default_site=True).root_page
    page = StandardPage(
        title="長いページ", slug="bench-long", body=json.dumps(blocks, ensure_ascii=False)
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page.url


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="glossary-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    try:
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["localhost"]
        settings.PAGE_CACHE_ENABLED = False
        from django.test import Client

        from home import glossary

        with open(os.devnull, "w") as quiet:
            call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
            call_command("load_demo_content", stdout=quiet)
        path = long_page(args.paragraphs)
        client = Client()
        marking = glossary.mark_terms

        def request(kind, ruby):
            client.cookies.clear()
            if ruby:
                client.cookies["ruby"] = "1"
            glossary.mark_terms = (lambda html: html) if kind == "none" else marking
            if kind == "cold":
                glossary._cached_mark.cache_clear()
            started = time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            return elapsed, response

        for ruby in (False, True):
            request("warm", ruby)  # templates, SudachiPy's dictionary, ruby of the text
            request("none", ruby)
        kinds = ("none", "cold", "warm")
        for ruby in (False, True):
            times = {kind: [] for kind in kinds}
            for _ in range(args.repeat):
                for kind in kinds:
                    elapsed, response = request(kind, ruby)
                    times[kind].append(elapsed)
            medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
            body = response.content.decode()
            main_html = re.search(r"<main.*?</main>", body, re.S).group(0)
            text = re.sub(r"<rt>.*?</rt>|<[^>]+>", "", main_html)
            marks = body.count('class="glossary-term"')
            print(
                f"{'ruby' if ruby else 'no ruby':<8} main text {len(text)}字, "
                f"{marks} marks: "
                f"no marks {medians['none']:.1f} ms, "
                f"marks cold {medians['cold']:.1f} ms (+{medians['cold'] - medians['none']:.1f}), "
                f"marks warm {medians['warm']:.1f} ms (+{medians['warm'] - medians['none']:.1f})"
            )
        glossary.mark_terms = marking

        # mark_terms alone on the main content without marks.
        fragment = re.sub(r'<a href="[^"]*" class="glossary-term">(.*?)</a>', r"\1", main_html)
        fragment = re.sub(r"<ruby>(.*?)<rt>.*?</rt></ruby>", r"\1", fragment)
        version = glossary.glossary_version()
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            glossary._mark(fragment, version)
            runs.append(time.perf_counter() - started)
        print(
            f"mark_terms alone, {len(fragment)} characters of HTML: "
            f"{statistics.median(runs) * 1000:.1f} ms"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
