"""Text of the documents attached to live, public pages: extraction of each format within
bounds, what is kept for which pages, and the handouts in the site search."""

import io
import unicodedata
import zipfile

import openpyxl
import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image
from pypdf import PdfWriter
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from handouts import extract
from handouts.models import HandoutDocument, HandoutStatus, HandoutText
from handouts.search import search_handouts
from home import search, substring
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    stream,
)

RADICALS = range(0x2E80, 0x2FE0)  # CJK radicals supplement and Kangxi radicals


def pdf_of(*pages):
    """A PDF whose pages hold the given texts (WeasyPrint, Noto CJK)."""
    body = "".join(
        f'<p style="page-break-before: {"always" if n else "auto"}">{text}</p>'
        for n, text in enumerate(pages)
    )
    return weasyprint.HTML(string=f'<html lang="ja"><body>{body}</body></html>').write_pdf()


def scan_pdf():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(buffer, "PDF")
    return buffer.getvalue()


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="himitsu", owner_password="himitsu-owner")  # noqa: S106
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zipped(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(*paragraphs):
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return zipped(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>',
        }
    )


def odt(*paragraphs):
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return zipped(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": f'<office:document-content xmlns:office="{office}" xmlns:text="{text}">'
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>",
        }
    )


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名簿"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_of(result):
    return " ".join(text for _, text in result.pages)


# --- Extraction ---------------------------------------------------------------------


@pytest.mark.browser
def test_a_japanese_pdf_printed_by_chromium_gives_back_its_kanji(page):
    sentence = "障害福祉サービスの相談支援について、児玉郡市の４町で話し合いました。"
    page.set_content(
        '<html lang="ja"><body style="font-family: \'Noto Sans CJK JP\', sans-serif">'
        f"<h1>第５回 全体会</h1><p>{sentence}</p></body></html>"
    )
    result = extract.extract("shiryou.pdf", page.pdf())
    assert result.status == extract.TEXT
    text = text_of(result)
    assert "障害福祉" in text and "相談支援" in text and "児玉郡市" in text
    assert unicodedata.normalize("NFKC", sentence) in text
    assert "第5回 全体会" in text  # NFKC: full-width digits become ASCII
    assert not [ch for ch in text if ord(ch) in RADICALS]


def test_pdf_text_is_kept_per_page():
    result = extract.extract("a.pdf", pdf_of("障害福祉サービスの一覧", "グループホームの見学"))
    assert result.status == extract.TEXT
    assert result.page_count == 2
    assert [n for n, _ in result.pages] == [1, 2]
    assert "障害福祉サービス" in result.pages[0][1]
    assert "グループホーム" in result.pages[1][1]


def test_a_japanese_sentence_wrapped_across_lines_of_the_pdf_reads_as_one():
    import pypdfium2 as pdfium

    words = "".join(
        f"{n}番目の相談支援事業所との連絡調整について話し合いました。" for n in range(1, 9)
    )
    data = pdf_of(words)
    raw = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert words not in raw  # printed on several lines, broken by the PDF's line ends
    assert unicodedata.normalize("NFKC", words) in extract.extract("a.pdf", data).pages[0][1]


def test_line_breaks_after_sentences_and_between_latin_words_stay():
    assert extract.join_wrapped_lines("声。\r\n次の文") == "声。\r\n次の文"
    assert extract.join_wrapped_lines("ABC\r\nDEF") == "ABC\r\nDEF"
    assert extract.join_wrapped_lines("日本 \r\n語") == "日本語"
    assert extract.join_wrapped_lines("相談\n支援") == "相談支援"


def test_word_opendocument_excel_and_csv():
    assert "相談支援専門員の研修" in text_of(
        extract.extract("a.docx", docx("相談支援専門員の研修", "日程"))
    )
    assert "就労継続支援B型" in text_of(extract.extract("a.odt", odt("就労継続支援Ｂ型")))
    result = extract.extract("a.xlsx", xlsx([["事業所", "定員"], ["ひかり作業所", 20]]))
    assert result.status == extract.TEXT
    assert "ひかり作業所 20" in text_of(result)
    csv_bytes = "市町,人数\n本庄市,12\n美里町,3\n".encode("cp932")
    assert "美里町 3" in text_of(extract.extract("a.csv", csv_bytes))


