from django.db import migrations

BUSINESS_ITEMS = [
    (1, "地域の障害福祉の資源の把握"),
    (2, "課題の抽出と対応策の検討"),
    (3, "地域の関係機関のネットワーク構築及び相談支援体制の充実と強化に関すること"),
    (4, "困難事例への支援のあり方に関する協議及び調整に関すること"),
    (5, "その他"),
]


def seed(apps, schema_editor):
    BusinessItem = apps.get_model("council", "BusinessItem")
    for number, name in BUSINESS_ITEMS:
        BusinessItem.objects.get_or_create(name=name, defaults={"number": number})


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
