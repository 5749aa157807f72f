"""Reading archives from outside with bounds, so a small file cannot unpack into gigabytes.

Two kinds of archive come in: ZIP packages (Word, Excel and OpenDocument files
that editors upload) and gzip-compressed tar files (the site's backups, given to
``manage.py restore``). Both are held to an ``ArchiveLimits``: the number of
entries, the unpacked size of one entry and of all of them, and the ratio of
unpacked to packed bytes.

- ZIP: the central directory is counted before ``zipfile`` parses it, the sizes
  it declares are checked, and every entry is then read with a cap one byte
  over its declared size, so an entry that unpacks to more than it declares is
  caught at that byte (``read_zip_entry``, ``verify_zip``).
- tar.gz: the gzip stream is decompressed with a cap on the total bytes and on
  the ratio to the compressed bytes read so far, and each tar header is checked
  as it is read, before the data it announces (``open_tar_gz``).

A refusal is an ``ArchiveLimitError`` whose ``reason`` is a Japanese phrase
(without the final 。) for the caller's message, and whose ``bound`` names the
limit that was passed (or ``"declared_size"`` for a ZIP entry larger than its
record says, ``"extended_header"`` for an oversized or endless run of tar
pax / GNU long-name headers).
"""

import copy
import gzip
import os
import struct
import tarfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from .formatting import KB, MB, file_size

CHUNK = 1 * MB


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int
    # Small entries compress oddly well (a page of blanks); the ratio counts above this size.
    ratio_from_bytes: int = 1 * MB

    @classmethod
    def from_setting(cls, name):
        """Limits from a settings dict such as ``UPLOAD_ARCHIVE_LIMITS``."""
        return cls(**getattr(settings, name))


class ArchiveLimitError(Exception):
    """An archive that would unpack beyond its limits."""

    def __init__(self, reason, bound):
        super().__init__(reason)
        self.reason = reason
        self.bound = bound


def _too_many_entries(limits):
    return ArchiveLimitError(
        f"中に入っているファイルの数が多すぎます(上限は {limits.max_entries:,} 個です)",
        "max_entries",
    )


def _entry_too_large(name, size, limits):
    return ArchiveLimitError(
        f"展開すると大きすぎるファイルが入っています(「{name}」が "
        f"{file_size(size, round_up=True)}。上限は {file_size(limits.max_entry_bytes)} です)",
        "max_entry_bytes",
    )


def _total_too_large(limits, size=None):
    found = f"{file_size(size, round_up=True)}。" if size is not None else ""
    return ArchiveLimitError(
        f"展開すると全体が大きすぎます({found}上限は {file_size(limits.max_total_bytes)} です)",
        "max_total_bytes",
    )


def _ratio_too_high(ratio, limits, name=None):
    what = f"「{name}」は" if name else ""
    return ArchiveLimitError(
        f"極端に圧縮されています({what}展開すると {ratio:,.0f} 倍の大きさになります。"
        f"上限は {limits.max_ratio:,} 倍です)",
        "max_ratio",
    )


def _ratio_exceeded(unpacked, packed, limits):
    return unpacked > limits.ratio_from_bytes and unpacked > limits.max_ratio * max(packed, 1)


# --- ZIP -----------------------------------------------------------------------------

EOCD = struct.Struct("<4s4H2LH")
EOCD_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
CENTRAL_ENTRY = struct.Struct("<4s6H3L5H2L")
CENTRAL_SIGNATURE = b"PK\x01\x02"
MAX_ZIP_COMMENT = 0xFFFF


