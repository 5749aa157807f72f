from django.core.management.base import BaseCommand, CommandError

from home.formatting import file_size
from operations.backup import BackupError, create_backup, summary_lines


class Command(BaseCommand):
    help = (
        "サイトのバックアップを1つのファイル(.tar.gz)に書き出します。"
        "データベースの内容、アップロードされた文書・画像のファイル、内容の一覧(manifest.json)が入ります。"
        "保存先を指定しないときは var/backups/backup-日時.tar.gz(日本時間)です。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="PATH",
            help="バックアップファイルの保存先。既にあるファイルは上書きしません。",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(f"バックアップを作りました: {result.path}")
        self.stdout.write(f"作成日時: {manifest['created_at']}")
        for line in summary_lines(manifest["row_counts"]):
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"  ファイル: {len(manifest['files'])}件({file_size(result.total_file_bytes)})"
        )
        if result.over_restore_limits:
            self.stderr.write(
                "注意: このバックアップは、復元のときの上限を超えています。"
                "復元するときは、次の環境変数で上限を上げてください(docs/backup.md): "
                + "、".join(result.over_restore_limits)
            )
        for name in result.missing_files:
            self.stderr.write(
                f"注意: データベースにあるファイルが保存先に見つかりませんでした: {name}"
            )
