"""The welfare map's vocabulary: service categories and types, target groups,
municipalities and features. Managed in the admin, seeded by a migration."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from wagtail.search import index

from home.models import CleanTextAdminForm


def validate_local_government_code(value):
    """全国地方公共団体コード: five digits and a check digit (JIS X 0401/0402)."""
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError("団体コードは6桁の数字で入力してください。")
    total = sum(int(d) * w for d, w in zip(value[:5], (6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 10
    if int(value[5]) != check:
        raise ValidationError("団体コードの検査数字(6桁目)が正しくありません。")


class Municipality(models.Model):
    code = models.CharField(
        "団体コード",
        max_length=6,
        unique=True,
        validators=[validate_local_government_code],
        help_text="全国地方公共団体コード(6桁)。例: 本庄市 112119",
    )
    name = models.CharField("市町名", max_length=20, unique=True, help_text="例: 本庄市")
    name_kana = models.CharField(
        "よみ(カタカナ)", max_length=40, help_text="50音順の並べ替えに使います(例: ホンジョウシ)。"
    )
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "市町"
        verbose_name_plural = "市町"

    def __str__(self):
        return self.name


class ServiceCategory(models.Model):
    name = models.CharField("区分", max_length=40, unique=True, help_text="例: 日中活動系サービス")
    law = models.CharField(
        "根拠", max_length=40, blank=True, help_text="例: 障害者総合支援法、児童福祉法"
    )
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "サービス区分"
        verbose_name_plural = "サービス区分"

    def __str__(self):
        return self.name


class ServiceType(index.Indexed, models.Model):
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name="区分",
        on_delete=models.PROTECT,
        related_name="types",
        help_text="このサービスが入る区分です。",
    )
    name = models.CharField(
        "サービスの種類",
        max_length=60,
        unique=True,
        help_text="障害者総合支援法などでの正式な名前(例: 共同生活援助(介護サービス包括型))。",
    )
    wam_code = models.CharField(
        "サービスコード",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{2,4}$", "サービスコードは数字で入力してください。")],
        help_text="国のオープンデータ(WAM NET)のサービス種類コード。わかる場合に入力します。",
    )
    is_residential = models.BooleanField(
        "入所・居住系",
        default=False,
        help_text="施設入所支援・共同生活援助・短期入所など、空き情報を集める種類です。",
    )
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["category__sort_order", "sort_order", "pk"]
        verbose_name = "サービスの種類"
        verbose_name_plural = "サービスの種類"

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    name = models.CharField("対象者", max_length=20, unique=True, help_text="例: 知的障害")
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "対象者の区分"
        verbose_name_plural = "対象者の区分"

    def __str__(self):
        return self.name


class Feature(models.Model):
    name = models.CharField("特徴", max_length=40, unique=True, help_text="例: 送迎あり")
    sort_order = models.PositiveSmallIntegerField("並び順", default=0)

    base_form_class = CleanTextAdminForm

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "特徴"
        verbose_name_plural = "特徴"

    def __str__(self):
        return self.name
