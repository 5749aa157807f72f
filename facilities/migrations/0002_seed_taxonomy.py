"""The service taxonomy of the welfare map, the four municipalities, target groups and features."""

from django.db import migrations

CATEGORIES = [
    ("介護給付", "障害者総合支援法", [
        ("居宅介護", False),
        ("重度訪問介護", False),
        ("同行援護", False),
        ("行動援護", False),
        ("重度障害者等包括支援", False),
        ("短期入所", True),
        ("療養介護", False),
        ("生活介護", False),
        ("施設入所支援", True),
    ]),
    ("訓練等給付", "障害者総合支援法", [
        ("自立訓練(機能訓練)", False),
        ("自立訓練(生活訓練)", False),
        ("宿泊型自立訓練", True),
        ("就労選択支援", False),
        ("就労移行支援", False),
        ("就労継続支援A型", False),
        ("就労継続支援B型", False),
        ("就労定着支援", False),
        ("自立生活援助", False),
        ("共同生活援助(介護サービス包括型)", True),
        ("共同生活援助(外部サービス利用型)", True),
        ("共同生活援助(日中サービス支援型)", True),
    ]),
    ("相談支援", "障害者総合支援法", [
        ("計画相談支援", False),
        ("地域移行支援", False),
        ("地域定着支援", False),
    ]),
    ("障害児支援", "児童福祉法", [
        ("障害児相談支援", False),
        ("児童発達支援", False),
        ("放課後等デイサービス", False),
        ("居宅訪問型児童発達支援", False),
        ("保育所等訪問支援", False),
        ("障害児入所支援", True),
    ]),
    ("地域生活支援事業", "市町の事業", [
        ("移動支援", False),
        ("日中一時支援", False),
        ("地域活動支援センター", False),
        ("意思疎通支援", False),
    ]),
    ("その他", "", []),
]

MUNICIPALITIES = [
    ("112119", "本庄市", "ホンジョウシ"),
    ("113816", "美里町", "ミサトマチ"),
    ("113832", "神川町", "カミカワマチ"),
    ("113859", "上里町", "カミサトマチ"),
]

TARGET_GROUPS = ["身体", "知的", "精神", "障害児", "難病"]

FEATURES = ["送迎あり", "車椅子対応", "医療的ケア対応", "入浴", "食事提供", "駐車場あり", "体験利用可"]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("facilities", "ServiceCategory")
    ServiceType = apps.get_model("facilities", "ServiceType")
    Municipality = apps.get_model("facilities", "Municipality")
    TargetGroup = apps.get_model("facilities", "TargetGroup")
    Feature = apps.get_model("facilities", "Feature")
    for order, (name, law, types) in enumerate(CATEGORIES, start=1):
        category, _ = ServiceCategory.objects.get_or_create(
            name=name, defaults={"law": law, "sort_order": order}
        )
        for type_order, (type_name, residential) in enumerate(types, start=1):
            ServiceType.objects.get_or_create(
                name=type_name,
                defaults={
                    "category": category,
                    "is_residential": residential,
                    "sort_order": type_order,
                },
            )
    for order, (code, name, kana) in enumerate(MUNICIPALITIES, start=1):
        Municipality.objects.get_or_create(
            code=code, defaults={"name": name, "name_kana": kana, "sort_order": order}
        )
    for order, name in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(name=name, defaults={"sort_order": order})
    for order, name in enumerate(FEATURES, start=1):
        Feature.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
