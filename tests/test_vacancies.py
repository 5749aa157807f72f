"""空き情報: parsing, the monthly screen (all or nothing, conflicts), public pages, filter, queries."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from facilities.models import Municipality, ServiceType, TargetGroup
from tests.bulk import bulk_facilities
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from vacancies.forms import VacancyValueError, parse_month, parse_vacancies
from vacancies.models import VacancyFigure, month_label, month_start, previous_month

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"
NYUSHO = "施設入所支援"


@pytest.mark.parametrize(
    "text, expected",
    [("3", 3), ("３", 3), ("１２", 12), (" 0 ", 0), ("", None), ("未回答", None), ("999", 999)],
)
def test_vacancies_are_read_as_whole_numbers(text, expected):
    assert parse_vacancies(text) == expected


@pytest.mark.parametrize("text", ["-1", "1.5", "１．５", "abc", "3人", "1e3", "1" * 10])
def test_bad_vacancy_values_are_refused_in_japanese(text):
    with pytest.raises(VacancyValueError) as error:
        parse_vacancies(text)
    assert "空き人数" in str(error.value)


@pytest.mark.parametrize("text", ["1000", "１０００", "99999"])
def test_too_many_vacancies_are_refused_with_the_models_message(text):
    from vacancies.forms import VacancyRowForm

    form = VacancyRowForm(
        data={"facility": "1", "service_type": "1", "vacancies": text, "for_whom": "any"}
    )
    assert not form.is_valid()
    assert form.errors["vacancies"] == ["空き人数が大きすぎます(999人まで)。"]
    number = int(text.translate(str.maketrans("０１", "01")))
    errors = VacancyFigure.entered_value_errors({"vacancies": number})
    assert errors["vacancies"][0] == "空き人数が大きすぎます(999人まで)。"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11", dt.date(2026, 11, 1)),
        ("２０２６／４", dt.date(2026, 4, 1)),
        ("2026-13", None),
        ("x", None),
        ("", None),
    ],
)
def test_month_parameter(text, expected):
    assert parse_month(text) == expected


@pytest.fixture
def homes(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    return {
        "a": FacilityPageFactory(
            parent=index,
            slug="a",
            title="サンプルあおぞらホーム",
            name_kana="アオゾラ",
            services=[(GH, 5, ["知的"])],
        ),
        "b": FacilityPageFactory(
            parent=index,
            slug="b",
            title="サンプルみどり園",
            name_kana="ミドリ",
            municipality=Municipality.objects.get(name="上里町"),
            services=[(NYUSHO, 40, ["身体"]), ("短期入所", 4, ["身体"])],
        ),
        "c": FacilityPageFactory(
            parent=index,
            slug="c",
            title="サンプル就労",
            name_kana="シュウロウ",
            services=[("就労継続支援B型", 20, ["知的"])],
        ),
        "index": index,
        "home": home_page,
        # The figures are the 空き情報 page's data and show only while it is live.
        "vacancy": VacancyPageFactory(parent=home_page),
    }


MONTHLY = "/admin/vacancies/monthly/"


def post_month(client, month, rows, loaded_at=None):
    data = {
        "month": f"{month:%Y-%m}",
        "loaded_at": (loaded_at or timezone.now()).isoformat(),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "5000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return client.post(MONTHLY, data)


def rows_for(homes, values):
    """values: {(slug, service name): vacancies text}"""
    result = []
    for (slug, service), vacancies in values.items():
        result.append(
            {
                "facility": str(homes[slug].pk),
                "service_type": str(ServiceType.objects.get(name=service).pk),
                "vacancies": vacancies,
                "for_whom": "any",
                "note": "",
            }
        )
    return result


def test_monthly_screen_lists_tracked_services_with_last_months_figures(admin_client, homes):
    month = month_start()
    VacancyFigureFactory(
        facility=homes["a"], service_type=GH, month=previous_month(month), vacancies=2
    )
    html = admin_client.get(MONTHLY + f"?month={month:%Y-%m}").content.decode()
    assert "サンプルあおぞらホーム" in html and "サンプルみどり園" in html
    assert "サンプル就労" not in html  # B型 is not tracked
    assert 'value="2"' in html and "前月の値" in html
    assert month_label(month) in html


def test_monthly_save_writes_every_row_and_records_the_editor(admin_client, homes):
    month = dt.date(2026, 11, 1)
    values = {("a", GH): "１", ("b", NYUSHO): "0", ("b", "短期入所"): ""}
    response = post_month(admin_client, month, rows_for(homes, values))
    assert response.status_code == 302
    saved = {(f.facility.slug, f.service_type.name): f for f in VacancyFigure.objects.all()}
    assert saved[("a", GH)].vacancies == 1
    assert saved[("b", NYUSHO)].vacancies == 0
    assert ("b", "短期入所") not in saved  # blank and new: left as 未回答
    assert saved[("a", GH)].entered_by.username == "admin"


def test_one_invalid_row_saves_nothing(admin_client, homes):
    month = dt.date(2026, 11, 1)
    values = {("a", GH): "2", ("b", NYUSHO): "-1", ("b", "短期入所"): "1"}
    response = post_month(admin_client, month, rows_for(homes, values))
    assert response.status_code == 200
    html = response.content.decode()
    assert "空き人数は0以上の整数で入力してください" in html and "何も保存していません" in html
    assert not VacancyFigure.objects.exists()


def test_rows_for_untracked_or_unknown_pairs_are_refused(admin_client, homes):
    rows = rows_for(homes, {("c", "就労継続支援B型"): "3"})
    post_month(admin_client, dt.date(2026, 11, 1), rows)
    assert not VacancyFigure.objects.exists()


def test_a_save_by_someone_else_after_opening_is_not_overwritten(admin_client, homes):
    month = dt.date(2026, 11, 1)
    opened = timezone.now() - dt.timedelta(minutes=5)
    other = User.objects.create_user("sato", password="x" * 12)
    VacancyFigureFactory(
        facility=homes["a"], service_type=GH, month=month, vacancies=3, entered_by=other
    )
    rows = rows_for(homes, {("a", GH): "0", ("b", NYUSHO): "", ("b", "短期入所"): ""})
    response = post_month(admin_client, month, rows, loaded_at=opened)
    html = response.content.decode()
    assert "ほかの人が同じ月の空き情報を保存しました" in html and "サンプルあおぞらホーム" in html
    assert VacancyFigure.objects.get().vacancies == 3


def test_new_month_never_overwrites_history(admin_client, homes):
    october = dt.date(2026, 10, 1)
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=october, vacancies=4)
    rows = rows_for(homes, {("a", GH): "1", ("b", NYUSHO): "", ("b", "短期入所"): ""})
    post_month(admin_client, dt.date(2026, 11, 1), rows)
    assert VacancyFigure.objects.get(month=october).vacancies == 4
    assert VacancyFigure.objects.get(month=dt.date(2026, 11, 1)).vacancies == 1


def test_bad_month_parameter_shows_this_month(admin_client, homes):
    response = admin_client.get(MONTHLY + "?month=2026-99")
    assert response.status_code == 200
    assert month_label(month_start()) in response.content.decode()


def test_monthly_screen_needs_permission(client, homes):
    User.objects.create_user("viewer", password="pw-123456789012", is_staff=False)
    client.login(username="viewer", password="pw-123456789012")
    assert client.get(MONTHLY).status_code in (302, 403)


def test_figure_staleness_follows_tokyo_month_ends():
    import zoneinfo

    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    november = VacancyFigure(month=dt.date(2026, 11, 1))
    last_minute = dt.datetime(2026, 11, 30, 14, 59, tzinfo=dt.UTC)  # 23:59 in Tokyo
    next_day = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)  # 00:00 on 1 Dec in Tokyo
    assert not november.is_stale(last_minute.astimezone(tokyo).date())
    assert november.is_stale(next_day.astimezone(tokyo).date())
    assert timezone.localdate(next_day) == dt.date(2026, 12, 1)


def test_public_vacancy_page_shows_latest_figures_and_stale_marks(client, homes):
    month = month_start()
    VacancyFigureFactory(
        facility=homes["a"],
        service_type=GH,
        month=previous_month(previous_month(month)),
        vacancies=5,
    )
    VacancyFigureFactory(
        facility=homes["a"],
        service_type=GH,
        month=previous_month(month),
        vacancies=2,
        note="女性のみ",
    )
    VacancyFigureFactory(
        facility=homes["b"], service_type=NYUSHO, month=month, vacancies=1, trial_stay=True
    )
    page = homes["vacancy"]
    html = client.get(page.url).content.decode()
    assert "空きあり 1人" in html and "空きあり 2人" in html and "空きあり 5人" not in html
    assert "※前月以前" in html and "女性のみ" in html
    assert month_label(month) in html


def test_vacancy_page_can_be_restricted_to_logged_in_offices(client, homes):
    page = homes["vacancy"]
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    response = client.get(page.url)
    assert response.status_code == 302 and "login" in response["Location"]
    User.objects.create_user("soudan", password="pw-123456789012")
    client.login(username="soudan", password="pw-123456789012")
    assert client.get(page.url).status_code == 200


def test_facility_page_shows_figures_and_history_chart(client, homes):
    month = month_start()
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=month, vacancies=2)
    VacancyFigureFactory(
        facility=homes["a"], service_type=GH, month=previous_month(month), vacancies=None
    )
    html = client.get(homes["a"].url).content.decode()
    assert "空きあり 2人" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "過去12か月" in html and "未回答" in html
    assert html.count('<tr><th scope="row">') >= 12


def test_vacancy_filter_in_facility_search(client, homes):
    month = month_start()
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=month, vacancies=2)
    VacancyFigureFactory(facility=homes["b"], service_type=NYUSHO, month=month, vacancies=0)
    VacancyFigureFactory(
        facility=homes["b"], service_type="短期入所", month=previous_month(month), vacancies=3
    )  # last month does not count
    response = client.get(homes["index"].url + "?vacancy=1")
    search = response.context["search"]
    assert [p.slug for p in search.results_page.object_list] == ["a"]
    unfiltered = client.get(homes["index"].url).context["search"]
    assert unfiltered.toggle("vacancy").count == 1
    assert client.get(homes["index"].url + "?vacancy=maybe").status_code == 200


def test_dashboard_lists_facilities_without_this_months_figure(admin_client, homes):
    VacancyFigureFactory(facility=homes["a"], service_type=GH, month=month_start(), vacancies=1)
    html = admin_client.get("/admin/").content.decode()
    panel = html.split('id="missing-vacancies-heading"')[1].split("</section>")[0]
    assert "サンプルみどり園" in panel and "サンプルあおぞらホーム" not in panel


def test_modeladmin_create_records_the_editor(admin_client, homes):
    data = {
        "facility": str(homes["a"].pk),
        "service_type": str(ServiceType.objects.get(name=GH).pk),
        "month": "2026-11-01",
        "vacancies": "2",
        "for_whom": "female",
        "note": "",
        "reported_on": "2026-11-02",
    }
    response = admin_client.post("/admin/vacancies/vacancyfigure/create/", data)
    assert response.status_code == 302
    assert VacancyFigure.objects.get().entered_by.username == "admin"


@pytest.mark.parametrize("url_kind", ["public", "monthly"])
def test_queries_are_bounded_for_20_and_500_facilities(admin_client, home_page, url_kind):
    index = FacilityIndexPageFactory(parent=home_page)
    page = VacancyPageFactory(parent=home_page)
    munis = list(Municipality.objects.all())
    gh = [ServiceType.objects.get(name=GH)]
    groups = list(TargetGroup.objects.all())
    month = month_start()

    def add(n, prefix):
        ids = bulk_facilities(index, n, munis, gh, groups, prefix=prefix)
        VacancyFigure.objects.bulk_create(
            [
                VacancyFigure(facility_id=pk, service_type=gh[0], month=month, vacancies=i % 3)
                for i, pk in enumerate(ids)
            ]
        )

    url = page.url if url_kind == "public" else MONTHLY

    def measure():
        admin_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(20, "少")
    few = measure()
    add(480, "多")
    many = measure()
    assert few == many <= 30


# --- CSV -----------------------------------------------------------------------

CSV_UPLOAD = "/admin/vacancies/csv/upload/"
HEADER = "事業所ID,事業所名,サービス,対象月,空き人数,対象,体験利用,備考\r\n"


def upload(client, text, month="2026-11", encoding="utf-8"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        CSV_UPLOAD + f"?month={month}",
        {"month": month, "file": SimpleUploadedFile("aki.csv", data, content_type="text/csv")},
    )


def test_csv_download_lists_tracked_rows_with_values(admin_client, homes):
    VacancyFigureFactory(
        facility=homes["a"],
        service_type=GH,
        month=dt.date(2026, 11, 1),
        vacancies=2,
        trial_stay=True,
    )
    response = admin_client.get("/admin/vacancies/csv/?month=2026-11")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == HEADER.strip()
    assert f"{homes['a'].pk},サンプルあおぞらホーム,{GH},2026-11,2,問わず,可," in lines
    assert len(lines) == 4  # header + a (GH) + b (入所, 短期入所)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_upload_previews_then_applies_all_rows(admin_client, homes, encoding):
    a, b = homes["a"].pk, homes["b"].pk
    text = HEADER + f"{a},x,{GH},2026-11,１２,女性,可,週末のみ\r\n{b},x,{NYUSHO},2026-11,0,,,\r\n"
    response = upload(admin_client, text, encoding=encoding)
    html = response.content.decode()
    assert "確認: 2件が変わります" in html
    assert not VacancyFigure.objects.exists()
    payload = response.context["payload"]
    response = admin_client.post(CSV_UPLOAD, {"month": "2026-11", "payload": payload, "apply": "1"})
    assert response.status_code == 302
    saved = VacancyFigure.objects.get(facility=homes["a"])
    assert (saved.vacancies, saved.for_whom, saved.trial_stay, saved.note) == (
        12,
        "female",
        True,
        "週末のみ",
    )
    assert VacancyFigure.objects.get(facility=homes["b"]).vacancies == 0


@pytest.mark.parametrize(
    "body, message",
    [
        ("{a},x,{GH},2026-11,-1,,,\r\n", "空き人数は0以上の整数"),
        ("{a},x,{GH},2026-11,1.5,,,\r\n", "空き人数は0以上の整数"),
        ("{a},x,{GH},2026-11,100000,,,\r\n", "大きすぎます"),
        ("999999,x,{GH},2026-11,1,,,\r\n", "対象にありません"),
        ("abc,x,{GH},2026-11,1,,,\r\n", "数字ではありません"),
        ("{a},x,{GH},2026-10,1,,,\r\n", "対象月が2026-11ではありません"),
        ("{a},x,{GH},2026-11,1,誰でも,,\r\n", "対象は「問わず」"),
        ("{a},x,{GH},2026-11,1,,,\r\n{a},x,{GH},2026-11,2,,,\r\n", "3行目にもあります"),
        ("{a},x,{GH},2026-11\r\n", "列の数"),
    ],
)
def test_csv_row_errors_are_listed_and_nothing_changes(admin_client, homes, body, message):
    good = f"{homes['b'].pk},x,{NYUSHO},2026-11,3,,,\r\n"
    text = HEADER + good + body.format(a=homes["a"].pk, GH=GH)
    html = upload(admin_client, text).content.decode()
    assert message in html and "何も反映していません" in html
    assert not VacancyFigure.objects.exists()


def test_csv_with_wrong_headers_or_encoding_is_refused(admin_client, homes):
    html = upload(admin_client, "id,name\r\n1,2\r\n").content.decode()
    assert "1行目の見出しが違います" in html
    html = upload(admin_client, HEADER.encode("utf-16")).content.decode()
    assert "文字コード" in html or "見出し" in html
    html = upload(admin_client, b"\xff\xfe\xfa\xfb\x81").content.decode()
    assert "文字コードを読み取れませんでした" in html
    assert not VacancyFigure.objects.exists()


FORMULA_NOTES = [
    "-2名退所",
    '=HYPERLINK("http://example.com/","詳しく")',
    "+1名(4月から)",
]


def test_formula_notes_round_trip_through_download_and_upload(admin_client, homes):
    month = dt.date(2026, 11, 1)
    rows = [(homes["a"], GH), (homes["b"], NYUSHO), (homes["b"], "短期入所")]
    for (facility, service), note in zip(rows, FORMULA_NOTES, strict=True):
        VacancyFigureFactory(facility=facility, service_type=service, month=month, note=note)
    homes["a"].title = "=1+2 ホーム"
    homes["a"].save_revision().publish()
    data = admin_client.get("/admin/vacancies/csv/?month=2026-11").content
    text = data.decode("utf-8-sig")
    assert "'-2名退所" in text and "'+1名(4月から)" in text and "'=1+2 ホーム" in text
    assert '"\'=HYPERLINK(""http://example.com/"",""詳しく"")"' in text

    response = upload(admin_client, data)
    assert response.status_code == 200
    assert "確認: 0件が変わります" in response.content.decode()
    payload = response.context["payload"]
    admin_client.post(CSV_UPLOAD, {"month": "2026-11", "payload": payload, "apply": "1"})
    notes = set(VacancyFigure.objects.values_list("note", flat=True))
    assert notes == set(FORMULA_NOTES)


def test_a_formula_note_edited_in_a_spreadsheet_is_read_as_typed(admin_client, homes):
    a = homes["a"].pk
    # Saved by a spreadsheet that dropped the text mark, and by one that kept it.
    text = (
        HEADER
        + f"{a},x,{GH},2026-11,1,,,=SUM(1+1)\r\n{homes['b'].pk},x,{NYUSHO},2026-11,0,,,'-1名\r\n"
    )
    response = upload(admin_client, text)
    payload = response.context["payload"]
    admin_client.post(CSV_UPLOAD, {"month": "2026-11", "payload": payload, "apply": "1"})
    assert VacancyFigure.objects.get(facility=homes["a"]).note == "=SUM(1+1)"
    assert VacancyFigure.objects.get(facility=homes["b"]).note == "-1名"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_csv_upload_reads_every_flavour(admin_client, homes, encoding, newline):
    a, b = homes["a"].pk, homes["b"].pk
    lines = [HEADER.strip(), f"{a},x,{GH},2026-11,2,,,週末のみ", f"{b},x,{NYUSHO},2026-11,0,,,"]
    response = upload(admin_client, newline.join(lines) + newline, encoding=encoding)
    assert response.status_code == 200
    assert "確認: 2件が変わります" in response.content.decode()
    assert [row["note"] for row in response.context["preview"]] == ["週末のみ", ""]


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "{a},x,{GH},2026-11,1,,,{long}\r\n",
            "3行目: 1つのセルの文字が多すぎます(10,000文字まで)。",
        ),
        (
            "{a},x,{GH},2026-11,1,,,{huge}\r\n",
            "3行目: 1つのセルの文字が多すぎます(10,000文字まで)。",
        ),
        (
            "{a},x,{GH},2026-11,1,,,週末\x00のみ\r\n",
            "3行目: 文字ではないデータ(NUL)が入っています。",
        ),
        ("{a},x,{GH},2026-11,1,,\r\n", "3行目: 列の数が8ではありません(7列)。"),
        ("{a},x,{GH},2026-11,1,,,,,9\r\n", "3行目: 列の数が8ではありません(10列)。"),
        ("{a},x,{GH},2026-11,1,,,{note201}\r\n", "3行目: "),
    ],
    ids=["long-cell", "beyond-csv-limit", "nul", "short-row", "long-row", "long-note"],
)
def test_bad_csv_rows_are_named_and_nothing_changes(admin_client, homes, row, message):
    good = f"{homes['b'].pk},x,{NYUSHO},2026-11,3,,,\r\n"
    body = row.format(
        a=homes["a"].pk, GH=GH, long="x" * 10_001, huge="x" * 200_000, note201="x" * 201
    )
    response = upload(admin_client, HEADER + good + body)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "何も反映していません" in html
    assert "preview" not in response.context
    assert not VacancyFigure.objects.exists()


def test_a_byte_that_is_no_character_names_its_row(admin_client, homes):
    good = f"{homes['b'].pk},x,{NYUSHO},2026-11,3,,,\r\n"
    data = (HEADER + good + f"{homes['a'].pk},x,{GH},2026-11,1,,,").encode() + b"\xff\r\n"
    response = upload(admin_client, data)
    assert response.status_code == 200
    assert "3行目: 文字コードを読み取れませんでした(UTF-8 として読めない文字があります)" in (
        response.content.decode()
    )
    assert not VacancyFigure.objects.exists()
