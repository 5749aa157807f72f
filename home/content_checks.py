"""Checks that help editors before a page is published (公開前の確認).

Each check reads what an editor wrote (plain text, rich text, StreamField values,
inline rows) and returns ``Finding``s: a Japanese message saying what is wrong and
how to fix it, and a level. ``BLOCK`` findings refuse publishing and submitting for
approval (``BasePageForm``), while a draft still saves; ``WARN`` findings are shown
to the editor after saving and never refuse anything.

Nothing here reads templates or what the site adds around the editor's text: only
the fields of the page's edit form and of its inline rows.

Apps above ``home`` add checks of attached documents through the
``DOCUMENT_CHECKS_HOOK`` Wagtail hook: fn(document) -> [Finding].
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from django import forms
from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.blocks import ChoiceBlock, StreamValue, StructValue
from wagtail.blocks.base import BlockField
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

BLOCK, WARN = "block", "warn"

DOCUMENT_CHECKS_HOOK = "document_content_checks"

# Where the editor's headings start, per field: a page's own fields sit under its
# title (h1). A model names the fields its template puts under a heading of its own
# in ``content_check_heading_base``, e.g. {"minutes": 2}.
DEFAULT_HEADING_BASE = 1

MAX_SENTENCE = 100
MAX_PDF_BYTES = 10 * 1024 * 1024
EXCERPT = 20
# Inline rows that are not the page's content: the editors' comments to one another.
NOT_CONTENT = {"comments"}


@dataclass(frozen=True)
class Finding:
    level: str
    message: str
    where: str = ""  # the field (and block) the finding is in, as the editor sees it

    @property
    def blocks_publishing(self):
        return self.level == BLOCK

    def text(self):
        return f"{self.where}: {self.message}" if self.where else self.message


def excerpt(text, length=EXCERPT):
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    return text if len(text) <= length else text[:length] + "…"


# --- Text -------------------------------------------------------------------------------

HALFWIDTH_KATAKANA = re.compile(r"[\uff61-\uff9f]+")


def halfwidth_katakana(text):
    found = []
    for run in dict.fromkeys(HALFWIDTH_KATAKANA.findall(text)):
        found.append(
            Finding(
                BLOCK,
                f"半角カタカナ「{run}」が使われています。読み上げソフトで正しく読まれないことがあるため、"
                f"全角カタカナ(「{unicodedata.normalize('NFKC', run)}」)に直してください。",
            )
        )
    return found


DIGITS = r"[0-9０-９]"
MONTH_DAY = re.compile(rf"(?<![0-9０-９./／年])({DIGITS}{{1,2}})\s*月\s*({DIGITS}{{1,2}})\s*日")
# A year written before the date in the same sentence: 令和8年, 2026年, R8., 2026/,
# or words that make the date a yearly one (毎年, 年末年始) or tie it to a stated year.
YEAR_BEFORE = re.compile(
    rf"(?:令和|平成|昭和)\s*(?:元|{DIGITS}{{1,2}})\s*年"
    rf"|{DIGITS}{{4}}\s*年"
    rf"|(?<![A-Za-z])[RHＲＨ]\s*{DIGITS}{{1,2}}\s*[.．]"
    rf"|{DIGITS}{{4}}\s*[/／.．-]"
    r"|同年|翌年|前年|毎年|例年|年末年始"
)
SENTENCE_END = re.compile(r"[。．！？!?\n]")


def _sentence_start(text, position):
    start = 0
    for match in SENTENCE_END.finditer(text, 0, position):
        start = match.end()
    return start


def dates_without_year(text):
    found = []
    for match in MONTH_DAY.finditer(text):
        before = text[_sentence_start(text, match.start()) : match.start()]
        if YEAR_BEFORE.search(before):
            continue
        date = match.group(0)
        found.append(
            Finding(
                BLOCK,
                f"日付「{date}」に年が書かれていません。いつのことか後から読んでも分かるように、"
                f"「令和○年{date}」のように年(和暦か西暦)を入れてください。",
            )
        )
    return found


LAYOUT_SPACES = re.compile(r"[ \u3000]*\u3000[ \u3000]*")
# 「氏　名」「会　長」: single characters spread out with 全角 spaces.
SPACED_LETTERS = re.compile(r"(?:^|(?<=\s))\S(?:\u3000\S)+(?=\s|$)")


def layout_spaces(text):
    found = []
    for line in text.split("\n"):
        stripped = line.strip(" \t")
        spread = SPACED_LETTERS.search(stripped)
        runs = [m for m in LAYOUT_SPACES.finditer(stripped) if len(m.group(0)) >= 2]
        indent = stripped.startswith("\u3000") and stripped.strip()
        if spread or runs or indent:
            found.append(
                Finding(
                    WARN,
                    f"「{excerpt(stripped)}」で、全角の空白を字下げや位置合わせに使っています。"
                    "読み上げソフトでは言葉が途切れて読まれ、画面の幅によって位置もずれます。"
                    "空白を消し、項目を並べるときは箇条書きか表を使ってください。",
                )
            )
    return found


# Characters old phones and computers show as something else or not at all.
PLATFORM_DEPENDENT = re.compile(
    r"[\u2160-\u2188\u2460-\u24ff\u2776-\u2793\u3200-\u33ff\u2116\u2121\u2122\u3004]"
)
CIRCLED_NUMBER = re.compile(r"[\u2460-\u2473\u2776-\u277f\u24f5-\u24fe]")


def _replacement(char):
    number = unicodedata.numeric(char, None) if CIRCLED_NUMBER.match(char) else None
    if number is not None:
        return f"({int(number)})"
    return unicodedata.normalize("NFKC", char)


def platform_dependent_characters(text):
    chars = list(dict.fromkeys(PLATFORM_DEPENDENT.findall(text)))
    if not chars:
        return []
    listed = "・".join(f"「{c}」" for c in chars)
    fixes = "・".join(f"「{_replacement(c)}」" for c in chars)
    return [
        Finding(
            WARN,
            f"機種依存文字 {listed} が使われています。古い機器では別の文字に見えたり表示されなかったりするため、"
            f"{fixes} のように書き換えてください。",
        )
    ]


def long_sentences(text):
    found = []
    for sentence in SENTENCE_END.split(text):
        sentence = sentence.strip()
        length = len("".join(sentence.split()))
        if length > MAX_SENTENCE:
            found.append(
                Finding(
                    WARN,
                    f"「{excerpt(sentence)}」で始まる文が{length}字あります。長い文は読みにくいため、"
                    f"{MAX_SENTENCE}字以内になるよう、句点(。)で2つ以上の文に分けてください。",
                )
            )
    return found


COLOUR_WORDS = r"(?:赤|青|緑|黄|黄色|橙|オレンジ|ピンク|紫|水色|灰色|グレー)"
COLOUR_ONLY = re.compile(
    rf"{COLOUR_WORDS}(?:色)?(?:文字|字(?=で|の|に|は|を)|で(?:示|表示|書|記|囲|塗)(?:した|して|す|され|ん|い|っ)?|の(?:部分|箇所|項目|欄|枠|ボタン|印|マーク|線))"
    r"|色(?:の)?(?:付|つ)(?:き|いた|けした)|色分け|色を(?:付け|変え)"
)


def colour_only_emphasis(text):
    words = list(dict.fromkeys(m.group(0) for m in COLOUR_ONLY.finditer(text)))
    if not words:
        return []
    listed = "・".join(f"「{w}」" for w in words)
    return [
        Finding(
            WARN,
            f"{listed} のように、色で区別や強調を伝えています。色が見分けにくい人や読み上げソフトには伝わりません。"
            "「(注)」「【重要】」のような言葉や太字を使い、色に触れずに書いてください。",
        )
    ]


TEXT_CHECKS = (
    halfwidth_katakana,
    dates_without_year,
    layout_spaces,
    platform_dependent_characters,
    long_sentences,
    colour_only_emphasis,
)


def check_text(text):
    if not text or not text.strip():
        return []
    return [finding for check in TEXT_CHECKS for finding in check(text)]


# --- Links, images, tables, headings ------------------------------------------------------

VAGUE_LINK_TEXTS = {
    "こちら",
    "ここ",
    "詳細",
    "こちらから",
    "ここから",
    "こちらをクリック",
    "ここをクリック",
    "詳細はこちら",
    "詳しくはこちら",
    "詳細を見る",
}
LINK_DECORATION = re.compile(r"[\s「」『』【】\[\]()()<>＜＞、。・:：!！→▶▷»>]+")
BARE_URL = re.compile(
    r"^(?:https?://|www\.)\S+$|^[\w.-]+\.(?:jp|com|org|net|go\.jp|lg\.jp)(?:/\S*)?$", re.I
)


def link_text(text):
    """A finding when a link's text says nothing about where it leads."""
    plain = LINK_DECORATION.sub("", text or "")
    if plain in VAGUE_LINK_TEXTS:
        return [
            Finding(
                BLOCK,
                f"リンクの文字が「{plain}」だけです。リンクだけを読み上げる人には行き先が分かりません。"
                "「令和6年度の会議の記録」のように、リンク先の内容が分かる言葉にしてください。",
            )
        ]
    if BARE_URL.match((text or "").strip()):
        return [
            Finding(
                BLOCK,
                f"リンクの文字が URL「{excerpt(text.strip(), 40)}」のままです。読み上げると記号の羅列になります。"
                "「本庄市のホームページ」のように、リンク先の名前にしてください。",
            )
        ]
    return []