def test_a_scan_without_text_is_flagged():
    result = extract.extract("scan.pdf", scan_pdf())
    assert result.status == extract.SCAN
    assert result.pages == []
    assert "画面読み上げ" in result.reason and "検索" in result.reason


def test_a_damaged_pdf_is_unreadable_with_a_japanese_reason():
    result = extract.extract("broken.pdf", b"%PDF-1.7\nthis is not a pdf at all")
    assert result.status == extract.UNREADABLE
    assert "PDF として読み取れません" in result.reason


def test_an_encrypted_pdf_is_unreadable_with_a_japanese_reason():
    result = extract.extract("locked.pdf", encrypted_pdf())
    assert result.status == extract.UNREADABLE
    assert "パスワード" in result.reason


def test_a_zip_bomb_in_word_clothes_is_refused_by_the_archive_bounds():
    bomb = zipped({"word/document.xml": b"<w:document>" + b" " * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    result = extract.extract("bomb.docx", bomb)
    assert result.status == extract.UNREADABLE
    assert "圧縮" in result.reason


def test_a_broken_word_file_is_unreadable():
    result = extract.extract("broken.docx", b"PK\x03\x04 not really")
    assert result.status == extract.UNREADABLE
    assert "読み取れません" in result.reason


def test_pages_past_the_limit_are_left_out(monkeypatch):
    monkeypatch.setattr(extract, "MAX_PAGES", 2)
    result = extract.extract("long.pdf", pdf_of("一ページ", "二ページ", "三ページ"))
    assert result.status == extract.TEXT
    assert result.page_count == 3
    assert [n for n, _ in result.pages] == [1, 2]
    assert result.truncated


def test_characters_past_the_limit_are_left_out(monkeypatch):
    monkeypatch.setattr(extract, "MAX_CHARACTERS", 10)
    result = extract.extract("a.docx", docx("あいうえおかきくけこさしすせそ"))
    assert text_of(result) == "あいうえおかきくけこ"
    assert result.truncated


# --- What is kept for which pages -----------------------------------------------------


@pytest.fixture
def committee(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return CommitteePageFactory(parent=about, slug="zentaikai")


def document(title, name, data):
    return Document.objects.create(title=title, file=ContentFile(data, name=name))


def meeting_with(committee, *docs, slug="meeting", publish=True):
    page = MeetingPageFactory(parent=committee, slug=slug)
    for n, doc in enumerate(docs):
        page.handouts.create(label=f"資料5-{n + 1}", title=doc.title, document=doc)
    if publish:
        page.save_revision().publish()
    else:
        page.save_revision()
    return page


@pytest.mark.django_db
def test_publishing_a_meeting_reads_its_handouts(committee):
    agenda = document("次第", "shidai.pdf", pdf_of("開会", "障害福祉計画の進み具合"))
    roster = document("名簿", "meibo.xlsx", xlsx([["所属", "氏名"], ["本庄市", "サンプル"]]))
    meeting_with(committee, agenda, roster)
    record = HandoutDocument.objects.get(document=agenda)
    assert record.status == HandoutStatus.TEXT
    assert record.page_count == 2
    assert list(record.pages.values_list("page_number", flat=True)) == [1, 2]
    assert "障害福祉計画" in record.pages.get(page_number=2).text
    assert HandoutText.objects.filter(handout__document=roster, text__contains="本庄市").exists()


@pytest.mark.django_db
def test_a_scan_and_a_locked_pdf_are_recorded_with_their_reasons(committee):
    scan = document("写し", "scan.pdf", scan_pdf())
    locked = document("鍵付き", "locked.pdf", encrypted_pdf())
    meeting_with(committee, scan, locked)
    assert HandoutDocument.objects.get(document=scan).status == HandoutStatus.SCAN
    record = HandoutDocument.objects.get(document=locked)
    assert record.status == HandoutStatus.UNREADABLE
    assert "パスワード" in record.reason
    assert not record.pages.exists()


@pytest.mark.django_db
def test_handouts_of_drafts_are_never_read(committee):
    draft_doc = document("下書きの資料", "draft.pdf", pdf_of("まだ公開しない内容"))
    never_published = committee.add_child(
        instance=MeetingPageFactory.build(slug="draft", live=False)
    )
    never_published.handouts.create(label="資料1", title="下書きの資料", document=draft_doc)
    never_published.save()
    never_published.save_revision()
    later_doc = document("追加の資料", "later.pdf", pdf_of("あとで足す内容"))
    live_page = meeting_with(committee, slug="live")
    live_page.handouts.create(label="資料2", title="追加の資料", document=later_doc)
    live_page.save_revision()  # a draft change of a live page
    call_command("rebuild_handout_texts", stdout=io.StringIO())
    assert not HandoutDocument.objects.filter(document__in=[draft_doc, later_doc]).exists()


@pytest.mark.django_db
def test_unpublishing_or_restricting_forgets_the_text(committee):
    first = document("一の資料", "one.pdf", pdf_of("一つ目の会議の資料"))
    second = document("二の資料", "two.pdf", pdf_of("二つ目の会議の資料"))
    one = meeting_with(committee, first, slug="one")
    meeting_with(committee, second, slug="two")
    assert HandoutDocument.objects.count() == 2

    one.unpublish()
    assert list(HandoutDocument.objects.values_list("document_id", flat=True)) == [second.pk]

    PageViewRestriction.objects.create(page=committee, restriction_type=PageViewRestriction.LOGIN)
    assert not HandoutDocument.objects.exists()

    PageViewRestriction.objects.filter(page=committee).delete()
    assert list(HandoutDocument.objects.values_list("document_id", flat=True)) == [second.pk]


@pytest.mark.django_db
def test_a_shared_document_stays_while_one_public_page_uses_it(committee):
    shared = document("共通の資料", "shared.pdf", pdf_of("共通の説明"))
    open_meeting = meeting_with(committee, shared, slug="open")
    closed_meeting = meeting_with(committee, shared, slug="closed")
    PageViewRestriction.objects.create(
        page=closed_meeting, restriction_type=PageViewRestriction.LOGIN
    )
    assert HandoutDocument.objects.filter(document=shared).exists()
    open_meeting.unpublish()
    assert not HandoutDocument.objects.filter(document=shared).exists()


@pytest.mark.django_db
def test_a_new_file_is_read_again(committee):
    doc = document("次第", "shidai.pdf", pdf_of("古い内容"))
    meeting_with(committee, doc)
    assert HandoutText.objects.filter(text__contains="古い内容").exists()
    doc.file = ContentFile(pdf_of("新しい内容"), name="shidai-2.pdf")
    doc.save()
    assert HandoutText.objects.filter(text__contains="新しい内容").exists()
    assert not HandoutText.objects.filter(text__contains="古い内容").exists()


# --- The site search ---------------------------------------------------------------------


@pytest.mark.django_db
def test_search_links_to_the_page_of_the_pdf(client, committee):
    agenda = document(
        "次第", "shidai.pdf", pdf_of("開会のあいさつ", "議題", "障害福祉計画の中間評価")
    )
    meeting = meeting_with(committee, agenda)
    response = client.get("/search/", {"q": "障害福祉計画 中間評価"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "資料5-1 次第" in html
    assert "資料5-1 p.3" in html
    assert f'href="{agenda.url}#page=3"' in html
    assert meeting.title in html and meeting.url in html
    assert "<mark>中間評価</mark>" in html
    assert "資料5-1 p.1" not in html and "資料5-1 p.2" not in html


HANDOUT_QUERIES = [
    "中間評価",
    "評価",
    "評",
    "障害福祉計画 中間評価",
    "ぐるーぷほーむ ａ棟",
    "a棟",
    "a",
    "%",
    "_達成",
    "100%",
    "計画の",
    "の",
    "あいさつ 見学",
    "存在しないことば",
]


@pytest.mark.django_db
@pytest.mark.parametrize("few", [500, 1], ids=["index", "many-rows-scan"])
def test_indexed_and_plain_handout_search_give_identical_results(
    committee, settings, monkeypatch, few
):
    monkeypatch.setattr(substring, "FEW", few)
    agenda = document(
        "次第", "shidai.pdf", pdf_of("開会のあいさつ", "議題と計画の説明", "障害福祉計画の中間評価")
    )
    roster = document("名簿", "meibo.docx", docx("グループホームＡ棟の見学 100%_達成"))
    meeting_with(committee, agenda, roster)

    def results(raw, indexed):
        settings.SEARCH_SUBSTRING_INDEX = indexed
        found, more = search_handouts(search.parse_query(raw))
        return [(r["document"].pk, r["page_number"]) for r in found], more

    def compare():
        rows = {raw: results(raw, True) for raw in HANDOUT_QUERIES}
        assert rows == {raw: results(raw, False) for raw in HANDOUT_QUERIES}
        return rows

    rows = compare()
    assert rows["中間評価"] == ([(agenda.pk, 3)], False)
    assert rows["a"][0] == [(roster.pk, None)]
    assert sum(bool(found) for found, _ in rows.values()) >= 10
    # The index follows the rows when the text is changed or removed.
    page = HandoutText.objects.get(handout__document=agenda, page_number=3)
    page.text = "地域移行の評価"
    page.save()
    rows = compare()
    assert rows["中間評価"] == ([], False)
    assert results("地域移行", True)[0] == [(agenda.pk, 3)]
    page.delete()
    assert compare()["評価"] == ([], False)


@pytest.mark.django_db
def test_search_folds_kana_and_width_like_the_page_search(client, committee):
    roster = document("名簿", "meibo.docx", docx("グループホームＡ棟の見学"))
    meeting_with(committee, roster)
    html = client.get("/search/", {"q": "ぐるーぷほーむ a棟"}).content.decode()
    assert "資料5-1 名簿" in html
    assert f'href="{roster.url}"' in html
    assert "p.1" not in html  # not a PDF: no page number


@pytest.mark.django_db
def test_handouts_of_private_or_draft_pages_never_show(client, committee):
    public_doc = document("公開", "public.pdf", pdf_of("共通のことば 公開の会議"))
    private_doc = document("非公開", "private.pdf", pdf_of("共通のことば 非公開の会議"))
    draft_doc = document("下書き", "draft.pdf", pdf_of("共通のことば 下書きの会議"))
    meeting_with(committee, public_doc, slug="open")
    closed = meeting_with(committee, private_doc, slug="closed")
    PageViewRestriction.objects.create(page=closed, restriction_type=PageViewRestriction.LOGIN)
    meeting_with(committee, draft_doc, slug="draft", publish=False)
    html = client.get("/search/", {"q": "共通のことば"}).content.decode()
    assert "公開の会議" in html
    assert "非公開の会議" not in html and "下書きの会議" not in html
    # Even if text of a now-hidden document were still stored, the search leaves it out.
    meeting = meeting_with(committee, private_doc, slug="later")
    assert HandoutDocument.objects.filter(document=private_doc).exists()
    meeting.unpublish()
    HandoutDocument.objects.create(document=private_doc, status=HandoutStatus.TEXT).pages.create(
        page_number=1, text="共通のことば 残った文字"
    )
    html = client.get("/search/", {"q": "共通のことば"}).content.decode()
    assert "残った文字" not in html


@pytest.mark.django_db
def test_handout_search_queries_do_not_grow_with_results(
    client, committee, django_assert_max_num_queries
):
    def documents(n, prefix):
        return [
            document(f"{prefix}{i}", f"{prefix}{i}.pdf", pdf_of(f"評価の項目 {i}"))
            for i in range(n)
        ]

    meeting_with(committee, *documents(1, "a"), slug="first")
    with django_assert_max_num_queries(30) as few:
        client.get("/search/", {"q": "評価の項目"})
    for i in range(4):
        meeting_with(committee, *documents(3, f"b{i}-"), slug=f"more-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/search/", {"q": "評価の項目"}).content.decode()
    assert html.count("search-result__excerpt") >= 13


# --- Scans shown to editors -------------------------------------------------------------


@pytest.mark.django_db
def test_a_scan_is_flagged_on_the_edit_screen_and_the_dashboard(admin_client, committee):
    scan = document("当日配布の写し", "scan.pdf", scan_pdf())
    text = document("次第", "shidai.pdf", pdf_of("次第の本文"))
    meeting = meeting_with(committee, scan, text, slug="scanned")
    other = meeting_with(committee, text, slug="clean")

    html = admin_client.get(f"/admin/pages/{meeting.pk}/edit/").content.decode()
    assert "資料「当日配布の写し」は文字の情報がないPDF(スキャン)です" in html
    assert "画面読み上げソフトで読めず" in html
    assert "資料「次第」" not in html
    html = admin_client.get(f"/admin/pages/{other.pk}/edit/").content.decode()
    assert "文字の情報がないPDF" not in html

    html = admin_client.get("/admin/").content.decode()
    assert "文字の情報がないPDF(スキャン)(1件)" in html
    assert "当日配布の写し" in html and f"/admin/pages/{meeting.pk}/edit/" in html


@pytest.mark.django_db
def test_no_scan_section_without_scans(admin_client, committee):
    meeting_with(committee, document("次第", "shidai.pdf", pdf_of("次第の本文")))
    assert "文字の情報がないPDF" not in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_a_document_linked_from_a_news_page_is_searchable(client, home_page):
    notice = document("募集要項", "boshu.odt", odt("相談員の募集について"))
    news_index = NewsIndexPageFactory(parent=home_page)
    news = NewsPageFactory(
        parent=news_index, body=stream(("document", {"document": notice.pk, "title": ""}))
    )
    assert HandoutDocument.objects.filter(document=notice).exists()
    html = client.get("/search/", {"q": "相談員の募集"}).content.decode()
    assert "募集要項" in html and news.url in html


@pytest.mark.django_db
def test_the_rebuild_command_reads_everything_again(committee):
    doc = document("次第", "shidai.pdf", pdf_of("読み直す内容"))
    meeting_with(committee, doc)
    HandoutText.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_handout_texts", stdout=out)
    assert "1件" in out.getvalue()
    assert HandoutText.objects.filter(text__contains="読み直す内容").exists()


@pytest.mark.django_db
def test_documents_in_a_restricted_collection_are_forgotten_and_never_shown(client, committee):
    from wagtail.models import Collection, CollectionViewRestriction

    closed = Collection.get_first_root_node().add_child(name="内部の資料")
    doc = document("内部の資料", "naibu.pdf", pdf_of("内部だけの話"))
    meeting_with(committee, doc)
    assert "<mark>内部だけ</mark>の話" in client.get("/search/", {"q": "内部だけ"}).content.decode()
    doc.collection = closed
    doc.save()
    CollectionViewRestriction.objects.create(
        collection=closed, restriction_type=CollectionViewRestriction.LOGIN
    )
    assert not HandoutDocument.objects.filter(document=doc).exists()
    assert "内部だけ</mark>の話" not in client.get("/search/", {"q": "内部だけ"}).content.decode()


# --- Demo content ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_handouts_are_japanese_pdfs_found_by_the_site_search(client):
    from home import demo

    created = demo.load()
    assert sum(label.startswith("資料: ") for label in created) == 6
    records = HandoutDocument.objects.select_related("document")
    assert {r.status for r in records} == {HandoutStatus.TEXT}
    assert all(r.document.file.name.endswith(".pdf") for r in records)
    assert sum(r.page_count for r in records) == 9
    html = client.get("/search/", {"q": "サインレス 継続"}).content.decode()
    assert "資料1 p.2" in html and "#page=2" in html
    html = client.get("/search/", {"q": "こども部会"}).content.decode()
    assert "資料2 p.1" in html
    assert demo.load() == []  # loading again adds no handout twice
    assert HandoutDocument.objects.count() == 6
