"""Query budget of the public pages: at most 15 queries for an anonymous, uncached
request, and the same number whatever the amount of content (20 or 200 facilities,
5 or 50 meetings and news items).

Every public page type of the site is in the table below; a test checks that a new
page type cannot be added without being measured here.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import get_page_models

from facilities.models import Municipality, ServiceType, TargetGroup
from tests.bulk import bulk_facilities
from tests.factories import (
    AccessibilityPolicyPageFactory,
    AccessibilityTestResultPageFactory,
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    GlossaryPageFactory,
    GlossaryTermFactory,
    GroupHomeEvaluationIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpenDataPageFactory,
    StandardPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from vacancies.models import VacancyFigure, month_start

BUDGET = 15

SMALL = {"facilities": 20, "meetings": 5}
LARGE = {"facilities": 200, "meetings": 50}


class Content:
    """One of every public page type, with a number of facilities and meetings that can grow."""

    def __init__(self, home):
        self.home = home
        self.municipalities = list(Municipality.objects.all())
        self.types = list(ServiceType.objects.all())
        self.groups = list(TargetGroup.objects.all())
        self.standard = StandardPageFactory(parent=home)
        self.council = CouncilIndexPageFactory(parent=home)
        self.committee = CommitteePageFactory(parent=self.council)
        self.report = ActivityReportPageFactory(parent=self.committee)
        self.archive = MeetingArchivePageFactory(parent=home)
        self.news_index = NewsIndexPageFactory(parent=home)
        self.index = FacilityIndexPageFactory(parent=home)
        self.facility = FacilityPageFactory(
            parent=self.index, services=[("生活介護", 20, ["知的", "身体"])]
        )
        self.vacancy_page = VacancyPageFactory(parent=home)
        self.evaluations = GroupHomeEvaluationIndexPageFactory(parent=home)
        self.opendata = OpenDataPageFactory(parent=home)
        self.accessibility = AccessibilityPolicyPageFactory(parent=home)
        self.test_result = AccessibilityTestResultPageFactory(parent=self.accessibility)
        self.glossary = GlossaryPageFactory(parent=home)
        GlossaryTermFactory(term="生活介護", reading="せいかつかいご")
        self.meetings = []
        self.facilities = 1
        VacancyFigureFactory(
            facility=self.facility, service_type="生活介護", vacancies=2, reported_on=month_start()
        )

    def grow_to(self, facilities, meetings):
        self.index.refresh_from_db()
        created = bulk_facilities(
            self.index,
            facilities - self.facilities,
            self.municipalities,
            self.types,
            self.groups,
            prefix=f"第{self.facilities}",
        )
        self.facilities = facilities
        month = month_start()
        VacancyFigure.objects.bulk_create(
            [
                VacancyFigure(
                    facility_id=pk,
                    service_type=self.types[n % len(self.types)],
                    month=month,
                    vacancies=n % 3,
                    reported_on=month,
                )
                for n, pk in enumerate(created)
            ]
        )
        while len(self.meetings) < meetings:
            n = len(self.meetings)
            self.meetings.append(
                MeetingPageFactory(
                    parent=self.committee,
                    title=f"定例会議{n:02d}",
                    date=dt.date(2023, 4, 1) + dt.timedelta(days=7 * n),
                )
            )
            NewsPageFactory(parent=self.news_index, date=dt.date(2024, 4, 1) + dt.timedelta(days=n))

    URL_NAMES = (
        "home.HomePage",
        "home.StandardPage",
        "council.CouncilIndexPage",
        "council.CommitteePage",
        "council.MeetingPage",
        "council.MeetingArchivePage",
        "council.ActivityReportPage",
        "council.NewsIndexPage",
        "council.NewsPage",
        "facilities.FacilityIndexPage",
        "facilities.FacilityIndexPage (絞り込み)",
        "facilities.FacilityIndexPage (キーワード)",
        "facilities.FacilityPage",
        "vacancies.VacancyPage",
        "evaluations.GroupHomeEvaluationIndexPage",
        "opendata.OpenDataPage",
        "accessibility.AccessibilityPolicyPage",
        "accessibility.AccessibilityTestResultPage",
        "home.GlossaryPage",
        "サイト内検索",
    )

    def urls(self):
        muni, svc, group = self.municipalities[0], self.types[0], self.groups[0]
        return {
            "home.HomePage": self.home.url,
            "home.StandardPage": self.standard.url,
            "council.CouncilIndexPage": self.council.url,
            "council.CommitteePage": self.committee.url,
            "council.MeetingPage": self.meetings[0].url,
            "council.MeetingArchivePage": self.archive.url,
            "council.ActivityReportPage": self.report.url,
            "council.NewsIndexPage": self.news_index.url,
            "council.NewsPage": self.news_index.get_children().live().first().url,
            "facilities.FacilityIndexPage": self.index.url,
            "facilities.FacilityIndexPage (絞り込み)": (
                f"{self.index.url}?muni={muni.pk}&svc={svc.pk}&target={group.pk}"
            ),
            "facilities.FacilityIndexPage (キーワード)": f"{self.index.url}?q=事業所",
            "facilities.FacilityPage": self.facility.url,
            "vacancies.VacancyPage": self.vacancy_page.url,
            "evaluations.GroupHomeEvaluationIndexPage": self.evaluations.url,
            "opendata.OpenDataPage": self.opendata.url,
            "accessibility.AccessibilityPolicyPage": self.accessibility.url,
            "accessibility.AccessibilityTestResultPage": self.test_result.url,
            "home.GlossaryPage": self.glossary.url,
            # The results are fetched as their specific types, one query per type on the
            # page of results: a word that only meetings contain keeps the mix the same.
            "サイト内検索": "/search/?q=定例会議",
        }


def measure(client, urls):
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm per-process caches (content types, templates)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = ctx.captured_queries
    return counts


@pytest.fixture
def content(home_page):
    content = Content(home_page)
    content.grow_to(**SMALL)
    return content


def test_every_public_page_type_is_measured(content):
    assert tuple(content.urls()) == Content.URL_NAMES
    measured = {name.split(" ")[0] for name in content.urls()}
    public = {
        f"{model._meta.app_label}.{model.__name__}"
        for model in get_page_models()
        if model._meta.app_label not in {"wagtailcore"} and model.is_creatable
    }
    assert public - measured == set()


def test_every_public_page_stays_within_the_query_budget(
    client, content, django_assert_max_num_queries
):
    for name, url in content.urls().items():
        client.get(url)  # warm per-process caches (content types, templates)
        with django_assert_max_num_queries(BUDGET):
            assert client.get(url).status_code == 200, name


def test_query_counts_do_not_grow_with_content(client, content):
    urls = content.urls()
    few = {name: len(q) for name, q in measure(client, urls).items()}
    content.grow_to(**LARGE)
    many = {name: len(q) for name, q in measure(client, urls).items()}
    assert many == few
