"""用語集: the terms in the admin, the 用語集 page in 五十音 order, and the first appearance
of each term in a page's running text linked to it (home.glossary), with the ふりがな."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from editorial.roles import SECRETARIAT
from home import furigana, glossary
from home.demo import loader
from home.models import GlossaryTerm, gojuon_row
from tests.factories import (
    GlossaryPageFactory,
    GlossaryTermFactory,
    StandardPageFactory,
    paragraph,
    stream,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_caches():
    glossary.clear_cache()
    furigana.clear_cache()
    yield
    glossary.clear_cache()
    furigana.clear_cache()


def main(response):
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


def marks(html):
    """[(href, text)] of every marked term in ``html``, in order."""
    return re.findall(r'<a href="([^"]*)" class="glossary-term">(.*?)</a>', html)


@pytest.fixture
def terms():
    return {
        "plan": GlossaryTermFactory(),
        "gh": GlossaryTermFactory(
            term="共同生活援助",
            reading="きょうどうせいかつえんじょ",
            explanation="グループホームです。",
        ),
        "gh_day": GlossaryTermFactory(
            term="共同生活援助(日中サービス支援型)",
            reading="きょうどうせいかつえんじょ にっちゅうさーびすしえんがた",
            explanation="昼の間もスタッフがいます。",
        ),
        "b": GlossaryTermFactory(
            term="就労継続支援B型",
            reading="シュウロウケイゾクシエンビーガタ",
            explanation="自分のペースで働きます。",
        ),
    }


@pytest.fixture
def pages(home_page, terms):
    index = GlossaryPageFactory(parent=home_page, intro="言葉の説明です。")
    page = StandardPageFactory(
        parent=home_page,
        title="計画相談支援について",
        slug="guide",
        intro="計画相談支援を使うには、相談します。",
        body=stream(
            ("heading", {"text": "共同生活援助とは", "level": "h2"}),
            paragraph(
                '<p><a href="/fukushi-map/">計画相談支援の事業所</a>を探せます。'
                "計画相談支援は、何度でも相談できます。</p>"
            ),
            paragraph(
                "<ul><li>共同生活援助(日中サービス支援型)があります。</li>"
                "<li>共同生活援助は、グループホームです。</li>"
                "<li>就労継続支援Ｂ型で働きます。</li></ul>"
            ),
        ),
    )
    return {"index": index, "page": page}


# --- the 用語集 page ---------------------------------------------------------------


def test_glossary_page_lists_terms_in_gojuon_order_with_anchors(client, pages, terms):
    GlossaryTermFactory(
        term="移動支援", reading="いどうしえん", explanation="いっしょに出かけます。"
    )
    body = main(client.get(pages["index"].url))
    words = re.findall(r'<span class="glossary__word">(.*?)</span>', body)
    assert words == [
        "移動支援",
        "共同生活援助",
        "共同生活援助(日中サービス支援型)",
        "計画相談支援",
        "就労継続支援B型",
    ]
    assert re.findall(r"<h2 id=\"row-\d\">(.*?)</h2>", body) == ["あ行", "か行", "さ行"]
    assert f'id="term-{terms["plan"].pk}"' in body
    assert '<a href="#row-2">か行</a>' in body
    # The terms are explained here, not marked.
    assert marks(body) == []


def test_gojuon_rows_follow_the_first_kana():
    assert gojuon_row("ガイド") == ("か", "か行")
    assert gojuon_row("ぴあ") == ("は", "は行")
    assert gojuon_row("えーがた") == ("あ", "あ行")
    assert gojuon_row("abc") == ("", "その他")


def test_a_terms_page_link_shows_only_while_that_page_is_public(client, pages, terms):
    terms["plan"].link_page = pages["page"]
    terms["plan"].save()
    assert "くわしく見る: 計画相談支援について" in main(client.get(pages["index"].url))
    PageViewRestriction.objects.create(
        page=pages["page"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert "くわしく見る" not in main(client.get(pages["index"].url))


# --- marking ---------------------------------------------------------------------


def test_first_appearance_in_running_text_is_marked_once(client, pages, terms):
    body = main(client.get(pages["page"].url))
    url = pages["index"].url
    assert marks(body) == [
        (f"{url}#term-{terms['plan'].pk}", "計画相談支援"),
        (f"{url}#term-{terms['gh_day'].pk}", "共同生活援助(日中サービス支援型)"),
        (f"{url}#term-{terms['gh'].pk}", "共同生活援助"),
        (f"{url}#term-{terms['b'].pk}", "就労継続支援Ｂ型"),
    ]
    # The page header's lead is the first running text; the title (h1), the h2 and the
    # link text are not marked, and each term only once.
    assert '<p class="intro"><a href' in body
    assert "<h1>計画相談支援について</h1>" in body
    assert "共同生活援助とは</h2>" in body
    assert ">計画相談支援の事業所</a>" in body


def test_header_footer_and_menu_are_not_marked(client, pages, terms):
    html = client.get(pages["page"].url).content.decode()
    outside = html.replace(main(client.get(pages["page"].url)), "")
    assert "glossary-term" not in outside


def test_nothing_is_marked_without_a_public_glossary_page(client, pages):
    pages["index"].unpublish()
    assert marks(main(client.get(pages["page"].url))) == []


def test_a_term_change_shows_on_the_next_page(client, pages, terms):
    assert len(marks(main(client.get(pages["page"].url)))) == 4
    terms["b"].delete()
    assert [t for _, t in marks(main(client.get(pages["page"].url)))][-1] == "共同生活援助"
    GlossaryTermFactory(term="グループホーム", reading="ぐるーぷほーむ", explanation="家です。")
    assert "グループホーム" in [t for _, t in marks(main(client.get(pages["page"].url)))]
    terms["gh"].term = "共同生活"
    terms["gh"].save()
    assert "共同生活" in [t for _, t in marks(main(client.get(pages["page"].url)))]


def test_moving_the_glossary_page_changes_the_links(client, pages, terms):
    pages["index"].slug = "kotoba"
    pages["index"].save_revision().publish()
    hrefs = [h for h, _ in marks(main(client.get(pages["page"].url)))]
    assert hrefs and all(h.startswith("/kotoba/#term-") for h in hrefs)


def test_markup_and_text_that_looks_like_markup_stay_as_they_were(pages, terms):
    html = (
        "<p>計画相談支援 &lt;b&gt; &amp; 計画相談支援</p><pre>共同生活援助</pre>"
        "<script>var a = '計画相談支援 < 1';</script><p>a<br>共同生活援助</p>"
        '<ul class="tags" data-no-glossary><li>計画相談支援</li><li>就労継続支援B型<br></li></ul>'
        '<p><img src="x.png" alt="共同生活援助">就労継続支援B型</p>'
    )
    out = glossary.mark_terms(html)
    assert "&lt;b&gt; &amp; 計画相談支援</p>" in out
    assert "<pre>共同生活援助</pre>" in out
    assert "<script>var a = '計画相談支援 < 1';</script>" in out
    assert 'alt="共同生活援助">' in out
    assert "<li>計画相談支援</li><li>就労継続支援B型<br></li></ul>" in out
    assert [t for _, t in marks(out)] == ["計画相談支援", "共同生活援助", "就労継続支援B型"]


class _Nesting(HTMLParser):
    """Fails on an end tag that does not close the open element, or a link in a link."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.open = []
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and "a" in self.open:
            self.problems.append("a in a")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()


