"""空き情報 in real Chromium: axe on the public page, a facility's history chart, and the monthly screen."""

import pytest
from django.contrib.auth.models import User

from facilities.models import ServiceType
from tests.axe import assert_no_axe_violations
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from tests.live import live_db
from tests.twofactor import app_device, enter_code
from vacancies.models import VacancyFigure, month_start, previous_month

pytestmark = [pytest.mark.browser, live_db]

GH = "共同生活援助(介護サービス包括型)"


@pytest.fixture
def vacancies(live_home):
    index = FacilityIndexPageFactory(parent=live_home)
    home = FacilityPageFactory(
        parent=index,
        slug="gh",
        title="サンプルひだまりホーム",
        name_kana="ヒダマリ",
        services=[(GH, 6, ["知的"])],
    )
    service = ServiceType.objects.get(name=GH)
    month = month_start()
    for n in range(12):
        VacancyFigureFactory(
            facility=home, service_type=service, month=month, vacancies=None if n == 3 else n % 4
        )
        month = previous_month(month)
    return {"page": VacancyPageFactory(parent=live_home), "facility": home}


def test_vacancy_page_and_history_chart_have_no_axe_violations(live_server, page, vacancies):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for url in (vacancies["page"].url, vacancies["facility"].url):
            page.goto(live_server.url + url)
            assert_no_axe_violations(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, url
    chart = page.locator("svg.vacancy-chart")
    assert chart.get_attribute("role") == "img"
    assert page.locator(".vacancy-history-table tbody tr").count() == 12


def test_monthly_screen_saves_from_the_keyboard(live_server, page, vacancies):
    user = User.objects.create_superuser("jimukyoku", "j@example.jp", "kyougikai-pass-2024")
    device = app_device(user)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "jimukyoku")
    page.fill("#id_password", "kyougikai-pass-2024")
    page.keyboard.press("Enter")
    enter_code(page, device)
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/vacancies/monthly/")
    field = page.locator("input[name='form-0-vacancies']")
    field.fill("５")
    page.get_by_role("button", name="まとめて保存").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/vacancies/monthly/?month=*")
    assert "保存しました" in page.content()
    assert VacancyFigure.objects.get(month=month_start()).vacancies == 5