IMAGE_FILE = re.compile(
    r"\.(?:avif|gif|jpe?g|png|svg|webp|bmp|tiff?|heic|heif)$"
    r"|^(?:IMG|DSC|DSCN|DSCF|PXL|PIC|P)[_-]?\d{3,}"
    r"|^(?:スクリーンショット|Screenshot|Screen Shot|名称未設定|無題|image|photo)[\s_-]*[\d\s_.:-]*$",
    re.I,
)


def _file_stem(image):
    name = getattr(getattr(image, "file", None), "name", "") or ""
    return os.path.splitext(os.path.basename(name))[0]


def alt_text(alt, image=None):
    """A finding when an image's alternative text is missing or is a file name."""
    alt = (alt or "").strip()
    if not alt:
        return [
            Finding(
                BLOCK,
                "画像に代替テキストがありません。画像が見えない人のために、画像が伝える内容を文章で書いてください。",
            )
        ]
    stem = _file_stem(image) if image is not None else ""
    if IMAGE_FILE.search(alt) or (stem and alt in (stem, os.path.basename(image.file.name))):
        return [
            Finding(
                BLOCK,
                f"画像の代替テキスト「{excerpt(alt, 40)}」がファイル名のようです。"
                "「本庄市役所の外観」のように、画像が伝える内容を文章で書いてください。",
            )
        ]
    return []


