"""Japanese site search: matching, ranking, excerpts, visibility, bad input and
index maintenance (``home.search`` and the /search/ view)."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from home import search, substring
from home.models import SearchEntry, StandardPage
from tests.factories import NewsPageFactory, StandardPageFactory, paragraph, stream

pytestmark = pytest.mark.django_db

RESULT_LINK = re.compile(r'<li class="search-result">\s*<h3><a href="([^"]*)">')
RESULT_COUNT = re.compile(r"の検索結果: (\d+)件")


def slug_of(url):
    return url.strip("/").rsplit("/", 1)[-1] or "home"


def get_search(client, params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response, response.content.decode()


def result_slugs(client, q, **params):
    _, body = get_search(client, {"q": q, **params})
    return [slug_of(url) for url in RESULT_LINK.findall(body)]


def result_count(body):
    match = RESULT_COUNT.search(body)
    assert match, "no result summary on the page"
    return int(match.group(1))


def excerpts(body):
    return re.findall(r'<p class="search-result__excerpt">(.*?)</p>', body, re.S)


# --- Matching -------------------------------------------------------------


@pytest.fixture
def corpus(home_page):
    """One page per shape of content the table below distinguishes.

    The home page (児玉郡市自立支援協議会) is indexed too and takes part as "home".
    """
    StandardPageFactory(
        parent=home_page, slug="gh-title", title="日中サービス支援型グループホームの評価について"
    )
    NewsPageFactory(
        parent=home_page,
        slug="gh-body",
        title="部会だより",
        body=stream(
            paragraph(
                "<p>日中サービス支援型グループホームの評価について、部会で話し合いました。</p>"
            )
        ),
    )
    StandardPageFactory(parent=home_page, slug="soudan-title", title="相談支援事業所の空き情報")
    StandardPageFactory(
        parent=home_page,
        slug="soudan-body",
        title="更新のお知らせ",
        body=stream(paragraph("<p>相談支援事業所の空き情報を更新しました。</p>")),
    )
    StandardPageFactory(
        parent=home_page, slug="spaced", title="入居者募集", intro="グループホーム の 空き情報 です"
    )
    StandardPageFactory(
        parent=home_page,
        slug="latin",
        title="ＮＰＯ法人の２０２４年度報告",
        body=stream(paragraph("<p>Kodama Group Home Network</p>")),
    )
    NewsPageFactory(
        parent=home_page,
        slug="unrelated",
        title="就労支援部会の記録",
        body=stream(paragraph("<p>工賃の向上について話し合いました。</p>")),
    )
    return home_page


CORPUS = {
    "home",
    "gh-title",
    "gh-body",
    "soudan-title",
    "soudan-body",
    "spaced",
    "latin",
    "unrelated",
}
GH = {"gh-title", "gh-body", "spaced"}
AKI = {"soudan-title", "soudan-body", "spaced"}
SOUDAN = {"soudan-title", "soudan-body"}

# (query, pages that must be returned, pages that must not be returned)
SEARCH_TABLE = [
    ("グループホーム", GH, CORPUS - GH),
    ("ぐるーぷほーむ", GH, CORPUS - GH),
    ("ｸﾞﾙｰﾌﾟﾎｰﾑ", GH, CORPUS - GH),
    ("グループ", GH, CORPUS - GH),
    ("ホーム", GH, CORPUS - GH),
    ("ほーむ", GH, CORPUS - GH),
    (
        "支援",
        {"home", "gh-title", "gh-body", "soudan-title", "soudan-body", "unrelated"},
        {"spaced", "latin"},
    ),
    ("評価", {"gh-title", "gh-body"}, CORPUS - {"gh-title", "gh-body"}),
    ("さーびす", {"gh-title", "gh-body"}, CORPUS - {"gh-title", "gh-body"}),
    ("空き情報", AKI, CORPUS - AKI),
    ("空き　情報", AKI, CORPUS - AKI),
    ("空き 情報", AKI, CORPUS - AKI),
    ("情報　空き", AKI, CORPUS - AKI),
    ("相談 空き", SOUDAN, CORPUS - SOUDAN),
    ("相談　空き", SOUDAN, CORPUS - SOUDAN),
    ("グループホーム 相談", set(), CORPUS),
    ("サービス　評価　日中", {"gh-title", "gh-body"}, CORPUS - {"gh-title", "gh-body"}),
    ("部会だより グループホーム", {"gh-body"}, CORPUS - {"gh-body"}),
    ("部会", {"gh-body", "unrelated"}, CORPUS - {"gh-body", "unrelated"}),
    ("デイ", set(), CORPUS),
    ("事業所", SOUDAN, CORPUS - SOUDAN),
    ("就労", {"unrelated"}, CORPUS - {"unrelated"}),
    ("npo", {"latin"}, CORPUS - {"latin"}),
    ("ＮＰＯ", {"latin"}, CORPUS - {"latin"}),
    ("Npo法人", {"latin"}, CORPUS - {"latin"}),
    ("2024年度", {"latin"}, CORPUS - {"latin"}),
    ("２０２４", {"latin"}, CORPUS - {"latin"}),
    ("GROUP home", {"latin"}, CORPUS - {"latin"}),
    ("ｇｒｏｕｐ　ＨＯＭＥ", {"latin"}, CORPUS - {"latin"}),
    ("kodama network", {"latin"}, CORPUS - {"latin"}),
    # LIKE wildcards are literal characters.
    ("%", set(), CORPUS),
    ("空_情報", set(), CORPUS),
    ("空%情報", set(), CORPUS),
    ("\\", set(), CORPUS),
]


def test_search_table_rows_cover_the_whole_corpus():
    for query, must, must_not in SEARCH_TABLE:
        assert must | must_not == CORPUS, query
        assert not must & must_not, query


@pytest.fixture(params=[True, False], ids=["indexed", "plain"])
def search_path(request, settings):
    """Both ways of matching: narrowed by the substring index, and the plain LIKE alone."""
    settings.SEARCH_SUBSTRING_INDEX = request.param
    return request.param


@pytest.mark.parametrize(
    ("query", "must", "must_not"), SEARCH_TABLE, ids=[row[0] for row in SEARCH_TABLE]
)
def test_search_table(client, corpus, search_path, query, must, must_not):
    found = result_slugs(client, query)
    assert len(found) == len(set(found))
    assert must <= set(found), f"missing: {must - set(found)}"
    assert not must_not & set(found), f"unexpected: {must_not & set(found)}"


# Words of one and two characters take their own path through the index; so do the ends of
# a title or text, cased letters outside ASCII and the LIKE wildcards.
MORE_QUERIES = [
    "て",
    "録",
    "支",
    "の",
    "ム",
    "ー",
    "o",
    "k",
    "2",
    "%",
    "_",
    "\\",
    '"',
    "記録",
    "いて",
    "型グ",
    "npo",
    "ω",
    "Ω",
    "ωμ",
    "i",
    "İ",
    "İs",
    "istanbul",
    "äpfel",
    "fi",
    "'",
    "a'b",
    '"x',
]


def entry_ids(raw, *, indexed):
    query = search.parse_query(raw)
    with override_settings(SEARCH_SUBSTRING_INDEX=indexed):
        return list(search.search_entries(query).values_list("page_id", flat=True))


def test_indexed_and_plain_search_give_identical_results(corpus):
    StandardPageFactory(
        parent=corpus, slug="other-scripts", title="Ωμέγα İstanbul", intro='Äpfel ﬁsh a\'b "x"'
    )
    StandardPageFactory(parent=corpus, slug="wildcards", title="100%の_記録", intro="C:\\data")
    queries = [row[0] for row in SEARCH_TABLE] + MORE_QUERIES
    found_any = 0
    for raw in queries:
        indexed, plain = entry_ids(raw, indexed=True), entry_ids(raw, indexed=False)
        assert indexed == plain, raw
        found_any += bool(plain)
    assert found_any > len(queries) // 2


@pytest.mark.parametrize(
    "variants",
    [
        ("グループホーム", "ぐるーぷほーむ", "ｸﾞﾙｰﾌﾟﾎｰﾑ", "グループほーむ"),
        ("NPO", "npo", "ＮＰＯ", "ｎｐｏ", "nPo"),
        ("2024", "２０２４"),
    ],
    ids=["kana", "latin", "digits"],
)
def test_folded_variants_find_the_same_pages(client, corpus, variants):
    results = [sorted(result_slugs(client, q)) for q in variants]
    assert results[0]
    assert all(r == results[0] for r in results)


def test_parse_query_splits_on_half_and_full_width_spaces():
    query = search.parse_query("  ｸﾞﾙｰﾌﾟ　ほーむ\tＮＰＯ  グループ ")
    assert query.terms == ("グループ", "ホーム", "npo")
    assert not query.truncated


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", True), ("　 \t", True), ("\x00\x07\u200b", True), ("😀", False), ("あ", False)],
)
def test_parse_query_emptiness(raw, expected):
    assert search.parse_query(raw).is_empty is expected


def test_parse_query_caps_length_and_word_count():
    assert search.parse_query("あ" * 1000).terms == ("ア" * search.MAX_QUERY_LENGTH,)
    many = search.parse_query(" ".join(f"語{i}" for i in range(30)))
    assert len(many.terms) == search.MAX_TERMS
    assert many.truncated


def test_key_keeps_length_so_matches_map_onto_display_text():
    text = search.normalize("ｸﾞﾙｰﾌﾟﾎｰﾑ　ＡＢＣ　ぁゖゝゞ")
    assert text == "グループホーム ABC ぁゖゝゞ"
    assert search.fold(text) == "グループホーム abc ァヶヽヾ"
    assert len(search.fold(text)) == len(text)


# --- Ranking and pagination -------------------------------------------------


def test_title_matches_rank_above_body_only_matches(client, corpus):
    # Republish the body-only match so that it is the most recently published.
    body_page = Page.objects.get(slug="gh-body").specific
    body_page.save_revision().publish()
    assert result_slugs(client, "評価") == ["gh-title", "gh-body"]

    found = result_slugs(client, "支援")
    assert set(found[:4]) == {"home", "gh-title", "soudan-title", "unrelated"}
    assert set(found[4:]) == {"gh-body", "soudan-body"}


def test_pages_never_published_through_a_revision_rank_after_published_ones(client, home_page):
    # Pages made live without a revision (imports, migrations) have no
    # last_published_at; they must sort last on every database.
    legacy = home_page.add_child(
        instance=StandardPage(title="グループホームの旧記録", slug="legacy", live=True)
    )
    assert legacy.last_published_at is None
    search.index_page(legacy)
    StandardPageFactory(parent=home_page, slug="older", title="グループホームの記録")
    StandardPageFactory(parent=home_page, slug="newer", title="グループホームの新着")
    assert result_slugs(client, "グループホーム") == ["newer", "older", "legacy"]


def test_pages_matching_every_word_in_title_rank_first(client, home_page):
    StandardPageFactory(parent=home_page, slug="both-in-title", title="相談の空き")
    StandardPageFactory(
        parent=home_page,
        slug="one-in-title",
        title="相談窓口",
        intro="空きがあります",
    )
    StandardPageFactory(
        parent=home_page,
        slug="none-in-title",
        title="窓口",
        intro="相談の空きがあります",
    )
    assert result_slugs(client, "相談 空き") == ["both-in-title", "one-in-title", "none-in-title"]


@pytest.fixture
def many_results(home_page):
    for n in range(25):
        factory = StandardPageFactory if n % 2 else NewsPageFactory
        factory(
            parent=home_page,
            slug=f"hyoka-{n}",
            title=f"部会の記録{n}",
            body=stream(paragraph(f"<p>第{n}回 評価の報告</p>")),
        )
    return home_page


def test_results_paginate_ten_per_page(client, many_results):
    seen = []
    for number, size in [(1, 10), (2, 10), (3, 5)]:
        _, body = get_search(client, {"q": "評価", "page": number})
        slugs = [slug_of(url) for url in RESULT_LINK.findall(body)]
        assert len(slugs) == size
        assert result_count(body) == 25
        assert f'<ol class="search-results" start="{(number - 1) * 10 + 1}">' in body
        seen += slugs
    assert sorted(seen) == sorted(f"hyoka-{n}" for n in range(25))
    assert 'aria-label="ページ送り"' in body


@pytest.mark.parametrize(("page", "expected_start"), [("abc", 1), ("99999", 21), ("-1", 21)])
def test_bad_page_numbers_fall_back_to_first_or_last(client, many_results, page, expected_start):
    _, body = get_search(client, {"q": "評価", "page": page})
    assert f'<ol class="search-results" start="{expected_start}">' in body


# --- Excerpts and highlighting -------------------------------------------


def test_excerpt_and_title_mark_the_query_in_display_text(client, corpus):
    _, body = get_search(client, {"q": "ぐるーぷほーむ"})
    assert (
        '<a href="/gh-title/">日中サービス支援型<mark>グループホーム</mark>の評価について</a>'
        in body
    )
    assert "<mark>グループホーム</mark> の 空き情報 です" in body
    assert any("<mark>グループホーム</mark>の評価について、部会で" in e for e in excerpts(body))


def test_every_word_is_marked(client, corpus):
    _, body = get_search(client, {"q": "相談　空き"})
    assert "<mark>相談</mark>支援事業所の<mark>空き</mark>情報を更新しました。" in body


def test_html_in_page_text_is_escaped_in_results(client, home_page):
    StandardPageFactory(
        parent=home_page,
        slug="xss",
        title="<i>グループホーム</i>案内",
        intro='<script>alert("x")</script> グループホームの<b>見学</b>',
        body=stream(paragraph("<p>&lt;img src=x onerror=alert(1)&gt; グループホーム</p>")),
    )
    _, body = get_search(client, {"q": "グループホーム"})
    (excerpt,) = excerpts(body)
    assert "<script>" not in excerpt and "<b>" not in excerpt and "<img" not in excerpt
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in excerpt
    assert "<mark>グループホーム</mark>の&lt;b&gt;見学&lt;/b&gt;" in excerpt
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>グループホーム</mark>" in excerpt
    assert "&lt;i&gt;<mark>グループホーム</mark>&lt;/i&gt;案内" in body
    assert "<script>alert" not in body


def test_html_in_the_query_is_escaped(client, corpus):
    _, body = get_search(client, {"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_excerpt_is_a_window_around_the_first_match():
    text = "あ" * 300 + "グループホーム" + "い" * 300
    html_excerpt = search.excerpt(text, ("グループホーム",))
    assert html_excerpt.startswith("…") and html_excerpt.endswith("…")
    assert "<mark>グループホーム</mark>" in html_excerpt
    plain = html.unescape(html_excerpt.replace("<mark>", "").replace("</mark>", ""))
    assert len(plain.strip("…")) == search.EXCERPT_LENGTH


def test_excerpt_of_short_text_has_no_ellipsis():
    assert search.excerpt("短い<本文>です", ("本文",)) == "短い&lt;<mark>本文</mark>&gt;です"
    assert search.excerpt("", ("本文",)) == ""


def test_long_body_excerpt_shows_the_match(client, home_page):
    filler = "会議の記録を掲載します。" * 40
    StandardPageFactory(
        parent=home_page,
        slug="long",
        title="長い記録",
        body=stream(paragraph(f"<p>{filler}</p><p>グループホームの見学会</p><p>{filler}</p>")),
    )
    _, body = get_search(client, {"q": "見学会"})
    (excerpt,) = excerpts(body)
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "グループホームの<mark>見学会</mark>" in excerpt


# --- Visibility -------------------------------------------------------------


def test_draft_unpublished_and_private_pages_are_not_returned(client, home_page):
    StandardPageFactory(parent=home_page, slug="public", title="グループホームの案内")

    draft = home_page.add_child(
        instance=StandardPage(title="グループホームの下書き", slug="draft", live=False)
    )
    draft.save_revision()

    unpublished = StandardPageFactory(
        parent=home_page, slug="unpublished", title="グループホーム旧"
    )
    unpublished.unpublish()

    private = StandardPageFactory(parent=home_page, slug="private", title="グループホーム会員")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    private_section = StandardPageFactory(parent=home_page, slug="members", title="会員専用")
    StandardPageFactory(parent=private_section, slug="private-child", title="グループホーム内部")
    PageViewRestriction.objects.create(page=private_section, restriction_type="login")
    password = StandardPageFactory(parent=home_page, slug="password", title="グループホーム非公開")
    PageViewRestriction.objects.create(
        page=password, restriction_type="password", password="secret-pass"
    )

    assert result_slugs(client, "グループホーム") == ["public"]
    call_command("rebuild_ja_search_index", stdout=StringIO())
    assert result_slugs(client, "グループホーム") == ["public"]
    assert not SearchEntry.objects.filter(page__slug__in=["draft", "unpublished"]).exists()

    PageViewRestriction.objects.filter(page=private_section).delete()
    assert sorted(result_slugs(client, "グループホーム")) == ["private-child", "public"]


def test_entries_of_pages_no_longer_live_are_ignored(client, home_page):
    # A page taken offline without the unpublish signal (a bulk update) keeps
    # its entry until the next rebuild; the search must still skip it.
    page = StandardPageFactory(parent=home_page, slug="offline", title="グループホームの案内")
    Page.objects.filter(pk=page.pk).update(live=False)
    assert SearchEntry.objects.filter(page=page).exists()
    assert result_slugs(client, "グループホーム") == []


def test_unpublished_draft_changes_are_not_searchable(client, home_page):
    page = StandardPageFactory(parent=home_page, slug="p", title="相談の案内")
    page.title = "グループホームの案内"
    page.save_revision()
    assert result_slugs(client, "グループホーム") == []
    assert result_slugs(client, "相談") == ["p"]


def test_only_declared_search_fields_are_indexed(client, home_page):
    StandardPageFactory(
        parent=home_page,
        slug="fields",
        title="案内",
        summary="概要に書いた評価",
        intro="はじめに書いた相談",
        search_description="説明に書いた就労",
        seo_title="題名に書いた空き",
        body=stream(("heading", {"text": "見出しのデイサービス", "level": "h2"})),
    )
    NewsPageFactory(
        parent=home_page,
        slug="news-fields",
        title="お知らせ",
        body=stream(paragraph("<p>本文に書いた<b>ショートステイ</b></p>")),
    )
    assert result_slugs(client, "概要に書いた評価") == ["fields"]
    assert result_slugs(client, "はじめに書いた相談") == ["fields"]
    assert result_slugs(client, "見出しのデイサービス") == ["fields"]
    assert result_slugs(client, "本文に書いたショートステイ") == ["news-fields"]
    assert result_slugs(client, "説明に書いた就労") == []
    assert result_slugs(client, "題名に書いた空き") == []
    # Markup is not text.
    assert result_slugs(client, "paragraph") == []
    assert result_slugs(client, "h2") == []


# --- Bad input through the view --------------------------------------------

BAD_INPUT = {
    "empty": {"q": ""},
    "no-q": {},
    "spaces-only": {"q": " 　\t "},
    "1000-chars": {"q": "グ" * 1000},
    "1000-words": {"q": " ".join(["ホーム"] * 1000)},
    "emoji-only": {"q": "😀🏠👍🏻"},
    "control-chars": {"q": "\x00\x07グループ"},
    "only-control-chars": {"q": "\x00\x07\x1b"},
    "page-abc": {"q": "グループ", "page": "abc"},
    "page-99999": {"q": "グループ", "page": "99999"},
    "page-huge": {"q": "グループ", "page": "9" * 400},
    "page-too-many-digits": {"q": "グループ", "page": "9" * 5000},
    "page-float": {"q": "グループ", "page": "1.5"},
    "page-without-q": {"page": "abc"},
    "q-repeated": {"q": ["グループ"] * 200},
    "q-repeated-empty": {"q": [""] * 200},
    "like-wildcards": {"q": "%_%\\"},
    "html": {"q": "<script>alert(1)</script>"},
}


@pytest.mark.parametrize("params", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_never_errors(client, corpus, params):
    get_search(client, params)


def test_invalid_utf8_query_string_is_handled(client, corpus):
    response = client.get("/search/?q=%ED%A0%80%FF%FE&page=%FF")
    assert response.status_code == 200


def test_empty_query_shows_the_form_without_results(client, corpus):
    _, body = get_search(client, {"q": ""})
    assert 'name="q"' in body
    assert "search-results" not in body and "検索結果:" not in body
    assert "検索できる文字が含まれていません" not in body


@pytest.mark.parametrize("q", [" 　\t ", "\x00\x07\x1b"], ids=["spaces", "control"])
def test_query_without_searchable_characters_explains_itself(client, corpus, q):
    _, body = get_search(client, {"q": q})
    assert "検索できる文字が含まれていません" in body
    assert "検索結果:" not in body


def test_emoji_only_query_is_a_normal_empty_search(client, corpus):
    _, body = get_search(client, {"q": "😀🏠"})
    assert result_count(body) == 0
    assert "該当するページは見つかりませんでした" in body
    assert 'value="😀🏠"' in body


def test_control_characters_are_dropped_from_the_query(client, corpus):
    assert set(result_slugs(client, "\x00\x07グループ")) == GH


def test_long_query_is_truncated_with_a_notice(client, corpus):
    _, body = get_search(client, {"q": "グループホーム" + "あ" * 993})
    assert "最初の100文字(10語)までで検索しました" in body
    assert result_count(body) == 0


def test_repeated_q_uses_one_value(client, corpus):
    assert set(result_slugs(client, ["空き情報"] * 199 + ["グループホーム"])) == GH


def test_search_only_accepts_get(client, corpus):
    assert client.post("/search/", {"q": "グループ"}).status_code == 405


# --- Query count ------------------------------------------------------------


def make_matching_pages(parent, start, stop):
    for n in range(start, stop):
        factory = NewsPageFactory if n % 2 else StandardPageFactory
        factory(
            parent=parent,
            slug=f"match-{n}",
            title=f"グループホーム{n}",
            body=stream(paragraph(f"<p>グループホームの記録{n}</p>")),
        )


def count_search_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/search/", {"q": "グループホーム"})
    assert response.status_code == 200
    return len(ctx.captured_queries), result_count(response.content.decode())


# One of them looks for the words in the handouts (handouts.search, through the search hook).
SEARCH_QUERY_BOUND = 13


@pytest.mark.parametrize("matching", [3, 30])
def test_search_view_query_bound(client, home_page, django_assert_max_num_queries, matching):
    make_matching_pages(home_page, 0, matching)
    client.get("/search/", {"q": "準備"})
    with django_assert_max_num_queries(SEARCH_QUERY_BOUND):
        response = client.get("/search/", {"q": "グループホーム"})
    assert result_count(response.content.decode()) == matching


def test_search_query_count_does_not_grow_with_results(client, home_page):
    make_matching_pages(home_page, 0, 3)
    client.get("/search/", {"q": "準備"})
    few = count_search_queries(client)
    make_matching_pages(home_page, 3, 30)
    many = count_search_queries(client)
    assert few[1] == 3 and many[1] == 30
    assert few[0] == many[0]


# --- Index maintenance ------------------------------------------------------


def test_publishing_indexes_the_page(client, home_page):
    page = StandardPageFactory(
        parent=home_page,
        slug="new",
        title="ｸﾞﾙｰﾌﾟﾎｰﾑ見学会",
        body=stream(paragraph("<p>見学会は<b>ＡＢＣ</b>ホールで行います。</p>")),
    )
    entry = SearchEntry.objects.get(page=page)
    assert entry.title == "グループホーム見学会"
    assert entry.title_key == "グループホーム見学会"
    assert entry.text == "見学会はABCホールで行います。"
    assert entry.text_key == "見学会ハabcホールデ行イマス。"
    assert result_slugs(client, "abcホール") == ["new"]


def test_republishing_with_a_new_title_updates_the_entry(client, home_page):
    page = StandardPageFactory(parent=home_page, slug="renamed", title="相談支援の案内")
    page.title = "グループホームの案内"
    page.save_revision().publish()
    assert SearchEntry.objects.get(page=page).title == "グループホームの案内"
    assert SearchEntry.objects.count() == 2  # the home page and this one
    assert result_slugs(client, "グループホーム") == ["renamed"]
    assert result_slugs(client, "相談") == []


def test_unpublishing_drops_the_entry(client, home_page):
    page = StandardPageFactory(parent=home_page, slug="gone", title="グループホームの案内")
    assert SearchEntry.objects.filter(page=page).exists()
    page.unpublish()
    assert not SearchEntry.objects.filter(page=page).exists()
    assert result_slugs(client, "グループホーム") == []


def test_deleting_a_page_drops_the_entry(home_page):
    page = StandardPageFactory(parent=home_page, slug="deleted", title="グループホーム")
    page.delete()
    assert list(SearchEntry.objects.values_list("page__slug", flat=True)) == ["home"]


def test_rebuild_command_restores_and_prunes_the_index(client, corpus):
    before = {q: result_slugs(client, q) for q in ["グループホーム", "空き 情報", "支援"]}
    snapshot = {
        e.page_id: (e.title, e.title_key, e.text, e.text_key) for e in SearchEntry.objects.all()
    }
    assert len(snapshot) == len(CORPUS)

    SearchEntry.objects.all().delete()
    assert result_slugs(client, "グループホーム") == []
    stale = Page.objects.get(slug="spaced")
    Page.objects.filter(pk=stale.pk).update(live=False)
    SearchEntry.objects.create(page=stale, title="x", title_key="x", text="x", text_key="x")

    out = StringIO()
    call_command("rebuild_ja_search_index", stdout=out)
    assert f"{len(CORPUS) - 1}ページ" in out.getvalue()
    del snapshot[stale.pk]
    assert {
        e.page_id: (e.title, e.title_key, e.text, e.text_key) for e in SearchEntry.objects.all()
    } == snapshot
    for q, slugs in before.items():
        assert result_slugs(client, q) == [s for s in slugs if s != "spaced"]


# --- The substring index --------------------------------------------------


def test_the_index_follows_edits_and_removals(home_page, settings):
    settings.SEARCH_SUBSTRING_INDEX = True
    page = StandardPageFactory(parent=home_page, slug="moved", title="移動支援の記録")

    def found(raw):
        return list(
            search.search_entries(search.parse_query(raw)).values_list("page_id", flat=True)
        )

    assert found("移動支援") == found("移動支") == [page.pk]
    page.title = "同行援護の記録"
    page.save_revision().publish()
    assert found("移動支援") == found("移動支") == []
    assert found("同行援護") == found("行援護") == [page.pk]
    page.unpublish()
    assert found("同行援護") == found("行援護") == []


def plan(queryset):
    """PostgreSQL's plan of the query; on SQLite, its SQL and that of the queries that built it."""
    with CaptureQueriesContext(connection) as queries:
        queryset = queryset()
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The test tables are tiny: leave the planner only the plans an index serves.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                return "\n".join(str(row) for row in cursor.fetchall())
    return "\n".join([sql, *(query["sql"] for query in queries.captured_queries)])


@pytest.mark.parametrize(
    ("raw", "sqlite_index", "postgres_index"),
    [
        ("支援事業所", "home_searchentry_fts MATCH", "home_searchentry_text_key_trgm"),
        ("gRoup", "home_searchentry_fts MATCH", "home_searchentry_title_key_trgm"),
    ],
)
def test_the_trigram_index_serves_words_of_three_characters_or_more(
    corpus, raw, sqlite_index, postgres_index
):
    (term,) = search.parse_query(raw).terms

    def entries(indexed=True):
        return SearchEntry.objects.filter(
            substring.contains(substring.SEARCH_ENTRY, term, indexed=indexed)
        )

    assert set(entries()) == set(entries(indexed=False))
    expected = postgres_index if connection.vendor == "postgresql" else sqlite_index
    assert expected in plan(entries)
