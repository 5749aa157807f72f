"""公開前の確認: the checks over what editors wrote, the page editor refusing to publish
(a draft still saves) and the warnings shown after saving."""

import datetime as dt
import io
import json

import pypdfium2 as pdfium
import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home import content_checks as checks
from home.content_checks import BLOCK, WARN
from home.models import StandardPage
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    StandardPageFactory,
    meeting_form_data,
)


def shown(text, html):
    """Whether ``text`` is on the admin page, as text or in the JSON its scripts read."""
    return text in html or json.dumps(text)[1:-1] in html


def levels(findings):
    return [f.level for f in findings]


# --- Text ---------------------------------------------------------------------------------


def test_halfwidth_katakana_blocks_and_names_the_fullwidth_spelling():
    [finding] = checks.check_text("ｸﾞﾙｰﾌﾟﾎｰﾑの空き情報")
    assert finding.level == BLOCK
    assert "ｸﾞﾙｰﾌﾟﾎｰﾑ" in finding.message and "「グループホーム」" in finding.message
    assert checks.check_text("グループホームの空き情報") == []


@pytest.mark.parametrize(
    "text",
    [
        "次回は11月25日に開きます。",
        "令和5年度の会議を開いた。次回は2月19日です。",  # the year is in another sentence
        "１２月３日(水)に説明会があります。",
        "申込期限: 4月1日",
    ],
)
def test_a_date_without_its_year_blocks(text):
    findings = checks.check_text(text)
    assert levels(findings) == [BLOCK]
    assert "年が書かれていません" in findings[0].message
    assert "年(和暦か西暦)を入れてください" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "令和8年11月25日に開きます。",
        "2026年11月25日に開きます。",
        "令和5年8月21日、12月18日に開いた。",  # the year stated once for the sentence
        "令和5年度に2回(9月21日・12月19日)開いた。",
        "R8.11.25 と 2026/11/25 の会議",
        "年末年始(12月29日〜1月3日)は休みです。",
        "毎年4月1日に更新します。",
        "毎月25日までに提出します。",
        "定員は11人、1日あたり20食です。",
    ],
)
def test_a_date_with_its_year_or_a_yearly_date_passes(text):
    assert [f for f in checks.check_text(text) if "年が書かれていません" in f.message] == []


@pytest.mark.parametrize(
    "text", ["氏　名", "会　長　挨　拶", "項目　　値", "　字下げした段落です。"]
)
def test_fullwidth_spaces_for_layout_warn(text):
    findings = checks.check_text(text)
    assert levels(findings) == [WARN]
    assert "全角の空白" in findings[0].message and "箇条書きか表" in findings[0].message


@pytest.mark.parametrize("text", ["本庄市　障害福祉課", "児玉郡市 自立支援協議会", "本庄市役所"])
def test_a_single_fullwidth_space_between_words_passes(text):
    assert checks.check_text(text) == []


def test_platform_dependent_characters_warn_with_their_replacements():
    [finding] = checks.check_text("①(株)の説明、㈱さくら、地域活動支援センターⅢ型、①の続き")
    assert finding.level == WARN
    assert "「①」・「㈱」・「Ⅲ」" in finding.message
    assert "「(1)」・「(株)」・「III」" in finding.message
    assert checks.check_text("(1)株式会社さくら、III型") == []


def test_a_sentence_over_100_characters_warns():
    assert checks.check_text("あ" * 100 + "。" + "い" * 100 + "。") == []
    [finding] = checks.check_text("あ" * 50 + "。" + "い" * 101 + "。")
    assert finding.level == WARN
    assert "101字" in finding.message and "100字以内" in finding.message


@pytest.mark.parametrize(
    "text",
    ["赤字の部分は変更点です。", "青色で示した項目が必須です。", "色のついた欄に記入します。"],
)
def test_emphasis_by_colour_alone_warns(text):
    findings = checks.check_text(text)
    assert levels(findings) == [WARN]
    assert "色で区別や強調を伝えています" in findings[0].message


