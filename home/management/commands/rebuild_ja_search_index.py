from django.core.management.base import BaseCommand

from home import search


class Command(BaseCommand):
    help = "サイト内検索(日本語)の索引を、公開中のすべてのページから作り直します。"

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"検索索引を作り直しました: {count}ページ")
