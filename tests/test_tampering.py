"""Hostile posts to every admin form of the project: each is refused with a Japanese message
(the form again, status 200) or a 4xx, never a server error, and the database is unchanged.

One table per form family. "Unchanged" compares every row of the project's tables and of
Wagtail's pages, revisions and workflow states before and after the post.
"""

import datetime as dt
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState

from council.models import MeetingPage
from editorial.roles import APPROVER, SECRETARIAT
from facilities.models import FacilityService, ServiceType
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
    meeting_form_data,
)
from vacancies.models import VacancyFigure, VacancySettings
from vacancies.views import SIGNING_SALT

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("home", "council", "facilities", "vacancies")
GH = "共同生活援助(介護サービス包括型)"
NYUSHO = "施設入所支援"
SHORT_STAY = "短期入所"
HUGE = "9" * 25
INVALID_UTF8 = object()  # stands for the bytes %FF%FE in a raw urlencoded body


def snapshot():
    """Every row of the project's tables and of Wagtail's pages, revisions and workflows."""
    models = [m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models()]
    models += [Page, Revision, WorkflowState, TaskState, PageLogEntry]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def post(client, url, data):
    """A form post; a value ``INVALID_UTF8`` is sent as bytes that are no UTF-8."""
    if not any(value is INVALID_UTF8 for value in data.values()):
        return client.post(url, data)
    from urllib.parse import urlencode

    plain = {k: v for k, v in data.items() if v is not INVALID_UTF8}
    body = urlencode(plain, doseq=True)
    for key, value in data.items():
        if value is INVALID_UTF8:
            body += f"&{key}=%FF%FE1"
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def assert_refused(response, message):
    """Refused as an editor sees it: the screen again with the Japanese message, or a 4xx."""
    if 400 <= response.status_code < 500:
        return
    assert response.status_code == 200, response
    assert message in response.content.decode()


# --- The monthly vacancy screen ------------------------------------------------------------

MONTHLY = "/admin/vacancies/monthly/"
MONTH = dt.date(2026, 11, 1)


