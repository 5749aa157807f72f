"""Phone visitors in real Chromium at 390×844: filtering lands on the results, tables read as cards.

Server-side checks (tel: rule, fragments, every-option URL, empty results) are in test_phone.py.
"""

import datetime as dt

import pytest

from facilities.models import Municipality, ServiceType
from tests.axe import assert_no_axe_violations
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
from tests.live import live_db, wait_until
from tests.test_facilities_map import Network
from vacancies.models import month_start, previous_month

pytestmark = [pytest.mark.browser, live_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
GH = "共同生活援助(介護サービス包括型)"
NYUSHO = "施設入所支援"

# Line boxes of an element's text in one font: one distinct top per line.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top));
  return new Set(tops).size;
}"""
# Lines of a block (a card's cell, mixed fonts): its content height over its line height.
BLOCK_LINES = """el => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const content = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return Math.round(content / parseFloat(style.lineHeight));
}"""


@pytest.fixture
def directory(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    honjo = Municipality.objects.get(name="本庄市")
    kamisato = Municipality.objects.get(name="上里町")
    pages = [
        FacilityPageFactory(
            parent=index,
            slug=f"home-{n}",
            title=title,
            name_kana=kana,
            municipality=honjo if n % 2 else kamisato,
            phone=f"0495-2{n}-1000",
            latitude=f"{36.20 + n * 0.01:.6f}",
            longitude="139.150000",
            services=services,
        )
        for n, (title, kana, services) in enumerate(
            [
                ("グループホームひだまり本庄", "ヒダマリ", [(GH, 6, ["知的"])]),
                ("障害者支援施設こだま園", "コダマエン", [(NYUSHO, 40, ["身体", "知的"])]),
                ("生活介護センターかみさと", "カミサト", [("生活介護", 20, ["身体"])]),
                ("ケアホームあさひ野の家", "アサヒノ", [(GH, 5, ["精神"])]),
                ("短期入所ホームさくら並木", "サクラ", [("短期入所", 4, ["知的"])]),
                ("就労支援センターみどり野", "ミドリノ", [("就労継続支援B型", 20, ["精神"])]),
            ]
        )
    ]
    return {"index": index, "pages": pages, "home": live_home}


def heading_in_first_screen_and_focused(page):
    heading = page.locator("#results")
    box = heading.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    wait_until(page, "document.activeElement && document.activeElement.id === 'results'")
    return heading


def no_horizontal_overflow(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_facility_filter_lands_on_the_focused_results(live_server, page, directory):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + directory["index"].url)
    assert page.locator("details.filters-fold").get_attribute("open") is not None
    assert_no_axe_violations(page)

    # The skip link right after the keyword box goes to the results.
    page.focus("#facility-q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "検索結果へ移動"

    page.get_by_label("上里町").check()
    page.get_by_role("button", name="この条件で探す").click()
    page.wait_for_url("**#results")
    heading = heading_in_first_screen_and_focused(page)
    assert heading.inner_text() == "3件の事業所が見つかりました"

    fold = page.locator("details.filters-fold")
    assert fold.get_attribute("open") is None
    summary = fold.locator("summary").inner_text()
    assert "上里町" in summary and "3件" in summary
    assert not page.locator("#facet-muni").is_visible()
    assert no_horizontal_overflow(page) <= 0
    assert_no_axe_violations(page)

    # Unfolding on demand shows the checkboxes with the choice kept.
    fold.locator("summary").click()
    assert page.get_by_label("上里町").is_checked()
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)


def test_facility_filter_lands_on_the_results_without_javascript(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(live_server.url + directory["index"].url)
        page.get_by_label("上里町").check()
        page.get_by_role("button", name="この条件で探す").click()
        page.wait_for_url("**#results")
        box = page.locator("#results").bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
        assert page.locator("#results").get_attribute("tabindex") == "-1"
    finally:
        context.close()


def test_empty_result_set_on_a_phone(live_server, page, directory):
    page.set_viewport_size(PHONE)
    kamikawa = Municipality.objects.get(name="神川町").pk
    page.goto(f"{live_server.url}{directory['index'].url}?muni={kamikawa}&q=ひだまり#results")
    heading = heading_in_first_screen_and_focused(page)
    assert heading.inner_text() == "0件の事業所が見つかりました"
    empty = page.locator(".no-results")
    assert empty.is_visible() and "条件を1つずつ外す" in empty.inner_text()
    assert_no_axe_violations(page)
    empty.get_by_role("link", name="条件をすべて外して、すべての事業所を見る").click()
    page.wait_for_url("**#results")
    assert page.locator("#results").inner_text() == "6件の事業所"


def test_map_popup_phone_number_calls(live_server, page, directory):
    page.set_viewport_size(PHONE)
    Network(page, live_server)
    page.goto(live_server.url + directory["index"].url + "?view=map")
    page.wait_for_selector('#facility-map[data-map-state="ready"]')
    first = directory["pages"][0]
    page.get_by_role("button", name=first.title).click()
    call = page.locator(".leaflet-popup-content .facility-popup__phone a")
    assert call.get_attribute("href") == "tel:0495201000"
    assert call.inner_text() == "0495-20-1000"


@pytest.fixture
def meetings(live_home):
    about = CouncilIndexPageFactory(parent=live_home)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    consult = CommitteePageFactory(parent=about, title="相談支援部会", slug="soudan")
    for year in (2021, 2022, 2023):
        for month in (5, 7, 9, 11, 1, 3):
            when = dt.date(year + (month < 4), month, 10)
            MeetingPageFactory(parent=plenary, title=f"全体会 {when:%Y-%m}", date=when)
            MeetingPageFactory(parent=consult, title=f"部会 {when:%Y-%m}", date=when)
    return MeetingArchivePageFactory(parent=live_home)


def test_meeting_year_and_body_filters_land_on_the_results(live_server, page, meetings):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + meetings.url)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="令和5年度").click()
    page.wait_for_url("**nendo=2023#results")
    heading = heading_in_first_screen_and_focused(page)
    assert heading.inner_text() == "令和5年度の会議の記録(12件)"
    fold = page.locator("details.filters-fold")
    assert fold.get_attribute("open") is None
    assert "令和5年度" in fold.locator("summary").inner_text()
    assert_no_axe_violations(page)

    fold.locator("summary").click()
    fold.get_by_role("link", name="相談支援部会", exact=True).click()
    page.wait_for_url("**body=soudan#results")
    heading = heading_in_first_screen_and_focused(page)
    assert heading.inner_text() == "令和5年度の相談支援部会の会議の記録(6件)"
    assert no_horizontal_overflow(page) <= 0
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)


@pytest.fixture
def vacancies(directory):
    month = month_start()
    pages = directory["pages"]
    for facility, service, vacancies, when in [
        (pages[0], GH, 2, month),
        (pages[1], NYUSHO, 1, month),
        (pages[1], "短期入所", 0, previous_month(month)),
        (pages[3], GH, None, month),
        (pages[4], "短期入所", 1, month),
    ]:
        VacancyFigureFactory(
            facility=facility,
            service_type=ServiceType.objects.get(name=service),
            vacancies=vacancies,
            month=when,
            trial_stay=vacancies == 1,
        )
    when = month
    for n in range(1, 12):  # a history for the chart
        when = previous_month(when)
        VacancyFigureFactory(
            facility=pages[0],
            service_type=ServiceType.objects.get(name=GH),
            vacancies=n % 4,
            month=when,
        )
    return VacancyPageFactory(parent=directory["home"])


def test_vacancy_page_reads_as_cards_on_a_phone(live_server, page, directory, vacancies):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + vacancies.url)
    rows = page.locator(".vacancy-table tbody tr")
    assert rows.count() == 5
    assert page.locator(".vacancy-table thead").first.bounding_box()["height"] <= 1
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        name = row.locator("th a")
        assert name.evaluate(LINES) == 1, name.inner_text()  # the name is never broken
        # The labelled 空き cell reads on one line; a row from an older month adds its
        # 時点, which may go to the next line but is never broken itself.
        cell = row.locator("td[data-label='空き']")
        when = cell.locator(".vacancy-when")
        if when.count():
            assert when.evaluate(LINES) == 1
        else:
            assert cell.evaluate(BLOCK_LINES) == 1, cell.inner_text()
    # Only the row from an older month says its 時点.
    timed = [text for text in rows.all_inner_texts() if "時点" in text]
    assert len(timed) == 1 and "障害者支援施設こだま園" in timed[0]
    assert page.locator(".vacancy-table a[href^='tel:']").count() == 5
    assert no_horizontal_overflow(page) <= 0
    assert_no_axe_violations(page)

    page.set_viewport_size(DESKTOP)
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    for i in range(rows.count()):
        assert rows.nth(i).locator("th a").evaluate(LINES) == 1
    assert_no_axe_violations(page)


def test_facility_page_services_chart_and_phone_at_390(live_server, page, directory, vacancies):
    facility = directory["pages"][0]
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + facility.url)
    table = page.locator(".services-table")
    assert table.locator("th[scope='row']").first.evaluate(LINES) == 1
    capacity = table.locator("td[data-label='定員']").first
    assert capacity.inner_text().endswith("6人") and capacity.evaluate(BLOCK_LINES) == 1
    # Chart labels: the smallest text as drawn on the screen is 12 px or more.
    smallest = page.locator("svg.vacancy-chart").first.evaluate(
        """svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll('text')].map(
            t => parseFloat(t.getAttribute('font-size')) * scale));
        }"""
    )
    assert smallest >= 12
    assert page.locator("a[href='tel:0495201000']").first.inner_text() == "0495-20-1000"
    assert "印刷用の二次元コード" in page.locator("#qr-heading").inner_text()
    assert no_horizontal_overflow(page) <= 0
    assert_no_axe_violations(page)

    page.set_viewport_size(DESKTOP)
    assert table.locator("thead th.nowrap").evaluate(LINES) == 1  # 「定員」 whole
    assert_no_axe_violations(page)
