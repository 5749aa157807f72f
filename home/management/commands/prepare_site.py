"""What `make run` does after migrating: demo content on an empty site, an admin account, and
on the demo (settings.DEMO_ACCOUNTS) one account per role."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.models import HomePage

PASSWORD_FILE = "initial-admin-password.txt"


class Command(BaseCommand):
    help = "サイトが空ならデモコンテンツを入れ、管理者アカウントを用意します(内容は消しません)。"

    def handle(self, *args, **options):
        if not HomePage.objects.exists():
            call_command("load_demo_content", stdout=self.stdout)
        else:
            self.stdout.write("既存のコンテンツをそのまま使います。")

        User = get_user_model()
        password_file = settings.VAR_DIR / PASSWORD_FILE
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "", password)
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
            self.stdout.write(
                f"管理者アカウントを作成しました。ユーザー名: admin  パスワード: {password}"
            )
            self.stdout.write(f"(パスワードは {password_file} にも保存しました)")
        else:
            names = ", ".join(
                User.objects.filter(is_superuser=True).values_list("username", flat=True)
            )
            self.stdout.write(f"管理者アカウント: {names}")
            if password_file.exists():
                self.stdout.write(f"最初のパスワードは {password_file} にあります。")
        call_command("setup_roles", stdout=self.stdout)
        if settings.DEMO_ACCOUNTS:
            call_command("create_demo_accounts", stdout=self.stdout)
        self.stdout.write("管理画面: http://127.0.0.1:8000/admin/")
        if settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "管理画面に初めてログインすると、スマートフォンの認証アプリの登録(二要素認証)を求めます。"
                "手元で試すだけなら TWO_FACTOR_REQUIRED=false make run で省けます。"
            )
        self.stdout.write(
            "パスワードの変更: 管理画面右上のアカウント設定、または "
            ".venv/bin/python manage.py changepassword admin"
        )
