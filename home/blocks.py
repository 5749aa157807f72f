"""StreamField blocks shared by the site's general pages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text offers only what the site's stylesheet styles (cms/settings/base.py).
RICH_TEXT_FEATURES = list(settings.RICH_TEXT_FEATURES)

TABLE_OPTIONS = {
    "minSpareRows": 0,
    "startRows": 3,
    "startCols": 3,
    "colHeaders": False,
    "rowHeaders": False,
    "contextMenu": [
        "row_above",
        "row_below",
        "---------",
        "col_left",
        "col_right",
        "---------",
        "remove_row",
        "remove_col",
        "---------",
        "undo",
        "redo",
    ],
    "editor": "text",
    "stretchH": "all",
    "renderer": "text",
    "autoColumnSize": False,
}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="見出し", max_length=120)
    level = blocks.ChoiceBlock(
        label="レベル",
        choices=[("h2", "大見出し (h2)"), ("h3", "小見出し (h3)")],
        default="h2",
        help_text="ページの中の章は大見出し、その中の節は小見出しにします。",
    )

    class Meta:
        icon = "title"
        label = "見出し"
        template = "home/blocks/heading.html"
        preview_value = {"text": "協議会の役割", "level": "h2"}

    def get_searchable_content(self, value):
        # Only the heading's words; not the label of the chosen level.
        return [value.get("text", "")]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="画像")
    alt = blocks.CharBlock(
        label="代替テキスト",
        max_length=250,
        help_text="画像が見えない人のために、画像が伝える内容を文章で書きます(必須)。",
    )
    caption = blocks.CharBlock(label="キャプション", required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "画像"
        template = "home/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={"alt": ValidationError("代替テキストを入力してください。")}
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="文書")
    title = blocks.CharBlock(
        label="リンクの文言",
        required=False,
        max_length=200,
        help_text="空欄のときは文書のタイトルを表示します。",
    )

    class Meta:
        icon = "doc-full"
        label = "文書へのリンク"
        template = "home/blocks/document_link.html"


class CaptionedTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(
        label="表のタイトル",
        max_length=200,
        help_text="表の内容を短く書きます(読み上げで使われます)。",
    )
    table = TableBlock(label="表", table_options=TABLE_OPTIONS)
    first_row_is_header = blocks.BooleanBlock(
        label="1行目を見出しにする", default=True, required=False
    )
    first_col_is_header = blocks.BooleanBlock(
        label="1列目を見出しにする", default=False, required=False
    )

    class Meta:
        icon = "table"
        label = "表"
        template = "home/blocks/table.html"


class StandardStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label="本文",
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="home/blocks/paragraph.html",
    )
    image = ImageBlock()
    document = DocumentLinkBlock()
    table = CaptionedTableBlock()

    class Meta:
        block_counts = {}