TABLE_WITHOUT_HEADERS = Finding(
    BLOCK,
    "表に見出しのセルがありません。読み上げソフトではどの列・行の値か分からなくなります。"
    "「1行目を見出しにする」か「1列目を見出しにする」を選んでください。",
)


def heading_skips(levels, base=DEFAULT_HEADING_BASE):
    """Findings for headings (levels 1–6, in page order) that skip a level below the previous."""
    found = []
    previous = base
    for level, text in levels:
        if level > previous + 1:
            found.append(
                Finding(
                    BLOCK,
                    f"見出し「{excerpt(text)}」(h{level})の前に h{previous + 1} の見出しがなく、"
                    "見出しの段階が飛んでいます。読み上げソフトで見出しをたどる人が構成を取り違えます。"
                    f"この見出しを h{previous + 1} にするか、前に h{previous + 1} の見出しを入れてください。",
                )
            )
        previous = level
    return found


# --- Rich text ----------------------------------------------------------------------------

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th"}


class _RichTextReader(HTMLParser):
    """Paragraph texts, links (text, attributes), headings and documents of rich text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.links, self.headings, self.document_ids = [], [], [], []
        self._text, self._link, self._heading = [], None, None

    def _flush(self):
        text = "".join(self._text).strip()
        if text:
            self.paragraphs.append(text)
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS or tag == "br":
            if tag == "br":
                self._text.append("\n")
            else:
                self._flush()
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "a":
            attrs = dict(attrs)
            self._link = (attrs, [])
            if attrs.get("linktype") == "document" and (attrs.get("id") or "").isdigit():
                self.document_ids.append(int(attrs["id"]))

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            attrs, text = self._link
            self.links.append(("".join(text), attrs))
            self._link = None
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        self._text.append(data)
        if self._link is not None:
            self._link[1].append(data)
        if self._heading is not None:
            self._heading[1].append(data)

    def close(self):
        super().close()
        self._flush()


def read_rich_text(html):
    reader = _RichTextReader()
    reader.feed(str(html or ""))
    reader.close()
    return reader


# --- Values of a field --------------------------------------------------------------------


class Collector:
    """Gathers the findings of one field's value, with the headings in order."""

    def __init__(self, where, heading_base=DEFAULT_HEADING_BASE):
        self.where = where
        self.heading_base = heading_base
        self.findings = []
        self.headings = []
        self.documents = []

    def add(self, findings, where=None):
        place = where or self.where
        self.findings.extend(Finding(f.level, f.message, place) for f in findings)

    def text(self, text, where=None):
        self.add(check_text(str(text or "")), where)

    def rich_text(self, html, where=None):
        reader = read_rich_text(html.source if isinstance(html, RichText) else html)
        for paragraph in reader.paragraphs:
            self.add(check_text(paragraph), where)
        for text, _attrs in reader.links:
            self.add(link_text(text), where)
        self.headings.extend((level, text, where) for level, text in reader.headings)
        self.documents.extend(("id", pk) for pk in reader.document_ids)

    def stream(self, value, where=None):
        for index, child in enumerate(value):
            place = where or f"{self.where}の{index + 1}番目のブロック「{child.block.label}」"
            self.block(child.block, child.value, place)

    def block(self, block, value, where):
        Document = get_document_model()
        if isinstance(value, StreamValue):
            self.stream(value, where)
        elif isinstance(value, ListValue) or isinstance(value, list):
            for item in value:
                self.block(getattr(block, "child_block", block), item, where)
        elif isinstance(value, StructValue):
            self.struct(block, value, where)
        elif isinstance(value, dict) and isinstance(value.get("data"), list):
            self.table({"table": value}, where)  # a TableBlock of its own
        elif isinstance(value, RichText):
            self.rich_text(value, where)
        elif isinstance(value, Document):
            self.documents.append(("object", value))
        elif isinstance(value, str):
            self.text(value, where)

    def struct(self, block, value, where):
        level = value.get("level")
        if isinstance(level, str) and re.fullmatch(r"h[1-6]", level) and "text" in value:
            self.headings.append((int(level[1]), value.get("text") or "", where))
            self.text(value.get("text"), where)
            return
        if "alt" in value and "image" in value and value.get("image") is not None:
            self.add(alt_text(value.get("alt"), value.get("image")), where)
            self.text(value.get("alt"), where)
        if isinstance(value.get("table"), dict):
            self.table(value, where)
        for name, child_value in value.items():
            if name in ("alt", "table", "level"):
                continue
            child = block.child_blocks.get(name)
            if isinstance(child, ChoiceBlock):
                continue  # a choice's stored value, not the editor's words
            if name == "title" and any(isinstance(v, get_document_model()) for v in value.values()):
                # The text of a link to a document (DocumentLinkBlock); empty shows its title.
                if child_value:
                    self.add(link_text(child_value), where)
            leaf = isinstance(child_value, (str, RichText)) and child is not None
            self.block(child, child_value, f"{where}の「{child.label}」" if leaf else where)

    def table(self, value, where):
        table = value.get("table") or {}
        row_header = value.get("first_row_is_header", table.get("first_row_is_header"))
        col_header = value.get("first_col_is_header", table.get("first_col_is_header"))
        if not row_header and not col_header:
            self.add([TABLE_WITHOUT_HEADERS], where)
        for row in table.get("data") or []:
            for cell in row or []:
                if isinstance(cell, str):
                    self.text(cell, where)

    def finish(self):
        """The findings, once the field's headings have all been read."""
        previous = self.heading_base
        for level, text, where in self.headings:
            self.add(heading_skips([(level, text)], previous), where)
            previous = level
        return self.findings


