"""The vacancy models move here from ``facilities``, rows and all.

The tables stay where they are (``db_table``), so this migration changes the
project state only; ``0002`` renames them. The content types move too, which
keeps every reference to them (the 空き情報 page in the page tree, its revisions,
permissions granted to groups, log entries) pointing at the same row.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

MOVED = ("vacancypage", "vacancysettings", "vacancyfigure")


def move_content_types(apps, schema_editor, old="facilities", new="vacancies"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A fresh database may not have the old ones yet; post_migrate makes the new ones then.
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="vacancies", new="facilities")


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0005_help_texts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # On a fresh database the roles migration makes the old content types and
        # permissions; they must exist before they are moved here.
        ("editorial", "0001_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VacancyPage",
                    fields=[
                        ("page_ptr", models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to="wagtailcore.page")),
                        ("summary", models.TextField(blank=True, help_text="一覧や検索結果、検索エンジンに表示される短い説明です(120字程度)。", max_length=300, verbose_name="概要")),
                        ("intro", wagtail.fields.RichTextField(blank=True, help_text="表の上に出る短い説明です。", verbose_name="はじめに")),
                    ],
                    options={"verbose_name": "空き情報", "db_table": "facilities_vacancypage"},
                    bases=("wagtailcore.page",),
                ),
                migrations.CreateModel(
                    name="VacancySettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("site", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to="wagtailcore.site")),
                        ("tracked_service_types", models.ManyToManyField(blank=True, help_text="選ばないときは、施設入所支援・共同生活援助(3類型)・短期入所を集めます。", to="facilities.servicetype", verbose_name="空き情報を集めるサービス")),
                    ],
                    options={"verbose_name": "空き情報の設定", "db_table": "facilities_vacancysettings"},
                ),
                migrations.CreateModel(
                    name="VacancyFigure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("month", models.DateField(help_text="その月の1日時点の空き状況です。", verbose_name="対象月")),
                        ("vacancies", models.PositiveSmallIntegerField(blank=True, help_text="空欄は「未回答」として扱います。", null=True, validators=[django.core.validators.MaxValueValidator(999)], verbose_name="空き人数")),
                        ("for_whom", models.CharField(choices=[("any", "問わず"), ("male", "男性"), ("female", "女性")], default="any", help_text="空きを受け入れられる方(問わず・男性・女性)。", max_length=10, verbose_name="対象")),
                        ("trial_stay", models.BooleanField(default=False, help_text="体験利用を受け入れられる", verbose_name="体験利用")),
                        ("note", models.CharField(blank=True, help_text="例: 体験利用のみ可。公開ページに出ます。", max_length=200, verbose_name="備考")),
                        ("reported_on", models.DateField(default=django.utils.timezone.localdate, help_text="事業所から回答を受けた日。", verbose_name="回答日")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新日時")),
                        ("entered_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="入力者")),
                        ("facility", models.ForeignKey(help_text="空き情報を報告した事業所。", on_delete=django.db.models.deletion.CASCADE, related_name="vacancy_figures", to="facilities.facilitypage", verbose_name="事業所")),
                        ("service_type", models.ForeignKey(help_text="空き情報の対象のサービス。", on_delete=django.db.models.deletion.PROTECT, related_name="vacancy_figures", to="facilities.servicetype", verbose_name="サービス")),
                    ],
                    options={
                        "verbose_name": "空き情報",
                        "verbose_name_plural": "空き情報",
                        "ordering": ["-month", "facility__kana_sort", "service_type__sort_order"],
                        "db_table": "facilities_vacancyfigure",
                        "indexes": [models.Index(fields=["month", "service_type"], name="facilities__month_784d5c_idx")],
                        "constraints": [models.UniqueConstraint(fields=("facility", "service_type", "month"), name="one_figure_per_facility_service_month")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
