"""Backup and restore (operations/backup.py, ``manage.py backup`` / ``restore``)."""

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import struct
import tarfile
import time
import zlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image, Rendition
from wagtail.models import Collection, GroupPagePermission, Page, Revision

from council.models import MeetingHandout
from facilities.models import FacilityPhoto, ServiceType
from home.models import SearchEntry, SecretariatContact
from operations import backup
from operations.backup import BackupError, backed_up_models, existing_content, restore_backup
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    VacancyFigureFactory,
    make_site_home,
    paragraph,
    stream,
)
from tests.live import ensure_migration_data
from vacancies.models import VacancyFigure

pytestmark = pytest.mark.django_db

PDF_BYTES = (
    b"%PDF-1.4\n% \xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """An empty in-memory storage for each test, as on a new server."""
    _new_storage(settings)
    yield
    # Content type ids change in some tests; the rolled-back ones must not stay cached.
    ContentType.objects.clear_cache()


def _new_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def png_bytes(colour=(200, 30, 30), size=(40, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def build_site():
    """A small real site: council, meetings with a handout, facilities with a photo, news, users."""
    home = make_site_home()
    council = CouncilIndexPageFactory(parent=home)
    committee = CommitteePageFactory(parent=council, title="相談支援部会")
    handout = Document.objects.create(
        title="令和5年度 第1回 次第", file=ContentFile(PDF_BYTES, name="shidai.pdf")
    )
    meeting = MeetingPageFactory(parent=committee, title="令和5年度 第1回 相談支援部会")
    meeting.handouts.add(MeetingHandout(label="資料1", title="次第", document=handout))
    meeting.save_revision().publish()

    photo = Image.objects.create(
        title="事業所の外観", file=ImageFile(io.BytesIO(png_bytes()), name="gaikan.png")
    )
    photo.get_rendition("fill-20x20")  # a rendition file that the backup leaves out
    facilities = FacilityIndexPageFactory(parent=home)
    facility = FacilityPageFactory(
        parent=facilities,
        title="サンプル共同生活援助ひまわり",
        services=[("共同生活援助(介護サービス包括型)", 5, ["知的", "精神"])],
        features=["送迎あり", "駐車場あり"],
    )
    facility.photos.add(FacilityPhoto(image=photo, alt="2階建ての白い建物"))
    facility.save_revision().publish()

    news_index = NewsIndexPageFactory(parent=home)
    news = NewsPageFactory(parent=news_index, title="研修会のお知らせ", date=dt.date(2024, 5, 1))
    news.title = "研修会のお知らせ(会場変更)"
    news.save_revision()  # an unpublished draft on a live page
    draft_only = NewsPageFactory(parent=news_index, title="下書きのお知らせ")
    draft_only.unpublish()
    StandardPageFactory(
        parent=home, title="アクセシビリティ方針", body=stream(paragraph("<p>方針の本文</p>"))
    )

    other = Document.objects.create(
        title="様式集", file=ContentFile(b"a,b\n1,2\n", name="yoshiki.csv")
    )
    assert other.file.name

    service = ServiceType.objects.get(name="共同生活援助(介護サービス包括型)")
    editor = _make_user()
    for month, vacancies in [(dt.date(2024, 4, 1), 2), (dt.date(2024, 5, 1), None)]:
        VacancyFigureFactory(
            facility=facility,
            service_type=service,
            month=month,
            vacancies=vacancies,
            for_whom="female",
            trial_stay=True,
            note="要相談",
            entered_by=editor,
        )
    group = Group.objects.create(name="相談支援部会の編集者")
    group.user_set.add(editor)
    GroupPagePermission.objects.create(group=group, page=committee, permission_type="change")

    contact = SecretariatContact.for_site(home.get_site())
    contact.phone = "0495-00-0000"
    contact.fax = "0495-00-0001"
    contact.save()
    return home


def _make_user():
    return get_user_model().objects.create_user(
        username="jimukyoku", email="jimukyoku@example.jp", password="correct horse battery"
    )


def media_files():
    """Every file in the storage except renditions, with its bytes."""
    renditions = set(Rendition.objects.values_list("file", flat=True))
    return {
        name: default_storage.open(name).read()
        for name in backup._storage_files(default_storage)
        if name not in renditions
    }


def natural_content(content):
    """A revision's content with its content type id given as (app, model)."""
    content = dict(content)
    content_type = ContentType.objects.get_for_id(content["content_type"])
    content["content_type"] = (content_type.app_label, content_type.model)
    return content


def snapshot():
    """What a restore must bring back, in comparable form."""
    pages = [
        (
            p.pk,
            p.title,
            p.url_path,
            p.path,
            p.depth,
            p.numchild,
            p.live,
            p.has_unpublished_changes,
            p.content_type.app_label,
            p.content_type.model,
            p.latest_revision_id,
            p.live_revision_id,
        )
        for p in Page.objects.order_by("path")
    ]
    revisions = [
        (r.pk, r.object_id, r.content_type.model, natural_content(r.content), r.created_at)
        for r in Revision.objects.order_by("pk")
    ]
    vacancies = list(
        VacancyFigure.objects.order_by("pk").values_list(
            "facility__title",
            "service_type__name",
            "month",
            "vacancies",
            "for_whom",
            "trial_stay",
            "note",
            "entered_by__username",
        )
    )
    groups = {
        g.name: (
            sorted(g.permissions.values_list("codename", flat=True)),
            sorted(g.user_set.values_list("username", flat=True)),
            sorted(
                GroupPagePermission.objects.filter(group=g).values_list(
                    "page__url_path", "permission__codename"
                )
            ),
        )
        for g in Group.objects.all()
    }
    meeting = Page.objects.get(title="令和5年度 第1回 相談支援部会").specific
    facility = Page.objects.get(title="サンプル共同生活援助ひまわり").specific
    return {
        "counts": {m._meta.label: m._base_manager.count() for m in backed_up_models()},
        "pages": pages,
        "revisions": revisions,
        "vacancies": vacancies,
        "groups": groups,
        "handout": (
            meeting.handouts.get().document.title,
            meeting.handouts.get().document.file.name,
        ),
        "facility": (
            facility.photos.get().image.file.name,
            sorted(facility.features.values_list("name", flat=True)),
            [
                (s.service_type.name, s.capacity, sorted(t.name for t in s.target_groups.all()))
                for s in facility.services.all()
            ],
        ),
        "users": list(get_user_model().objects.values_list("username", "email", "password")),
        "collections": list(Collection.objects.order_by("path").values_list("pk", "name", "path")),
        "contact": SecretariatContact.objects.values_list("site__hostname", "phone", "fax").get(),
        "files": media_files(),
    }


def empty_database(migration_data):
    """Back to the state migrations leave, as on a freshly migrated server.

    Content types then get other ids, as on a server whose migrations ran in
    another order, so the restore has to map them by name.
    """
    connection.check_constraints()  # PostgreSQL: no pending checks may block TRUNCATE
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ensure_migration_data(migration_data)
    offset = 1000
    with transaction.atomic():
        ContentType.objects.update(id=F("id") + offset)
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.local_fields:
                if field.is_relation and field.related_model is ContentType:
                    model._base_manager.update(**{field.attname: F(field.attname) + offset})
        connection.check_constraints()
    ContentType.objects.clear_cache()
    assert ContentType.objects.order_by("pk").first().pk > offset


def test_round_trip_brings_back_the_whole_site(tmp_path, settings, migration_data):
    build_site()
    before = snapshot()
    assert len(before["files"]) == 3  # two documents and one original image
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "バックアップを作りました" in out.getvalue()
    assert "空き情報: 2件" in out.getvalue()

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"manifest.json", "data.json"} <= names
    assert {f"media/{name}" for name in before["files"]} == names - {"manifest.json", "data.json"}
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["created_at"].endswith("+09:00")
    assert manifest["row_counts"]["wagtailcore.page"] == len(before["pages"])
    assert manifest["row_counts"]["vacancies.vacancyfigure"] == 2
    assert "wagtailimages.rendition" not in manifest["row_counts"]
    assert ["wagtailcore", "0001_initial"] in manifest["migrations"]
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(before["files"][entry["name"]]).hexdigest()
        assert entry["size"] == len(before["files"][entry["name"]])

    empty_database(migration_data)
    _new_storage(settings)
    assert existing_content() == []
    assert Page.objects.count() == 2 and not Document.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "復元しました" in out.getvalue()
    assert "ページの版: " in out.getvalue()

    after = snapshot()
    for key in before:
        assert after[key] == before[key], key
    # Derived data is rebuilt, renditions are made again from the restored original.
    live_pages = Page.objects.live().filter(depth__gt=1).count()
    assert SearchEntry.objects.count() == live_pages
    assert SearchEntry.objects.filter(title="研修会のお知らせ").exists()
    assert not SearchEntry.objects.filter(title="下書きのお知らせ").exists()
    rendition = Image.objects.get().get_rendition("fill-20x20")
    assert rendition.width == 20
    # New rows get fresh ids after the restored ones (sequences reset on PostgreSQL).
    newest = Group.objects.create(name="追加のグループ")
    assert newest.pk > max(g.pk for g in Group.objects.exclude(pk=newest.pk))


