import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from facilities.imports import engine, report, wam
from facilities.imports.rows import ImportFileError
from facilities.models import ImportKind


def month(value):
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"時点は 2026-10 のように書きます(「{value}」)。") from error


class Command(BaseCommand):
    help = (
        "障害福祉サービス等情報公表システム(WAM NET)の CSV・ZIP から、児玉郡市の事業所を取り込みます。"
        "まず変更点を表示し、--apply のときだけ書き込みます(全部か、何もしないか)。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV か ZIP(サービス種別ごとに1つ)")
        parser.add_argument(
            "--as-of", type=month, help="データの時点(例: 2026-10)。省略すると今月。"
        )
        parser.add_argument("--apply", action="store_true", help="確認の後、書き込みます。")
        parser.add_argument(
            "--publish", action="store_true", help="新しい事業所と変更をすぐに公開します。"
        )
        parser.add_argument("--user", help="記録に残す編集者のユーザー名")

    def handle(self, *args, files, as_of, apply, publish, user, **options):
        contents = []
        for name in files:
            try:
                contents.append((Path(name).name, Path(name).read_bytes()))
            except OSError as error:
                raise CommandError(f"ファイル「{name}」を開けません({error.strerror})。") from error
        source = engine.Source(
            ImportKind.WAM, wam.SOURCE_LABEL, as_of or dt.date.today().replace(day=1)
        )
        try:
            rows = wam.read_files(contents)
            errors = []
        except ImportFileError as error:
            rows, errors = [], error.errors
        result = engine.plan(rows, source, errors=errors)
        for line in report.lines(result):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("取り込めませんでした。何も変更していません。")
        if not apply:
            self.stdout.write("確認だけしました(--apply を付けると書き込みます)。")
            return
        editor = None
        if user:
            editor = get_user_model().objects.filter(username=user).first()
            if editor is None:
                raise CommandError(f"ユーザー「{user}」がいません。")
        written = engine.apply(result, editor, publish=publish)
        self.stdout.write(
            f"取り込みました: 公開 {written['published']}件、下書き {written['drafts']}件。"
        )
