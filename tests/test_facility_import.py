"""Facility data in: WAM NET files and the council's sheet, dry run, all-or-nothing apply."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from facilities.imports import engine, wam
from facilities.imports.rows import ImportFileError
from facilities.keys import grouping_key, normalise_address
from facilities.models import FacilityPage, FacilityService, ImportKind, ServiceType
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory, wam_record

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 10, 1)
SOURCE = engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, AS_OF)


@pytest.fixture
def index(home_page):
    return FacilityIndexPageFactory(parent=home_page)


def wam_file(records, **kwargs):
    return ("data.csv", wam.write_csv_bytes(records, **kwargs))


def dry_run(files, source=SOURCE):
    try:
        rows, errors = wam.read_files(files), []
    except ImportFileError as error:
        rows, errors = [], error.errors
    return engine.plan(rows, source, errors=errors)


def import_files(files, source=SOURCE, **kwargs):
    result = dry_run(files, source)
    assert result.ok, [str(e) for e in result.errors]
    return result, engine.apply(result, **kwargs)


def messages(result):
    return [str(error) for error in result.errors]


def snapshot():
    return (
        list(Page.objects.order_by("path").values_list("path", "latest_revision_id", "live")),
        list(FacilityService.objects.order_by("pk").values_list("pk", "capacity")),
    )


# --- Municipality codes and the grouping key ---------------------------------------------


def test_the_district_codes_carry_their_check_digits():
    from facilities.models.taxonomy import validate_local_government_code

    for code in ("112119", "113816", "113832", "113859"):
        validate_local_government_code(code)


@pytest.mark.parametrize(
    "address",
    [
        "東台9丁目21番1号",
        "東台９－２１－１",
        "埼玉県本庄市東台9-21-1",
        "東台 9丁目21番地1",
        "東台9ー21ー1",
    ],
)
def test_spellings_of_one_address_share_the_key(address):
    assert normalise_address(address, "本庄市") == "東台9-21-1"
    assert grouping_key("1199000001", "112119", address, "", "本庄市") == (
        "1199000001|112119|東台9-21-1"
    )


def test_the_key_falls_back_to_the_name_without_an_address():
    assert (
        grouping_key("1199000001", "112119", "", "サンプル園")
        == "1199000001|112119|name:サンプル園"
    )
    assert grouping_key("", "112119", "本庄1-1", "") == "-|112119|本庄1-1"


# --- Reading WAM files ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_wam_files_are_read_in_every_encoding(index, encoding):
    result = dry_run([wam_file([wam_record(title="サンプル第一ホーム")], encoding=encoding)])
    assert result.ok, messages(result)
    assert [d.facility.values["title"] for d in result.new] == ["サンプル第一ホーム"]


def test_headers_in_another_order_and_extra_columns_are_read(index):
    record = wam_record(title="サンプル順番園", capacity="15")
    headers = list(reversed(wam.HEADERS)) + ["独自の列"]
    record["独自の列"] = "無視される値"
    result = dry_run([wam_file([record], headers=headers)])
    assert result.ok, messages(result)
    facility = result.new[0].facility
    assert facility.values["title"] == "サンプル順番園"
    assert list(facility.services.values())[0]["capacity"] == "15"


def test_a_zip_of_csv_files_is_read(index):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("seikatsu.csv", wam.write_csv_bytes([wam_record(service="生活介護")]))
        archive.writestr("tanki.csv", wam.write_csv_bytes([wam_record(service="短期入所")]))
    result = dry_run([("wam.zip", buffer.getvalue())])
    assert result.ok, messages(result)
    assert len(result.new) == 2


def test_a_zip_with_something_else_inside_is_refused(index):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", wam.write_csv_bytes([wam_record()]))
        archive.writestr("run.exe", b"MZ")
    result = dry_run([("wam.zip", buffer.getvalue())])
    assert not result.ok
    assert "CSV ではないファイル「run.exe」" in messages(result)[0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(index):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.csv", b"0" * (30 * 1024 * 1024))
    result = dry_run([("wam.zip", buffer.getvalue())])
    assert not result.ok
    assert "極端に圧縮されています" in messages(result)[0]


def test_an_empty_file_is_refused(index):
    result = dry_run([("empty.csv", b"")])
    assert messages(result) == ["empty.csv: ファイルが空です(見出しの行もデータの行もありません)。"]
    result = dry_run([wam_file([])])
    assert "データの行がありません" in messages(result)[0]


def test_wrong_headers_are_refused_naming_the_missing_columns(index):
    headers = [h for h in wam.HEADERS if h not in ("事業所番号", "定員")]
    result = dry_run([wam_file([wam_record()], headers=headers)])
    assert not result.ok
    (message,) = messages(result)
    assert message.startswith("data.csv 1行目:")
    assert "足りない列: 事業所番号、定員" in message


def test_a_file_of_another_prefecture_is_refused(index):
    records = [
        wam_record(code="131016", municipality_text="東京都千代田区", address="一番町1-1")
        for _ in range(3)
    ]
    result = dry_run([wam_file(records)])
    assert messages(result) == [
        "ファイルのどの行も児玉郡市(本庄市・美里町・神川町・上里町)の事業所ではありません。"
        "埼玉県のファイルか、市区町村の列を確かめてください。"
    ]


def test_other_municipalities_are_left_out_and_counted(index):
    records = [
        wam_record(title="サンプル本庄園"),
        wam_record(code="112101", municipality_text="埼玉県熊谷市", latitude="", longitude=""),
        # 美里町 of 宮城県 is not ours, whatever its name says.
        wam_record(
            code="045055", municipality_text="宮城県遠田郡美里町", latitude="", longitude=""
        ),
        # A prefecture code in the first column: the address decides.
        wam_record(code="11", municipality_text="埼玉県児玉郡上里町", title="サンプル上里園"),
        wam_record(code="113832", municipality_text="", title="サンプル神川園"),
    ]
    result = dry_run([wam_file(records)])
    assert result.ok, messages(result)
    assert result.outside_rows == 2
    towns = {d.facility.values["title"]: d.facility.municipality.name for d in result.new}
    assert towns == {
        "サンプル本庄園": "本庄市",
        "サンプル上里園": "上里町",
        "サンプル神川園": "神川町",
    }


def test_a_code_with_a_wrong_check_digit_is_a_row_error(index):
    result = dry_run([wam_file([wam_record(), wam_record(code="112110")])])
    assert messages(result) == [
        "data.csv 3行目 「都道府県コード又は市区町村コード」: 団体コード「112110」の検査数字(6桁目)"
        "が正しくありません(例: 本庄市は 112119)。"
    ]


@pytest.mark.parametrize("number", ["12345", "12345678901", "11990000AB"])
def test_an_office_number_that_is_not_10_digits_is_a_row_error(index, number):
    result = dry_run([wam_file([wam_record(office_number=number)])])
    assert messages(result) == [
        f"data.csv 2行目 「事業所番号」: 「{number}」は事業所番号になりません(10桁の数字を書きます)。"
    ]


def test_coordinates_outside_the_district_are_a_row_error(index):
    result = dry_run([wam_file([wam_record(latitude="35.6812", longitude="139.7671")])])
    assert messages(result) == [
        "data.csv 2行目 「事業所緯度」: 緯度「35.6812」が児玉郡市の範囲外です(36.08〜36.32 の間の値を書きます)。",
        "data.csv 2行目 「事業所経度」: 経度「139.7671」が児玉郡市の範囲外です(138.95〜139.3 の間の値を書きます)。",
    ]


def test_duplicated_rows_are_refused(index):
    record = wam_record()
    result = dry_run([wam_file([wam_record(), record, dict(record)])])
    assert messages(result) == [
        "data.csv 4行目 「サービス種別」: 3行目と同じ事業所・同じサービス「生活介護」の行です"
        "(重なっている行を1つにしてください)。"
    ]


def test_bad_input_changes_nothing_even_with_good_rows_around_it(index):
    FacilityPageFactory(parent=index, office_number="1199000001", services=[("生活介護", 10, [])])
    before = snapshot()
    with pytest.raises(CommandError):
        call_command_with_file([wam_record(), wam_record(office_number="123")], apply=True)
    assert snapshot() == before


def test_unknown_service_types_are_listed_not_dropped(index):
    records = [
        wam_record(title="サンプル混在園", office_number="1199000100", address="東台9-5-5"),
        wam_record(
            title="サンプル混在園",
            office_number="1199000100",
            address="東台9-5-5",
            service="未知のサービス",
        ),
        wam_record(title="サンプル未知園", office_number="1199000101", service="未知のサービス"),
    ]
    result = dry_run([wam_file(records)])
    assert result.ok
    assert result.unknown_types == {"未知のサービス": ["data.csv 3行目", "data.csv 4行目"]}
    assert result.skipped == ["サンプル未知園"]
    assert [d.facility.values["title"] for d in result.new] == ["サンプル混在園"]


def test_wam_names_map_to_the_taxonomy(index):
    records = [
        wam_record(office_number="1199000200", address="東台9-5-5", service=name)
        for name in (
            "共同生活援助（介護サービス包括型）",
            "就労継続支援Ｂ型",
            "地域相談支援（地域移行支援）",
        )
    ]
    result = dry_run([wam_file(records)])
    assert result.ok and not result.unknown_types
    names = {ServiceType.objects.get(pk=pk).name for pk in result.new[0].facility.services}
    assert names == {"共同生活援助(介護サービス包括型)", "就労継続支援B型", "地域移行支援"}


# --- Grouping, diff and apply ---------------------------------------------------------------


def test_rows_group_by_office_number_and_address(index):
    records = [
        wam_record(office_number="1199000300", address="東台9丁目1番1号", service="生活介護"),
        wam_record(office_number="1199000300", address="東台9-1-1", service="短期入所"),
        # The same number at another site is another facility.
        wam_record(office_number="1199000300", address="銀座9丁目2番2号", service="生活介護"),
    ]
    result = dry_run([wam_file(records)])
    assert result.ok
    assert sorted(len(d.facility.services) for d in result.new) == [1, 2]


def test_apply_creates_drafts_with_their_source_and_services(index):
    records = [
        wam_record(
            title="サンプル新規園",
            name_kana="さんぷるしんきえん",
            office_number="1199000400",
            address="東台9丁目21番1号",
            service="生活介護",
            capacity="20",
        ),
        wam_record(
            title="サンプル新規園",
            office_number="1199000400",
            address="東台9-21-1",
            service="短期入所",
            capacity="4",
        ),
    ]
    result, written = import_files([wam_file(records)])
    assert written["drafts"] == 1 and written["published"] == 0
    page = FacilityPage.objects.get(office_number="1199000400")
    assert not page.live
    assert page.name_kana == "サンプルシンキエン"
    assert page.latitude == Decimal("36.242400")
    assert page.import_key == "1199000400|112119|東台9-21-1"
    assert page.address == "東台9丁目21番1号"
    draft = page.get_latest_revision_as_object()
    assert {(s.service_type.name, s.capacity) for s in draft.services.all()} == {
        ("生活介護", 20),
        ("短期入所", 4),
    }
    assert draft.source_note() == "障害福祉サービス等情報公表システム(令和8年10月時点)"
    assert draft.import_record["fields"]["capacity:生活介護"] == "20"


def test_apply_publishes_when_chosen_and_allowed(index, admin_user):
    result, written = import_files(
        [wam_file([wam_record(title="サンプル公開園")])], user=admin_user, publish=True
    )
    assert written["published"] == 1
    page = FacilityPage.objects.get(title="サンプル公開園")
    assert page.live and not page.has_unpublished_changes


def test_the_facility_page_shows_its_source(index, client, admin_user):
    import_files([wam_file([wam_record(title="サンプル出典園")])], user=admin_user, publish=True)
    page = FacilityPage.objects.get(title="サンプル出典園")
    response = client.get(page.url)
    assert "出典: 障害福祉サービス等情報公表システム(令和8年10月時点)" in response.content.decode()


def test_importing_the_same_file_again_changes_nothing(index, admin_user):
    files = [
        wam_file([wam_record(office_number="1199000500"), wam_record(office_number="1199000501")])
    ]
    import_files(files, user=admin_user, publish=True)
    before = snapshot()
    result, written = import_files(files, user=admin_user, publish=True)
    assert result.counts()["new"] == result.counts()["changed"] == 0
    assert result.counts()["unchanged"] == 2
    assert snapshot() == before


def test_the_diff_counts_new_changed_unchanged_and_missing(index, admin_user):
    a = wam_record(office_number="1199000600", title="サンプルA")
    b = wam_record(office_number="1199000601", title="サンプルB", capacity="10")
    c = wam_record(office_number="1199000602", title="サンプルC")
    import_files([wam_file([a, b, c])], user=admin_user, publish=True)
    b2 = {**b, "定員": "12", "事業所電話番号": "0495-00-9999"}
    d = wam_record(office_number="1199000603", title="サンプルD")
    result = dry_run([wam_file([a, b2, d])], engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, AS_OF))
    assert result.counts() | {} == {
        "rows": 3,
        "outside_rows": 0,
        "new": 1,
        "changed": 1,
        "unchanged": 1,
        "missing": 1,
        "unknown_types": 0,
        "errors": 0,
    }
    (changed,) = result.changed
    assert {(c.label, c.old, c.new) for c in changed.changes} == {
        ("定員(生活介護)", "10", "12"),
        ("電話番号", b["事業所電話番号"], "0495-00-9999"),
    }
    assert [title for _, title, _ in result.missing] == ["サンプルC"]
    engine.apply(result, admin_user, publish=True)
    # Missing facilities are listed, never deleted.
    assert FacilityPage.objects.filter(title="サンプルC").exists()
    page = FacilityPage.objects.get(title="サンプルB")
    assert page.phone == "0495-00-9999" and page.services.get().capacity == 12


def test_fields_an_editor_changed_since_the_import_are_kept(index, admin_user):
    record = wam_record(office_number="1199000700", title="サンプル保護園", capacity="10")
    import_files([wam_file([record])], user=admin_user, publish=True)
    page = FacilityPage.objects.get(office_number="1199000700")
    page.phone = "0495-00-1234"
    page.description = "<p>事業所の紹介</p>"
    services = list(page.services.all())
    services[0].notes = "見学できます"
    page.services = services
    page.save_revision(user=admin_user).publish()
    newer = {
        **record,
        "事業所電話番号": "0495-00-5555",
        "定員": "15",
        "事業所の名称": "サンプル保護園2",
    }
    result = dry_run(
        [wam_file([newer])], engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, dt.date(2027, 4, 1))
    )
    (changed,) = result.changed
    assert {c.label for c in changed.changes} == {"定員(生活介護)", "事業所名"}
    assert [(c.label, c.old, c.new) for c in changed.protected] == [
        ("電話番号", "0495-00-1234", "0495-00-5555")
    ]
    engine.apply(result, admin_user, publish=True)
    page = FacilityPage.objects.get(pk=page.pk)
    assert page.phone == "0495-00-1234"
    assert page.title == "サンプル保護園2"
    assert page.description == "<p>事業所の紹介</p>"
    assert page.services.get().capacity == 15
    assert page.services.get().notes == "見学できます"
    assert page.source_note() == "障害福祉サービス等情報公表システム(令和9年4月時点)"
    # Still the editor's the next time.
    result = dry_run(
        [wam_file([newer])], engine.Source(ImportKind.WAM, wam.SOURCE_LABEL, dt.date(2027, 4, 1))
    )
    assert not result.changed and len(result.unchanged) == 1


def test_a_hand_made_facility_is_matched_and_its_values_kept_when_the_file_has_none(
    index, admin_user
):
    page = FacilityPageFactory(
        parent=index,
        title="サンプル手作り園",
        office_number="1199000800",
        address="東台9丁目3番1号",
        fax="0495-00-7777",
        services=[("生活介護", 10, ["知的"])],
    )
    record = wam_record(
        office_number="1199000800", address="東台9-3-1", title="サンプル手作り園", capacity="10"
    )
    result = dry_run([wam_file([record])])
    assert not result.new
    (diff,) = result.changed
    assert diff.page_id == page.pk
    assert "FAX番号" not in {c.label for c in diff.changes}
    engine.apply(result, admin_user, publish=True)
    page.refresh_from_db()
    assert page.fax == "0495-00-7777"
    assert page.import_key == "1199000800|112119|東台9-3-1"
    assert list(page.services.get().target_groups.values_list("name", flat=True)) == ["知的"]


def test_an_editors_pending_draft_is_not_published_by_an_import(index, admin_user):
    record = wam_record(office_number="1199000900", capacity="10")
    import_files([wam_file([record])], user=admin_user, publish=True)
    page = FacilityPage.objects.get(office_number="1199000900")
    page.summary = "下書きの概要"
    page.save_revision(user=admin_user)
    result, written = import_files(
        [wam_file([{**record, "定員": "11"}])], user=admin_user, publish=True
    )
    assert written["drafts"] == 1 and written["published"] == 1 - 1
    page.refresh_from_db()
    assert page.summary == "" and page.services.get().capacity == 10
    draft = page.get_latest_revision_as_object()
    assert draft.summary == "下書きの概要" and draft.services.get().capacity == 11


def test_apply_refuses_a_plan_that_went_stale(index, admin_user):
    record = wam_record(office_number="1199001000", capacity="10")
    import_files([wam_file([record])], user=admin_user, publish=True)
    result = dry_run([wam_file([{**record, "定員": "11"}])])
    seen = result.digest()
    page = FacilityPage.objects.get(office_number="1199001000")
    page.title = "別の名前"
    page.save_revision(user=admin_user).publish()
    fresh = dry_run([wam_file([{**record, "定員": "11"}])])
    with pytest.raises(engine.StalePlan):
        engine.apply(fresh, admin_user, expected_digest=seen)


def test_the_office_number_is_unique_per_site_not_overall(index):
    FacilityPageFactory(parent=index, office_number="1199001100", address="東台9丁目1番1号")
    other = FacilityPage(
        title="サンプル分室",
        name_kana="サンプルブンシツ",
        office_number="1199001100",
        municipality=FacilityPage.objects.get().municipality,
        address="銀座9-9-9",
    )
    other.validation_parent = index
    other.full_clean(exclude=["path", "depth", "slug"])
    other.address = "東台9-1-1"
    with pytest.raises(Exception) as error:
        other.full_clean(exclude=["path", "depth", "slug"])
    assert "同じ住所の事業所" in str(error.value)


# --- Command line -----------------------------------------------------------------------------


def call_command_with_file(records, tmp_path=None, **options):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "wam.csv"
    path.write_bytes(wam.write_csv_bytes(records))
    out = io.StringIO()
    call_command("import_wam", str(path), "--as-of", "2026-10", stdout=out, **options)
    return out.getvalue()


def test_the_command_shows_the_diff_and_applies_only_when_asked(index):
    output = call_command_with_file([wam_record(title="サンプルコマンド園")])
    assert "新しい事業所: 1件" in output and "+ サンプルコマンド園" in output
    assert not FacilityPage.objects.exists()
    output = call_command_with_file([wam_record(title="サンプルコマンド園2")], apply=True)
    assert "下書き 1件" in output
    assert FacilityPage.objects.get().title == "サンプルコマンド園2"


# --- Query counts -----------------------------------------------------------------------------


def test_the_dry_run_loads_the_site_in_bulk(index, admin_user, django_assert_max_num_queries):
    records = [wam_record(office_number=f"11990020{n:02d}") for n in range(30)]
    import_files([wam_file(records)], user=admin_user, publish=True)
    files = [wam_file(records + [wam_record()])]
    rows = wam.read_files(files)
    with django_assert_max_num_queries(6):
        result = engine.plan(rows, SOURCE)
    assert len(result.unchanged) == 30 and len(result.new) == 1
    same = engine.plan(wam.read_files([wam_file(records)]), SOURCE)
    # Applying a plan with nothing to change reads a few rows and writes nothing.
    with django_assert_max_num_queries(8):
        engine.apply(same, admin_user, publish=True)


# --- Admin screens ------------------------------------------------------------------------------


def role_user(role):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=f"u-{abs(hash(role))}", password="x")
    user.groups.add(Group.objects.get(name=role))
    return user


def upload(client, files, **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"kind": "wam", "source_date": "", **data}
    if not payload["source_date"]:
        from facilities.imports.views import month_choices

        payload["source_date"] = month_choices()[0][0]
    payload["files"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post("/admin/facilities/import/", payload)


@pytest.mark.parametrize(
    "role, allowed", [("施設情報担当", True), ("事務局", True), ("承認者", False)]
)
def test_only_facility_editors_and_the_secretariat_may_import(client, index, role, allowed):
    client.force_login(role_user(role))
    for response in (
        client.get("/admin/facilities/import/"),
        upload(client, [wam_file([wam_record()])]),
    ):
        # Wagtail answers a refusal with its own message and the dashboard (see test_roles).
        refused = response.status_code == 403 or response.get("Location") == "/admin/"
        assert refused is not allowed
    assert FacilityPage.objects.count() == 0


def test_upload_dry_run_then_apply_through_the_task_queue(client, index):
    from facilities.models import FacilityImport, ImportStatus

    client.force_login(role_user("施設情報担当"))
    page = client.get("/admin/facilities/import/").content.decode()
    assert "確認なしですぐに公開する" in page
    response = upload(client, [wam_file([wam_record(title="サンプル画面園")])], publish="on")
    job = FacilityImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{job.pk}/")
    check = client.get(response["Location"]).content.decode()
    assert "新しい事業所: 1件" in check and "サンプル画面園" in check
    assert not FacilityPage.objects.exists()
    job.refresh_from_db()
    response = client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": job.plan_digest})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert job.summary["published"] == 1
    assert FacilityPage.objects.get().live
    assert "取り込みました" in client.get(f"/admin/facilities/import/{job.pk}/").content.decode()


def test_the_secretariat_imports_drafts_only(client, index):
    from facilities.models import FacilityImport

    client.force_login(role_user("事務局"))
    assert (
        "確認なしですぐに公開する" not in client.get("/admin/facilities/import/").content.decode()
    )
    upload(client, [wam_file([wam_record(title="サンプル事務局園")])], publish="on")
    job = FacilityImport.objects.get()
    client.get(f"/admin/facilities/import/{job.pk}/")
    job.refresh_from_db()
    client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": job.plan_digest})
    page = FacilityPage.objects.get()
    assert not page.live and page.latest_revision.user.groups.get().name == "事務局"


def test_the_check_page_lists_row_errors_and_offers_no_apply(admin_client, index):
    from facilities.models import FacilityImport

    upload(admin_client, [wam_file([wam_record(office_number="12")])])
    job = FacilityImport.objects.get()
    page = admin_client.get(f"/admin/facilities/import/{job.pk}/").content.decode()
    assert "「12」は事業所番号になりません(10桁の数字を書きます)。" in page
    assert "この内容で取り込む" not in page
    admin_client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": ""})
    assert not FacilityPage.objects.exists()


def test_an_apply_after_the_site_changed_is_refused(admin_client, admin_user, index):
    from facilities.models import FacilityImport, ImportStatus

    record = wam_record(office_number="1199003000", capacity="5")
    import_files([wam_file([record])], user=admin_user, publish=True)
    upload(admin_client, [wam_file([{**record, "定員": "6"}])])
    job = FacilityImport.objects.get()
    admin_client.get(f"/admin/facilities/import/{job.pk}/")
    job.refresh_from_db()
    page = FacilityPage.objects.get()
    page.title = "誰かが変えた名前"
    page.save_revision(user=admin_user).publish()
    before = snapshot()
    admin_client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": job.plan_digest})
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "確認の画面を開いた後に" in job.message
    assert snapshot() == before


def test_the_upload_form_refuses_no_file_in_japanese(admin_client, index):
    response = admin_client.post("/admin/facilities/import/", {"kind": "wam"})
    assert "ファイルを選んでください。" in response.content.decode()


# --- The council's own sheet ---------------------------------------------------------------------

SHEET_SOURCE = engine.Source(ImportKind.SHEET, "児玉郡市自立支援協議会の事業所一覧", AS_OF)
SHEET_HEADERS = ["事業所名", "事業所名_カナ", "所在地", "電話番号", "実施サービス", "定員", "備考"]


def sheet_rows(n=1):
    return [
        [
            f"サンプル一覧園{i}",
            f"サンプルイチランエン{i}",
            f"本庄市東台9-{i + 1}-1",
            f"0495-00-31{i:02d}",
            "生活介護",
            20 + i,
            "見学できます",
        ]
        for i in range(n)
    ]


def xlsx_bytes(rows, headers=SHEET_HEADERS, edit=None):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_csv(rows, headers=SHEET_HEADERS, encoding="utf-8-sig"):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def sheet_plan(files, mapping=None):
    from facilities.imports import spreadsheet

    try:
        rows, errors = spreadsheet.read_files(files, mapping), []
    except ImportFileError as error:
        rows, errors = [], error.errors
    return engine.plan(rows, SHEET_SOURCE, errors=errors)


@pytest.mark.parametrize(
    "files",
    [
        [("list.xlsx", xlsx_bytes(sheet_rows(2)))],
        [("list.csv", sheet_csv(sheet_rows(2)))],
        [("list.csv", sheet_csv(sheet_rows(2), encoding="cp932"))],
    ],
    ids=["xlsx", "csv-utf8-bom", "csv-cp932"],
)
def test_the_councils_sheet_is_read_with_synonym_headers(index, admin_user, files):
    result = sheet_plan(files)
    assert result.ok, messages(result)
    assert [d.facility.values["title"] for d in result.new] == [
        "サンプル一覧園0",
        "サンプル一覧園1",
    ]
    engine.apply(result, admin_user, publish=True)
    page = FacilityPage.objects.get(title="サンプル一覧園1")
    assert page.municipality.name == "本庄市" and page.address == "東台9-2-1"
    service = page.services.get()
    assert (service.capacity, service.notes) == (21, "見学できます")
    assert page.source_note() == "児玉郡市自立支援協議会の事業所一覧(令和8年10月時点)"


def test_the_sheet_template_has_the_known_headers(admin_client, index):
    import openpyxl

    from facilities.imports import spreadsheet

    response = admin_client.get("/admin/facilities/import/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == spreadsheet.TEMPLATE_HEADERS
    assert set(spreadsheet.suggest(headers).values()) >= set(spreadsheet.REQUIRED)


def test_formulas_are_refused_with_row_and_column(index):
    def formula(sheet):
        sheet["F3"] = "=F2+1"

    result = sheet_plan([("list.xlsx", xlsx_bytes(sheet_rows(2), edit=formula))])
    assert messages(result) == [
        "list.xlsx 3行目 「F列」: 数式が入っています。値だけを貼り付けてください"
        "(「形式を選択して貼り付け」の「値」)。"
    ]


def test_merged_cells_are_refused_with_row_and_column(index):
    def merge(sheet):
        sheet.merge_cells("E2:E3")

    result = sheet_plan([("list.xlsx", xlsx_bytes(sheet_rows(2), edit=merge))])
    assert messages(result) == [
        "list.xlsx 2行目 「E列」: セルが結合されています(E2:E3)。結合を解除し、各行に値を入れてください。"
    ]


def test_an_xlsx_bomb_is_refused_by_the_archive_bounds(index, settings):
    settings.UPLOAD_ARCHIVE_LIMITS = {
        "max_entries": 100,
        "max_entry_bytes": 1024 * 1024,
        "max_total_bytes": 2 * 1024 * 1024,
        "max_ratio": 100,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (5 * 1024 * 1024))
    result = sheet_plan([("bomb.xlsx", buffer.getvalue())])
    assert not result.ok
    assert messages(result)[0].startswith("bomb.xlsx: Excel のファイルを開けません。")


def test_sheet_row_errors_name_row_column_and_what_is_expected(index):
    rows = sheet_rows(3)
    rows[1][2] = "東台9-9-9"  # no municipality
    rows[2][5] = "二十"
    result = sheet_plan([("list.csv", sheet_csv(rows))])
    assert messages(result) == [
        "list.csv 3行目 「所在地」: 「東台9-9-9」から市町が分かりません"
        "(住所は 本庄市・美里町・神川町・上里町 のどれかから書きます。例: 本庄市東台9-1-1)。",
        "list.csv 4行目 「定員」: 「二十」は定員として読めません(人数を数字で書きます。定員がなければ空欄)。",
    ]


def test_a_sheet_with_other_headers_goes_through_the_mapping_step(admin_client, index):
    from facilities.models import FacilityImport

    headers = ["施設", "ヨミ", "場所", "サービス", "人数"]
    rows = [["サンプル対応園", "サンプルタイオウエン", "上里町七本木9-1-1", "生活介護", 12]]
    upload(admin_client, [("odd.xlsx", xlsx_bytes(rows, headers=headers))], kind="sheet")
    job = FacilityImport.objects.get()
    url = f"/admin/facilities/import/{job.pk}/columns/"
    assert admin_client.get(f"/admin/facilities/import/{job.pk}/")["Location"] == url
    page = admin_client.get(url).content.decode()
    assert "施設" in page and "サンプル対応園" in page
    response = admin_client.post(url, {"column-0": "title", "column-1": "title"})
    body = response.content.decode()
    assert "「事業所の名称」に2つの列(「施設」「ヨミ」)が選ばれています。" in body
    assert "「住所」にする列を選んでください(必ず要ります)。" in body
    response = admin_client.post(
        url,
        {
            "column-0": "title",
            "column-1": "name_kana",
            "column-2": "address",
            "column-3": "service",
            "column-4": "capacity",
        },
    )
    assert response["Location"] == f"/admin/facilities/import/{job.pk}/"
    check = admin_client.get(response["Location"]).content.decode()
    assert "新しい事業所: 1件" in check and "サンプル対応園" in check
    job.refresh_from_db()
    admin_client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": job.plan_digest})
    page = FacilityPage.objects.get()
    assert (page.municipality.name, page.services.get().capacity) == ("上里町", 12)


def test_a_sheet_suggests_columns_from_synonyms():
    from facilities.imports import spreadsheet

    headers = [
        "事業所の名称",
        "名称_カナ",
        "所在地_連結表記",
        "事業所FAX番号",
        "サービスの種類",
        "謎の列",
    ]
    assert spreadsheet.suggest(headers) == {
        "事業所の名称": "title",
        "名称_カナ": "name_kana",
        "所在地_連結表記": "address",
        "事業所FAX番号": "fax",
        "サービスの種類": "service",
    }


def test_the_check_page_shows_fields_kept_for_the_editor(admin_client, admin_user, index):
    from facilities.models import FacilityImport

    record = wam_record(office_number="1199004000", title="サンプル確認園")
    import_files([wam_file([record])], user=admin_user, publish=True)
    page = FacilityPage.objects.get()
    page.phone = "0495-00-4321"
    page.save_revision(user=admin_user).publish()
    upload(admin_client, [wam_file([{**record, "事業所電話番号": "0495-00-1111"}])])
    job = FacilityImport.objects.get()
    html = admin_client.get(f"/admin/facilities/import/{job.pk}/").content.decode()
    assert "上書きしない項目(1件)" in html
    assert (
        "サンプル確認園 の電話番号: 「0495-00-4321」のままにします(ファイルは「0495-00-1111」)"
        in html
    )
    assert "取り込むと変わるものはありません。" in html


def test_a_value_too_long_for_its_field_is_a_row_error(index):
    result = dry_run([wam_file([wam_record(address="東台" + "9" * 250)])])
    assert messages(result) == [
        "data.csv 2行目 「事業所住所（番地以降）」: 長すぎます(252文字。200文字までです)。"
    ]


def test_missing_facilities_are_linked_for_retiring_on_the_check_page(
    admin_client, admin_user, index
):
    from facilities.models import FacilityImport

    kept = wam_record(office_number="1199005000", title="サンプル継続園")
    gone = wam_record(office_number="1199005001", title="サンプル廃止園")
    import_files([wam_file([kept, gone])], user=admin_user, publish=True)
    upload(admin_client, [wam_file([kept])])
    job = FacilityImport.objects.get()
    html = admin_client.get(f"/admin/facilities/import/{job.pk}/").content.decode()
    page = FacilityPage.objects.get(title="サンプル廃止園")
    assert "ファイルにない事業所(1件)" in html
    assert f'href="/admin/pages/{page.pk}/edit/">サンプル廃止園</a>(1199005001)' in html


def test_a_failure_during_the_apply_is_recorded_and_changes_nothing(
    admin_client, index, monkeypatch
):
    from facilities.models import FacilityImport, ImportStatus

    upload(admin_client, [wam_file([wam_record(title="サンプル失敗園")])])
    job = FacilityImport.objects.get()
    admin_client.get(f"/admin/facilities/import/{job.pk}/")
    job.refresh_from_db()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FacilityPage, "save_revision", broken)
    admin_client.raise_request_exception = False
    admin_client.post(f"/admin/facilities/import/{job.pk}/apply/", {"digest": job.plan_digest})
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "何も変更していません" in job.message
    assert not FacilityPage.objects.exists()