@pytest.mark.parametrize(
    "text", ["赤字経営が続いた。", "青少年の居場所づくり", "緑化活動に参加した。"]
)
def test_colour_words_that_are_not_about_colour_pass(text):
    assert checks.check_text(text) == []


# --- Links, images, headings -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "こちら",
        " こちら ",
        "「ここ」",
        "詳細",
        "詳しくはこちら",
        "https://www.example.jp/a/b",
        "www.city.honjo.lg.jp",
    ],
)
def test_link_text_that_says_nothing_blocks(text):
    findings = checks.link_text(text)
    assert levels(findings) == [BLOCK]
    assert "リンク" in findings[0].message and "ください" in findings[0].message


@pytest.mark.parametrize(
    "text", ["令和6年度の会議の記録", "こちらの相談窓口の一覧", "詳細な議事録"]
)
def test_link_text_that_names_its_target_passes(text):
    assert checks.link_text(text) == []


@pytest.mark.parametrize(
    "alt", ["IMG_1234.JPG", "DSC01234", "photo.png", "スクリーンショット 2026-11-01", "会場.jpeg"]
)
def test_alt_text_that_is_a_file_name_blocks(alt):
    [finding] = checks.alt_text(alt)
    assert finding.level == BLOCK and "ファイル名のようです" in finding.message


@pytest.mark.django_db
def test_alt_text_equal_to_the_images_file_name_blocks():
    image = get_image_model().objects.create(
        title="kaijou", file=get_test_image_file(filename="kaijou.png")
    )
    assert "ファイル名" in checks.alt_text("kaijou", image)[0].message
    assert checks.alt_text("本庄市役所の大会議室", image) == []
    assert "代替テキストがありません" in checks.alt_text("  ", image)[0].message


def test_a_skipped_heading_level_blocks():
    [finding] = checks.heading_skips([(3, "開催の目的")])
    assert finding.level == BLOCK
    assert "「開催の目的」(h3)" in finding.message and "h2" in finding.message
    assert checks.heading_skips([(2, "概要"), (3, "日時"), (2, "会場"), (3, "地図")]) == []
    assert checks.heading_skips([(3, "発言の要旨")], base=2) == []


# --- A page's fields ----------------------------------------------------------------------


def body_findings(*blocks):
    page = StandardPage(title="案内", slug="annai", body=json.dumps(blocks, ensure_ascii=False))
    return checks.page_findings(page)


@pytest.mark.django_db
def test_rich_text_links_paragraphs_and_stream_blocks_are_read(home_page):
    findings = body_findings(
        {"type": "heading", "value": {"text": "日時", "level": "h3"}},
        {
            "type": "paragraph",
            "value": '<p>資料は<a href="https://example.jp/">こちら</a>。</p><ul><li>ｶﾅ</li></ul>',
        },
        {
            "type": "table",
            "value": {
                "caption": "定員",
                "table": {"data": [["日付", "定員"], ["①", "10人"]]},
                "first_row_is_header": False,
                "first_col_is_header": False,
            },
        },
    )
    texts = [f.text() for f in findings if f.level == BLOCK]
    assert any("1番目のブロック「見出し」" in t and "(h3)" in t for t in texts)
    assert any("2番目のブロック「本文」" in t and "「こちら」だけ" in t for t in texts)
    assert any("半角カタカナ「ｶﾅ」" in t for t in texts)
    assert any("3番目のブロック「表」" in t and "見出しのセルがありません" in t for t in texts)
    assert [f.text() for f in findings if f.level == WARN] == [
        f.text() for f in findings if "「①」" in f.message
    ]


