"""Phone visitors who filter and read: results landing, folded filters, tel: links, public words.

The browser side (focus, first screen, line boxes at 390 px) is in test_phone_browser.py.
"""

import datetime as dt
import re

import pytest
from django.template import Context, Template

from council.models import CommitteePage
from facilities.models import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup
from home.formatting import tel_href
from home.models import SecretariatContact
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from vacancies.models import month_label, month_start, previous_month

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"


# --- tel: links ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("0495-12-3456", "tel:0495123456"),
        ("０４９５－１２－３４５６", "tel:0495123456"),
        ("0495(12)3456", "tel:0495123456"),
        ("（０４９５）１２‐３４５６", "tel:0495123456"),
        ("090 1234 5678", "tel:09012345678"),
        ("0495−12−3456", "tel:0495123456"),  # U+2212 minus from a word processor
        ("0495-12-3456(内線12)", "tel:0495123456"),
        ("代表 0495-12-3456", "tel:0495123456"),
        ("+81-495-12-3456", "tel:+81495123456"),
        ("110", "tel:110"),
        ("", ""),
        (None, ""),
        ("電話なし", ""),
        ("12", ""),
    ],
)
def test_tel_href_keeps_the_digits_and_the_leading_zero(number, href):
    assert tel_href(number) == href


def render(source, **context):
    return Template("{% load site_tags %}" + source).render(Context(context))


def test_tel_filters_in_templates():
    assert render("{{ n|tel_href }}", n="0495-12-3456") == "tel:0495123456"
    assert render("{{ n|phone_link }}", n="0495-12-3456") == (
        '<a href="tel:0495123456">0495-12-3456</a>'
    )
    # Nothing to dial: the text stays, escaped, without a link.
    assert render("{{ n|phone_link }}", n="<b>なし</b>") == "&lt;b&gt;なし&lt;/b&gt;"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "事務局 0495-12-3456(内線12)まで",
            '事務局 <a href="tel:0495123456">0495-12-3456</a>(内線12)まで',
        ),
        (
            "〒367-0000 電話０４９５（７２）１１１１",
            '〒367-0000 電話<a href="tel:0495721111">０４９５（７２）１１１１</a>',
        ),
        (
            "FAX 0495-72-0001、電話 0495-72-0000",
            'FAX 0495-72-0001、電話 <a href="tel:0495720000">0495-72-0000</a>',
        ),
        ("ＦＡＸ：０４９５-７２-０００１", "ＦＡＸ：０４９５-７２-０００１"),
        (
            "<b>携帯</b> 090 1234 5678",
            '&lt;b&gt;携帯&lt;/b&gt; <a href="tel:09012345678">090 1234 5678</a>',
        ),
        ("令和6年12月31日 2024-12-31 第12-3456号", "令和6年12月31日 2024-12-31 第12-3456号"),
        ("", ""),
    ],
)
def test_phone_numbers_in_free_text_become_links_but_fax_and_dates_do_not(text, html):
    assert render("{{ t|link_phone_numbers }}", t=text) == html