def test_marks_and_ruby_together_give_valid_html_with_ruby_in_the_term(client, pages, terms):
    body = main(client.get(pages["page"].url + "?ruby=1"))
    checker = _Nesting()
    checker.feed(body)
    assert checker.problems == []
    marked = re.search(r'<a href="[^"]*" class="glossary-term">(.*?)</a>', body).group(1)
    assert (
        "<ruby>計画<rt>けいかく</rt></ruby>" in marked or "<ruby>計<rt>けい</rt></ruby>" in marked
    )
    assert re.sub(r"<rt>.*?</rt>|<[^>]+>", "", marked) == "計画相談支援"


def test_marking_costs_no_query_and_a_change_gives_a_new_version(client, pages, terms):
    def queries():
        client.get(pages["page"].url)  # per-process caches warm
        with CaptureQueriesContext(connection) as context:
            response = client.get(pages["page"].url)
        sql = [q["sql"] for q in context.captured_queries]
        return len(sql), sum("glossary" in q for q in sql), marks(main(response))

    count, glossary_queries, marked = queries()
    assert marked and glossary_queries == 0
    version = glossary.glossary_version()
    terms["plan"].save()
    assert glossary.glossary_version() != version
    pages["index"].unpublish()
    assert queries() == (count, 0, [])


def test_without_the_shared_cache_the_version_comes_from_the_database(
    client, pages, terms, monkeypatch
):
    def down():
        raise ConnectionError("cache server down")

    monkeypatch.setattr(glossary, "_shared_cache", down)
    version = glossary.glossary_version()
    assert version.startswith(f"db:{pages['index'].pk}:")
    assert len(marks(main(client.get(pages["page"].url)))) == 4
    terms["b"].delete()
    assert glossary.glossary_version() != version
    assert len(marks(main(client.get(pages["page"].url)))) == 3


# --- the admin ---------------------------------------------------------------------


def test_secretariat_adds_a_term_and_a_bad_reading_changes_nothing(client, home_page):
    user = User.objects.create_user(username="secretariat", password="x")
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    client.force_login(user)
    add_url = reverse("wagtailsnippets_home_glossaryterm:add")
    form = client.get(add_url).content.decode()
    for label in ("用語", "読み仮名", "やさしい説明", "くわしいページ"):
        assert label in form

    data = {"term": "移動支援", "reading": "移動しえん", "explanation": "いっしょに出かけます。"}
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "読み仮名はひらがなかカタカナだけで入力してください" in response.content.decode()
    assert not GlossaryTerm.objects.exists()

    response = client.post(add_url, {**data, "reading": "いどうしえん"})
    assert response.status_code == 302
    assert GlossaryTerm.objects.get().reading == "いどうしえん"
    response = client.post(add_url, {**data, "reading": "いどうしえん"})
    assert "この用語はもう用語集にあります。" in response.content.decode()
    listing = client.get(reverse("wagtailsnippets_home_glossaryterm:list"))
    assert "用語集" in listing.content.decode()


# --- demo data -------------------------------------------------------------------


def test_demo_records_are_created_once_and_a_missing_key_is_named(tmp_path, monkeypatch, home_page):
    path = tmp_path / "terms.yaml"
    path.write_text(
        "records:\n  - type: home.GlossaryTerm\n    key: term\n    rows:\n"
        "      - {term: 移動支援, reading: いどうしえん, explanation: いっしょに出かけます。}\n",
        encoding="utf-8",
    )
    units = [
        {"name": "home/terms.yaml", "data": loader.yaml.safe_load(path.read_text()), "step": None}
    ]
    demo = loader.Demo()
    demo.add_records(units[0])
    demo.add_records(units[0])
    assert demo.created == ["用語集の用語「移動支援」"]
    assert GlossaryTerm.objects.count() == 1

    units[0]["data"]["records"][0]["rows"] = [{"reading": "いどうしえん"}]
    with pytest.raises(loader.DemoDataError, match="rows\\[0\\]: 「term」がありません。"):
        demo.add_records(units[0])