def count_zip_entries(f, limits):
    """The number of records in a ZIP file's central directory, counted without parsing it.

    ``zipfile`` builds an object for every record before anyone can look at the
    count; this walks the records' fixed headers and stops one past the limit.
    Raises ``zipfile.BadZipFile`` if there is no central directory to walk.
    """
    f.seek(0, os.SEEK_END)
    size = f.tell()
    tail_size = min(size, EOCD.size + MAX_ZIP_COMMENT + ZIP64_LOCATOR.size)
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or at + EOCD.size > len(tail):
        raise zipfile.BadZipFile("end of central directory not found")
    directory_size = EOCD.unpack_from(tail, at)[5]
    directory_end = size - tail_size + at
    if at >= ZIP64_LOCATOR.size and tail[at - ZIP64_LOCATOR.size :].startswith(
        ZIP64_LOCATOR_SIGNATURE
    ):
        # As zipfile reads it: the ZIP64 record sits just before its locator.
        directory_end -= ZIP64_LOCATOR.size + ZIP64_EOCD.size
        if directory_end < 0:
            raise zipfile.BadZipFile("ZIP64 end of central directory not found")
        f.seek(directory_end)
        record = f.read(ZIP64_EOCD.size)
        if len(record) < ZIP64_EOCD.size or not record.startswith(ZIP64_EOCD_SIGNATURE):
            raise zipfile.BadZipFile("ZIP64 end of central directory not found")
        directory_size = ZIP64_EOCD.unpack(record)[8]
    start = directory_end - directory_size
    if start < 0:
        raise zipfile.BadZipFile("central directory out of the file")
    f.seek(start)
    directory = f.read(directory_size)
    count = position = 0
    while position + CENTRAL_ENTRY.size <= len(directory):
        fields = CENTRAL_ENTRY.unpack_from(directory, position)
        if fields[0] != CENTRAL_SIGNATURE:
            break
        count += 1
        if count > limits.max_entries:
            raise _too_many_entries(limits)
        position += CENTRAL_ENTRY.size + fields[10] + fields[11] + fields[12]
    f.seek(0)
    return count


def check_zip_directory(archive, limits, archive_size):
    """Refuse what the central directory declares beyond ``limits``."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise _too_many_entries(limits)
    for info in entries:
        if info.file_size > limits.max_entry_bytes:
            raise _entry_too_large(info.filename, info.file_size, limits)
        if _ratio_exceeded(info.file_size, info.compress_size, limits):
            raise _ratio_too_high(
                info.file_size / max(info.compress_size, 1), limits, info.filename
            )
    total = sum(info.file_size for info in entries)
    if total > limits.max_total_bytes:
        raise _total_too_large(limits, total)
    if _ratio_exceeded(total, archive_size, limits):
        raise _ratio_too_high(total / max(archive_size, 1), limits)


@contextmanager
def open_zip(f, limits):
    """A ``zipfile.ZipFile`` over the seekable binary file ``f``, its directory within ``limits``.

    Raises ``ArchiveLimitError``, or ``zipfile.BadZipFile`` (and what ``zipfile``
    raises) for a file that is not a readable ZIP.
    """
    count_zip_entries(f, limits)
    f.seek(0, os.SEEK_END)
    archive_size = f.tell()
    f.seek(0)
    with zipfile.ZipFile(f) as archive:
        check_zip_directory(archive, limits, archive_size)
        yield archive


def zip_entry_chunks(archive, info):
    """An entry's bytes in chunks, refused as soon as there is more than its declared size.

    ``zipfile`` stops at the declared size by itself, and checks the CRC there:
    a lie shows only as a wrong CRC. Opening a copy of the entry that declares one
    byte more, without a CRC for zipfile to check, lets that byte show the lie;
    the CRC is checked here instead.
    """
    capped = copy.copy(info)
    capped.file_size = info.file_size + 1
    del capped.CRC
    read = crc = 0
    with archive.open(capped) as stream:
        while chunk := stream.read(CHUNK):
            read += len(chunk)
            crc = zlib.crc32(chunk, crc)
            if read > info.file_size:
                raise ArchiveLimitError(
                    f"「{info.filename}」が、記録された大きさ({file_size(info.file_size)})より"
                    "大きく展開されます(壊れているか、細工されたファイルです)",
                    "declared_size",
                )
            yield chunk
    if read != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: shorter than declared or a bad CRC")


def read_zip_entry(archive, info):
    """An entry's bytes (the caller has checked its declared size)."""
    return b"".join(zip_entry_chunks(archive, info))


def verify_zip(archive):
    """Unpack every entry with its cap, checking each one's CRC, keeping nothing."""
    for info in archive.infolist():
        for _ in zip_entry_chunks(archive, info):
            pass