def test_committee_contact_and_observer_application_link_their_phone_numbers(client, home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(
        parent=about, contact="本庄市 障害福祉課\n電話 0495-25-1111 FAX 0495-25-1112"
    )
    meeting = MeetingPageFactory(
        parent=committee,
        date=dt.date.today() + dt.timedelta(days=30),
        status="scheduled",
        observer_application="前日までに電話(0495-25-1111)で<申込>",
    )
    html = client.get(committee.url).content.decode()
    assert '電話 <a href="tel:0495251111">0495-25-1111</a> FAX 0495-25-1112' in html
    assert "障害福祉課<br>電話" in html
    html = client.get(meeting.url).content.decode()
    assert '前日までに電話(<a href="tel:0495251111">0495-25-1111</a>)で&lt;申込&gt;' in html


@pytest.fixture
def directory(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    honjo = FacilityPageFactory(
        parent=index,
        slug="hidamari",
        title="サンプルひだまりホーム",
        name_kana="ヒダマリ",
        phone="0495-12-3456",
        latitude="36.243800",
        longitude="139.190300",
        services=[(GH, 6, ["知的"]), ("短期入所", 2, ["知的"])],
        features=["送迎あり"],
    )
    misato = FacilityPageFactory(
        parent=index,
        slug="misato",
        title="サンプルみさと作業所",
        name_kana="ミサト",
        municipality=Municipality.objects.get(name="美里町"),
        phone="0495-76-0001",
        services=[("就労継続支援B型", 20, ["精神"])],
    )
    return {"index": index, "honjo": honjo, "misato": misato, "home": home_page}


def test_tel_links_on_the_facility_page_results_and_map_markers(client, directory):
    index, honjo = directory["index"], directory["honjo"]
    page = client.get(honjo.url).content.decode()
    assert '<a href="tel:0495123456">0495-12-3456</a>' in page
    results = client.get(index.url).content.decode()
    assert '<a href="tel:0495123456">0495-12-3456</a>' in results
    assert '<a href="tel:0495760001">0495-76-0001</a>' in results
    markers = client.get(index.url + "markers/").json()["facilities"]
    assert [(m["phone"], m["tel"]) for m in markers] == [("0495-12-3456", "tel:0495123456")]


def test_tel_links_in_the_footer_and_on_the_vacancy_page(client, directory):
    contact = SecretariatContact.for_site(directory["home"].get_site())
    contact.phone = "０４９５－７２－００００"
    contact.save()
    VacancyFigureFactory(facility=directory["honjo"], service_type=GH, vacancies=1)
    html = client.get(VacancyPageFactory(parent=directory["home"]).url).content.decode()
    assert '<a href="tel:0495720000">０４９５－７２－００００</a>' in html  # footer
    row = html.split("サンプルひだまりホーム</a></th>")[1].split("</tr>")[0]
    assert '<a href="tel:0495123456">0495-12-3456</a>' in row


# --- Filtering lands on the results --------------------------------------------------


def test_facility_search_form_and_links_go_to_the_results(client, directory):
    index = directory["index"]
    html = client.get(index.url).content.decode()
    assert f'action="{index.url}#results"' in html
    assert '<h2 id="results" tabindex="-1">' in html
    # The skip link comes right after the keyword box, before the first filter.
    after_box = html.split('id="facility-q"')[1]
    assert after_box.index('<a href="#results">検索結果へ移動</a>') < after_box.index("<fieldset")
    # No filter: the filters are open, the summary invites to narrow.
    assert '<details class="filters-fold" open>' in html
    assert "市町・サービスの種類などで絞り込む" in html

    muni = Municipality.objects.get(name="本庄市").pk
    html = client.get(index.url, {"muni": muni, "q": "ひだまり"}).content.decode()
    assert '<details class="filters-fold">' in html
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "言葉「ひだまり」" in summary and "本庄市" in summary and "(1件)" in summary
    # Removing a chosen condition and switching the view land on the results too.
    assert re.search(r'href="\?[^"]*#results">市町: 本庄市', html)
    assert 'view=map#results"' in html


def test_facility_search_pagination_keeps_the_fragment(client, directory):
    index = directory["index"]
    for n in range(21):
        FacilityPageFactory(parent=index, slug=f"extra-{n}", name_kana=f"ワ{n:02d}")
    html = client.get(index.url).content.decode()
    assert 'href="?page=2#results"' in html


def test_summary_of_many_conditions_stays_short(client, directory):
    index = directory["index"]
    munis = [m.pk for m in Municipality.objects.all()]
    categories = [c.pk for c in ServiceCategory.objects.all()]
    html = client.get(index.url, {"muni": munis, "cat": categories}).content.decode()
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert f"ほか{len(munis) + len(categories) - 3}つの条件" in summary
    assert summary.count("・") == 2


def test_every_option_checked_works(client, directory):
    index = directory["index"]
    params = {
        "q": "サンプル",
        "muni": [m.pk for m in Municipality.objects.all()],
        "cat": [c.pk for c in ServiceCategory.objects.all()],
        "svc": [s.pk for s in ServiceType.objects.all()],
        "target": [t.pk for t in TargetGroup.objects.all()],
        "feat": [f.pk for f in Feature.objects.all()],
        "kyoten": "1",
        "vacancy": "1",
        "sort": "muni",
    }
    response = client.get(index.url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="results" tabindex="-1"' in html
    assert client.get(index.url + "markers/", params).status_code == 200
    # The same with the map view and every value twice.
    doubled = {k: (v * 2 if isinstance(v, list) else v) for k, v in params.items()}
    assert client.get(index.url, {**doubled, "view": "map"}).status_code == 200


def test_empty_result_set_says_how_to_widen_the_search(client, directory):
    index = directory["index"]
    kamikawa = Municipality.objects.get(name="神川町").pk
    html = client.get(index.url, {"muni": kamikawa, "q": "ひだまり"}).content.decode()
    assert "0件の事業所が見つかりました" in html
    empty = html.split('class="no-results"')[1].split("</div>")[0]
    assert "条件に合う事業所は見つかりませんでした" in empty
    assert "言葉を短くする" in empty and "条件を1つずつ外す" in empty
    assert f'href="{index.url}#results">条件をすべて外して' in empty


@pytest.fixture
def meetings(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    consult = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    MeetingPageFactory(parent=plenary, title="令和5年度の全体会", date=dt.date(2023, 7, 3))
    MeetingPageFactory(parent=plenary, title="令和4年度の全体会", date=dt.date(2022, 7, 4))
    MeetingPageFactory(parent=consult, title="令和4年度の部会", date=dt.date(2022, 9, 1))
    return {"archive": MeetingArchivePageFactory(parent=home_page), "plenary": plenary}


def test_meeting_filters_land_on_the_counted_results(client, meetings):
    url = meetings["archive"].url
    html = client.get(url).content.decode()
    assert '<details class="filters-fold" open>' in html
    assert 'href="?nendo=2023#results"' in html and 'href="?body=zentai#results"' in html
    heading = html.split('<h2 id="results" tabindex="-1">')[1].split("</h2>")[0]
    assert "会議の記録" in heading and "(3件)" in heading

    html = client.get(url, {"nendo": "2022", "body": "zentai"}).content.decode()
    heading = html.split('<h2 id="results" tabindex="-1">')[1].split("</h2>")[0]
    assert heading.startswith("令和4年度の全体会の会議の記録") and "(1件)" in heading
    assert '<details class="filters-fold">' in html
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "全体会" in summary and "令和4年度" in summary and "(1件)" in summary

    # A committee's own page: the year links land on its results too.
    html = client.get(meetings["plenary"].url).content.decode()
    assert 'href="?nendo=2022#results"' in html and "年度で絞り込む" in html


def test_meeting_filters_with_no_record_say_how_to_widen(client, meetings):
    url = meetings["archive"].url
    # 令和11年度 has only an upcoming meeting of the 部会: no record to show yet.
    soudan = CommitteePage.objects.get(slug="soudan")
    MeetingPageFactory(parent=soudan, date=dt.date(2029, 7, 2), status="scheduled")
    html = client.get(url, {"nendo": "2029", "body": "soudan"}).content.decode()
    empty = html.split('class="no-results"')[1].split("</div>")[0]
    assert "この条件に合う会議の記録はありません" in empty
    assert 'href="?body=soudan#results">相談支援部会のすべての年度の記録を見る' in empty
    assert 'href="?nendo=2029#results">令和11年度のすべての会議・部会の記録を見る' in empty


def test_a_year_without_records_is_explained_next_to_the_results(client, meetings):
    html = client.get(meetings["archive"].url, {"nendo": "2023", "body": "soudan"})
    results = html.content.decode().split('<h2 id="results" tabindex="-1">')[1]
    assert "指定された年度の会議の記録はありません。" in results.split("</section>")[0]


def test_a_bad_facility_filter_is_explained_next_to_the_results(client, directory):
    html = client.get(directory["index"].url, {"muni": "999999"}).content.decode()
    results = html.split('<h2 id="results" tabindex="-1">')[1]
    assert "指定された条件の一部は見つからなかった" in results.split("</h2>")[1][:300]


def test_meeting_filter_url_with_every_value_repeated_never_fails(client, meetings):
    url = meetings["archive"].url
    query = "&".join(
        [f"nendo={y}" for y in range(2015, 2030)]
        + [f"body={b}" for b in ("zentai", "soudan", "nai", "<x>")]
        + ["page=1", "page=99", "page=x"]
    )
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert 'id="results" tabindex="-1"' in response.content.decode()


# --- Tables that read on a phone --------------------------------------------------------


def test_vacancy_rows_show_the_time_only_where_it_differs(client, directory):
    month = month_start()
    VacancyFigureFactory(facility=directory["honjo"], service_type=GH, month=month, vacancies=1)
    VacancyFigureFactory(
        facility=directory["honjo"], service_type="短期入所", month=previous_month(month)
    )
    html = client.get(VacancyPageFactory(parent=directory["home"]).url).content.decode()
    assert f"最新の情報: <strong>{month_label(month)}</strong>" in html  # once, for the page
    rows = "".join(part.split("</tbody>")[0] for part in html.split("<tbody>")[1:])
    assert month_label(month) not in rows
    assert rows.count(month_label(previous_month(month))) == 1  # on the one older row
    assert '<th scope="col">時点</th>' not in html
    assert 'class="data-table stack-table vacancy-table"' in html
    assert '<td data-label="空き">' in html and '<td data-label="対象">' in html


def test_facility_services_table_has_labelled_cells_that_keep_the_capacity_whole(client, directory):
    html = client.get(directory["honjo"].url).content.decode()
    table = html.split('class="data-table stack-table services-table"')[1].split("</table>")[0]
    assert '<th scope="col" class="nowrap">定員</th>' in table
    assert '<td data-label="定員" class="nowrap">6人</td>' in table


def test_vacancy_chart_text_is_large_enough_for_a_phone(client, directory):
    from vacancies.charts import WIDTH, history_svg

    svg = history_svg([(f"{m}月", m % 3 or None) for m in range(1, 13)], "推移", ident="c-1")
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    # Shown at 358 px on a 390 px phone: every size scaled there is 12 px or more.
    assert sizes and min(sizes) * 358 / WIDTH >= 12
    assert 'aria-labelledby="c-1-title"' in svg and "未回答" in svg


# --- Public words --------------------------------------------------------------------------


def test_feeds_are_offered_in_plain_words(client, meetings):
    for url in (meetings["archive"].url, meetings["plenary"].url):
        html = client.get(url).content.decode()
        assert "更新情報を受け取る" in html
        assert "Atomフィード" not in html and "(iCalendar)" not in html
        assert "RSSリーダー" in html and "カレンダー" in html


def test_qr_codes_for_print_only_on_the_facility_page(client, directory):
    facility = client.get(directory["honjo"].url).content.decode()
    assert "印刷用の二次元コード" in facility
    assert "SVG形式" not in facility and "PNG形式" not in facility
    index = client.get(directory["index"].url).content.decode()
    assert "二次元コード" not in index


def test_demo_contact_note_does_not_speak_to_staff():
    from pathlib import Path

    import yaml

    site = yaml.safe_load((Path(__file__).parents[1] / "home/demo/site.yaml").read_text())
    contact = next(s for s in site["settings"] if s["type"] == "home.SecretariatContact")
    assert "管理画面" not in contact["note"] and "設定" not in contact["note"]
