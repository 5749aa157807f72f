"""Queue today's vacancy reminders; run once a day by a timer (deploy/kodama-vacancy-reminders.timer)."""

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from offices.tasks import send_vacancy_reminders

KIND_LABELS = {"first": "1回目の催促", "second": "2回目の催促", "summary": "事務局への一覧"}


class Command(BaseCommand):
    help = (
        "その日(日本時間)に送る空き情報の催促のメールを、バックグラウンドの処理に頼みます。"
        "毎日1回動かします。同じ月の同じ催促は2回送りません。"
    )

    def handle(self, *args, **options):
        result = send_vacancy_reminders.enqueue()
        if not result.is_finished:
            self.stdout.write("空き情報の催促の確認をバックグラウンドの処理に頼みました。")
            return
        if result.status == TaskResultStatus.FAILED:
            raise CommandError("空き情報の催促の確認が途中で止まりました。ログを確かめてください。")
        sent = result.return_value or {}
        counts = "、".join(f"{label} {sent.get(kind, 0)}件" for kind, label in KIND_LABELS.items())
        self.stdout.write(f"空き情報の催促を確かめました: {counts}")
