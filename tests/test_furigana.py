"""Reading aids: ふりがな on the server (home.furigana), the 読み仮名辞書, and the
文字サイズ・背景色・ふりがな choices kept in cookies (home.reading_aids)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from home import furigana
from home.furigana import add_ruby, ruby_html, word_ruby
from home.models import ReadingEntry
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    ReadingEntryFactory,
    StandardPageFactory,
    paragraph,
    stream,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    furigana.clear_cache()
    yield
    furigana.clear_cache()


def readings(html):
    """{base: reading} of every <ruby> in ``html``."""
    return dict(re.findall(r"<ruby>(.*?)<rt>(.*?)</rt></ruby>", html))


# --- readings ----------------------------------------------------------------

DISTRICT = {
    "本庄市": "ほんじょうし",
    "美里町": "みさとまち",
    "神川町": "かみかわまち",
    "上里町": "かみさとまち",
    "児玉郡": "こだまぐん",
    "自立支援協議会": "じりつしえんきょうぎかい",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name,reading", DISTRICT.items())
def test_district_names_read_right(name, reading):
    assert ruby_html(name) == f"<ruby>{name}<rt>{reading}</rt></ruby>"
    # and inside a sentence, whatever the analyser would split
    assert readings(ruby_html(f"{name}で会議を開きます。"))[name] == reading


@pytest.mark.django_db
def test_the_districts_names_do_not_depend_on_the_analyser(monkeypatch):
    """Our layer is applied before the analyser: it never sees the names."""
    seen = []
    real = furigana._analyse

    def spy(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(furigana, "_analyse", spy)
    html = ruby_html("上里町と神川町の自立支援協議会")
    assert readings(html) == {
        "上里町": "かみさとまち",
        "神川町": "かみかわまち",
        "自立支援協議会": "じりつしえんきょうぎかい",
    }
    assert all("上里" not in t and "神川" not in t and "自立" not in t for t in seen)


@pytest.mark.django_db
def test_common_words_get_hiragana_on_the_kanji_only():
    html = ruby_html("会議の傍聴を申し込みます。お問い合わせは事務局へ。")
    assert "<ruby>申<rt>もう</rt></ruby>し<ruby>込<rt>こ</rt></ruby>み" in html
    assert "お<ruby>問<rt>と</rt></ruby>い<ruby>合<rt>あ</rt></ruby>わせ" in html
    assert readings(html)["会議"] == "かいぎ"
    assert readings(html)["事務局"] == "じむきょく"
    # kana, punctuation and okurigana stay outside the ruby
    text_outside = re.sub(r"<ruby>.*?</ruby>", "", html)
    assert text_outside == "のをしみます。おいわせはへ。"
    for reading in readings(html).values():
        assert re.fullmatch("[ぁ-ゖー]+", reading), reading


@pytest.mark.django_db
def test_dates_weekdays_and_minutes_read_as_spoken():
    html = ruby_html("令和7年12月1日(月)14時30分から3日間、20日（水曜日）まで5分")
    assert "<ruby>1日<rt>ついたち</rt></ruby>(<ruby>月<rt>げつ</rt></ruby>)" in html
    assert "30<ruby>分<rt>ぷん</rt></ruby>" in html
    assert "<ruby>3日間<rt>みっかかん</rt></ruby>" in html
    assert "（<ruby>水<rt>すい</rt></ruby><ruby>曜日<rt>ようび</rt></ruby>）" in html
    assert html.endswith("5<ruby>分<rt>ふん</rt></ruby>")
    assert "12<ruby>月<rt>がつ</rt></ruby>" in html
    assert "7<ruby>月<rt>がつ</rt></ruby><ruby>15日<rt>" not in ruby_html("7月15日")
    assert ruby_html("7月15日") == "7<ruby>月<rt>がつ</rt></ruby>15<ruby>日<rt>にち</rt></ruby>"
    assert readings(ruby_html("更新日: 令和7年"))["更新日"] == "こうしんび"


@pytest.mark.django_db
def test_words_without_kanji_get_no_ruby():
    assert ruby_html("グループホームとサービス、ABC 123。") == "グループホームとサービス、ABC 123。"


def test_word_ruby_splits_the_reading_over_the_kanji():
    assert word_ruby("取り扱い", "とりあつかい") == (
        "<ruby>取<rt>と</rt></ruby>り<ruby>扱<rt>あつか</rt></ruby>い"
    )
    # letters among the kanji: the whole word carries the reading
    assert word_ruby("B型", "びーがた") == "<ruby>B型<rt>びーがた</rt></ruby>"
    # kana that do not line up with the reading: the whole word too
    assert word_ruby("行く", "ゆきます") == "<ruby>行く<rt>ゆきます</rt></ruby>"
    assert word_ruby("すみません", "すみません") == "すみません"
    assert word_ruby("<漢>", "かん") == "<ruby>&lt;漢&gt;<rt>かん</rt></ruby>"


# --- the 読み仮名辞書 ----------------------------------------------------------


@pytest.mark.django_db
def test_dictionary_entry_overrides_the_analyser_and_the_cache():
    text = "生活介護の日中活動です。"
    before = ruby_html(text)
    assert readings(before)["生活"] == "せいかつ"

    ReadingEntryFactory(word="生活介護", reading="セイカツカイゴ")
    after = ruby_html(text)
    assert readings(after)["生活介護"] == "せいかつかいご"
    assert "<ruby>生活<rt>" not in after

    # an entry changed: the new reading at once (the cached text is stale)
    entry = ReadingEntry.objects.get(word="生活介護")
    entry.reading = "せいかつかいごサービス"
    entry.save()
    assert readings(ruby_html(text))["生活介護"] == "せいかつかいごさーびす"

    entry.delete()
    assert ruby_html(text) == before


@pytest.mark.django_db
def test_a_cached_page_follows_a_dictionary_change():
    fragment = "<p>生活介護の<a href='/x/'>日中活動</a>です。</p>"
    assert readings(add_ruby(fragment))["生活"] == "せいかつ"
    assert add_ruby(fragment) == add_ruby(fragment)
    ReadingEntryFactory(word="生活介護", reading="せいかつかいご")
    assert readings(add_ruby(fragment))["生活介護"] == "せいかつかいご"


@pytest.mark.django_db
def test_dictionary_overrides_a_district_name_and_longest_word_wins():
    ReadingEntryFactory(word="本庄", reading="ほんじょ")
    ReadingEntryFactory(word="本庄市役所", reading="ほんじょうしやくしょ")
    html = ruby_html("本庄市役所と本庄駅")
    assert readings(html)["本庄市役所"] == "ほんじょうしやくしょ"
    assert readings(html)["本庄"] == "ほんじょ"


@pytest.mark.django_db
def test_dictionary_entry_with_okurigana_keeps_them_outside():
    ReadingEntryFactory(word="見守り隊", reading="みまもりたい")
    assert ruby_html("見守り隊") == (
        "<ruby>見守<rt>みまも</rt></ruby>り<ruby>隊<rt>たい</rt></ruby>"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reading",
    ["ほんじょう市", "honjo", "ほんじょう1", "ほんじょう!", "ほん\tじょう", "<b>ほん</b>", "ﾎﾝｼﾞｮｳ"],
)
def test_dictionary_reading_must_be_kana(reading):
    entry = ReadingEntry(word="本庄南", reading=reading)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert error.value.message_dict["reading"] == [
        "読み仮名はひらがなかカタカナだけで入力してください(漢字・英数字・記号は使えません)。"
    ]


@pytest.mark.django_db
def test_dictionary_word_needs_kanji_and_is_unique():
    ReadingEntry(word="本庄南", reading="ホンジョウ・ミナミ").full_clean()
    with pytest.raises(ValidationError) as error:
        ReadingEntry(word="ほんじょう", reading="ほんじょう").full_clean()
    assert "漢字を含む言葉" in error.value.message_dict["word"][0]
    ReadingEntryFactory(word="本庄南", reading="ほんじょうみなみ")
    with pytest.raises(ValidationError) as error:
        ReadingEntry(word="本庄南", reading="ほんじょうみなみ").full_clean()
    assert error.value.message_dict["word"] == ["この言葉はもう読み仮名辞書にあります。"]


@pytest.mark.django_db
def test_secretariat_adds_an_entry_in_the_admin_and_a_bad_reading_changes_nothing(
    client, home_page
):
    from django.contrib.auth.models import Group, User

    from editorial.roles import SECRETARIAT

    user = User.objects.create_user(username="secretariat", password="x")
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    client.force_login(user)
    add_url = reverse("wagtailsnippets_home_readingentry:add")

    response = client.post(add_url, {"word": "本庄南", "reading": "ほんじょう南"})
    assert response.status_code == 200
    assert "読み仮名はひらがなかカタカナだけで入力してください" in response.content.decode()
    assert not ReadingEntry.objects.exists()

    response = client.post(add_url, {"word": "本庄南", "reading": "ほんじょうみなみ"})
    assert response.status_code == 302
    assert ReadingEntry.objects.get().reading == "ほんじょうみなみ"
    assert readings(ruby_html("本庄南"))["本庄南"] == "ほんじょうみなみ"
    listing = client.get(reverse("wagtailsnippets_home_readingentry:list"))
    assert "読み仮名辞書" in listing.content.decode()


# --- HTML: where ruby goes -------------------------------------------------------


@pytest.mark.django_db
def test_ruby_never_inside_script_style_code_attributes_or_ruby():
    source = (
        '<p title="会議の案内" data-x="本庄市">会議の案内</p>'
        '<script>const label = "会議 &amp; 案内 <b>";</script>'
        "<style>.会議::after { content: '案内'; }</style>"
        "<code>会議</code><pre>会議\n案内</pre><textarea>会議 &lt;</textarea>"
        "<select><option>会議</option></select>"
        "<ruby>会議<rt>かいぎ</rt></ruby><kbd>会議</kbd>"
        '<a href="/会議/">案内 &amp; 会議 &lt;b&gt;</a><!-- 会議 -->'
    )
    html = add_ruby(source)
    assert html.startswith(
        '<p title="会議の案内" data-x="本庄市"><ruby>会議<rt>かいぎ</rt></ruby>の'
        "<ruby>案内<rt>あんない</rt></ruby></p>"
    )
    assert '<script>const label = "会議 &amp; 案内 <b>";</script>' in html
    assert "<style>.会議::after { content: '案内'; }</style>" in html
    assert "<code>会議</code><pre>会議\n案内</pre><textarea>会議 &lt;</textarea>" in html
    assert "<select><option>会議</option></select>" in html
    assert "<ruby>会議<rt>かいぎ</rt></ruby><kbd>会議</kbd>" in html
    assert (
        '<a href="/会議/"><ruby>案内<rt>あんない</rt></ruby> &amp; '
        "<ruby>会議<rt>かいぎ</rt></ruby> &lt;b&gt;</a><!-- 会議 -->"
    ) in html


@pytest.mark.django_db
def test_text_that_looks_like_markup_stays_text():
    html = add_ruby("<p>&lt;script&gt;alert('本庄')&lt;/script&gt; &amp;copy;</p>")
    assert "<script>" not in html
    assert html == (
        "<p>&lt;script&gt;alert('<ruby>本庄<rt>ほんじょう</rt></ruby>')&lt;/script&gt; &amp;copy;</p>"
    )


BAD_TEXT = {
    "emoji": "😀👨‍👩‍👧漢字😀",
    "symbols": "★※①㈱〒〓々〆ヶ" * 50,
    "variation selectors": "葛\U000e0100城市と𠮷野家",
    "lone surrogates are not in HTML but control characters may be": "本庄\x00\x1b市",
    "very long run": "漢" * 100_000,
    "very long sentence": "障害のある人の暮らしを支える会議です。" * 6_000,
}


@pytest.mark.django_db
@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_text_the_analyser_cannot_read_still_renders(text):
    html = add_ruby(f"<p>{text}</p>")
    plain = re.sub(r"<rt>.*?</rt>|</?ruby>|</?p>", "", html)
    assert plain == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.django_db
def test_a_very_long_node_is_left_plain_and_the_rest_gets_ruby():
    html = add_ruby(f"<p>{'漢' * 100_000}</p><p>会議</p>")
    assert html.startswith("<p>" + "漢" * 100_000 + "</p>")
    assert html.endswith("<p><ruby>会議<rt>かいぎ</rt></ruby></p>")


@pytest.mark.django_db
def test_analyser_failure_leaves_the_text_plain(monkeypatch):
    def broken(text):
        raise RuntimeError("analyser failed")

    monkeypatch.setattr(furigana, "_analyse", broken)
    assert add_ruby("<p>会議 & 案内</p>") == "<p>会議 &amp; 案内</p>"


# --- cookies, parameters and the page ----------------------------------------


@pytest.fixture
def pages(home_page):
    standard = StandardPageFactory(
        parent=home_page,
        title="協議会の案内",
        slug="guide",
        intro="本庄市で会議を開きます。",
        body=stream(
            paragraph('<p>上里町の<a href="/guide/">申し込み</a>について。</p>'),
            ("heading", {"text": "神川町の取り組み", "level": "h2"}),
        ),
    )
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    meeting = MeetingPageFactory(parent=plenary, title="第1回全体会", venue="美里町文化会館")
    return {"standard": standard, "meeting": meeting}


def html_class(response):
    match = re.search(r'<html lang="ja"(?: class="([^"]*)")?>', response.content.decode())
    return match.group(1) or ""


def main(response):
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


@pytest.mark.django_db
def test_defaults_without_cookies(client, pages):
    response = client.get(pages["standard"].url)
    assert '<html lang="ja">' in response.content.decode()
    assert html_class(response) == ""
    assert "<ruby>" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cookies,expected",
    [
        ({"text_size": "large"}, "text-large"),
        ({"text_size": "xlarge", "bg_color": "black"}, "text-xlarge bg-black"),
        ({"bg_color": "blue", "ruby": "1"}, "bg-blue ruby"),
        ({"text_size": "standard", "bg_color": "white", "ruby": "0"}, ""),
        ({"text_size": "huge", "bg_color": "red", "ruby": "yes"}, ""),
        ({"text_size": "large\x00", "bg_color": "<b>", "ruby": "2"}, ""),
    ],
)
def test_html_classes_from_the_cookies(client, pages, cookies, expected):
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get(pages["standard"].url)
    assert response.status_code == 200
    assert html_class(response) == expected


@pytest.mark.django_db
def test_ruby_over_the_main_content_only(client, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(pages["standard"].url)  # what is looked up once (the site)
    with CaptureQueriesContext(connection) as plain:
        client.get(pages["standard"].url)
    client.cookies["ruby"] = "1"
    client.get(pages["standard"].url)  # the dictionary read once
    with CaptureQueriesContext(connection) as with_ruby:
        response = client.get(pages["standard"].url)
    # one query more: the dictionary's version
    assert len(with_ruby) == len(plain) + 1
    body = main(response)
    assert "<ruby>本庄市<rt>ほんじょうし</rt></ruby>" in body
    assert (
        '<a href="/guide/"><ruby>申<rt>もう</rt></ruby>し<ruby>込<rt>こ</rt></ruby>み</a>' in body
    )
    assert "<ruby>神川町<rt>かみかわまち</rt></ruby>" in body
    # the header, the title and the footer are not the main content
    page = response.content.decode()
    assert "<title>協議会の案内｜児玉郡市自立支援協議会</title>" in page
    assert page.count("<ruby>") == body.count("<ruby>")


@pytest.mark.django_db
def test_ruby_on_a_meeting_page(client, pages):
    response = client.get(pages["meeting"].url + "?ruby=1")
    assert "<ruby>美里町<rt>みさとまち</rt></ruby>" in main(response)
    assert "<ruby>全体会<rt>" in main(response) or "<ruby>全体<rt>ぜんたい</rt></ruby>" in main(
        response
    )


@pytest.mark.django_db
def test_ruby_parameter_gives_the_ruby_version_and_wins_over_the_cookie(client, pages):
    url = pages["standard"].url
    assert "<ruby>" in client.get(url + "?ruby=1").content.decode()
    assert html_class(client.get(url + "?ruby=1")) == "ruby"
    client.cookies["ruby"] = "1"
    assert "<ruby>" not in client.get(url + "?ruby=0").content.decode()
    # another value: ignored, the cookie decides
    assert "<ruby>" in client.get(url + "?ruby=yes").content.decode()


@pytest.mark.django_db
def test_bar_marks_the_current_choice_and_links_back_here(client, pages):
    client.cookies["text_size"] = "large"
    response = client.get(pages["standard"].url + "?ruby=1&x=1")
    page = response.content.decode()
    bar = re.search(r'<div class="reading-aids".*?\n</div>', page, re.S).group(0)
    current = re.findall(r'<a href="([^"]*)" rel="nofollow" aria-current="true">([^<]*)</a>', bar)
    assert [label for _, label in current] == ["大", "白", "あり"]
    links = re.findall(r'<a href="([^"]*)"', bar)
    assert len(links) == 8
    # back to this page, without ?ruby= (the bar's choice must win over the URL)
    assert all("next=%2Fguide%2F%3Fx%3D1" in link.replace("&amp;", "&") for link in links)
    assert 'aria-label="読みやすくする設定"' in bar
    for label in ("文字サイズ", "背景色", "ふりがな"):
        assert f">{label}</span>" in bar


@pytest.mark.django_db
def test_aids_view_sets_cookies_and_goes_back(client):
    response = client.get(
        reverse("reading_aids"), {"text_size": "xlarge", "bg_color": "blue", "next": "/guide/?x=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/guide/?x=1#reading-aids"
    for name, value in (("text_size", "xlarge"), ("bg_color", "blue")):
        cookie = response.cookies[name]
        assert cookie.value == value
        assert cookie["max-age"] == 365 * 24 * 60 * 60
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
    assert "ruby" not in response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    response = client.get(reverse("reading_aids"), {"ruby": "1", "next": "/"})
    assert response.cookies["ruby"].value == "1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"text_size": "huge"},
        {"bg_color": "red", "ruby": "true"},
        {"text_size": ["large", "x" * 5000]},
        {"unknown": "1"},
        {},
    ],
)
def test_aids_view_ignores_unknown_values(client, params):
    response = client.get(reverse("reading_aids"), {**params, "next": "/"})
    assert response.status_code == 302
    for name in ("text_size", "bg_color", "ruby"):
        if name not in params or isinstance(params[name], list):
            continue
        assert name not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/guide/",
        "guide/",
        "",
    ],
)
def test_aids_view_goes_home_for_a_next_that_is_not_a_local_path(client, target):
    response = client.get(reverse("reading_aids"), {"text_size": "large", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/#reading-aids"
    assert response.cookies["text_size"].value == "large"


@pytest.mark.django_db
def test_aids_view_never_writes_a_header_from_next(client):
    response = client.get(reverse("reading_aids"), {"ruby": "1", "next": "/a\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert "\n" not in response["Location"] and "x" not in response.cookies


@pytest.mark.django_db
def test_aids_view_only_answers_get(client):
    assert client.post(reverse("reading_aids"), {"text_size": "large"}).status_code == 405


@pytest.mark.django_db
def test_robots_keep_the_aids_links_out(client):
    assert "Disallow: /aids/" in client.get("/robots.txt").content.decode()


@pytest.mark.django_db
def test_with_the_page_cache_each_visitor_gets_their_ruby_and_a_dictionary_change_shows(
    settings, pages
):
    from django.core.cache import caches
    from django.test import Client

    settings.PAGE_CACHE_ENABLED = True
    caches[settings.PAGE_CACHE_ALIAS].clear()
    url = pages["standard"].url
    plain = Client().get(url).content.decode()
    assert "<ruby>" not in plain
    assert "<ruby>" not in Client().get(url).content.decode()  # the stored plain page

    assert (
        "<ruby>本庄市<rt>ほんじょうし</rt></ruby>" in Client().get(url + "?ruby=1").content.decode()
    )
    reader = Client()
    reader.cookies["ruby"] = "1"
    for _ in range(2):  # rendered, then stored
        assert "<ruby>本庄市<rt>ほんじょうし</rt></ruby>" in reader.get(url).content.decode()

    ReadingEntryFactory(word="本庄市", reading="ほんじょうシ")
    assert "<ruby>本庄市<rt>ほんじょうし</rt></ruby>" in reader.get(url).content.decode()
    entry = ReadingEntry.objects.get(word="本庄市")
    entry.reading = "ほんじょうしない"
    entry.save()
    assert "<rt>ほんじょうしない</rt>" in reader.get(url).content.decode()
    assert "<ruby>" not in Client().get(url).content.decode()
    caches[settings.PAGE_CACHE_ALIAS].clear()