def test_restored_site_serves_its_pages(tmp_path, settings, migration_data, client):
    build_site()
    archive = backup.create_backup(tmp_path / "a.tar.gz").path
    empty_database(migration_data)
    _new_storage(settings)
    restore_backup(archive)
    response = client.get("/fukushi-map/")
    assert response.status_code == 200
    assert "サンプル共同生活援助ひまわり" in response.content.decode()
    document = Document.objects.get(title="令和5年度 第1回 次第")
    meeting = Page.objects.get(title="令和5年度 第1回 相談支援部会")
    response = client.get(meeting.url)
    assert response.status_code == 200
    assert document.url in response.content.decode()
    assert default_storage.open(document.file.name).read() == PDF_BYTES


def test_default_name_is_a_jst_timestamp_under_var_backups(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    result = backup.create_backup(now=dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC))
    assert result.path == tmp_path / "backups" / "backup-20260401-003000.tar.gz"
    assert result.path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(BackupError, match="既にあります"):
        backup.create_backup(now=dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC))


def test_backup_reports_files_missing_from_storage(tmp_path):
    document = Document.objects.create(title="様式", file=ContentFile(b"x", name="yoshiki.csv"))
    default_storage.delete(document.file.name)
    err = io.StringIO()
    call_command("backup", output=str(tmp_path / "b.tar.gz"), stdout=io.StringIO(), stderr=err)
    assert f"保存先に見つかりませんでした: {document.file.name}" in err.getvalue()