@pytest.fixture
def homes(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    VacancyPageFactory(parent=home_page)
    VacancySettings.tracked_for_default_site()  # the settings row a first visit creates
    return {
        "index": index,
        "a": FacilityPageFactory(
            parent=index, slug="a", name_kana="アオゾラ", services=[(GH, 5, [])]
        ),
        "b": FacilityPageFactory(
            parent=index,
            slug="b",
            name_kana="ミドリ",
            services=[(NYUSHO, 40, []), (SHORT_STAY, 4, [])],
        ),
        "c": FacilityPageFactory(
            parent=index, slug="c", name_kana="シュウロウ", services=[("就労継続支援B型", 20, [])]
        ),
    }


def month_rows(homes):
    """The screen's rows in its order: (facility, service name)."""
    return [(homes["a"], GH), (homes["b"], NYUSHO), (homes["b"], SHORT_STAY)]


def row(facility, service, vacancies="1"):
    return {
        "facility": str(facility.pk),
        "service_type": str(ServiceType.objects.get(name=service).pk),
        "vacancies": vacancies,
        "for_whom": "any",
        "note": "",
    }


def monthly_data(rows, loaded_at=None, **management):
    data = {
        "month": f"{MONTH:%Y-%m}",
        "loaded_at": (loaded_at or timezone.now() - dt.timedelta(seconds=1)).isoformat(),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "5000",
    }
    for i, values in enumerate(rows):
        data.update({f"form-{i}-{key}": value for key, value in values.items()})
    data.update({f"form-{key}": value for key, value in management.items()})
    return data


def valid_rows(homes):
    return [row(facility, service) for facility, service in month_rows(homes)]


def with_row(index, **changes):
    def change(homes):
        rows = valid_rows(homes)
        rows[index].update(changes)
        return monthly_data(rows)

    return change


def with_data(**changes):
    def change(homes):
        data = monthly_data(valid_rows(homes))
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return change


def add_facility_after_opening(homes):
    data = monthly_data(valid_rows(homes))
    FacilityPageFactory(parent=homes["index"], slug="new", services=[(GH, 3, [])])
    return data


def delete_facility_after_opening(homes):
    data = monthly_data(valid_rows(homes))
    homes["b"].delete()
    return data


def remove_service_after_opening(homes):
    data = monthly_data(valid_rows(homes))
    FacilityService.objects.filter(page=homes["b"], service_type__name=SHORT_STAY).delete()
    return data


TABLE_CHANGED = "送信された表が、この画面の表と合わない"
ROW_ERROR = "入力に誤りがある行があります"
MONTHLY_CASES = {
    # Rows missing, repeated, added
    "行が足りない": (lambda h: monthly_data(valid_rows(h)[:2]), TABLE_CHANGED),
    "行が足りない(件数はそのまま)": (
        lambda h: {k: v for k, v in monthly_data(valid_rows(h)).items() if "form-2-" not in k},
        ROW_ERROR,
    ),
    "行が1つもない": (lambda h: monthly_data([]), TABLE_CHANGED),
    "同じ行が2つ": (
        lambda h: monthly_data([*valid_rows(h)[:2], valid_rows(h)[0]]),
        "同じ事業所・サービスの行が2つ以上",
    ),
    "同じ行を足す": (lambda h: monthly_data([*valid_rows(h), valid_rows(h)[0]]), TABLE_CHANGED),
    "対象でない行": (
        lambda h: monthly_data([*valid_rows(h)[:2], row(h["c"], "就労継続支援B型")]),
        "対象でない事業所・サービスの行",
    ),
    "存在しない事業所": (with_row(2, facility="999999"), "対象でない事業所・サービスの行"),
    "開いた後に事業所が増えた": (add_facility_after_opening, TABLE_CHANGED),
    "開いた後に事業所が削除された": (delete_facility_after_opening, TABLE_CHANGED),
    "開いた後にサービスが削除された": (remove_service_after_opening, TABLE_CHANGED),
    # The formset's management form
    "TOTAL_FORMS が巨大": (with_data(**{"form-TOTAL_FORMS": "100000000"}), TABLE_CHANGED),
    "TOTAL_FORMS がない": (with_data(**{"form-TOTAL_FORMS": None}), TABLE_CHANGED),
    "TOTAL_FORMS が負": (with_data(**{"form-TOTAL_FORMS": "-1"}), TABLE_CHANGED),
    "TOTAL_FORMS が文字": (with_data(**{"form-TOTAL_FORMS": "三"}), TABLE_CHANGED),
    "INITIAL_FORMS がない": (with_data(**{"form-INITIAL_FORMS": None}), TABLE_CHANGED),
    # The time the screen was opened (the check against saves by others)
    "開いた時刻がない": (with_data(loaded_at=None), "画面を開いた時刻を読み取れなかった"),
    "開いた時刻が空": (with_data(loaded_at=""), "画面を開いた時刻を読み取れなかった"),
    "開いた時刻が文字": (with_data(loaded_at="きのう"), "画面を開いた時刻を読み取れなかった"),
    "開いた時刻がありえない日": (
        with_data(loaded_at="2026-99-99T00:00:00+09:00"),
        "画面を開いた時刻を読み取れなかった",
    ),
    "開いた時刻が未来": (
        with_data(loaded_at="2999-01-01T00:00:00+09:00"),
        "画面を開いた時刻を読み取れなかった",
    ),
    "開いた時刻にタイムゾーンがない": (
        with_data(loaded_at="2026-11-01T00:00:00"),
        "画面を開いた時刻を読み取れなかった",
    ),
    "開いた時刻が西暦1年": (
        with_data(loaded_at="0001-01-01T00:00:00+14:00"),
        "画面を開いた時刻を読み取れなかった",
    ),
    # The month
    "対象月が文字": (with_data(month="来月"), "対象月を読み取れなかった"),
    "対象月が13月": (with_data(month="2026-13"), "対象月を読み取れなかった"),
    "対象月がない": (with_data(month=None), "対象月を読み取れなかった"),
    # Wrong types in a row
    "事業所IDが文字": (with_row(0, facility="abc"), ROW_ERROR),
    "事業所IDが巨大": (with_row(0, facility=HUGE), "対象でない事業所・サービスの行"),
    "事業所IDが負": (with_row(0, facility="-1"), "対象でない事業所・サービスの行"),
    "サービスIDが小数": (with_row(1, service_type="1.5"), ROW_ERROR),
    "空き人数が巨大": (with_row(0, vacancies=HUGE), ROW_ERROR),
    "空き人数が上限を超える": (with_row(0, vacancies="32768"), ROW_ERROR),
    "空き人数が負": (with_row(0, vacancies="-3"), ROW_ERROR),
    "空き人数が小数": (with_row(0, vacancies="1.5"), ROW_ERROR),
    "空き人数がUTF-8でない": (with_row(0, vacancies=INVALID_UTF8), ROW_ERROR),
    "対象が選択肢にない": (with_row(0, for_whom="nobody"), ROW_ERROR),
    # A NUL typed into a row is removed, not refused (tests/test_text_safety.py).
    "備考が長すぎる": (with_row(0, note="あ" * 10_000), ROW_ERROR),
}


@pytest.mark.parametrize("case", list(MONTHLY_CASES))
def test_hostile_monthly_posts_are_refused_and_change_nothing(admin_client, homes, case):
    make, message = MONTHLY_CASES[case]
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=MONTH, vacancies=4)
    data = make(homes)
    before = snapshot()
    response = post(admin_client, MONTHLY, data)
    assert_refused(response, message)
    assert "何も保存していません" in response.content.decode() or "保存しませんでした" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_the_untampered_monthly_post_saves(admin_client, homes):
    """The table above starts from a post that does save."""
    before = snapshot()
    response = post(admin_client, f"{MONTHLY}?month={MONTH:%Y-%m}", monthly_data(valid_rows(homes)))
    assert response.status_code == 302
    assert snapshot() != before
    assert VacancyFigure.objects.filter(month=MONTH).count() == 3


