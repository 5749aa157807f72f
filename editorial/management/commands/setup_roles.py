from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from editorial import roles


class Command(BaseCommand):
    help = (
        "編集者の役割(事務局・承認者・施設情報担当・相談支援事業所)のグループ、権限、"
        "コレクション「施設の写真」、承認のワークフローを用意します。足りないものだけを加え、"
        "何度実行しても同じ結果になります。"
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changes = roles.apply_roles(apps)
        for line in changes:
            self.stdout.write(f"  - {line}")
        for line in changes.notes:
            self.stdout.write(self.style.WARNING(f"  ! {line}"))
        if options["verbosity"] >= 2:
            for role in roles.ROLES:
                self.stdout.write(f"{role.name}: {role.description}")
        if changes:
            self.stdout.write(f"役割の設定を更新しました({len(changes)}件)。")
        else:
            self.stdout.write("役割の設定はそろっています。変更はありません。")
