"""One account per role on the demo site, so a newcomer can walk through the approval."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editorial import roles

PASSWORD_FILE = "demo-account-passwords.txt"

# (username, role, the name shown in the admin): one account per role of editorial/roles.py,
# except 事業所担当, whose accounts come only from an invitation naming their facilities.
DEMO_ACCOUNTS = (
    ("jimukyoku", roles.SECRETARIAT, "事務局 デモ"),
    ("shonin", roles.APPROVER, "承認者 デモ"),
    ("shisetsu", roles.FACILITY_EDITOR, "施設情報担当 デモ"),
    ("sodan", roles.CONSULTATION_OFFICE, "相談支援事業所 デモ"),
)


class Command(BaseCommand):
    help = (
        "デモのサイトに、役割(事務局・承認者・施設情報担当・相談支援事業所)ごとのアカウントを"
        "1つずつ作ります。パスワードは作ったときに1回だけ表示し、var/ に保存します。"
        "本番の設定(DEMO_ACCOUNTS が false)では何も作りません。"
    )

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError(
                "デモのアカウントはデモのサイト(設定 DEMO_ACCOUNTS = True)でだけ作ります。"
            )
        User = get_user_model()
        password_file = settings.VAR_DIR / PASSWORD_FILE
        created = []
        with transaction.atomic():
            for username, role, name in DEMO_ACCOUNTS:
                group = Group.objects.filter(name=role).first()
                if group is None:
                    raise CommandError(
                        f"グループ「{role}」がありません。先に manage.py setup_roles を実行してください。"
                    )
                if User.objects.filter(username=username).exists():
                    continue
                password = secrets.token_urlsafe(12)
                family, given = name.split(" ")
                user = User.objects.create_user(
                    username,
                    "",  # the demo holds no e-mail addresses
                    password,
                    last_name=family,
                    first_name=given,
                )
                user.groups.add(group)
                created.append((username, role, password))
        if not created:
            names = ", ".join(username for username, _, _ in DEMO_ACCOUNTS)
            self.stdout.write(f"役割ごとのデモのアカウント: {names}")
            if password_file.exists():
                self.stdout.write(f"最初のパスワードは {password_file} にあります。")
            return
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        lines = [f"{username}\t{role}\t{password}" for username, role, password in created]
        with password_file.open("a", encoding="utf-8") as saved:
            saved.write("\n".join(lines) + "\n")
        password_file.chmod(0o600)
        self.stdout.write(
            "役割ごとのデモのアカウントを作成しました(承認の流れを試すためのものです):"
        )
        for username, role, password in created:
            self.stdout.write(f"  {role}: ユーザー名 {username}  パスワード {password}")
        self.stdout.write(f"(パスワードは {password_file} にも保存しました)")
        two_factor = [role for _, role, _ in created if role in roles.TWO_FACTOR_ROLES]
        if two_factor and settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                f"{'・'.join(two_factor)}のアカウントも、初めてのログインで認証アプリの登録を求めます。"
            )
        if any(role == roles.CONSULTATION_OFFICE for _, role, _ in created):
            self.stdout.write(
                "相談支援事業所のアカウントは管理画面には入れず、閲覧を制限したページを見るためのものです。"
            )