def test_unexpected_fields_in_the_monthly_post_change_nothing_they_name(admin_client, homes):
    other_month = dt.date(2020, 1, 1)
    data = monthly_data(valid_rows(homes))
    data.update(
        {
            "form-0-month": f"{other_month:%Y-%m-%d}",
            "form-0-entered_by": "999",
            "form-0-reported_on": "2000-01-01",
            "form-0-id": "1",
            "form-0-updated_at": "2000-01-01T00:00:00+09:00",
        }
    )
    response = admin_client.post(f"{MONTHLY}?month={MONTH:%Y-%m}", data)
    assert response.status_code == 302
    figures = VacancyFigure.objects.all()
    assert {f.month for f in figures} == {MONTH}
    assert {f.entered_by.username for f in figures} == {"admin"}
    assert {f.reported_on for f in figures} == {timezone.localdate()}


# --- The vacancy CSV: preview, then apply ---------------------------------------------------

CSV_UPLOAD = "/admin/vacancies/csv/upload/"
HEADER = "事業所ID,事業所名,サービス,対象月,空き人数,対象,体験利用,備考\r\n"


def preview(client, homes):
    """Upload a sheet for every row and return the signed preview."""
    body = "".join(
        f"{facility.pk},x,{service},{MONTH:%Y-%m},2,,,\r\n"
        for facility, service in month_rows(homes)
    )
    file = SimpleUploadedFile("aki.csv", (HEADER + body).encode(), content_type="text/csv")
    response = client.post(f"{CSV_UPLOAD}?month={MONTH:%Y-%m}", {"month": "2026-11", "file": file})
    assert "preview" in response.context
    return response.context["payload"]


def apply(client, payload):
    return client.post(CSV_UPLOAD, {"month": f"{MONTH:%Y-%m}", "payload": payload, "apply": "1"})


class OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 2 * 3600)


def forged(payload_maker):
    def make(client, homes):
        return payload_maker(homes)

    return make


