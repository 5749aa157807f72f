"""Imports of facility data: the uploaded files, what the editor chose, and how it ended."""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    WAM = "wam", "障害福祉サービス等情報公表システム(WAM NET)のCSV"
    SHEET = "sheet", "協議会の一覧表(Excel・CSV)"


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "確認待ち"
    QUEUED = "queued", "取り込み中"
    APPLIED = "applied", "取り込み済み"
    FAILED = "failed", "取り込めませんでした"


class FacilityImport(models.Model):
    """One upload: checked (dry run), then applied all at once by the task queue."""

    kind = models.CharField(
        "種類", max_length=10, choices=ImportKind.choices, help_text="取り込んだファイルの種類"
    )
    status = models.CharField(
        "状態",
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.CHECKED,
        help_text="確認待ち・取り込み中・取り込み済み・取り込めなかった、のどれか",
    )
    created_at = models.DateTimeField("アップロード日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アップロードした人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="ファイルをアップロードした編集者",
    )
    source_date = models.DateField(
        "データの時点", help_text="出典に「令和N年M月時点」として出る月(その月の1日)"
    )
    publish = models.BooleanField(
        "新しい事業所をすぐに公開する",
        default=False,
        help_text="選ばないときは下書きとして保存します",
    )
    # Spreadsheet column → field, as chosen on the mapping step.
    mapping = models.JSONField(
        "列の対応", default=dict, blank=True, help_text="一覧表の見出しと、取り込む項目の対応"
    )
    # What the dry run showed; the apply refuses if the plan is no longer the same.
    plan_digest = models.CharField(
        "確認した内容の指紋",
        max_length=64,
        blank=True,
        help_text="確認の画面で見た内容から作る値。取り込むときに内容が変わっていないかを確かめます",
    )
    summary = models.JSONField(
        "結果", default=dict, blank=True, help_text="取り込んだ件数(新規・変更・公開・下書き)"
    )
    message = models.TextField("メッセージ", blank=True, help_text="取り込めなかったときの理由")
    applied_at = models.DateTimeField(
        "取り込んだ日時", null=True, blank=True, help_text="取り込みが終わった日時"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "事業所データの取り込み"
        verbose_name_plural = "事業所データの取り込み"

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def file_contents(self):
        return [(f.name, bytes(f.data)) for f in self.files.order_by("position")]


class FacilityImportFile(models.Model):
    facility_import = models.ForeignKey(
        FacilityImport,
        verbose_name="取り込み",
        on_delete=models.CASCADE,
        related_name="files",
        help_text="このファイルを使った取り込み",
    )
    position = models.PositiveSmallIntegerField("順番", default=0, help_text="選んだ順の番号")
    name = models.CharField("ファイル名", max_length=255, help_text="アップロードしたときの名前")
    data = models.BinaryField("中身", help_text="アップロードしたファイルそのもの")

    class Meta:
        ordering = ["position"]
        verbose_name = "取り込んだファイル"
        verbose_name_plural = "取り込んだファイル"

    def __str__(self):
        return self.name
