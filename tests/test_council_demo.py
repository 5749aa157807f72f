"""The council's demo content: bodies, meeting records and the 令和5年度 report tables."""

import datetime as dt

import pytest
from wagtail.models import Page, Revision

from council.models import (
    ActivityReportPage,
    CommitteeMember,
    CommitteePage,
    CouncilIndexPage,
    MeetingPage,
    ReportRow,
)
from home import demo

pytestmark = pytest.mark.django_db

EXPECTED_BODIES = {
    "zentaikai": ("全体会", "plenary"),
    "unei-kaigi": ("運営会議", "operating"),
    "soudan-bukai": ("相談支援部会", "subcommittee"),
    "shuro-bukai": ("就労支援部会", "subcommittee"),
    "kodomo-bukai": ("こども部会", "subcommittee"),
    "houkago-day-renraku": ("放課後等デイサービス事業所連絡会議", "liaison"),
    "itaku-renraku": ("委託事業所連絡会議", "liaison"),
}


def d(text):
    return dt.date.fromisoformat(text)


@pytest.fixture
def loaded(db):
    created = demo.load()
    assert created
    return created


def committee(slug):
    about = CouncilIndexPage.objects.get(slug="about")
    return CommitteePage.objects.child_of(about).get(slug=slug)


def meeting_dates(slug, **filters):
    return sorted(
        MeetingPage.objects.child_of(committee(slug))
        .filter(**filters)
        .values_list("date", flat=True)
    )


def test_loading_twice_creates_nothing_the_second_time(loaded):
    counts = (
        Page.objects.count(),
        Revision.objects.count(),
        CommitteeMember.objects.count(),
        ReportRow.objects.count(),
    )
    assert demo.load() == []
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        CommitteeMember.objects.count(),
        ReportRow.objects.count(),
    ) == counts


def test_every_body_exists_under_about_in_order(loaded):
    about = CouncilIndexPage.objects.get(slug="about")
    bodies = list(CommitteePage.objects.child_of(about).live())
    assert [b.slug for b in bodies] == list(EXPECTED_BODIES)
    for body in bodies:
        title, kind = EXPECTED_BODIES[body.slug]
        assert body.title == title
        assert body.kind == kind
        assert body.short_name and body.role and body.usual_schedule and body.summary
    assert committee("kodomo-bukai").established == d("2024-04-01")


def test_member_lists_name_roles_and_affiliations_but_no_people(loaded):
    for slug in EXPECTED_BODIES:
        members = committee(slug).members.all()
        assert members.exists(), slug
        assert all(m.affiliation for m in members)
    assert not CommitteeMember.objects.exclude(name="").exists()
    plenary = committee("zentaikai").members.all()
    assert plenary.first().role == "会長"
    affiliations = {m.affiliation for m in plenary}
    for town in ("本庄市", "美里町", "神川町", "上里町"):
        assert any(a.startswith(town) for a in affiliations)
    assert "特別支援学校" in affiliations


def test_meeting_dates_of_each_body(loaded):
    assert meeting_dates("zentaikai", status="held") == [
        d("2023-07-03"),
        d("2023-11-20"),
        d("2024-02-02"),
        # The evaluations of the day-service-type group homes (evaluations/demo).
        d("2025-02-07"),
        d("2026-02-06"),
    ]
    assert len(meeting_dates("unei-kaigi", fiscal_year=2023)) == 7
    assert d("2023-09-13") in meeting_dates("unei-kaigi")
    assert {d("2023-06-19"), d("2023-08-21"), d("2023-12-18"), d("2024-02-19")} <= set(
        meeting_dates("soudan-bukai")
    )
    assert meeting_dates("shuro-bukai") == [
        d("2023-04-18"),
        d("2023-06-20"),
        d("2023-08-22"),
        d("2023-10-16"),
        d("2023-12-19"),
    ]
    assert meeting_dates("kodomo-bukai") == [d("2024-06-28")]
    assert meeting_dates("houkago-day-renraku") == [d("2023-09-21"), d("2023-12-19")]
    assert [(x.year, x.month) for x in meeting_dates("itaku-renraku")] == [
        (2024, 1),
        (2024, 2),
        (2024, 3),
    ]


def test_past_meetings_are_held_with_agenda_and_minutes(loaded):
    past = MeetingPage.objects.filter(date__lt=d("2026-11-27"))
    assert past.count() == 30
    for page in past:
        assert page.status == "held", page.url
        assert page.summary and page.minutes, page.url
        assert len(page.agenda) >= 1, page.url
        assert all(block.block_type == "item" for block in page.agenda)
        if page.start_time and page.end_time:
            assert page.start_time < page.end_time


def test_only_three_plenaries_have_sample_handouts_as_pdfs(loaded):
    with_handouts = MeetingPage.objects.filter(handouts__isnull=False).distinct()
    assert sorted(str(page.date) for page in with_handouts) == [
        "2023-07-03",
        "2023-11-20",
        "2024-02-02",
    ]
    for page in with_handouts:
        assert all(h.document.file.name.endswith(".pdf") for h in page.handouts.all())


