from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from editorial.twofactor import devices


class Command(BaseCommand):
    help = (
        "スマートフォンをなくした編集者の二要素認証をリセットします(認証アプリと回復コードの登録を"
        "消します)。次にログインしたときに、認証アプリを登録し直します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="リセットするアカウントのユーザー名")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"ユーザー名「{username}」のアカウントはありません。") from None
        removed = devices.reset(user)
        if removed:
            self.stdout.write(
                f"「{username}」の二要素認証をリセットしました。次のログインで認証アプリを"
                "登録し直します。"
            )
        else:
            self.stdout.write(f"「{username}」には二要素認証の登録がありません。変更はありません。")