def test_backup_refuses_to_overwrite(tmp_path):
    existing = tmp_path / "b.tar.gz"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="上書きはしません"):
        call_command("backup", output=str(existing), stdout=io.StringIO())
    assert existing.read_bytes() == b"keep me"


# --- Bad input -------------------------------------------------------------------


@pytest.fixture
def small_archive(tmp_path):
    """A valid archive of a nearly empty site (one document), the database then emptied again."""
    document = Document.objects.create(title="規約", file=ContentFile(PDF_BYTES, name="kiyaku.pdf"))
    path = backup.create_backup(tmp_path / "small.tar.gz").path
    name = document.file.name
    document.delete()
    default_storage.delete(name)
    assert existing_content() == []
    return path


def state():
    """Everything a refused restore must leave as it was."""
    return (
        {m._meta.label: m._base_manager.count() for m in backed_up_models()},
        backup._storage_files(default_storage),
    )


def refused(path, match):
    before = state()
    with pytest.raises(BackupError, match=match) as error:
        restore_backup(path)
    assert state() == before
    with pytest.raises(CommandError, match="何も変更していません"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert state() == before
    return str(error.value)


def rewrite(src, dst, change):
    """Copy an archive, passing each member's (name, bytes) through ``change``."""
    with tarfile.open(src) as tar_in, tarfile.open(dst, "w:gz") as tar_out:
        for member in tar_in:
            result = change(member.name, tar_in.extractfile(member).read())
            if result is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(result)
            tar_out.addfile(info, io.BytesIO(result))
    return dst


def with_manifest(src, dst, edit):
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return rewrite(src, dst, change)


def test_small_archive_restores(small_archive):
    result = restore_backup(small_archive)
    assert Document.objects.get().title == "規約"
    assert default_storage.open(Document.objects.get().file.name).read() == PDF_BYTES
    assert result.files_written == 1


def test_truncated_archive_is_refused(small_archive, tmp_path):
    data = small_archive.read_bytes()
    bad = tmp_path / "truncated.tar.gz"
    bad.write_bytes(data[: len(data) // 2])
    message = refused(bad, "読み込めません")
    assert "壊れている" in message


def test_archive_with_damaged_bytes_is_refused(small_archive, tmp_path):
    raw = bytearray(gzip.decompress(small_archive.read_bytes()))
    # Damage the document's bytes inside the tar, keeping a valid gzip file.
    offset = raw.find(PDF_BYTES)
    assert offset > 0
    raw[offset + 20] ^= 0xFF
    bad = tmp_path / "damaged.tar.gz"
    bad.write_bytes(gzip.compress(bytes(raw)))
    refused(bad, "チェックサムが manifest.json と一致しません")


def test_corrupt_gzip_stream_is_refused(small_archive, tmp_path):
    data = bytearray(small_archive.read_bytes())
    for i in range(40, len(data) - 40, 7):
        data[i] ^= 0x5A
    bad = tmp_path / "corrupt.tar.gz"
    bad.write_bytes(bytes(data))
    refused(bad, "読み込めません")


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4 not an archive\n", "名前,電話\n事務局,0495\n".encode("shift_jis"), b""],
)
def test_a_file_that_is_not_an_archive_is_refused(tmp_path, content):
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(content)
    refused(path, "読み込めません")


def test_missing_file_is_refused(tmp_path):
    refused(tmp_path / "nothing-here.tar.gz", "見つかりません")


def test_tar_without_manifest_is_refused(small_archive, tmp_path):
    bad = rewrite(
        small_archive,
        tmp_path / "no-manifest.tar.gz",
        lambda name, data: None if name == "manifest.json" else data,
    )
    refused(bad, "manifest.json")


def test_wrong_file_checksum_in_manifest_is_refused(small_archive, tmp_path):
    def edit(manifest):
        manifest["files"][0]["sha256"] = hashlib.sha256(b"something else").hexdigest()

    bad = with_manifest(small_archive, tmp_path / "wrong-sum.tar.gz", edit)
    message = refused(bad, "チェックサム")
    assert "kiyaku" in message


def test_wrong_data_checksum_in_manifest_is_refused(small_archive, tmp_path):
    def edit(manifest):
        manifest["data"]["sha256"] = "0" * 64

    bad = with_manifest(small_archive, tmp_path / "wrong-data-sum.tar.gz", edit)
    refused(bad, "data.json")


def test_newer_format_is_refused(small_archive, tmp_path):
    def edit(manifest):
        manifest["format_version"] = backup.FORMAT_VERSION + 1

    refused(with_manifest(small_archive, tmp_path / "newer.tar.gz", edit), "新しい形式")


def test_different_migrations_are_refused(small_archive, tmp_path):
    def add(manifest):
        manifest["migrations"].append(["council", "9999_from_the_future"])

    refused(with_manifest(small_archive, tmp_path / "future.tar.gz", add), "同じ版のプログラム")

    def drop(manifest):
        manifest["migrations"] = [m for m in manifest["migrations"] if m[0] != "facilities"]

    refused(with_manifest(small_archive, tmp_path / "older.tar.gz", drop), "マイグレーション")


def test_unexpected_member_is_refused(small_archive, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(small_archive) as tar_in, tarfile.open(evil, "w:gz") as tar_out:
        for member in tar_in:
            tar_out.addfile(member, tar_in.extractfile(member))
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        tar_out.addfile(info, io.BytesIO(b"x"))
    refused(evil, "想定外の内容")


# --- Archive bombs ------------------------------------------------------------------

MB = 1024 * 1024
GB = 1024 * MB
ZERO_MB = b"\0" * MB


def header(name, size, kind=tarfile.REGTYPE, tar_format=tarfile.GNU_FORMAT):
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    return info.tobuf(format=tar_format)


def padded(data):
    return data + b"\0" * (-len(data) % tarfile.BLOCKSIZE)


def pax_header(records):
    """An extended header holding ``records`` (keyword, value) in pax's length-prefixed form."""
    body = b""
    for keyword, value in records:
        line = f" {keyword}={value}\n".encode()
        length = len(line)
        while len(str(length)) + len(line) != length:
            length = len(str(length)) + len(line)
        body += str(length).encode() + line
    return header("././@PaxHeader", len(body), tarfile.XHDTYPE) + padded(body)


def tar_gz(*parts):
    return gzip.compress(b"".join(parts) + b"\0" * (2 * tarfile.BLOCKSIZE), 1)


def zeros_tar_gz(name, megabytes):
    """A tar.gz of one member of ``megabytes`` MB of zeros, built without compressing them all.

    After a full flush the compressor starts afresh, so one flushed megabyte of
    zeros can be repeated as often as wanted (about 1KB each).
    """

    def fresh():
        return zlib.compressobj(9, zlib.DEFLATED, -15)

    first = fresh()
    head = header(name, megabytes * MB)
    stream = first.compress(head) + first.flush(zlib.Z_FULL_FLUSH)
    middle = fresh()
    stream += (middle.compress(ZERO_MB) + middle.flush(zlib.Z_FULL_FLUSH)) * megabytes
    tail = b"\0" * (2 * tarfile.BLOCKSIZE)
    last = fresh()
    stream += last.compress(tail) + last.flush()
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(ZERO_MB, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * MB + len(tail)
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + stream
        + struct.pack("<LL", crc, size & 0xFFFFFFFF)
    )


@pytest.fixture
def bomb(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        assert path.stat().st_size < 2 * MB
        return path

    return write


def test_a_member_declaring_100gb_is_refused_at_its_header(bomb):
    path = bomb("declared.tar.gz", tar_gz(header("data.json", 100 * GB), b"[" * 1024))
    message = refused(path, "展開すると上限を超えるため")
    assert "展開すると大きすぎるファイルが入っています(「data.json」が 100GB。上限は 1GB です)" in (
        message
    )
    assert "環境変数 BACKUP_MAX_ENTRY_MB" in message


def test_a_size_given_in_a_pax_header_is_checked_too(bomb):
    path = bomb(
        "pax.tar.gz",
        tar_gz(header("media/documents/big.pdf", 100 * GB, tar_format=tarfile.PAX_FORMAT)),
    )
    assert b"size=107374182400" in gzip.decompress(path.read_bytes())
    refused(path, "「media/documents/big.pdf」が 100GB")


def test_an_extreme_ratio_is_refused_while_unpacking(bomb):
    path = bomb("zeros.tar.gz", zeros_tar_gz("data.json", 300))
    started = time.monotonic()
    message = refused(path, "極端に圧縮されています")
    assert time.monotonic() - started < 30
    assert "上限は 200 倍です" in message and "BACKUP_MAX_RATIO" in message


def test_too_many_members_are_refused(bomb, settings):
    settings.BACKUP_ARCHIVE_LIMITS = {**settings.BACKUP_ARCHIVE_LIMITS, "max_entries": 50}
    members = [header(f"media/documents/{i}.pdf", 0) for i in range(60)]
    message = refused(bomb("many.tar.gz", tar_gz(*members)), "数が多すぎます")
    assert "上限は 50 個です" in message and "BACKUP_MAX_ENTRIES" in message


def test_too_much_in_total_is_refused(bomb, settings):
    settings.BACKUP_ARCHIVE_LIMITS = {**settings.BACKUP_ARCHIVE_LIMITS, "max_total_bytes": MB}
    noise = os.urandom(600 * 1024)
    members = [header(f"media/images/{i}.jpg", len(noise)) + padded(noise) for i in range(2)]
    message = refused(bomb("total.tar.gz", tar_gz(*members)), "全体が大きすぎます")
    assert "上限は 1MB です" in message and "BACKUP_MAX_TOTAL_GB" in message


def test_the_gzip_stream_is_capped_whatever_the_headers_say(bomb, settings):
    # Four pax headers of 60KB each (allowed one by one) before a 1MB member: the
    # members' sizes are within the limit, the unpacked stream is not.
    settings.BACKUP_ARCHIVE_LIMITS = {
        **settings.BACKUP_ARCHIVE_LIMITS,
        "max_entries": 1,
        "max_entry_bytes": MB,
        "max_total_bytes": MB,
    }
    extended = [pax_header([("comment", os.urandom(30 * 1024).hex())]) for _ in range(4)]
    member = header("media/images/a.jpg", MB) + os.urandom(MB)
    refused(bomb("stream.tar.gz", tar_gz(*extended, member)), "全体が大きすぎます")


@pytest.mark.parametrize("count, size", [(1, GB), (3000, 0)])
def test_oversized_or_endless_extended_headers_are_refused(bomb, count, size):
    if size:
        parts = [header("././@PaxHeader", size, tarfile.XHDTYPE)]
    else:
        parts = [pax_header([("comment", "x")])] * count
    path = bomb("extended.tar.gz", tar_gz(*parts, header("data.json", 2), b"[]"))
    message = refused(path, "付いた情報")
    assert "中のファイルに付いた情報(長いファイル名など)が大きすぎるか、多すぎます。" in message


def test_a_backup_beyond_the_restore_limits_says_so_and_restores_once_raised(tmp_path, settings):
    defaults = settings.BACKUP_ARCHIVE_LIMITS
    settings.BACKUP_ARCHIVE_LIMITS = {**defaults, "max_entries": 2}
    Document.objects.create(title="規約", file=ContentFile(PDF_BYTES, name="kiyaku.pdf"))
    errors = io.StringIO()
    call_command("backup", output=str(tmp_path / "big.tar.gz"), stdout=io.StringIO(), stderr=errors)
    assert "復元のときの上限を超えています" in errors.getvalue()
    assert "BACKUP_MAX_ENTRIES(ファイルの数 3 個)" in errors.getvalue()

    Document.objects.all().delete()
    for name in backup._storage_files(default_storage):
        default_storage.delete(name)
    refused(tmp_path / "big.tar.gz", "BACKUP_MAX_ENTRIES")
    settings.BACKUP_ARCHIVE_LIMITS = defaults
    assert restore_backup(tmp_path / "big.tar.gz").files_written == 1


def test_backup_limits_read_the_environment():
    import subprocess
    import sys

    code = "from cms.settings import base; print(*base.BACKUP_ARCHIVE_LIMITS.values())"
    env = {
        **os.environ,
        "BACKUP_MAX_ENTRIES": "500",
        "BACKUP_MAX_ENTRY_MB": "64",
        "BACKUP_MAX_TOTAL_GB": "3",
        "BACKUP_MAX_RATIO": "50",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["500", str(64 * MB), str(3 * GB), "50"]


def test_restore_into_a_database_with_content_is_refused(small_archive):
    home = make_site_home()
    StandardPageFactory(parent=home, title="既にあるページ")
    _make_user()
    message = refused(small_archive, "既に内容があります")
    assert "ページ" in message and "ユーザー 1人" in message
    assert Page.objects.filter(title="既にあるページ").exists()


def test_storage_with_a_different_file_of_the_same_name_is_refused(small_archive):
    with tarfile.open(small_archive) as tar:
        name = json.load(tar.extractfile("manifest.json"))["files"][0]["name"]
    default_storage.save(name, ContentFile(b"other bytes"))
    refused(small_archive, "別のファイル")
    assert default_storage.open(name).read() == b"other bytes"


def test_failure_midway_rolls_back_database_and_files(small_archive, monkeypatch):
    before = state()

    def broken():
        raise RuntimeError("索引を作れません")

    monkeypatch.setattr(backup, "_rebuild_indexes", broken)
    with pytest.raises(BackupError, match="元に戻しました"):
        restore_backup(small_archive)
    assert state() == before
    assert not Document.objects.exists()
    assert existing_content() == []


@pytest.mark.django_db
def test_the_history_of_a_removed_app_does_not_count():
    """A database that once had an app the site no longer installs backs up and restores."""
    MigrationRecorder(connection).record_applied("wagtailforms", "0001_initial")
    listed = backup.applied_migrations(connection)
    assert ["wagtailforms", "0001_initial"] not in listed
    assert ["vacancies", "0001_initial"] in listed