def test_second_plenary_was_held_in_writing(loaded):
    page = MeetingPage.objects.child_of(committee("zentaikai")).get(date=d("2023-11-20"))
    assert page.format == "written"
    assert page.is_written
    assert page.start_time is None and page.venue == ""
    assert page.get_display_number() == 2
    titles = " ".join(block.value["title"] for block in page.agenda)
    assert "第7期障害者福祉計画" in titles
    assert "基幹相談支援センター" in titles


def test_third_plenary_approved_the_childrens_subcommittee(loaded):
    page = MeetingPage.objects.child_of(committee("zentaikai")).get(date=d("2024-02-02"))
    approvals = [b.value for b in page.agenda if b.value["kind"] == "approval"]
    assert len(approvals) == 1
    assert "こども部会" in approvals[0]["title"]
    assert approvals[0]["outcome"]


def test_two_meetings_in_2027_are_upcoming(loaded):
    upcoming = MeetingPage.objects.filter(status="scheduled").order_by("date")
    assert [(m.get_parent().slug, m.date.year, m.date.month) for m in upcoming] == [
        ("unei-kaigi", 2027, 1),
        ("zentaikai", 2027, 2),
    ]
    assert all(m.is_upcoming(today=d("2026-11-27")) for m in upcoming)
    assert all(not m.minutes for m in upcoming)


def test_three_reports_with_the_published_rows_aligned(loaded):
    reports = {
        r.get_parent().slug: r
        for r in ActivityReportPage.objects.live().order_by("material_number")
    }
    assert set(reports) == {"unei-kaigi", "soudan-bukai", "shuro-bukai"}
    assert [r.material_number for r in reports.values()] == ["資料5-1", "資料5-2", "資料5-3"]
    for report in reports.values():
        assert report.title == "令和5年度活動報告及び令和6年度活動計画"
        assert (report.fiscal_year, report.plan_year, report.as_of) == (
            2023,
            2024,
            d("2024-03-31"),
        )

    def shape(slug):
        return [(len(row.points), len(row.new_plans)) for row in reports[slug].rows.all()]

    def items(slug):
        return [row.business_item.number for row in reports[slug].rows.all()]

    # The rows each body published, with their numbered points and new plans.
    assert items("unei-kaigi") == [1, 2, 3, 5]
    assert items("soudan-bukai") == [1, 2, 3, 4]
    assert items("shuro-bukai") == [1, 2, 3, 4]
    assert shape("unei-kaigi") == [(2, 0), (2, 1), (3, 1), (0, 1)]
    assert shape("soudan-bukai") == [(2, 0), (2, 0), (4, 0), (2, 0)]
    assert shape("shuro-bukai") == [(2, 0), (3, 0), (2, 0), (1, 0)]

    network = reports["unei-kaigi"].rows.get(business_item__number=3)
    first = network.points[0].value
    assert "令和5年9月21日" in first["activities"]
    assert "こども部会" in first["evaluation"]
    assert "令和6年6月28日" in first["plan"]
    registered = network.points[2].value["evaluation"]
    assert "相談支援事業所4件" in registered and "4件" in registered
    other = reports["unei-kaigi"].rows.get(business_item__number=5)
    assert other.new_plans[0].value["title"] == "日中サービス支援型グループホームの評価"


def test_council_pages_render(loaded, client):
    urls = ["/about/", "/meetings/"]
    urls += [committee(slug).url for slug in EXPECTED_BODIES]
    urls += [m.url for m in MeetingPage.objects.all()]
    urls += [r.url for r in ActivityReportPage.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    archive = client.get("/meetings/").content.decode()
    for upcoming in MeetingPage.objects.filter(status="scheduled"):
        assert upcoming.title in archive
    report = client.get(committee("soudan-bukai").url + "r5-houkoku/").content.decode()
    assert "令和5年10月16日" in report


def test_demo_shows_observers_closed_draft_and_summary_minutes(loaded):
    plenary = MeetingPage.objects.child_of(committee("zentaikai"))
    upcoming = plenary.get(date=d("2027-02-05"))
    assert upcoming.has_observer_info and upcoming.observer_seats
    assert upcoming.observer_apply_by <= upcoming.date
    first = plenary.get(date=d("2023-07-03"))
    assert first.minutes_approval_text() == "令和5年11月20日の第2回全体会で承認"
    assert plenary.get(date=d("2024-02-02")).minutes_status == "draft"
    closed = MeetingPage.objects.filter(access="closed")
    assert closed.count() == 1 and closed.get().closed_reason
    assert (
        MeetingPage.objects.filter(minutes_kind="summary", minutes_status="approved").count() == 1
    )
    for page in MeetingPage.objects.all():
        page.full_clean()
