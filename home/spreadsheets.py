"""CSV for spreadsheet programs: written so that opening it runs nothing, read back as written.

Writing (``write_csv``): a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is one Excel or LibreOffice may run as a formula ("CSV
injection"); it is written with a ``'`` in front, which makes it text. A cell
that already begins with ``'`` gets one more, so that reading can tell the two
apart. Numbers are written as they are. A NUL, which no spreadsheet keeps, is
left out.

Reading (``read_csv``) takes what spreadsheet programs save: UTF-8 with or
without a BOM, Shift_JIS (CP932), and LF, CRLF or CR-only line ends. It
removes the ``'`` that writing added, so "-2名退所" and "=HYPERLINK(…)" come
back exactly. What it cannot read becomes a (row number, message) pair in
Japanese, never an exception; row 0 is the file as a whole.
"""

import codecs
import csv
import io
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
ESCAPED_STARTS = (*FORMULA_STARTS, TEXT_MARK)
# Far beyond any cell a person types; below the csv module's own limit (131,072).
MAX_CELL_CHARACTERS = 10_000
# What CP932 maps its unassigned bytes to, and C1 controls: a sign the file is not Shift_JIS.
NOT_SHIFT_JIS = re.compile("[\x80-\x9f\uf8f0-\uf8f3]")
RESAVE = (
    "表計算ソフトで開き、「CSV UTF-8(コンマ区切り)」か「CSV(コンマ区切り)」で保存し直してください。"
)


def neutralise(value):
    """The cell text of ``value``, marked as text if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    # A NUL cannot be read back (``read_csv`` refuses the row); text is cleaned of it when
    # saved, but a row stored before that must not make the downloaded file unreadable.
    text = str(value).replace("\0", "")
    return TEXT_MARK + text if text.startswith(ESCAPED_STARTS) else text


def restore(text):
    """A cell as read back: without the ``'`` that ``neutralise`` put in front."""
    if text.startswith(TEXT_MARK) and text[1:2].startswith(ESCAPED_STARTS):
        return text[1:]
    return text


def write_csv(rows):
    """CSV text of ``rows`` for Excel: a BOM (so it is read as UTF-8), CRLF, cells neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue()


class CsvError(Exception):
    def __init__(self, row, message):
        super().__init__(message)
        self.row = row
        self.message = message


def _row_at(text):
    """The row number at the end of ``text`` (where a bad byte was found)."""
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text + "x", newline="")))
    except csv.Error:
        return len(re.findall(r"\r\n|\r|\n", text)) + 1


def decode_csv(data):
    """The text of a CSV file's bytes; raises ``CsvError`` naming the row that cannot be read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvError(
            0,
            "文字コードを読み取れませんでした。UTF-16(Unicode テキスト)で保存されています。"
            + RESAVE,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
    if not before.isascii():
        # Japanese (or a BOM) read as UTF-8 up to here: a UTF-8 file with a bad spot.
        raise CsvError(
            _row_at(before.decode("utf-8-sig")),
            "文字コードを読み取れませんでした(UTF-8 として読めない文字があります)。" + RESAVE,
        )
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as error:
        bad = error.start
        text = data[:bad].decode("cp932")
    else:
        found = NOT_SHIFT_JIS.search(text)
        if not found:
            return text
        text = text[: found.start()]
    raise CsvError(
        _row_at(text),
        "文字コードを読み取れませんでした(UTF-8 でも Shift_JIS でもない文字があります)。" + RESAVE,
    )


def read_csv(data, *, columns=None):
    """The rows of a CSV file's bytes, as ``([(row number, cells)], [(row number, message)])``.

    Rows with nothing in them are left out. With ``columns``, empty cells past
    that many are dropped (a spreadsheet pads every row to its widest). A row
    that cannot be read is an error and not a row; reading stops at a row the
    csv module cannot parse.
    """
    try:
        text = decode_csv(data)
    except CsvError as error:
        return [], [(error.row, error.message)]
    rows, errors = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                message = f"1つのセルの文字が多すぎます({MAX_CELL_CHARACTERS:,}文字まで)。"
            else:
                message = "CSV の形として読み取れません。"
            errors.append((number, message + "この行から後は読んでいません。"))
            break
        if any("\0" in cell for cell in cells):
            errors.append((number, "文字ではないデータ(NUL)が入っています。" + RESAVE))
            continue
        if any(len(cell) > MAX_CELL_CHARACTERS for cell in cells):
            errors.append(
                (number, f"1つのセルの文字が多すぎます({MAX_CELL_CHARACTERS:,}文字まで)。")
            )
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if columns is not None:
            while len(cells) > columns and not cells[-1].strip():
                cells.pop()
        rows.append((number, [restore(cell) for cell in cells]))
    return rows, errors
