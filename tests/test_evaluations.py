"""日中サービス支援型グループホームの評価: the record and its checks, the facility page's section,
the yearly list page and its CSV, the admin screens by role, query counts."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from editorial.roles import APPROVER, FACILITY_EDITOR, SECRETARIAT
from evaluations.models import (
    CSV_COLUMNS_AFTER,
    CSV_COLUMNS_BEFORE,
    EvaluationItem,
    EvaluationResult,
    GroupHomeEvaluation,
    day_service_group_homes,
)
from home.spreadsheets import read_csv
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    GroupHomeEvaluationFactory,
    GroupHomeEvaluationIndexPageFactory,
    MeetingPageFactory,
    day_service_group_home,
)

pytestmark = pytest.mark.django_db

USUAL = ["地域との連携", "日中活動の支援体制", "利用者の意向の反映", "権利擁護", "緊急時の対応"]
OTHER_GH = "共同生活援助(介護サービス包括型)"


@pytest.fixture
def site(home_page):
    facilities = FacilityIndexPageFactory(parent=home_page)
    about = CouncilIndexPageFactory(parent=home_page)
    plenary = CommitteePageFactory(parent=about, title="全体会", slug="zentaikai", kind="plenary")
    return {
        "home": home_page,
        "facilities": facilities,
        "plenary": plenary,
        "meeting": MeetingPageFactory(
            parent=plenary, title="第3回全体会", slug="2025-02-07", date=dt.date(2025, 2, 7)
        ),
        "gh": day_service_group_home(
            facilities, title="ひだまりホーム", office_number="1199000101"
        ),
        "other": FacilityPageFactory(parent=facilities, services=[(OTHER_GH, 6, [])]),
        "index": GroupHomeEvaluationIndexPageFactory(parent=home_page),
    }


# --- The record and its checks ------------------------------------------------------------


def test_usual_items_are_data_seeded_by_migration():
    assert list(EvaluationItem.objects.filter(is_usual=True).values_list("name", flat=True)) == (
        USUAL
    )


def test_only_day_service_group_homes_are_offered(site):
    assert list(day_service_group_homes()) == [site["gh"]]


def test_a_facility_of_another_service_type_is_refused_in_japanese(site):
    evaluation = GroupHomeEvaluation(
        facility=site["other"], fiscal_year=2024, evaluated_on=dt.date(2025, 2, 7), summary="x"
    )
    with pytest.raises(ValidationError) as error:
        evaluation.full_clean()
    assert (
        "日中サービス支援型グループホームではありません" in error.value.message_dict["facility"][0]
    )


def test_one_evaluation_per_facility_and_year(site):
    GroupHomeEvaluationFactory(facility=site["gh"], fiscal_year=2024)
    second = GroupHomeEvaluation(
        facility=site["gh"], fiscal_year=2024, evaluated_on=dt.date(2024, 9, 1), summary="x"
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "この事業所のこの年度の評価は既にあります" in str(error.value)
    # Another year is fine.
    GroupHomeEvaluationFactory(
        facility=site["gh"], fiscal_year=2025, evaluated_on=dt.date(2025, 10, 1)
    )
    assert GroupHomeEvaluation.objects.count() == 2


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"evaluated_on": dt.date(2025, 4, 1)}, "evaluated_on", "令和6年度"),
        (
            {"fiscal_year": 2023, "evaluated_on": dt.date(2024, 2, 1)},
            "fiscal_year",
            "令和6年度から",
        ),
        ({"reported_on": dt.date(2025, 1, 31)}, "reported_on", "評価日より前"),
    ],
)
def test_dates_are_checked(site, fields, field, message):
    values = {"fiscal_year": 2024, "evaluated_on": dt.date(2025, 2, 7), **fields}
    evaluation = GroupHomeEvaluation(facility=site["gh"], summary="x", **values)
    with pytest.raises(ValidationError) as error:
        evaluation.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_the_meeting_must_be_of_the_same_fiscal_year(site):
    old = MeetingPageFactory(parent=site["plenary"], date=dt.date(2024, 2, 2))
    evaluation = GroupHomeEvaluation(
        facility=site["gh"],
        fiscal_year=2024,
        evaluated_on=dt.date(2025, 2, 7),
        meeting=old,
        summary="x",
    )
    with pytest.raises(ValidationError) as error:
        evaluation.full_clean()
    assert "令和5年度の会議です" in error.value.message_dict["meeting"][0]


def test_control_characters_are_cleaned_on_save(site):
    evaluation = GroupHomeEvaluationFactory(facility=site["gh"], summary="良好\x00です")
    evaluation.refresh_from_db()
    assert evaluation.summary == "良好です"


# --- The facility page and the list page -------------------------------------------------


def test_facility_page_shows_its_evaluations(client, site):
    GroupHomeEvaluationFactory(
        facility=site["gh"],
        meeting=site["meeting"],
        outcomes={"権利擁護": "needs_improvement"},
        summary="日中の活動が充実しています。",
    )
    response = client.get(site["gh"].url)
    html = response.content.decode()
    assert "協議会による評価" in html
    assert "令和6年度の評価" in html
    assert "改善が必要" in html
    assert "日中の活動が充実しています。" in html
    assert 'datetime="2025-02-07"' in html
    assert site["meeting"].url in html
    assert "全体会 令和7年2月7日" in html
    other = client.get(site["other"].url).content.decode()
    assert "協議会による評価" not in other


def test_private_meeting_is_not_linked(client, site):
    PageViewRestriction.objects.create(page=site["meeting"], restriction_type="login")
    GroupHomeEvaluationFactory(facility=site["gh"], meeting=site["meeting"])
    html = client.get(site["gh"].url).content.decode()
    assert "協議会による評価" in html
    assert site["meeting"].url not in html


def test_facility_section_follows_the_list_pages_privacy(client, site):
    GroupHomeEvaluationFactory(facility=site["gh"])
    PageViewRestriction.objects.create(page=site["index"], restriction_type="login")
    html = client.get(site["gh"].url).content.decode()
    assert "協議会による評価" not in html


def test_list_page_groups_by_year_and_filters(client, site):
    second = day_service_group_home(site["facilities"], title="あおぞらホーム")
    GroupHomeEvaluationFactory(facility=site["gh"], fiscal_year=2024)
    GroupHomeEvaluationFactory(
        facility=second, fiscal_year=2025, evaluated_on=dt.date(2025, 11, 20)
    )
    html = client.get(site["index"].url).content.decode()
    assert "令和6年度の評価" in html and "令和7年度の評価" in html
    assert html.index("令和7年度の評価") < html.index("令和6年度の評価")
    assert "ひだまりホーム" in html and "あおぞらホーム" in html
    assert 'aria-label="年度で絞り込む"' in html

    filtered = client.get(site["index"].url + "?nendo=2024").content.decode()
    assert "ひだまりホーム" in filtered and "あおぞらホーム" not in filtered
    assert "csv/2024/" in filtered

    bad = client.get(site["index"].url + "?nendo=1999")
    assert bad.status_code == 200
    assert "指定された年度の評価はありません" in bad.content.decode()


def test_private_or_draft_facility_is_not_listed(client, site):
    hidden = day_service_group_home(site["facilities"], title="ひみつホーム")
    draft = day_service_group_home(site["facilities"], title="したがきホーム")
    for facility in (site["gh"], hidden, draft):
        GroupHomeEvaluationFactory(facility=facility)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    draft.unpublish()
    html = client.get(site["index"].url).content.decode()
    assert "ひだまりホーム" in html
    assert "ひみつホーム" not in html and "したがきホーム" not in html


def test_list_page_queries_do_not_grow_with_evaluations(
    client, site, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            facility = day_service_group_home(site["facilities"])
            GroupHomeEvaluationFactory(facility=facility, meeting=site["meeting"])

    def queries(url):
        client.get(url)  # warm caches (site root paths, settings)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    add(3)
    few = queries(site["index"].url), queries(site["index"].url + "csv/2024/")
    add(6)
    many = queries(site["index"].url), queries(site["index"].url + "csv/2024/")
    assert few == many
    with django_assert_max_num_queries(20):
        response = client.get(site["index"].url)
    assert response.content.decode().count('class="evaluation"') == 9


def test_facility_page_queries_do_not_grow_with_evaluations_and_meetings(
    client, site, django_assert_max_num_queries
):
    """Each evaluation links the meeting that made it: the meetings, their bodies' titles and
    their addresses come in one query however many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(year):
        day = dt.date(year, 6, 1)
        meeting = MeetingPageFactory(parent=site["plenary"], slug=f"hyoka-{year}", date=day)
        GroupHomeEvaluationFactory(
            facility=site["gh"], meeting=meeting, fiscal_year=year, evaluated_on=day
        )

    def queries():
        client.get(site["gh"].url)  # warm caches (site root paths, settings)
        with CaptureQueriesContext(connection) as captured:
            html = client.get(site["gh"].url).content.decode()
        return len(captured), html

    add(2024)
    few, _ = queries()
    for year in (2025, 2026):
        add(year)
    many, html = queries()
    assert few == many
    assert html.count('class="evaluation"') == 3
    assert "全体会 令和6年6月1日" in html and "全体会 令和8年6月1日" in html
    with django_assert_max_num_queries(15):
        client.get(site["gh"].url)


