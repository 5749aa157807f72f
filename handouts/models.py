"""The text found in documents (資料) attached to live, public pages, for the site search.

One ``HandoutDocument`` per document says what extraction found (text, a scan
without text, or a file that could not be read and why); its ``HandoutText``
rows hold the text of each PDF page (other formats are one page), normalised as
the site search normalises (``home.search``).
"""

from django.db import models

from home import search, substring


class HandoutStatus(models.TextChoices):
    TEXT = "text", "文字あり"
    SCAN = "scan", "文字の情報がない(スキャン)"
    UNREADABLE = "unreadable", "読み取れない"


class HandoutDocument(models.Model):
    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="handout_record",
        verbose_name="文書",
    )
    status = models.CharField("状態", max_length=20, choices=HandoutStatus.choices)
    reason = models.TextField("理由", blank=True)
    # The file that was read (Wagtail gives a new upload a new name and hash).
    source = models.CharField(max_length=400, blank=True)
    page_count = models.PositiveIntegerField("ページ数", default=0)
    truncated = models.BooleanField("途中まで", default=False)
    extracted_at = models.DateTimeField("読み取った日時", auto_now=True)

    class Meta:
        verbose_name = "資料の文字"
        verbose_name_plural = "資料の文字"

    def __str__(self):
        return f"{self.document.title}({self.get_status_display()})"


# Its key column's substring index (created by migration 0002).
HANDOUT_TEXT = substring.KeyIndex("handouts_handouttext", "id", ("text_key",), probe=True)


class HandoutText(models.Model):
    handout = models.ForeignKey(HandoutDocument, on_delete=models.CASCADE, related_name="pages")
    page_number = models.PositiveIntegerField("ページ")
    text = models.TextField("文字")
    # ``text`` folded for matching (home.search.fold): same length, so a match marks the text.
    text_key = models.TextField()

    class Meta:
        ordering = ["handout", "page_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["handout", "page_number"], name="handouts_text_unique_page"
            )
        ]

    def __str__(self):
        return f"{self.handout_id} p.{self.page_number}"

    def save(self, *args, **kwargs):
        self.text = search.normalize(self.text)
        self.text_key = search.fold(self.text)
        super().save(*args, **kwargs)
