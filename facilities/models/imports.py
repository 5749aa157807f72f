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

    kind = models.CharField("種類", max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        "状態", max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    created_at = models.DateTimeField("アップロード日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アップロードした人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_date = models.DateField("データの時点")
    publish = models.BooleanField("新しい事業所をすぐに公開する", default=False)
    # Spreadsheet column → field, as chosen on the mapping step.
    mapping = models.JSONField("列の対応", default=dict, blank=True)
    # What the dry run showed; the apply refuses if the plan is no longer the same.
    plan_digest = models.CharField(max_length=64, blank=True)
    summary = models.JSONField("結果", default=dict, blank=True)
    message = models.TextField("メッセージ", blank=True)
    applied_at = models.DateTimeField("取り込んだ日時", null=True, blank=True)

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
        FacilityImport, on_delete=models.CASCADE, related_name="files"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("ファイル名", max_length=255)
    data = models.BinaryField()

    class Meta:
        ordering = ["position"]
        verbose_name = "取り込んだファイル"
        verbose_name_plural = "取り込んだファイル"

    def __str__(self):
        return self.name
