"""A meeting record as a first-time editor makes it: the address from the date, a title
that may be left empty, the body's unpublished drafts named before the form is filled,
dates in the admin's page lists."""

import datetime as dt

import pytest
from django.urls import reverse

from council.models import MeetingPage
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    MeetingPageFactory,
    meeting_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return CommitteePageFactory(
        parent=about, title="運営会議", slug="unei", kind="operating", short_name="運営会議"
    )


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["council", "meetingpage", parent.pk])


def test_the_address_is_made_from_the_date_and_the_slug_is_not_offered(admin_client, body):
    form = admin_client.get(add_url(body)).content.decode()
    assert 'name="slug"' not in form
    response = admin_client.post(add_url(body), meeting_form_data(date="2026-11-25"))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = MeetingPage.objects.get()
    assert meeting.slug == "2026-11-25"
    assert meeting.url.endswith("/unei/2026-11-25/")


def test_two_meetings_on_the_same_day_get_a_suffix(admin_client, body):
    MeetingPageFactory(parent=body, slug="2026-11-25", date=dt.date(2026, 11, 25), number=1)
    response = admin_client.post(
        add_url(body), meeting_form_data(date="2026-11-25", number="2", title="午後の部")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert MeetingPage.objects.get(title="午後の部").slug == "2026-11-25-2"


def test_a_posted_slug_is_ignored(admin_client, body):
    data = meeting_form_data(date="2026-11-25")
    data["slug"] = "../../admin"
    assert admin_client.post(add_url(body), data).status_code == 302
    assert MeetingPage.objects.get().slug == "2026-11-25"


def test_the_address_stays_when_the_date_changes_after_publishing(admin_client, body):
    admin_client.post(add_url(body), meeting_form_data(date="2026-11-25"))
    meeting = MeetingPage.objects.get()
    edit = reverse("wagtailadmin_pages:edit", args=[meeting.pk])
    response = admin_client.post(edit, meeting_form_data(date="2026-11-27"))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert (meeting.date, meeting.slug) == (dt.date(2026, 11, 27), "2026-11-25")
    assert admin_client.get(meeting.url).status_code == 200


def test_an_empty_title_is_made_from_the_body_and_the_date(admin_client, body):
    form = admin_client.get(add_url(body)).content.decode()
    assert "話し合った主な内容を短く書きます" in form
    response = admin_client.post(add_url(body), meeting_form_data(title="", date="2026-11-25"))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = MeetingPage.objects.get()
    assert meeting.title == "運営会議(令和8年11月25日)"
    assert meeting.draft_title == meeting.title


def test_no_title_and_no_date_is_a_japanese_error_and_saves_nothing(admin_client, body):
    response = admin_client.post(add_url(body), meeting_form_data(title="", date=""))
    assert response.status_code == 200
    assert "タイトルを入れるか、開催日を入れてください。" in response.content.decode()
    assert not MeetingPage.objects.exists()


def test_starting_a_meeting_names_the_bodys_unpublished_draft(admin_client, body):
    assert "まだ一度も公開していない" not in admin_client.get(add_url(body)).content.decode()
    response = admin_client.post(
        add_url(body), meeting_form_data(action="save", title="第4回の準備", date="2026-11-25")
    )
    assert response.status_code == 302
    draft = MeetingPage.objects.get()
    assert not draft.live
    html = admin_client.get(add_url(body)).content.decode()
    assert "この会議体には、まだ一度も公開していない会議の記録があります。" in html
    assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in html
    assert "2026-11-25 第4回の準備" in html


def test_published_meetings_and_other_bodies_drafts_are_not_named(admin_client, body):
    MeetingPageFactory(parent=body, title="公開済みの会議", date=dt.date(2026, 10, 1))
    other = CommitteePageFactory(parent=body.get_parent(), title="相談支援部会", slug="soudan")
    draft = MeetingPageFactory(parent=other, title="別の会議体の下書き", date=dt.date(2026, 11, 1))
    draft.unpublish()
    html = admin_client.get(add_url(body)).content.decode()
    assert "まだ一度も公開していない" not in html


def test_the_page_list_of_a_body_shows_each_meetings_date(admin_client, body):
    for day in (1, 8, 15):
        MeetingPageFactory(parent=body, title="定例の会議", date=dt.date(2026, 10, day))
    html = admin_client.get(reverse("wagtailadmin_explore", args=[body.pk])).content.decode()
    for day in ("2026-10-01", "2026-10-08", "2026-10-15"):
        assert f"{day} 定例の会議" in html


def test_the_page_list_costs_the_same_queries_for_5_or_50_meetings(
    admin_client, body, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("wagtailadmin_explore", args=[body.pk])

    def count():
        admin_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    for n in range(5):
        MeetingPageFactory(parent=body, date=dt.date(2026, 4, 1) + dt.timedelta(days=n))
    few = count()
    for n in range(5, 50):
        MeetingPageFactory(parent=body, date=dt.date(2026, 4, 1) + dt.timedelta(days=n))
    assert count() <= few


def test_the_editor_loads_the_agenda_button_labels(admin_client, body):
    html = admin_client.get(add_url(body)).content.decode()
    assert "js/agenda-add-button.js" in html
    assert "css/agenda-add-button.css" in html