def is_rich_text_field(field):
    return hasattr(field.widget, "converter")


def is_text_field(name, field):
    if name == "slug" or not isinstance(field, forms.CharField):
        return False
    return not isinstance(field, (forms.URLField, forms.EmailField, forms.SlugField))


def is_document_field(field):
    return isinstance(field, forms.ModelChoiceField) and issubclass(
        field.queryset.model, get_document_model()
    )


def field_findings(model, name, field, value, where):
    """(findings, documents) for one field of a page or of an inline row."""
    base = getattr(model, "content_check_heading_base", {}).get(name, DEFAULT_HEADING_BASE)
    collector = Collector(where, heading_base=base)
    if value in (None, ""):
        return [], []
    if isinstance(field, BlockField):
        collector.stream(value)
    elif is_rich_text_field(field):
        collector.rich_text(value)
    elif is_document_field(field):
        collector.documents.append(("object", value))
    elif is_text_field(name, field) and isinstance(value, str):
        if name == "alt":
            collector.add(alt_text(value))
        collector.text(value)
    else:
        return [], []
    return collector.finish(), collector.documents


# --- Documents ----------------------------------------------------------------------------


def document_findings(document):
    """Findings for a document attached to a page: its size here, the rest by the hook."""
    found = []
    name = getattr(document.file, "name", "") or ""
    is_pdf = name.lower().endswith(".pdf")
    size = document.file_size
    if size is None:
        try:
            size = document.file.size
        except (OSError, ValueError):
            size = None
    if is_pdf and size is not None and size > MAX_PDF_BYTES:
        megabytes = size / (1024 * 1024)
        found.append(
            Finding(
                WARN,
                f"資料「{document.title}」の PDF が {megabytes:.1f} MB あります。"
                f"{MAX_PDF_BYTES // (1024 * 1024)} MB を超えると、スマートフォンで開くのに時間と通信量がかかります。"
                "画像の解像度を下げて保存し直すか、いくつかのファイルに分けてください。",
            )
        )
    for fn in hooks.get_hooks(DOCUMENT_CHECKS_HOOK):
        found.extend(fn(document))
    return found