# --- CSV -----------------------------------------------------------------------------------


def test_csv_of_a_year_for_the_prefecture(client, site):
    hidden = day_service_group_home(site["facilities"], title="ひみつホーム")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    GroupHomeEvaluationFactory(facility=hidden)
    GroupHomeEvaluationFactory(
        facility=site["gh"],
        meeting=site["meeting"],
        outcomes={"権利擁護": "needs_improvement"},
        summary="=危険な式ではありません",
        reported_on=dt.date(2025, 3, 10),
    )
    GroupHomeEvaluationFactory(
        facility=day_service_group_home(site["facilities"], title="別の年のホーム"),
        fiscal_year=2025,
        evaluated_on=dt.date(2025, 7, 1),
    )
    response = client.get(site["index"].url + "csv/2024/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows, errors = read_csv(response.content)
    assert errors == []
    header = rows[0][1]
    assert header == CSV_COLUMNS_BEFORE + USUAL + CSV_COLUMNS_AFTER
    body = [dict(zip(header, cells, strict=True)) for _, cells in rows[1:]]
    assert len(body) == 1
    row = body[0]
    assert row["年度"] == "令和6年度"
    assert row["事業所番号"] == "1199000101"
    assert row["事業所名"] == "ひだまりホーム"
    assert row["所在市町"] == "本庄市"
    assert row["評価日"] == "2025-02-07"
    assert row["評価した会議"] == "全体会 令和7年2月7日"
    assert row["権利擁護"] == "改善が必要"
    assert row["地域との連携"] == "適切"
    assert row["総評"] == "=危険な式ではありません"  # neutralised in the file, restored on reading
    assert b"'=" in response.content
    assert row["県への報告日"] == "2025-03-10"


def test_csv_of_a_year_without_evaluations_is_not_found(client, site):
    assert client.get(site["index"].url + "csv/2030/").status_code == 404


# --- Admin ---------------------------------------------------------------------------------


def user_in(role):
    user = User.objects.create_user(username=f"u-{role}", password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


def add_form(site, **overrides):
    items = list(EvaluationItem.objects.filter(is_usual=True))
    data = {
        "facility": site["gh"].pk,
        "fiscal_year": 2024,
        "evaluated_on": "2025-02-07",
        "meeting": site["meeting"].pk,
        "summary": "適切に運営されています。",
        "reported_on": "",
        "report_document": "",
        "results": inline_formset(
            [{"item": item.pk, "outcome": "good", "comment": ""} for item in items]
        ),
        **overrides,
    }
    return nested_form_data(data)


ADD_URL = "wagtailsnippets_evaluations_grouphomeevaluation:add"


def test_secretariat_creates_an_evaluation(client, site):
    client.force_login(user_in(SECRETARIAT))
    form = client.get(reverse(ADD_URL))
    assert form.status_code == 200
    html = form.content.decode()
    # The facility choice holds only the day-service-type group home; the usual items are there.
    assert "ひだまりホーム" in html and site["other"].title not in html
    total = re.search(r'<input[^>]*name="results-TOTAL_FORMS"[^>]*>', html).group(0)
    assert 'value="5"' in total
    assert "緊急時の対応" in html  # a chosen item of the snippet chooser
    response = client.post(reverse(ADD_URL), add_form(site))
    assert response.status_code == 302
    evaluation = GroupHomeEvaluation.objects.get()
    assert evaluation.facility.pk == site["gh"].pk
    assert [r.item.name for r in evaluation.results.order_by("sort_order")] == USUAL
    listing = client.get(reverse("wagtailsnippets_evaluations_grouphomeevaluation:list"))
    assert listing.status_code == 200
    assert "ひだまりホーム" in listing.content.decode()
    assert "令和6年度" in listing.content.decode()
    list_url = reverse("wagtailsnippets_evaluations_grouphomeevaluation:list")
    assert "ひだまりホーム" in client.get(list_url + "?q=ひだまり").content.decode()
    assert "ひだまりホーム" not in client.get(list_url + "?q=存在しない").content.decode()
    edit = reverse("wagtailsnippets_evaluations_grouphomeevaluation:edit", args=[evaluation.pk])
    assert client.get(edit).status_code == 200
    items = client.get(reverse("wagtailsnippets_evaluations_evaluationitem:list"))
    assert items.status_code == 200 and "権利擁護" in items.content.decode()


def test_secretariat_gets_japanese_errors_and_nothing_is_saved(client, site):
    client.force_login(user_in(SECRETARIAT))
    GroupHomeEvaluationFactory(facility=site["gh"])
    duplicate = client.post(reverse(ADD_URL), add_form(site))
    assert duplicate.status_code == 200
    assert "この事業所のこの年度の評価は既にあります" in duplicate.content.decode()
    other = client.post(reverse(ADD_URL), add_form(site, facility=site["other"].pk))
    assert other.status_code == 200
    assert "正しく選択してください" in other.content.decode() or "選択肢にありません" in (
        other.content.decode()
    )
    item = EvaluationItem.objects.get(name="権利擁護")
    twice = add_form(
        site,
        fiscal_year=2025,
        evaluated_on="2025-06-01",
        meeting="",
        results=inline_formset(
            [{"item": item.pk, "outcome": "good"}, {"item": item.pk, "outcome": "good"}]
        ),
    )
    response = client.post(reverse(ADD_URL), twice)
    assert response.status_code == 200
    assert "2回入っています" in response.content.decode()
    assert GroupHomeEvaluation.objects.count() == 1


@pytest.mark.parametrize("role", [APPROVER, FACILITY_EDITOR])
def test_other_roles_may_not_open_or_post(client, site, role):
    client.force_login(user_in(role))
    assert client.get(reverse(ADD_URL)).status_code in (302, 403)
    client.post(reverse(ADD_URL), add_form(site))
    assert not GroupHomeEvaluation.objects.exists()
    index = reverse("wagtailsnippets_evaluations_grouphomeevaluation:list")
    assert client.get(index).status_code in (302, 403)


def test_used_item_cannot_be_deleted(admin_client, site):
    GroupHomeEvaluationFactory(facility=site["gh"])
    item = EvaluationItem.objects.get(name="権利擁護")
    url = reverse("wagtailsnippets_evaluations_evaluationitem:delete", args=[item.pk])
    response = admin_client.post(url)
    assert response.status_code in (302, 403)
    assert EvaluationItem.objects.filter(pk=item.pk).exists()
    assert EvaluationResult.objects.filter(item=item).exists()


def test_saving_or_deleting_an_evaluation_purges_its_pages(site):
    from django.test import override_settings

    from tests.test_production import RecordingBackend

    RecordingBackend.purged = []
    with override_settings(
        WAGTAILFRONTENDCACHE={"test": {"BACKEND": "tests.test_production.RecordingBackend"}}
    ):
        evaluation = GroupHomeEvaluationFactory(facility=site["gh"])
        base = "http://localhost"
        assert base + site["gh"].url in RecordingBackend.purged
        assert base + site["index"].url in RecordingBackend.purged
        RecordingBackend.purged = []
        evaluation.delete()
        assert base + site["gh"].url in RecordingBackend.purged


def test_every_field_editors_fill_in_has_japanese_label_and_help_text():
    from django.apps import apps
    from modelcluster.fields import ParentalKey
    from wagtail.models import Page

    from tests.test_admin_help import JAPANESE, PAGE_FIELDS

    checked = 0
    for model in apps.get_app_config("evaluations").get_models():
        for field in model._meta.get_fields():
            if field.auto_created or not getattr(field, "editable", False):
                continue
            if field.name in {"id", "sort_order"} or isinstance(field, ParentalKey):
                continue
            if issubclass(model, Page) and field.name in PAGE_FIELDS:
                continue
            where = f"{model.__name__}.{field.name}"
            assert JAPANESE.search(str(field.verbose_name)), where
            assert JAPANESE.search(str(field.help_text)), where
            checked += 1
    assert checked >= 12
