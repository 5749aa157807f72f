"""Backing up the whole site to one file and restoring it onto a new server.

An archive is a gzip-compressed tar file holding:

``data.json``
    Every row of the database in Django's JSON serialization. Rows keep their
    primary keys, except content types and permissions: their ids depend on the
    order in which a database was migrated, so they and every reference to them
    are written with natural keys (``["council", "meetingpage"]``) and are
    matched to the rows the target database's migrations created. This keeps
    the data independent of the database engine: a SQLite backup restores into
    PostgreSQL and the other way round.
``media/…``
    Every file in the default storage (documents, original images, avatars),
    read through Django's storage API so it works the same for local files and
    object storage. Image renditions are left out and made again on demand.
``manifest.json``
    Format version, time of creation, program versions, applied migrations,
    rows per model, and the size and SHA-256 of ``data.json`` and of every
    file. A restore checks all of these before it changes anything.

Derived data (search indexes, the reference index, renditions) and short-lived
rows (sessions, editing sessions, preview states) are not stored; a restore
rebuilds the indexes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import platform
import tarfile
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import AbstractRendition
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision

from home import search
from home.archives import ArchiveLimitError, ArchiveLimits, open_tar_gz
from home.formatting import file_size
from vacancies.models import VacancyFigure

FORMAT = "kodama-jiritsushien-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
JST = ZoneInfo("Asia/Tokyo")
CHUNK = 1024 * 1024

# Models referenced by natural key: their ids differ between databases.
NATURAL_KEY_MODELS = ("contenttypes.ContentType", "auth.Permission")

# Rows that are rebuilt after a restore or only live for a moment.
SKIPPED_MODELS = (
    "sessions.Session",
    "home.SearchEntry",
    "wagtailsearch.IndexEntry",
    "wagtailsearch.SQLiteFTSIndexEntry",
    "wagtailcore.ReferenceIndex",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator."""


# --- Which models -----------------------------------------------------------


def _is_rendition(model):
    return issubclass(model, AbstractRendition)


def backed_up_models():
    """Concrete models whose rows go into the archive, content types and permissions first."""
    natural = [apps.get_model(label) for label in NATURAL_KEY_MODELS]
    rest = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in SKIPPED_MODELS
        and model not in natural
        and not _is_rendition(model)
    ]
    rest.sort(key=lambda m: m._meta.label)
    return natural + rest


def _all_tables(connection):
    """Every table of an installed model (m2m tables included) that exists in the database."""
    existing = set(connection.introspection.table_names())
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing:
            if model._meta.db_table not in tables:
                tables.append(model._meta.db_table)
    return tables


class _Encoder(DjangoJSONEncoder):
    """Keeps microseconds, which Django's encoder cuts to milliseconds."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONSerializer):
    """Django's JSON serializer, with natural keys only for ``NATURAL_KEY_MODELS``."""

    def _natural(self, model):
        return model._meta.concrete_model._meta.label in NATURAL_KEY_MODELS

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field.remote_field.model)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field.remote_field.model)
        super().handle_m2m_field(obj, field)

    def get_dump_object(self, obj):
        self.use_natural_primary_keys = self._natural(type(obj))
        return super().get_dump_object(obj)


# --- Small helpers ------------------------------------------------------------


def _sha256_copy(src, dst):
    """Copy a file object to another; return (size, sha256 hex)."""
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        dst.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


class _Discard:
    def write(self, data):
        return len(data)


def _sha256_of(fileobj):
    return _sha256_copy(fileobj, _Discard())