def expired(client, homes):
    rows = signing.loads(preview(client, homes), salt=SIGNING_SALT)
    return OldSigner(salt=SIGNING_SALT).sign_object(rows)


def other_salt(client, homes):
    rows = signing.loads(preview(client, homes), salt=SIGNING_SALT)
    return signing.dumps(rows, salt="somewhere-else")


def edited(client, homes):
    payload = preview(client, homes)
    return payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")


def changed_after_preview(client, homes):
    payload = preview(client, homes)
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=MONTH, vacancies=4)
    return payload


def applied_before(client, homes):
    payload = preview(client, homes)
    assert apply(client, payload).status_code == 302
    return payload


def facility_deleted_after_preview(client, homes):
    payload = preview(client, homes)
    homes["b"].delete()
    return payload


def facility_unpublished_after_preview(client, homes):
    payload = preview(client, homes)
    homes["b"].unpublish()
    return payload


def service_removed_after_preview(client, homes):
    payload = preview(client, homes)
    FacilityService.objects.filter(page=homes["b"], service_type__name=SHORT_STAY).delete()
    return payload


UNREADABLE = "確認画面の内容を読み取れませんでした"
FACILITIES_CHANGED = "空き情報を集める事業所・サービスが変わりました"
SAVED_MEANWHILE = "確認の後に、同じ月の空き情報が保存されました"
CSV_CASES = {
    "確認の内容が偽物": (forged(lambda h: "forged"), UNREADABLE),
    "確認の内容が空": (forged(lambda h: ""), UNREADABLE),
    "確認の内容がない": (forged(lambda h: None), UNREADABLE),
    "確認の内容にNUL": (forged(lambda h: "a\x00b:c:d"), UNREADABLE),
    "確認の内容を書き換えた": (edited, UNREADABLE),
    "別の用途の署名": (other_salt, UNREADABLE),
    "確認から1時間を過ぎた": (expired, "1時間を過ぎました"),
    "確認の後にほかの人が保存した": (changed_after_preview, SAVED_MEANWHILE),
    "同じ確認を2回反映": (applied_before, SAVED_MEANWHILE),
    "確認の後に事業所が削除された": (facility_deleted_after_preview, FACILITIES_CHANGED),
    "確認の後に事業所が非公開になった": (facility_unpublished_after_preview, FACILITIES_CHANGED),
    "確認の後にサービスが削除された": (service_removed_after_preview, FACILITIES_CHANGED),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_hostile_csv_applies_are_refused_and_change_nothing(admin_client, homes, case):
    make, message = CSV_CASES[case]
    payload = make(admin_client, homes)
    before = snapshot()
    data = {"month": f"{MONTH:%Y-%m}", "apply": "1"}
    if payload is not None:
        data["payload"] = payload
    response = admin_client.post(CSV_UPLOAD, data)
    assert_refused(response, message)
    assert snapshot() == before


def test_the_untampered_preview_applies(admin_client, homes):
    payload = preview(admin_client, homes)
    before = snapshot()
    assert apply(admin_client, payload).status_code == 302
    assert snapshot() != before
    assert set(VacancyFigure.objects.values_list("vacancies", flat=True)) == {2}


# --- Review actions (承認者 approving or rejecting from the page editor) ---------------------


def member(username, role):
    user = User.objects.create_user(username, f"{username}@example.jp", "x")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def review(client, home_page):
    """A meeting record submitted by the secretariat, waiting for the approver."""
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    meeting = MeetingPageFactory(parent=committee, title="第1回全体会", slug="zentai-1")
    client.force_login(member("jimukyoku", SECRETARIAT))
    data = meeting_form_data(action="submit", title="第1回全体会(提出版)", slug="zentai-1")
    assert client.post(edit_url(meeting), data).status_code == 302
    client.force_login(member("shonin", APPROVER))
    return MeetingPage.objects.get(pk=meeting.pk)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def review_post(name="approve", extra='{"comment": "確認しました"}'):
    data = meeting_form_data(action="workflow-action", title="承認者が書き換えた題名")
    if name is not None:
        data["workflow-action-name"] = name
    if extra is not None:
        data["workflow-action-extra-data"] = extra
    return data


def approve_first(client, meeting):
    response = client.post(edit_url(meeting), review_post())
    assert response.status_code == 302
    return review_post()


def reject_first(client, meeting):
    response = client.post(edit_url(meeting), review_post("reject", '{"comment": "直して"}'))
    assert response.status_code == 302
    return review_post()


REVIEW_REFUSED = "この操作は行えません"
REVIEW_CASES = {
    "操作の名前がない": lambda c, m: review_post(name=None),
    "操作の名前が空": lambda c, m: review_post(name=""),
    "操作の名前が公開": lambda c, m: review_post(name="publish"),
    "操作の名前がほかの課題のもの": lambda c, m: review_post(name="cancel"),
    "追加データがJSONでない": lambda c, m: review_post(extra="{not json"),
    "追加データが配列": lambda c, m: review_post(extra="[1, 2]"),
    "追加データが深い入れ子": lambda c, m: review_post(extra="[" * 100_000),
    "追加データに知らないキー": lambda c, m: review_post(extra='{"comment": "", "user": 1}'),
    "追加データで更新を止める": lambda c, m: review_post(extra='{"update": false}'),
    "コメントが配列": lambda c, m: review_post(extra='{"comment": ["a", "b"]}'),
    "コメントが数": lambda c, m: review_post(extra='{"comment": 1e999}'),
    "コメントがnull": lambda c, m: review_post(extra='{"comment": null}'),
    "コメントにNUL": lambda c, m: review_post(extra='{"comment": "確認\\u0000しました"}'),
    "コメントが片割れのサロゲート": lambda c, m: review_post(extra='{"comment": "\\ud800"}'),
    "承認の後にもう一度承認": approve_first,
    "差し戻しの後に承認": reject_first,
}


@pytest.mark.parametrize("case", list(REVIEW_CASES))
def test_hostile_review_posts_are_refused_and_change_nothing(client, review, case):
    data = REVIEW_CASES[case](client, review)
    before = snapshot()
    response = client.post(edit_url(review), data)
    # Refused back to the editor, which shows why (as Wagtail's own workflow views do); once
    # the review is over, the approver may not open the editor at all.
    assert response.status_code == 302, response
    shown = client.get(response["Location"]).content.decode()
    if response["Location"] == edit_url(review):
        assert REVIEW_REFUSED in shown
    else:
        assert response["Location"] == reverse("wagtailadmin_home")
        assert "アクセス権がありません" in shown
    assert snapshot() == before


def test_the_untampered_review_post_approves(client, review):
    before = snapshot()
    response = client.post(edit_url(review), review_post())
    assert response.status_code == 302
    assert snapshot() != before
    meeting = MeetingPage.objects.get(pk=review.pk)
    assert meeting.live and meeting.title == "第1回全体会(提出版)"


def workflow_action_url(meeting, action, task_state_id=None):
    task_state = meeting.current_workflow_state.current_task_state
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[meeting.pk, action, task_state_id or task_state.pk],
    )


WORKFLOW_VIEW_CASES = {
    "知らない操作": lambda m: (workflow_action_url(m, "publish"), {"comment": ""}),
    "存在しない課題の状態": lambda m: (workflow_action_url(m, "approve", 999_999), {}),
    "巨大な課題の状態": lambda m: (workflow_action_url(m, "approve", int(HUGE)), {}),
    "存在しないページ": lambda m: (
        reverse("wagtailadmin_pages:workflow_action", args=[999_999, "approve", 1]),
        {},
    ),
    "コメントにNUL": lambda m: (workflow_action_url(m, "reject"), {"comment": "直して\x00"}),
}


@pytest.mark.parametrize("case", list(WORKFLOW_VIEW_CASES))
def test_hostile_posts_to_the_workflow_action_view_change_nothing(client, review, case):
    url, data = WORKFLOW_VIEW_CASES[case](review)
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in (302, 400, 403, 404)
    if response.status_code == 302:
        assert "/login/" not in response["Location"]
    assert snapshot() == before
