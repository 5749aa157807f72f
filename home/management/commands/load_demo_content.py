from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from home import demo


class Command(BaseCommand):
    help = "デモ用のページとお知らせを作成します(既にあるものは変更しません)。"

    def handle(self, *args, **options):
        try:
            created = demo.load()
        except demo.DemoDataError as error:
            raise CommandError(
                f"デモデータに誤りがあります。何も変更していません。{error}"
            ) from error
        if created:
            self.stdout.write(f"デモコンテンツを作成しました: {len(created)}件")
            for title in created:
                self.stdout.write(f"  - {title}")
        else:
            self.stdout.write("デモコンテンツは作成済みです。変更はありません。")
        call_command("setup_roles", stdout=self.stdout)