def _storage_files(storage, path=""):
    """Every file name in a storage, walking its directories."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in files]
    for directory in directories:
        names.extend(_storage_files(storage, f"{path}/{directory}" if path else directory))
    return sorted(names)


def _rendition_files(using):
    names = set()
    for model in apps.get_models():
        if _is_rendition(model):
            names.update(model._base_manager.using(using).values_list("file", flat=True))
    return names


def _referenced_files(using):
    """File names that rows of the backed-up models point to."""
    names = set()
    for model in backed_up_models():
        for model_field in model._meta.local_fields:
            if isinstance(model_field, FileField):
                names.update(
                    name
                    for name in model._base_manager.using(using)
                    .exclude(**{model_field.name: ""})
                    .values_list(model_field.name, flat=True)
                    if name
                )
    return names


def applied_migrations(connection):
    """Applied migrations of the installed apps (a removed app's history does not count)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    installed = {config.label for config in apps.get_app_configs()}
    return sorted([app, name] for app, name in recorder.applied_migrations() if app in installed)


def check_fully_migrated(connection):
    """Refuse to back up a database whose migrations are behind the program."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        migration = plan[0][0]
        raise BackupError(
            f"データベースに適用されていないマイグレーションが {len(plan)} 件あります"
            f"(例: {migration.app_label}.{migration.name})。"
            "先に `python manage.py migrate` を実行してください。"
        )


def default_backup_path(now=None):
    now = (now or dt.datetime.now(tz=JST)).astimezone(JST)
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "backups" / f"backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def _add_bytes(tar, name, data, mtime):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar, name, fileobj, size, mtime):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    fileobj.seek(0)
    tar.addfile(info, fileobj)


# --- Backup -------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    missing_files: list = field(default_factory=list)
    over_restore_limits: list = field(default_factory=list)

    @property
    def total_file_bytes(self):
        return sum(f["size"] for f in self.manifest["files"])


def create_backup(output=None, *, storage=None, using=DEFAULT_DB_ALIAS, now=None):
    """Write one archive of the database and media files; return where it went.

    The archive is first written next to its final name and moved into place
    only when complete, so a failed backup leaves no partial file behind.
    """
    storage = storage or default_storage
    now = (now or dt.datetime.now(tz=JST)).astimezone(JST)
    path = Path(output) if output else default_backup_path(now)
    if path.exists():
        raise BackupError(f"保存先のファイルが既にあります: {path}(上書きはしません)")
    if path.parent.exists() and not path.parent.is_dir():
        raise BackupError(f"保存先のフォルダーがフォルダーではありません: {path.parent}")
    location = getattr(storage, "location", None)
    if location and path.resolve().is_relative_to(Path(location).resolve()):
        raise BackupError(
            f"バックアップファイルを、アップロードされたファイルの保存先({location})の中には作れません。"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    mtime = int(now.timestamp())
    connection = connections[using]
    check_fully_migrated(connection)

    outer_transaction = connection.in_atomic_block
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        work = Path(work)
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and not outer_transaction:
                # One snapshot for every query of the dump.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            data_path = work / DATA_NAME
            row_counts = {}
            models = backed_up_models()
            with data_path.open("w", encoding="utf-8") as out:
                _Serializer().serialize(
                    _rows(models, using, row_counts),
                    stream=out,
                    indent=None,
                    ensure_ascii=False,
                    cls=_Encoder,
                )
            content_types = {
                str(ct.pk): [ct.app_label, ct.model]
                for ct in ContentType.objects.using(using).order_by("pk")
            }
            renditions = _rendition_files(using)
            referenced = _referenced_files(using)
            migrations = applied_migrations(connection)

        with data_path.open("rb") as fh:
            data_size, data_sha = _sha256_of(fh)

        tmp_archive = work / "archive.tar.gz"
        files = []
        with tarfile.open(tmp_archive, "w:gz") as tar:
            with data_path.open("rb") as fh:
                _add_file(tar, DATA_NAME, fh, data_size, mtime)
            for name in _storage_files(storage):
                if name in renditions:
                    continue
                with (
                    storage.open(name, "rb") as src,
                    tempfile.SpooledTemporaryFile(max_size=8 * CHUNK, dir=work) as spool,
                ):
                    size, sha = _sha256_copy(src, spool)
                    _add_file(tar, MEDIA_PREFIX + name, spool, size, mtime)
                files.append({"name": name, "size": size, "sha256": sha})
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": now.isoformat(timespec="seconds"),
                "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
                "versions": {
                    "python": platform.python_version(),
                    "django": django.get_version(),
                    "wagtail": wagtail.__version__,
                },
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "data": {"name": DATA_NAME, "size": data_size, "sha256": data_sha},
                "row_counts": row_counts,
                "content_types": content_types,
                "files": files,
            }
            _add_bytes(
                tar,
                MANIFEST_NAME,
                json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
                mtime,
            )
        os.chmod(tmp_archive, 0o600)  # the archive holds users' password hashes
        os.replace(tmp_archive, path)

    stored = {f["name"] for f in files}
    missing = sorted(name for name in referenced if name not in stored)
    return BackupResult(
        path=path,
        manifest=manifest,
        missing_files=missing,
        over_restore_limits=restore_limits_passed(manifest, path.stat().st_size),
    )


def restore_limits_passed(manifest, archive_size, limits=None):
    """The restore limits this archive passes, as "VARIABLE (…)" lines; [] if none.

    A growing site can outgrow them; the backup is still made, and the operator
    learns which variable the restore will need before a restore is urgent.
    """
    limits = limits or backup_archive_limits()
    sizes = [manifest["data"]["size"]] + [f["size"] for f in manifest["files"]]
    total = sum(sizes)
    passed = []
    if len(sizes) + 1 > limits.max_entries:
        passed.append(f"BACKUP_MAX_ENTRIES(ファイルの数 {len(sizes) + 1:,} 個)")
    if max(sizes) > limits.max_entry_bytes:
        passed.append(f"BACKUP_MAX_ENTRY_MB(最大のファイル {file_size(max(sizes), round_up=True)})")
    if total > limits.max_total_bytes:
        passed.append(f"BACKUP_MAX_TOTAL_GB(合計 {file_size(total, round_up=True)})")
    if total > limits.ratio_from_bytes and total > limits.max_ratio * archive_size:
        passed.append(f"BACKUP_MAX_RATIO(圧縮の比率 {total / archive_size:,.0f} 倍)")
    return passed


def _rows(models, using, row_counts):
    for model in models:
        count = 0
        for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=500):
            count += 1
            yield obj
        row_counts[model._meta.label_lower] = count


# --- Reading an archive ---------------------------------------------------------


@dataclass
class Archive:
    """A checked archive: its manifest and the rows it holds."""

    path: Path
    manifest: dict
    objects: list

    @property
    def files(self):
        return self.manifest["files"]


def _unreadable(path, exc):
    return BackupError(
        f"バックアップファイルを読み込めません: {path}\n"
        "壊れているか、このサイトのバックアップファイルではありません。"
        f"(詳細: {type(exc).__name__}: {exc})"
    )


def backup_archive_limits():
    return ArchiveLimits.from_setting("BACKUP_ARCHIVE_LIMITS")


# The environment variable that sets each bound (cms/settings/base.py).
LIMIT_VARIABLES = {
    "max_entries": "BACKUP_MAX_ENTRIES",
    "max_entry_bytes": "BACKUP_MAX_ENTRY_MB",
    "max_total_bytes": "BACKUP_MAX_TOTAL_GB",
    "max_ratio": "BACKUP_MAX_RATIO",
}


def _too_large(path, exc):
    variable = LIMIT_VARIABLES.get(exc.bound)
    advice = (
        f"このサイトで作った正しいバックアップなら、環境変数 {variable} で上限を上げてから"
        "もう一度実行してください(docs/backup.md)。"
        if variable
        else ""
    )
    return BackupError(
        f"バックアップファイルを展開すると上限を超えるため、読み込みを止めました: {path}\n"
        f"{exc.reason}。{advice}"
    )


def _check_member_name(name):
    if name in (MANIFEST_NAME, DATA_NAME):
        return
    posix = PurePosixPath(name)
    if (
        name.startswith(MEDIA_PREFIX)
        and not posix.is_absolute()
        and ".." not in posix.parts
        and len(posix.parts) > 1
    ):
        return
    raise BackupError(f"バックアップファイルに想定外の内容があります: {name}")


def read_archive(path):
    """Open an archive and check everything in it against its manifest.

    Raises ``BackupError`` with a Japanese message for anything wrong; reads
    the whole file once, computing each member's SHA-256.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError(f"バックアップファイルが見つかりません: {path}")
    if not path.is_file():
        raise BackupError(f"バックアップファイルではありません(フォルダーなど): {path}")

    digests, manifest_bytes, data_bytes = {}, None, None
    try:
        with open_tar_gz(path, backup_archive_limits()) as tar:
            for member in tar:
                _check_member_name(member.name)
                if not member.isfile():
                    raise BackupError(
                        f"バックアップファイルに想定外の内容があります: {member.name}"
                    )
                if member.name in digests:
                    raise BackupError(
                        f"バックアップファイルに同じ名前の項目が2つあります: {member.name}"
                    )
                src = tar.extractfile(member)
                if member.name == MANIFEST_NAME:
                    manifest_bytes = src.read()
                    digests[member.name] = None
                elif member.name == DATA_NAME:
                    data_bytes = src.read()
                    digests[member.name] = (len(data_bytes), hashlib.sha256(data_bytes).hexdigest())
                else:
                    digests[member.name] = _sha256_of(src)
    except BackupError:
        raise
    except ArchiveLimitError as exc:
        raise _too_large(path, exc) from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _unreadable(path, exc) from exc

    if manifest_bytes is None:
        raise BackupError(
            "バックアップファイルに manifest.json(内容の一覧)がありません。"
            "このサイトの backup コマンドで作ったファイルを指定してください。"
        )
    manifest = _parse_manifest(manifest_bytes)

    data = manifest["data"]
    if DATA_NAME not in digests:
        raise BackupError("バックアップファイルにデータベースの内容(data.json)がありません。")
    if digests[DATA_NAME] != (data["size"], data["sha256"]):
        raise BackupError(
            "データベースの内容(data.json)のチェックサムが manifest.json と一致しません。"
            "ファイルが壊れているか、書き換えられています。"
        )
    expected = {MEDIA_PREFIX + f["name"]: (f["size"], f["sha256"]) for f in manifest["files"]}
    actual = {name: d for name, d in digests.items() if name.startswith(MEDIA_PREFIX)}
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing:
        raise BackupError(
            f"manifest.json にあるファイルが {len(missing)} 件、バックアップファイルに入っていません"
            f"(例: {missing[0][len(MEDIA_PREFIX) :]})。"
        )
    if extra:
        raise BackupError(
            f"manifest.json にないファイルが {len(extra)} 件、バックアップファイルに入っています"
            f"(例: {extra[0][len(MEDIA_PREFIX) :]})。"
        )
    wrong = sorted(name for name in expected if expected[name] != actual[name])
    if wrong:
        raise BackupError(
            f"{len(wrong)} 件のファイルのチェックサムが manifest.json と一致しません"
            f"(例: {wrong[0][len(MEDIA_PREFIX) :]})。ファイルが壊れているか、書き換えられています。"
        )

    try:
        objects = json.loads(data_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"データベースの内容(data.json)を読み込めません: {exc}") from exc
    if not isinstance(objects, list) or not all(
        isinstance(o, dict) and isinstance(o.get("model"), str) for o in objects
    ):
        raise BackupError("データベースの内容(data.json)の形式が正しくありません。")
    counts = Counter(o["model"] for o in objects)
    declared = {label: n for label, n in manifest["row_counts"].items() if n}
    if dict(counts) != declared:
        raise BackupError(
            "データベースの内容(data.json)の行数が manifest.json の行数と一致しません。"
        )
    return Archive(path=path, manifest=manifest, objects=objects)


def _parse_manifest(raw):
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"manifest.json を読み込めません: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json が、このサイトのバックアップの形式ではありません。")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise BackupError("manifest.json に形式の版(format_version)がありません。")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"このバックアップは新しい形式(版 {version})で作られています。"
            f"このプログラムが読めるのは版 {FORMAT_VERSION} までです。"
            "バックアップを取ったときと同じ版のプログラムで復元してください。"
        )
    if version < 1:
        raise BackupError(f"manifest.json の形式の版が正しくありません: {version}")
    try:
        data = manifest["data"]
        if not (isinstance(data["size"], int) and isinstance(data["sha256"], str)):
            raise TypeError
        for entry in manifest["files"]:
            if not (
                isinstance(entry["name"], str)
                and isinstance(entry["size"], int)
                and isinstance(entry["sha256"], str)
            ):
                raise TypeError
        if not all(
            isinstance(m, list) and len(m) == 2 and all(isinstance(p, str) for p in m)
            for m in manifest["migrations"]
        ):
            raise TypeError
        if not all(isinstance(n, int) for n in manifest["row_counts"].values()):
            raise TypeError
        for ct_id, natural_key in manifest.get("content_types", {}).items():
            int(ct_id)
            if not (
                isinstance(natural_key, list)
                and len(natural_key) == 2
                and all(isinstance(p, str) for p in natural_key)
            ):
                raise TypeError
        str(manifest["created_at"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise BackupError(
            "manifest.json に必要な項目が足りないか、形式が正しくありません。"
        ) from exc
    return manifest


# --- Checking the target ----------------------------------------------------------


def check_migrations(manifest, connection):
    """Refuse unless the database has exactly the migrations the backup was taken with."""
    if not MigrationRecorder(connection).has_table():
        raise BackupError(
            "データベースが用意されていません。先に `python manage.py migrate` を実行してください。"
        )
    ours = {tuple(m) for m in applied_migrations(connection)}
    theirs = {tuple(m) for m in manifest["migrations"]}
    missing = sorted(theirs - ours)
    extra = sorted(ours - theirs)
    if missing:
        example = ".".join(missing[0])
        raise BackupError(
            f"バックアップを取ったときのマイグレーションのうち {len(missing)} 件が、"
            f"このデータベースに適用されていません(例: {example})。"
            "バックアップを取ったときと同じ版のプログラムを用意し、"
            "`python manage.py migrate` を実行してから復元してください。"
        )
    if extra:
        example = ".".join(extra[0])
        raise BackupError(
            f"このデータベースには、バックアップを取ったときになかったマイグレーションが "
            f"{len(extra)} 件適用されています(例: {example})。"
            "バックアップを取ったときと同じ版のプログラムで復元し、"
            "その後でプログラムを更新して `python manage.py migrate` を実行してください。"
        )


def existing_content(using=DEFAULT_DB_ALIAS):
    """What the database holds beyond what migrations create, as Japanese phrases.

    Migrations create the root page and Wagtail's welcome page, the default
    site, collection, groups and workflow, and the seeded taxonomies; none of
    those count. Pages, revisions, documents, images, users and history do.
    """
    pages = Page.objects.using(using).filter(depth__gt=1)
    page_type = ContentType.objects.db_manager(using).get_for_model(Page)
    welcome = pages.filter(depth=2, content_type=page_type)
    page_count = pages.count()
    if page_count == 1 and welcome.count() == 1:
        page_count = 0  # only Wagtail's initial welcome page
    checks = [
        ("ページ", "件", page_count),
        ("ページの版", "件", Revision.objects.using(using).count()),
        ("文書", "件", get_document_model().objects.using(using).count()),
        ("画像", "件", get_image_model().objects.using(using).count()),
        ("ユーザー", "人", get_user_model()._base_manager.using(using).count()),
        (
            "編集の履歴",
            "件",
            PageLogEntry.objects.using(using).count() + ModelLogEntry.objects.using(using).count(),
        ),
    ]
    return [f"{label} {n}{unit}" for label, unit, n in checks if n]


def _storage_plan(archive, storage):
    """Files to write; refuses if the storage holds a different file under the same name."""
    to_write = []
    for entry in archive.files:
        name = entry["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                size, sha = _sha256_of(existing)
            if (size, sha) != (entry["size"], entry["sha256"]):
                raise BackupError(
                    f"ファイルの保存先に、同じ名前の別のファイルが既にあります: {name}\n"
                    "空の保存先に復元してください。"
                )
            continue
        to_write.append(name)
    return to_write


# --- Restore ---------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    row_counts: dict
    files_written: int
    files_total: int
    search_entries: int


def restore_backup(path, *, storage=None, using=DEFAULT_DB_ALIAS):
    """Restore an archive into a freshly migrated, empty database.

    Everything is checked before the first change. The database work runs in
    one transaction; files written before a failure are removed again.
    """
    storage = storage or default_storage
    connection = connections[using]
    archive = read_archive(path)
    check_migrations(archive.manifest, connection)
    found = existing_content(using)
    if found:
        raise BackupError(
            "データベースに既に内容があります(" + "、".join(found) + ")。\n"
            "復元は、`python manage.py migrate` だけを実行した空のデータベースにしか行いません。"
            "新しいデータベースを用意してから、もう一度実行してください。"
        )
    to_write = _storage_plan(archive, storage)

    written = []
    try:
        with transaction.atomic(using=using):
            _replace_rows(archive, connection)
            _write_files(archive, to_write, storage, written)
            row_counts = _count_rows(using)
            _compare_counts(archive.manifest["row_counts"], row_counts)
            search_entries = _rebuild_indexes()
    except BaseException as exc:
        for name in written:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001, S110 - keep removing the others
                pass
        if isinstance(exc, Exception) and not isinstance(exc, BackupError):
            raise BackupError(
                "復元の途中で問題が起きたため、データベースとファイルを元に戻しました。"
                f"(詳細: {type(exc).__name__}: {exc})"
            ) from exc
        raise
    finally:
        ContentType.objects.clear_cache()
    return RestoreResult(
        manifest=archive.manifest,
        row_counts=row_counts,
        files_written=len(written),
        files_total=len(archive.files),
        search_entries=search_entries,
    )


def _replace_rows(archive, connection):
    """Empty every table but content types and permissions, then load the archive's rows."""
    keep = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = [t for t in _all_tables(connection) if t not in keep]
    # PostgreSQL refuses to truncate tables with foreign key checks still
    # pending in this transaction; running them first clears them.
    connection.check_constraints()
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    ContentType.objects.clear_cache()

    _remap_revision_content_types(archive.objects, archive.manifest, connection.alias)
    try:
        for obj in serializers.deserialize(
            "python", archive.objects, using=connection.alias, ignorenonexistent=False
        ):
            obj.save(using=connection.alias)
    except (DeserializationError, LookupError) as exc:
        raise BackupError(f"データベースの内容を読み込めませんでした: {exc}") from exc
    # Foreign keys are checked at commit; check now so a failure rolls back
    # before files are written and gives a clear error.
    connection.check_constraints()

    reset = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), reset)
    if sequence_sql:
        with connection.cursor() as cursor:
            for sql in sequence_sql:
                cursor.execute(sql)
    ContentType.objects.clear_cache()


def _remap_revision_content_types(objects, manifest, using):
    """Point the content type id saved inside each revision at this database's id.

    A revision stores its object's fields as JSON, content type id included;
    that id belongs to the database the backup was taken from.
    """
    old_ids = manifest.get("content_types") or {}
    new_ids = {}
    for old_id, (app_label, model) in old_ids.items():
        try:
            new_ids[int(old_id)] = (
                ContentType.objects.db_manager(using).get_by_natural_key(app_label, model).pk
            )
        except ContentType.DoesNotExist:
            continue
    for row in objects:
        if row["model"] != "wagtailcore.revision":
            continue
        content = row["fields"].get("content")
        as_text = isinstance(content, str)
        if as_text:
            content = json.loads(content)
        if isinstance(content, dict) and content.get("content_type") in new_ids:
            content["content_type"] = new_ids[content["content_type"]]
            row["fields"]["content"] = json.dumps(content) if as_text else content


def _write_files(archive, to_write, storage, written):
    wanted = set(to_write)
    if not wanted:
        return
    expected = {f["name"]: (f["size"], f["sha256"]) for f in archive.files}
    try:
        with open_tar_gz(archive.path, backup_archive_limits()) as tar:
            for member in tar:
                if not member.name.startswith(MEDIA_PREFIX):
                    continue
                name = member.name[len(MEDIA_PREFIX) :]
                if name not in wanted:
                    continue
                with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spool:
                    size, sha = _sha256_copy(tar.extractfile(member), spool)
                    if (size, sha) != expected[name]:
                        raise BackupError(f"ファイルのチェックサムが一致しません: {name}")
                    spool.seek(0)
                    saved = storage.save(name, File(spool, name=PurePosixPath(name).name))
                written.append(saved)
                if saved != name:
                    raise BackupError(
                        f"ファイルを元の名前で保存できませんでした: {name}(保存された名前: {saved})"
                    )
    except BackupError:
        raise
    except ArchiveLimitError as exc:
        raise _too_large(archive.path, exc) from None
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _unreadable(archive.path, exc) from exc
    if len(written) != len(wanted):
        raise BackupError("バックアップファイルからすべてのファイルを取り出せませんでした。")


def _count_rows(using):
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backed_up_models()
    }