@pytest.mark.django_db
def test_a_table_with_a_header_row_and_an_h2_before_h3_pass(home_page):
    assert (
        body_findings(
            {"type": "heading", "value": {"text": "日時", "level": "h2"}},
            {"type": "heading", "value": {"text": "午前の部", "level": "h3"}},
            {
                "type": "table",
                "value": {
                    "caption": "定員",
                    "table": {"data": [["日付", "定員"], ["令和8年4月1日", "10人"]]},
                    "first_row_is_header": True,
                    "first_col_is_header": False,
                },
            },
        )
        == []
    )


def test_a_table_block_of_its_own_without_headers_blocks():
    collector = checks.Collector("「表」")
    value = {"data": [["日付", "定員"]], "first_row_is_header": False, "first_col_is_header": False}
    collector.block(TableBlock(), value, "「表」")
    assert collector.finish() == [
        checks.Finding(BLOCK, checks.TABLE_WITHOUT_HEADERS.message, "「表」")
    ]
    collector = checks.Collector("「表」")
    collector.block(TableBlock(), {**value, "first_col_is_header": True}, "「表」")
    assert collector.finish() == []


@pytest.mark.parametrize(
    "post, publishing",
    [
        ({"action-publish": "action-publish"}, True),
        ({"action-submit": "1"}, True),
        ({"action-restart-workflow": "1"}, True),
        ({"action-workflow-action": "1", "workflow-action-name": "approve"}, True),
        ({"action-workflow-action": "1", "workflow-action-name": "reject"}, False),
        ({"action-save-draft": "1"}, False),
        ({}, False),
    ],
)
def test_what_counts_as_publishing(post, publishing):
    assert checks.is_publishing(post) is publishing


def pdf_with_text():
    html = '<html lang="ja"><body><p>令和5年度 活動報告</p></body></html>'
    return weasyprint.HTML(string=html).write_pdf()


def pdf_without_text():
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def document(title, data, name="handout.pdf"):
    return get_document_model().objects.create(title=title, file=ContentFile(data, name=name))


@pytest.mark.django_db
def test_pdf_handouts_without_text_or_over_10_mb_warn():
    scanned = document("資料1 スキャン", pdf_without_text())
    [finding] = checks.document_findings(scanned)
    assert finding.level == WARN and "資料1 スキャン" in finding.message
    assert "文字の入ったPDFに差し替えて" in finding.message

    printed = document("資料2 活動報告", pdf_with_text())
    assert checks.document_findings(printed) == []
    # The size Wagtail recorded at upload; a real file over 10 MB reads the same.
    type(printed).objects.filter(pk=printed.pk).update(file_size=11 * 1024 * 1024)
    printed.refresh_from_db()
    [finding] = checks.document_findings(printed)
    assert finding.level == WARN and "11.0 MB" in finding.message and "10 MB" in finding.message

    word = document("名簿", b"PK\x03\x04", name="meibo.docx")
    type(word).objects.filter(pk=word.pk).update(file_size=20 * 1024 * 1024)
    word.refresh_from_db()
    assert checks.document_findings(word) == []


# --- The page editor ----------------------------------------------------------------------


