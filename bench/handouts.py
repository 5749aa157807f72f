"""Benchmark of reading a handout PDF's text (handouts/extract.py).

    DJANGO_SETTINGS_MODULE=cms.settings.dev .venv/bin/python bench/handouts.py [--pages 200]

Builds a Japanese PDF with WeasyPrint (Noto CJK) of the given number of pages,
then reports the CPU time and Python memory peak of the extraction. No database.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    import weasyprint

    from handouts import extract

    body = "".join(
        f'<p style="page-break-before: always">第{i}ページ 障害福祉サービスの相談支援について。'
        + "児玉郡市の地域生活支援拠点。" * 40
        + "</p>"
        for i in range(args.pages)
    )
    data = weasyprint.HTML(string=f'<html lang="ja"><body>{body}</body></html>').write_pdf()
    tracemalloc.start()
    started = time.process_time()
    result = extract.extract("bench.pdf", data)
    cpu = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    chars = sum(len(text) for _, text in result.pages)
    print(
        f"{len(data) // 1024:,} KB, {result.page_count} pages, {chars:,} characters: "
        f"{cpu:.2f} s CPU ({cpu / max(result.page_count, 1) * 1000:.1f} ms/page), "
        f"Python memory peak {peak // 1024:,} KB"
    )


if __name__ == "__main__":
    main()
