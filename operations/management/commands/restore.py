from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup, summary_lines


class Command(BaseCommand):
    help = (
        "backup コマンドで作ったファイルから、サイトを復元します。"
        "`python manage.py migrate` だけを実行した空のデータベースにしか復元しません。"
        "ファイルを先にすべて確かめ、問題があれば何も変更せずに止まります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="ARCHIVE", help="復元するバックアップファイル")

    def handle(self, *args, archive, **options):
        try:
            result = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(f"復元できませんでした。何も変更していません。\n{exc}") from exc
        manifest = result.manifest
        self.stdout.write(f"復元しました: {archive}(作成日時: {manifest['created_at']})")
        for line in summary_lines(result.row_counts):
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"  ファイル: {result.files_total}件(書き込み {result.files_written}件、"
            f"同じファイルが既にあったもの {result.files_total - result.files_written}件)"
        )
        self.stdout.write(f"  サイト内検索の索引: {result.search_entries}ページ")
