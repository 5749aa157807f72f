"""StreamField blocks for meeting records and yearly report tables."""

from wagtail import blocks

POINT_FEATURES = ["bold", "link", "ol", "ul"]


class AgendaItemBlock(blocks.StructBlock):
    KIND_CHOICES = [
        ("report", "報告"),
        ("discussion", "協議"),
        ("approval", "承認"),
        ("other", "その他"),
    ]
    kind = blocks.ChoiceBlock(label="種類", choices=KIND_CHOICES, default="report")
    title = blocks.CharBlock(label="議題", max_length=200)
    summary = blocks.TextBlock(label="内容", required=False, help_text="議題の内容を短く書きます。")
    outcome = blocks.TextBlock(
        label="結果",
        required=False,
        help_text="承認された、継続して協議する、など。開催後に書きます。",
    )

    class Meta:
        icon = "list-ol"
        label = "議題"
        template = "council/blocks/agenda_item.html"
        preview_value = {
            "kind": "approval",
            "title": "こども部会の設置について",
            "summary": "令和6年度中にこども部会を設ける案です。",
            "outcome": "承認されました。",
        }

    def get_searchable_content(self, value):
        return [value.get("title", ""), value.get("summary", ""), value.get("outcome", "")]


class AgendaStreamBlock(blocks.StreamBlock):
    item = AgendaItemBlock()


class ReportPointBlock(blocks.StructBlock):
    """One numbered point of a report row: the same number in each column."""

    activities = blocks.TextBlock(
        label="取組状況", required=False, help_text="行ったこと(日付も書きます)。"
    )
    evaluation = blocks.TextBlock(label="結果及び評価", required=False)
    plan = blocks.TextBlock(label="次年度の計画", required=False)

    class Meta:
        icon = "list-ol"
        label = "項目(番号ごと)"
        help_text = "取組状況・結果及び評価・次年度の計画の同じ番号の内容を、1組として入力します。"


class ReportPointsBlock(blocks.StreamBlock):
    point = ReportPointBlock()


class NewPlanBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="新規計画の名称", max_length=200)
    detail = blocks.TextBlock(label="内容", required=False)

    class Meta:
        icon = "plus"
        label = "新規計画内容"


class NewPlansBlock(blocks.StreamBlock):
    plan = NewPlanBlock()