# --- tar.gz --------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"
# pax and GNU long-name headers hold a few names and numbers; tarfile reads them whole.
MAX_EXTENDED_HEADER = 64 * KB
EXTENDED_HEADER_TYPES = (
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
)
# A member needs at most a global and a local pax header and GNU long name and link.
MAX_EXTENDED_HEADERS_IN_A_ROW = 4
# Headers, extended headers and padding around each member, beyond its data.
TAR_OVERHEAD_PER_ENTRY = 4 * tarfile.BLOCKSIZE
TAR_BUFFER = 64 * KB


class _CountingReader:
    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.count += len(data)
        return data


class _CappedGzipStream:
    """The decompressed bytes of a gzip file, refused past a total or an extreme ratio."""

    def __init__(self, raw, limits):
        self.limits = limits
        self.compressed = _CountingReader(raw)
        self.gzip = gzip.GzipFile(fileobj=self.compressed, mode="rb")
        self.cap = (
            limits.max_total_bytes
            + (limits.max_entries + 1) * TAR_OVERHEAD_PER_ENTRY
            + tarfile.RECORDSIZE
        )
        self.total = 0

    def read(self, size=-1):
        room = self.cap - self.total + 1
        data = self.gzip.read(room if size is None or size < 0 else min(size, room))
        self.total += len(data)
        if self.total > self.cap:
            raise _total_too_large(self.limits)
        if _ratio_exceeded(self.total, self.compressed.count, self.limits):
            raise _ratio_too_high(self.total / max(self.compressed.count, 1), self.limits)
        return data

    def close(self):
        self.gzip.close()


def _checked_tarinfo(limits):
    """A TarInfo class that checks each header as tarfile reads it, before its data."""
    in_a_row = [0]

    class CheckedTarInfo(tarfile.TarInfo):
        @classmethod
        def frombuf(cls, buf, encoding, errors):
            info = super().frombuf(buf, encoding, errors)
            if info.type in EXTENDED_HEADER_TYPES:
                # tarfile reads each one whole, and recursively into the next header.
                in_a_row[0] += 1
                if info.size > MAX_EXTENDED_HEADER or in_a_row[0] > MAX_EXTENDED_HEADERS_IN_A_ROW:
                    raise ArchiveLimitError(
                        "中のファイルに付いた情報(長いファイル名など)が大きすぎるか、多すぎます",
                        "extended_header",
                    )
                return info
            in_a_row[0] = 0
            if info.type == tarfile.GNUTYPE_SPARSE:
                # Its map of holes is read in blocks tarfile chains without end.
                raise tarfile.ReadError("sparse members are not read")
            if info.size > limits.max_entry_bytes:
                raise _entry_too_large(info.name, info.size, limits)
            return info

    return CheckedTarInfo


class BoundedTar:
    """Members of a tar stream, each checked against the limits before it is yielded."""

    def __init__(self, tar, limits):
        self.tar = tar
        self.limits = limits

    def __iter__(self):
        count = total = 0
        for member in self.tar:
            count += 1
            if count > self.limits.max_entries:
                raise _too_many_entries(self.limits)
            # A pax header may have changed the size the plain header gave.
            if member.size > self.limits.max_entry_bytes:
                raise _entry_too_large(member.name, member.size, self.limits)
            total += member.size
            if total > self.limits.max_total_bytes:
                raise _total_too_large(self.limits)
            yield member

    def extractfile(self, member):
        return self.tar.extractfile(member)


@contextmanager
def open_tar_gz(path, limits):
    """The members of a gzip-compressed tar file, read once from the start within ``limits``.

    Raises ``ArchiveLimitError``; ``tarfile.TarError``, ``OSError``, ``EOFError``
    or ``zlib.error`` for a file that is not a readable tar.gz.
    """
    with open(path, "rb") as raw:
        if raw.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
            raise tarfile.ReadError("not a gzip file")
        raw.seek(0)
        stream = _CappedGzipStream(raw, limits)
        try:
            with tarfile.open(
                fileobj=stream, mode="r|", tarinfo=_checked_tarinfo(limits), bufsize=TAR_BUFFER
            ) as tar:
                yield BoundedTar(tar, limits)
        finally:
            stream.close()