def _compare_counts(expected, actual):
    natural = {label.lower() for label in NATURAL_KEY_MODELS}
    for label, count in expected.items():
        have = actual.get(label)
        if have is None:
            raise BackupError(
                f"バックアップにある種類のデータが、このプログラムにありません: {label}"
            )
        # Content types and permissions are matched to the existing rows,
        # so there may be more of them than in the backup.
        if have != count and not (label in natural and have >= count):
            raise BackupError(
                f"復元後の行数がバックアップと一致しません: {label}(バックアップ {count}、復元後 {have})"
            )


def _rebuild_indexes():
    quiet = io.StringIO()
    call_command("rebuild_references_index", verbosity=0, stdout=quiet)
    call_command("update_index", verbosity=0, stdout=quiet)
    return search.rebuild()


# --- Summaries ------------------------------------------------------------------


def summary_lines(row_counts):
    """Counts of the things an operator recognises, in Japanese."""

    def count(model):
        return row_counts.get(model._meta.label_lower, 0)

    return [
        f"ページ: {count(Page)}件(ルートを含む)",
        f"ページの版: {count(Revision)}件",
        f"文書: {count(get_document_model())}件",
        f"画像: {count(get_image_model())}件",
        f"ユーザー: {count(get_user_model())}人",
        f"グループ: {count(Group)}件",
        f"空き情報: {count(VacancyFigure)}件",
        f"データベースの行の合計: {sum(row_counts.values())}行",
    ]