def standard_form_data(action, body=(), intro=""):
    data = {
        "title": "研修会のお知らせ",
        "slug": "kenshu",
        "intro": intro,
        "body": streamfield(list(body)),
        "page_listing": "",
        "summary": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    if action:
        data[f"action-{action}"] = action
    return nested_form_data(data)


def paragraph(html):
    return ("paragraph", rich_text(html))


@pytest.fixture
def notice(home_page):
    return StandardPageFactory(parent=home_page, title="研修会のお知らせ", slug="kenshu")


def edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["publish", "submit"])
def test_publishing_is_refused_with_the_japanese_message_and_nothing_changes(
    admin_client, notice, action
):
    revisions = notice.revisions.count()
    data = standard_form_data(
        action, body=[paragraph('<p>申込は<a href="https://example.jp/">こちら</a></p>')]
    )
    response = edit(admin_client, notice, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert shown("公開前の確認で、直す必要がある点が1件見つかりました", html)
    assert shown("「下書き保存」で保存できます", html)
    assert shown("リンクの文字が「こちら」だけです", html)
    notice.refresh_from_db()
    assert notice.revisions.count() == revisions
    assert list(notice.body.raw_data) == []


@pytest.mark.django_db
def test_a_draft_with_the_same_problem_saves_and_says_what_publishing_needs(admin_client, notice):
    data = standard_form_data(
        None,
        body=[paragraph('<p>申込は<a href="https://example.jp/">こちら</a>、11月25日まで</p>')],
        intro="①会場は本庄市役所です。",
    )
    response = edit(admin_client, notice, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice.refresh_from_db()
    draft = notice.get_latest_revision_as_object()
    assert notice.has_unpublished_changes and "こちら" in str(draft.body)
    html = admin_client.get(response.url).content.decode()
    assert shown("公開前の確認: 公開する前に直す必要があります(下書きは保存しました)。", html)
    assert shown("リンクの文字が「こちら」だけです", html)
    assert shown("日付「11月25日」に年が書かれていません", html)
    assert shown("公開前の確認: 次の点を見直してください(公開はできます)。", html)
    assert shown("「はじめに」: 機種依存文字 「①」", html)


@pytest.mark.django_db
def test_publishing_with_only_warnings_goes_ahead_and_shows_them(admin_client, notice):
    data = standard_form_data("publish", intro="①会場は本庄市役所です。")
    response = edit(admin_client, notice, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notice.refresh_from_db()
    assert notice.intro == "①会場は本庄市役所です。" and not notice.has_unpublished_changes
    html = admin_client.get(response.url).content.decode()
    assert shown("公開前の確認: 次の点を見直してください(公開はできます)。", html)
    assert shown("機種依存文字 「①」", html)


@pytest.mark.django_db
def test_a_clean_page_publishes_without_messages_from_the_checks(admin_client, notice):
    data = standard_form_data(
        "publish",
        body=[
            ("heading", {"text": "日時と会場", "level": "h2"}),
            paragraph(
                '<p>令和8年11月25日に開きます。<a href="https://example.jp/">申込のページ</a></p>'
            ),
        ],
    )
    response = edit(admin_client, notice, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "公開前の確認" not in admin_client.get(response.url).content.decode()


@pytest.fixture
def body(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return CommitteePageFactory(parent=about, title="運営会議", slug="unei", kind="operating")


@pytest.mark.django_db
def test_a_meeting_is_checked_in_its_agenda_minutes_and_handout_rows(admin_client, body):
    meeting = MeetingPageFactory(
        parent=body, slug="2026-11-25", date=dt.date(2026, 11, 25), number=1
    )
    url = reverse("wagtailadmin_pages:edit", args=[meeting.pk])
    data = meeting_form_data(
        date="2026-11-25",
        agenda=streamfield(
            [("item", {"kind": "report", "title": "12月3日の研修会", "summary": "", "outcome": ""})]
        ),
        # The minutes sit under the page's own 「議事録」 heading (h2), so h3 is their first level.
        minutes=rich_text("<h3>報告</h3><p>令和8年11月25日に開いた。</p>"),
        handouts=inline_formset(
            [{"label": "ｼﾘｮｳ1", "title": "次第", "document": document("次第", pdf_with_text()).pk}]
        ),
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert shown("日付「12月3日」に年が書かれていません", html)
    assert shown("半角カタカナ「ｼﾘｮｳ」", html)
    assert not shown("「報告」(h3)", html)
    meeting.refresh_from_db()
    assert meeting.revisions.count() == 1


@pytest.mark.django_db
def test_the_editors_checker_speaks_japanese_and_knows_file_names(admin_client, notice):
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk])).content.decode()
    assert shown("画像の代替テキストがファイル名のようです", html)
    assert shown("見出しの段階が飛んでいます", html)
    assert not shown("Image alt text has inappropriate pattern", html)
    assert shown("IMG|DSC", html)
