"""manage.py clear_page_cache: make every stored page out of date (after changing data by hand)."""

from django.core.management.base import BaseCommand

from cms import pagecache


class Command(BaseCommand):
    help = (
        "ページのキャッシュをすべて古くします(データベースを SQL などで直接変えたあとに使います。"
        "管理画面やコマンドでの変更では自動で古くなります)。"
    )

    def handle(self, *args, **options):
        if not pagecache.bump_generation():
            self.stderr.write(
                "ページのキャッシュに書き込めませんでした(キャッシュのサーバーが止まっていれば、"
                "ページはもともとキャッシュなしで表示されています)。"
            )
            return
        self.stdout.write(
            "ページのキャッシュを古くしました。次に見た人には新しく作ったページを返します。"
        )
