"""manage.py accessibility_test: the yearly test against JIS X 8341-3:2016 (axe-core in Chromium).

Chooses the pages (representative and random, see ``accessibility.selection``),
runs axe-core on each at ``--base-url`` (or on a server it starts on this
database, such as the demo), works out the checklist (``accessibility.checklist``)
and stores an ``AccessibilityTestRun``. The secretariat then chooses the run on
the 試験結果 page and publishes it.
"""

import random
import threading

from django.core.management.base import BaseCommand, CommandError

from accessibility import checklist
from accessibility.models import AccessibilityTestRun
from accessibility.runner import RunnerError, find_chromium, run_axe
from accessibility.selection import choose_pages


class Command(BaseCommand):
    help = (
        "公開中のページを axe-core(Chromium)で試験し、アクセシビリティの試験結果として保存します。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            help="試験するサイトのアドレス(例: https://example.jp)。省略するとこのデータベースでサーバーを起動して試験します。",
        )
        parser.add_argument(
            "--random", type=int, default=5, help="無作為に選ぶページの数(既定: 5)。"
        )
        parser.add_argument(
            "--seed", type=int, help="無作為に選ぶときの乱数の種(省略すると新しく決めます)。"
        )
        parser.add_argument("--chromium", help="Chromium の実行ファイルの場所。")

    def handle(self, *args, **options):
        count = options["random"]
        if count < 0 or count > 1000:
            raise CommandError("--random は 0 から 1000 までの数にしてください。")
        seed = options["seed"]
        if seed is None:
            seed = random.SystemRandom().randrange(1, 2**31)
        try:
            chromium = find_chromium(options["chromium"])
        except RunnerError as error:
            raise CommandError(str(error)) from error
        chosen = choose_pages(count, seed)
        if not chosen:
            raise CommandError("公開中のページがありません。先にサイトを作ってください。")
        base_url = options["base_url"]
        server = None
        if not base_url:
            server, base_url = start_server()
        try:
            tested, axe_rules, media_found, version = run_axe(
                base_url, [page["path"] for page in chosen], chromium
            )
        except RunnerError as error:
            raise CommandError(str(error)) from error
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
        try:
            manual = checklist.load_manual_checks()
        except checklist.ManualChecksError as error:
            raise CommandError(str(error)) from error
        pages = [{**page, **result} for page, result in zip(chosen, tested, strict=True)]
        for page in pages:
            del page["path"]
        run = AccessibilityTestRun.objects.create(
            base_url=base_url[:200],
            seed=seed,
            random_count=sum(1 for page in pages if page["kind"] == "random"),
            axe_version=version[:20],
            pages=pages,
            criteria=checklist.evaluate(axe_rules, media_found, manual),
            violation_count=sum(page["violations"] for page in pages),
            media_found=media_found,
        )
        results = [row["result"] for row in run.checklist_rows()]
        summary = "、".join(
            f"{label} {results.count(label)}"
            for label in (r.label for r in checklist.Result)
            if results.count(label)
        )
        self.stdout.write(
            f"{len(pages)}ページを試験しました(乱数の種 {seed})。問題 {run.violation_count} か所。"
            f"達成基準: {summary}。試験結果のページで「公開する試験」に選ぶと公開されます(番号 {run.pk})。"
        )


def start_server():
    """Serve this site (and its static files) on a free local port; returns (server, url)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
