from django.core.management.base import BaseCommand

from handouts.tasks import rebuild


class Command(BaseCommand):
    help = "公開中のページの資料の文字を、すべて読み直します(サイト内検索の資料の結果)。"

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"{count}件の文書を確かめました。")