def documents_findings(references, where=""):
    Document = get_document_model()
    ids = {value for kind, value in references if kind == "id"}
    objects = {value.pk: value for kind, value in references if kind == "object"}
    missing = ids - set(objects)
    if missing:
        objects.update(Document.objects.in_bulk(missing))
    found = []
    for document in objects.values():
        found.extend(Finding(f.level, f.message, where) for f in document_findings(document))
    return found


# --- A page's edit form -------------------------------------------------------------------


def form_findings(form, documents=True):
    """[(form, field name, Finding)] for a bound, cleaned page form and its inline rows.

    The document findings (with ``documents``) come last, with no field.
    """
    found, documents = _one_form(form, "")
    for relation, formset in getattr(form, "formsets", {}).items():
        if relation in NOT_CONTENT:
            continue
        label = formset.model._meta.verbose_name
        for index, row in enumerate(formset.forms):
            data = getattr(row, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            row_found, row_documents = _one_form(row, f"{label}({index + 1}行目)の")
            found.extend(row_found)
            documents.extend(row_documents)
    if documents:
        found.extend((form, None, f) for f in documents_findings(documents, "資料"))
    return found


def _one_form(form, prefix):
    model = form._meta.model
    data = getattr(form, "cleaned_data", None) or {}
    found, documents = [], []
    for name, field in form.fields.items():
        if name not in data:
            continue
        where = f"{prefix}「{field.label or name}」"
        findings, docs = field_findings(model, name, field, data[name], where)
        found.extend((form, name, f) for f in findings)
        documents.extend(docs)
    return found, documents


def page_findings(page):
    """Findings for a page object (e.g. the one just saved), read through its edit form's fields."""
    form_class = page.get_edit_handler().get_form_class()
    found, documents = _instance_findings(form_class, page, "")
    for relation, formset_class in getattr(form_class, "formsets", {}).items():
        rows = getattr(page, relation, None)
        if relation in NOT_CONTENT or rows is None:
            continue
        label = formset_class.model._meta.verbose_name
        for index, row in enumerate(rows.all()):
            row_found, row_documents = _instance_findings(
                formset_class.form, row, f"{label}({index + 1}行目)の"
            )
            found.extend(row_found)
            documents.extend(row_documents)
    found.extend(documents_findings(documents, "資料"))
    return found


def _instance_findings(form_class, instance, prefix):
    model = type(instance)
    found, documents = [], []
    for name, field in form_class.base_fields.items():
        if not hasattr(instance, name):
            continue
        try:
            value = getattr(instance, name)
        except Exception:  # noqa: BLE001 (a relation not set yet reads as nothing)
            continue
        where = f"{prefix}「{field.label or name}」"
        findings, docs = field_findings(model, name, field, value, where)
        found.extend(findings)
        documents.extend(docs)
    return found, documents


PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


def is_publishing(data):
    """Whether the editor's post publishes the page or sends it for approval."""
    if data is None:
        return False
    if any(data.get(name) for name in PUBLISHING_ACTIONS):
        return True
    return bool(data.get("action-workflow-action")) and str(
        data.get("workflow-action-name", "")
    ).startswith("approve")


REFUSED = (
    "公開前の確認で、直す必要がある点が{count}件見つかりました。各欄の説明に沿って直してから、"
    "もう一度公開(または承認の申請)をしてください。直す前の内容は「下書き保存」で保存できます。"
)


def refuse_publishing(form):
    """Add the blocking findings of a page form about to publish as its errors; whether any."""
    by_field = {}
    for target, name, finding in form_findings(form, documents=False):
        if finding.blocks_publishing:
            by_field.setdefault((target, name), []).append(finding.text())
    for (target, name), messages in by_field.items():
        field = target.fields.get(name) if name else None
        if isinstance(field, BlockField):
            error = StreamBlockValidationError(non_block_errors=messages)
        else:
            error = ValidationError(messages)
        target.add_error(name, error)
    if by_field:
        count = sum(len(messages) for messages in by_field.values())
        form.add_error(None, REFUSED.format(count=count))
    return bool(by_field)
