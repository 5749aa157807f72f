"""The items the council usually evaluates, as data the secretariat can change."""

from django.db import migrations

ITEMS = [
    ("地域との連携", "地域の行事への参加や、自治会・近隣との関わりがあるか。"),
    ("日中活動の支援体制", "日中も支援者がいて、一人ひとりに合った日中の過ごし方を支えているか。"),
    ("利用者の意向の反映", "本人の希望を聞き取り、個別支援計画や暮らしの中に生かしているか。"),
    ("権利擁護", "虐待の防止や身体拘束の適正化、苦情への対応の仕組みがあるか。"),
    ("緊急時の対応", "急な体調の変化や災害のときの連絡と対応の手順があるか。"),
]


def seed(apps, schema_editor):
    EvaluationItem = apps.get_model("evaluations", "EvaluationItem")
    for order, (name, description) in enumerate(ITEMS, start=1):
        EvaluationItem.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
