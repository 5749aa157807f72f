"""The printed ふくしマップ: each PDF built from the live directory, newest first."""

from django.conf import settings
from django.db import models
from django.utils import timezone

BUILD_PERMISSION = "booklet.build_booklet"


class Booklet(models.Model):
    """One built PDF, kept in the default storage; the newest is the one the public downloads."""

    file = models.FileField("PDF", upload_to="booklet/")
    built_at = models.DateTimeField("作成日時", default=timezone.now, db_index=True)
    facility_count = models.PositiveIntegerField("掲載した事業所の数")
    file_size = models.PositiveIntegerField("ファイルの大きさ(バイト)")
    map_tiles = models.BooleanField(
        "表紙の地図に地理院タイルを使用",
        default=False,
        help_text="地図の画像を取得できなかったときは、位置と番号だけの地図になります。",
    )
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-built_at", "-pk"]
        verbose_name = "ふくしマップの冊子"
        verbose_name_plural = "ふくしマップの冊子"
        permissions = [("build_booklet", "ふくしマップの冊子(PDF)を作成できる")]

    def __str__(self):
        return f"ふくしマップの冊子({timezone.localtime(self.built_at):%Y-%m-%d %H:%M})"
