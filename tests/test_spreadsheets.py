"""CSV for spreadsheet programs (home/spreadsheets.py): formula cells neutralised on the way
out and read back exactly; every flavour a spreadsheet program saves read, or refused by row."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from home.spreadsheets import (
    MAX_CELL_CHARACTERS,
    neutralise,
    read_csv,
    restore,
    write_csv,
)

ROWS = [
    ["事業所名", "空き", "備考"],
    ["サンプルあおぞらホーム", "2", "週末のみ"],
    ["①テスト", "0", "-2名退所"],
]


@pytest.mark.parametrize(
    "value, written",
    [
        (
            '=HYPERLINK("http://example.com","詳しく")',
            '\'=HYPERLINK("http://example.com","詳しく")',
        ),
        ("-2名退所", "'-2名退所"),
        ("+81 495", "'+81 495"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("'引用", "''引用"),
        ("週末のみ", "週末のみ"),
        ("2-3名", "2-3名"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (12, "12"),
    ],
)
def test_formula_cells_are_written_as_text_and_read_back(value, written):
    assert neutralise(value) == written
    assert restore(written) == ("" if value is None else str(value))


def test_a_quote_typed_by_someone_else_is_kept():
    assert restore("'abc") == "'abc"
    assert restore("'") == "'"


def test_written_csv_opens_in_excel_as_utf8_with_crlf():
    text = write_csv(ROWS)
    assert text.startswith("\ufeff事業所名,空き,備考\r\n")
    assert text.endswith("①テスト,0,'-2名退所\r\n")


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30
)


@given(st.lists(st.lists(cell_text, min_size=1, max_size=5), min_size=1, max_size=5))
def test_whatever_is_written_is_read_back_exactly(rows):
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    data = write_csv(rows).encode("utf-8")
    read, errors = read_csv(data)
    assert errors == []
    assert [cells for _, cells in read] == rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_flavour_a_spreadsheet_saves_is_read(encoding, newline):
    text = newline.join(",".join(row) for row in ROWS) + newline
    rows, errors = read_csv(text.encode(encoding))
    assert errors == []
    assert rows == [(1, ROWS[0]), (2, ROWS[1]), (3, ROWS[2])]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_cell_with_a_line_break_keeps_it_and_rows_are_counted_as_records(newline):
    text = newline.join(["名前,備考", f'ひまわり,"1行目{newline}2行目"', "みどり,なし"]) + newline
    rows, errors = read_csv(text.encode("cp932"))
    assert errors == []
    assert rows == [
        (1, ["名前", "備考"]),
        (2, ["ひまわり", f"1行目{newline}2行目"]),
        (3, ["みどり", "なし"]),
    ]


def test_blank_rows_and_padding_columns_are_dropped():
    text = "a,b,c,,\r\n1,2,3,,\r\n,,,,\r\n4,5,,,\r\n"
    rows, errors = read_csv(text.encode(), columns=3)
    assert errors == []
    assert rows == [(1, ["a", "b", "c"]), (2, ["1", "2", "3"]), (4, ["4", "5", ""])]


def test_a_field_beyond_the_csv_modules_limit_is_a_row_error():
    text = "a,b\r\n1,2\r\n3," + "x" * 200_000 + "\r\n5,6\r\n"
    rows, errors = read_csv(text.encode())
    assert rows == [(1, ["a", "b"]), (2, ["1", "2"])]
    assert errors == [
        (3, "1つのセルの文字が多すぎます(10,000文字まで)。この行から後は読んでいません。")
    ]


def test_a_long_field_is_a_row_error_and_the_rest_is_read():
    text = "a,b\r\n1," + "x" * (MAX_CELL_CHARACTERS + 1) + "\r\n5,6\r\n"
    rows, errors = read_csv(text.encode())
    assert rows == [(1, ["a", "b"]), (3, ["5", "6"])]
    assert errors == [(2, "1つのセルの文字が多すぎます(10,000文字まで)。")]


def test_a_nul_byte_is_a_row_error():
    rows, errors = read_csv(b"a,b\r\n1,x\x00y\r\n5,6\r\n")
    assert rows == [(1, ["a", "b"]), (3, ["5", "6"])]
    assert errors[0][0] == 2
    assert "文字ではないデータ(NUL)が入っています" in errors[0][1]


def test_utf16_is_refused_for_the_whole_file():
    rows, errors = read_csv("a,b\r\n".encode("utf-16"))
    assert rows == []
    assert errors[0][0] == 0
    assert "UTF-16(Unicode テキスト)で保存されています" in errors[0][1]


def test_a_bad_byte_in_a_utf8_file_names_its_row():
    data = "名前,備考\r\nひまわり,なし\r\nみどり,".encode() + b"\xff\xfe" + b"\r\n"
    rows, errors = read_csv(data)
    assert rows == []
    assert errors[0][0] == 3
    assert "UTF-8 として読めない文字があります" in errors[0][1]


def test_a_bad_byte_in_a_shift_jis_file_names_its_row():
    data = (
        "名前,備考\r\nひまわり,".encode("cp932") + b"\xfd\r\n" + "みどり,なし\r\n".encode("cp932")
    )
    rows, errors = read_csv(data)
    assert rows == []
    assert errors[0][0] == 2
    assert "UTF-8 でも Shift_JIS でもない文字があります" in errors[0][1]
