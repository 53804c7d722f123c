"""Recipients reader (bad-inputs.md rows 19-23): real files, real bytes, located errors."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailwright.app.recipients import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    Recipients,
    RecipientsError,
    RecipientsWarning,
    get_path,
    load_recipients,
    parse_csv,
    parse_json,
)

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load_bytes(tmp_path: Path, name: str, data: bytes) -> Recipients:
    return load_recipients(write(tmp_path, name, data))


# ------------------------------------------------------------------------------ encodings (19, 21)


def test_utf8_bom_header_email_is_recognised(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "people.csv", codecs.BOM_UTF8 + b"email,name\r\nAnn@X.com,Ann\r\n")
    assert r.fields == ("email", "name")
    assert r.encoding == "utf-8-sig"
    assert r.email_field == "email"
    assert r.by_email("ann@x.com") == (1, {"email": "Ann@X.com", "name": "Ann"})


def test_cp1252_file_with_accents_is_decoded(tmp_path: Path) -> None:
    data = "email;prénom;ville\nzoe@x.fr;Zoé;Besançon – “centre”\n".encode("cp1252")
    r = load_bytes(tmp_path, "eu.csv", data)
    assert r.encoding == "cp1252"
    assert r.delimiter == ";"
    assert r.rows == ({"email": "zoe@x.fr", "prénom": "Zoé", "ville": "Besançon – “centre”"},)
    assert any("cp1252" in w for w in r.warnings)


def test_latin1_only_bytes_never_raise(tmp_path: Path) -> None:
    # 0x81 and 0x8d are undefined in cp1252, so only latin-1 can read this.
    data = b"email,note\na@x.com,caf\xe9 \x81\x8d\n"
    r = load_bytes(tmp_path, "odd.csv", data)
    # No encoding reads these bytes cleanly: one is guessed, said in a warning, never an error.
    assert r.rows[0]["email"] == "a@x.com" and r.rows[0]["note"].startswith("caf")
    assert any(r.encoding in w or "not UTF-8" in w for w in r.warnings)


def test_utf16_le_with_bom_tab_separated(tmp_path: Path) -> None:
    # Excel "Unicode text": UTF-16 LE with BOM, tabs, CRLF.
    text = 'email\tname\tcity\r\nann@x.com\tÅsa\tMünchen\r\nbob@y.org\t李雷\t"Zürich,\tCH"\r\n'
    r = load_bytes(tmp_path, "unicode.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert r.encoding == "utf-16-le"
    assert r.delimiter == "\t"
    assert r.fields == ("email", "name", "city")
    assert r.rows[1] == {"email": "bob@y.org", "name": "李雷", "city": "Zürich,\tCH"}


def test_utf16_be_with_bom(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_BE + "email,name\na@x.com,Åsa\n".encode("utf-16-be")
    r = load_bytes(tmp_path, "be.csv", data)
    assert r.encoding == "utf-16-be"
    assert r.rows == ({"email": "a@x.com", "name": "Åsa"},)


def test_utf16_without_bom_is_guessed_not_reported_as_nul(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "nobom.csv", "email\tname\na@x.com\tAnn\n".encode("utf-16-le"))
    assert r.encoding == "utf-16-le"
    assert r.rows == ({"email": "a@x.com", "name": "Ann"},)


# ------------------------------------------------------------------------------- delimiters (20)


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delim: str) -> None:
    lines = [
        ["email", "first name", "amount"],
        ["a@x.com", "Ann", "1,5"],
        ["b@x.com", "Bob", "2,25"],
        ["c@x.com", "Cy", "3"],
    ]
    if delim == ",":
        lines = [[c.replace(",", ".") for c in line] for line in lines]
    data = "\n".join(delim.join(line) for line in lines).encode()
    r = load_bytes(tmp_path, "list.csv", data)
    assert r.delimiter == delim
    assert r.fields == ("email", "first name", "amount")
    assert len(r) == 3
    assert r.row(2)["first name"] == "Bob"


def test_semicolon_file_with_decimal_commas_is_not_one_giant_column(tmp_path: Path) -> None:
    data = b"email;name;total\na@x.com;Ann;1,50\nb@x.com;Bob;20,00\n"
    r = load_bytes(tmp_path, "eu.csv", data)
    assert r.delimiter == ";"
    assert r.row(1)["total"] == "1,50"


def test_comma_file_with_semicolons_in_values_stays_comma(tmp_path: Path) -> None:
    data = b"email,tags\na@x.com,a;b;c\nb@x.com,d;e\n"
    r = load_bytes(tmp_path, "tags.csv", data)
    assert r.delimiter == ","
    assert r.row(1)["tags"] == "a;b;c"


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "sep.csv", b"sep=;\nemail;name\na@x.com;Ann,Smith\n")
    assert r.delimiter == ";"
    assert r.rows == ({"email": "a@x.com", "name": "Ann,Smith"},)


def test_single_column_file(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "one.csv", b"email\na@x.com\nb@x.com\n")
    assert r.delimiter == ","
    assert [row["email"] for row in r.rows] == ["a@x.com", "b@x.com"]


# ------------------------------------------------------------------------------- structure (22)


def test_duplicate_headers_are_refused_naming_both_columns(tmp_path: Path) -> None:
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "people.csv", b"email,name,phone, Email \na@x.com,A,1,b@x.com\n")
    msg = str(err.value)
    assert msg.startswith("people.csv: header (line 1): ")
    assert "columns 1 and 4" in msg and "Email" in msg


def test_empty_header_name_is_refused_naming_the_column(tmp_path: Path) -> None:
    with pytest.raises(RecipientsError, match=r"people\.csv: header \(line 1\): column 2 has no name"):
        load_bytes(tmp_path, "people.csv", b"email,,name\na@x.com,x,Ann\n")


def test_header_names_are_trimmed(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "t.csv", b" email , First Name \na@x.com,Ann\n")
    assert r.fields == ("email", "First Name")


def test_trailing_empty_column_is_a_warning(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "t.csv", b"email,name,\na@x.com,Ann,\nb@x.com,Bob,,\n")
    assert r.fields == ("email", "name")
    assert r.rows == ({"email": "a@x.com", "name": "Ann"}, {"email": "b@x.com", "name": "Bob"})
    assert any("column 3 has no name" in w for w in r.warnings)
    assert any(w.startswith("row 2 (line 3)") and "extra empty" in w for w in r.warnings)


def test_short_row_is_padded_with_a_warning(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "people.csv", b"email,first,last,plan\na@x.com,Ann,Lee,pro\nb@x.com,Bob\n")
    assert r.row(2) == {"email": "b@x.com", "first": "Bob", "last": "", "plan": ""}
    assert any(w.startswith("row 2 (line 3): 2 values but the header has 4 columns") for w in r.warnings)


def test_long_row_is_refused_naming_the_row_and_line(tmp_path: Path) -> None:
    data = b"email,first,last,plan\n" + b"a@x.com,A,B,pro\n" * 6 + b"g@x.com,Smith, John,X,pro\n"
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "people.csv", data)
    assert str(err.value).startswith("people.csv: row 7 (line 8): 5 values but the header has 4 columns")
    assert err.value.row == 7 and err.value.line == 8


def test_nul_byte_is_refused_with_row_and_line(tmp_path: Path) -> None:
    data = b"email,name\na@x.com,Ann\n\nb@x.com,B\x00ob\n"
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "people.csv", data)
    assert str(err.value) == ("people.csv: row 2 (line 4): contains a NUL byte; re-export the file as CSV UTF-8")


def test_embedded_newline_keeps_row_and_line_numbers_right(tmp_path: Path) -> None:
    data = (
        b"email,address\r\n"
        b'a@x.com,"1 Main St\r\nSpringfield\r\nUSA"\r\n'
        b'b@x.com,"2 Side St"\r\n'
        b"c@x.com,short\r\n"
        b'd@x.com,"x",extra\r\n'
    )
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "addr.csv", data)
    # Row 4 starts on physical line 7: the quoted value in row 1 spans lines 2-4.
    assert str(err.value).startswith("addr.csv: row 4 (line 7): 3 values")
    r = parse_csv(data.rsplit(b"d@x.com", 1)[0], "addr.csv")
    assert r.row(1)["address"] == "1 Main St\r\nSpringfield\r\nUSA"
    assert r.row(3) == {"email": "c@x.com", "address": "short"}


def test_multi_line_row_reports_its_line_span(tmp_path: Path) -> None:
    data = b'email,name,plan\na@x.com,"Ann\nLee",pro,extra\n'
    with pytest.raises(RecipientsError, match=r"row 1 \(lines 2-3\): 4 values"):
        load_bytes(tmp_path, "p.csv", data)


def test_unclosed_quote_is_reported_where_it_starts(tmp_path: Path) -> None:
    data = b'email,name\na@x.com,Ann\nb@x.com,"Bob\nc@x.com,Cy\n'
    with pytest.raises(RecipientsError, match=r"p\.csv: row 2 \(line 3\): a quoted value is never closed"):
        load_bytes(tmp_path, "p.csv", data)


def test_200kb_field_is_refused_with_its_row(tmp_path: Path) -> None:
    big = b"x" * 200_000
    data = b"email,notes\na@x.com,ok\nb@x.com,ok\nc@x.com," + big + b"\n"
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "big.csv", data)
    assert str(err.value).startswith("big.csv: row 3 (line 4): ")
    assert "131,072" in str(err.value)
    assert csv.field_size_limit() == 131_072  # we never touched the global


def test_long_field_refused_even_if_someone_raised_the_global_limit(tmp_path: Path) -> None:
    old = csv.field_size_limit(10_000_000)
    try:
        data = b'email,notes\na@x.com,"' + b"y" * (MAX_FIELD_CHARS + 1) + b'"\n'
        with pytest.raises(RecipientsError, match=r"row 1 \(line 2\): the value in column 2 is 131,073"):
            load_bytes(tmp_path, "big.csv", data)
    finally:
        csv.field_size_limit(old)


def test_field_at_the_limit_is_fine(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "ok.csv", b"email,notes\na@x.com," + b"z" * MAX_FIELD_CHARS + b"\n")
    assert len(r.row(1)["notes"]) == MAX_FIELD_CHARS


def test_file_over_50_mb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(RecipientsError, match=r"huge\.csv: the file is 50\.0 MB.*limited to 50 MB"):
        load_recipients(path)
    with pytest.raises(RecipientsError, match="limited to 50 MB"):
        parse_csv(b"\0" * (MAX_FILE_BYTES + 1), "mem.csv")


def test_empty_and_header_only_files_have_no_rows(tmp_path: Path) -> None:
    empty = load_bytes(tmp_path, "empty.csv", b"")
    assert (empty.fields, empty.rows, len(empty)) == ((), (), 0)
    header_only = load_bytes(tmp_path, "header.csv", codecs.BOM_UTF8 + b"email,name\r\n")
    assert header_only.fields == ("email", "name")
    assert len(header_only) == 0
    with pytest.raises(RecipientsError, match=r"header\.csv: row 1 does not exist: the file has no rows"):
        header_only.row(1)


def test_blank_lines_and_delimiter_only_rows_are_skipped(tmp_path: Path) -> None:
    data = b"\n,,\n\nemail,name\n\na@x.com,Ann\n,\n  ,   \nb@x.com,Bob\n\n"
    r = load_bytes(tmp_path, "gaps.csv", data)
    assert [row["name"] for row in r.rows] == ["Ann", "Bob"]
    with pytest.raises(RecipientsError, match=r"row 1 \(line 6\): 3 values"):
        parse_csv(data.replace(b"a@x.com,Ann", b"a@x.com,Ann,x"), "gaps.csv")
    assert any("2 rows with no values skipped" in w for w in r.warnings)


def test_formula_like_cells_are_kept_as_is(tmp_path: Path) -> None:
    data = b'email,a,b,c,d\nx@y.com,=HYPERLINK("http://e/"),+1,-2,@SUM(A1)\n'
    r = load_bytes(tmp_path, "f.csv", data)
    assert r.row(1) == {"email": "x@y.com", "a": '=HYPERLINK("http://e/")', "b": "+1", "c": "-2", "d": "@SUM(A1)"}


def test_merge_syntax_in_a_value_stays_literal_text(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "m.csv", b'email,name\na@x.com,"<< data:password >> <script>"\n')
    assert r.row(1)["name"] == "<< data:password >> <script>"


def test_many_short_rows_give_a_bounded_number_of_warnings(tmp_path: Path) -> None:
    data = b"email,name\n" + b"".join(b"p%d@x.com\n" % i for i in range(500))
    r = load_bytes(tmp_path, "many.csv", data)
    assert len(r) == 500
    assert r.warnings[0] == ("row 1 (line 2): 1 value but the header has 2 columns; the missing values were left empty")
    assert len(r.warnings) == 11
    assert r.warnings[-1] == "... and 490 more warnings like these (short row)"


# ------------------------------------------------------------------------------------ selection


def test_row_is_one_based_with_a_clear_out_of_range_error(tmp_path: Path) -> None:
    data = b"email,n\n" + b"".join(b"p%d@x.com,%d\n" % (i, i) for i in range(1, 13))
    r = load_bytes(tmp_path, "people.csv", data)
    assert len(r) == 12
    assert r.row(1)["n"] == "1" and r.row(12)["n"] == "12"
    with pytest.raises(RecipientsError) as err:
        r.row(15)
    assert str(err.value) == "people.csv: row 15 does not exist: the file has 12 rows"
    with pytest.raises(RecipientsError, match="numbered from 1"):
        r.row(0)


def test_by_email_is_case_insensitive(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "p.csv", b"name,E-mail\nAnn,ann@x.com\nBob, Bob@Example.ORG \n")
    assert r.email_field == "E-mail"
    assert r.by_email("BOB@example.org") == (2, {"name": "Bob", "E-mail": " Bob@Example.ORG "})
    with pytest.raises(RecipientsError, match=r"p\.csv: no recipient with email 'eve@x\.com'"):
        r.by_email("eve@x.com")


@pytest.mark.parametrize("header", ["email", "Email", "E-mail", "email_address", "Email Address"])
def test_email_header_variants(header: str) -> None:
    r = parse_csv(f"{header},name\na@x.com,Ann\n".encode(), "v.csv")
    assert r.by_email("A@X.COM")[0] == 1


def test_by_email_without_an_email_column() -> None:
    r = parse_csv(b"name,phone\nAnn,1\n", "p.csv")
    with pytest.raises(RecipientsError, match=r"p\.csv: no email column.*name, phone"):
        r.by_email("a@x.com")


def test_by_email_with_duplicates_returns_the_first_and_warns() -> None:
    r = parse_csv(b"email,name\na@x.com,First\nb@x.com,B\nA@X.com,Second\n", "d.csv")
    assert any("rows 1 and 3 have the same email" in w for w in r.warnings)
    with pytest.warns(RecipientsWarning, match="using row 1"):
        assert r.by_email("a@x.com") == (1, {"email": "a@x.com", "name": "First"})


# ----------------------------------------------------------------------------------------- JSON

ORDERS = [
    {
        "email": "ann@x.com",
        "firstname": "Ann",
        "plan": "pro",
        "seats": 7,
        "order": {"id": "A-1", "total": 42.5, "items": [{"name": "Mug", "qty": 2}, {"name": "Tee", "qty": 1}]},
    },
    {"email": "bob@x.com", "firstname": "Bob", "vip": True, "order": {"items": []}},
]


def test_json_with_nested_order_items(tmp_path: Path) -> None:
    r = load_bytes(tmp_path, "orders.json", json.dumps(ORDERS, indent=2).encode())
    assert r.fields == ("email", "firstname", "plan", "seats", "order", "vip")
    assert r.delimiter is None
    assert r.row(1)["seats"] == 7
    assert get_path(r.row(1), "order.items.1.name") == (True, "Tee")
    assert get_path(r.row(1), "order.total") == (True, 42.5)
    assert get_path(r.row(2), "order.items.0.name") == (False, None)
    assert get_path(r.row(2), "plan") == (False, None)
    assert r.by_email("BOB@x.com")[0] == 2


def test_json_recipients_wrapper_and_sniffing_without_extension(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + json.dumps({"recipients": ORDERS}).encode()
    r = load_bytes(tmp_path, "export.dat", data)
    assert len(r) == 2 and r.encoding == "utf-8-sig"
    assert load_bytes(tmp_path, "list", json.dumps(ORDERS).encode()).row(2)["vip"] is True
    assert load_bytes(tmp_path, "export", b"email\na@x.com\n").delimiter == ","


def test_json_non_object_element_is_located(tmp_path: Path) -> None:
    data = json.dumps([{"email": "a@x"}, {}, {"email": "c@x"}, "d@x"]).encode()
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "people.json", data)
    assert str(err.value).startswith("people.json: [3]: each recipient must be an object")


def test_json_invalid_syntax_gives_line_and_column(tmp_path: Path) -> None:
    data = b'[\n  {"email": "a@x.com"},\n  {"email": "b@x.com" "name": "B"}\n]\n'
    with pytest.raises(RecipientsError, match=r"people\.json: line 3 column 23: invalid JSON"):
        load_bytes(tmp_path, "people.json", data)


def test_json_duplicate_key_is_refused_with_position(tmp_path: Path) -> None:
    data = b'[\n  {"email": "a@x.com"},\n  {"email": "b@x.com", "name": "B", "email": "c@x"}\n]'
    with pytest.raises(RecipientsError) as err:
        load_bytes(tmp_path, "people.json", data)
    assert str(err.value).startswith("people.json: line 3 column 3: duplicate key 'email'")


def test_json_nested_duplicate_key_is_located() -> None:
    text = '[{"order": {"id": 1,\n "id": 2}}]'
    with pytest.raises(RecipientsError, match=r"line 1 column 12: duplicate key 'id'"):
        parse_json(text, "n.json")


@pytest.mark.parametrize("const", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_is_refused_with_position(const: str) -> None:
    text = '[{"note": "NaN in a string is fine"},\n {"score": ' + const + "}]"
    with pytest.raises(RecipientsError, match=rf"line 2 column 12: {const} is not valid JSON"):
        parse_json(text, "s.json")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "the file is empty"),
        ('{"email": "a@x"}', "expected a list of recipient objects"),
        ('"hello"', "got a string"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_json_other_errors(text: str, expected: str) -> None:
    with pytest.raises(RecipientsError, match=expected):
        parse_json(text, "x.json")


def test_json_invalid_utf8_is_an_error_not_a_crash() -> None:
    with pytest.raises(RecipientsError, match=r"x\.json: not valid UTF-8 at byte offset 11"):
        parse_json(b'[{"name": "\xe9"}]', "x.json")


def test_json_empty_list_is_fine() -> None:
    r = parse_json(b"[]", "e.json")
    assert (r.fields, r.rows) == ((), ())


# -------------------------------------------------------------------------------------- get_path


def test_get_path() -> None:
    row = {"order.total": "flat", "order": {"total": 3, "items": [{"name": "Mug"}]}, "name": "Ann", "none": None}
    assert get_path(row, "order.total") == (True, "flat")  # a literal dotted key wins
    assert get_path(row, "order.items.0.name") == (True, "Mug")
    assert get_path(row, "order.items.0") == (True, {"name": "Mug"})
    assert get_path(row, "none") == (True, None)
    for missing in [
        "",
        "x",
        "order.items.1.name",
        "order.items.-1",
        "name.0",
        "order.",
        ".order",
        "order..total",
        "order.items.x",
    ]:
        assert get_path(row, missing) == (False, None), missing


# ------------------------------------------------------------------------------------ round trip

HEADER = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_ ", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
    st.text(alphabet=",;|\t\"'\r\n =+-@éß李\u2028 ab", max_size=12),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(HEADER, min_size=1, max_size=5, unique_by=str.casefold))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=8))
    return header, rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_csv_writer_round_trip(table: tuple[list[str], list[list[str]]]) -> None:
    header, rows = table
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    r = parse_csv(buf.getvalue().encode("utf-8"), "rt.csv")
    assert r.fields == tuple(header)
    # Rows with nothing but whitespace are skipped by design (with a warning).
    expected = [dict(zip(header, row)) for row in rows if any(c.strip() for c in row)]
    assert list(r.rows) == expected
    assert r.delimiter == ","


# -------------------------------------------------------------------------------------- examples


@pytest.mark.parametrize("name", ["recipients.csv", "recipients.json"])
def test_example_recipients_load(name: str) -> None:
    path = REPO / "examples" / name
    if not path.exists():
        pytest.skip(f"examples/{name} is not in the repo")
    r = load_recipients(path)
    assert len(r) > 0
    assert r.email_field is not None


def test_missing_file_is_a_recipients_error(tmp_path: Path) -> None:
    with pytest.raises(RecipientsError, match=r"nope\.csv: cannot read the file"):
        load_recipients(tmp_path / "nope.csv")
    with pytest.raises(RecipientsError, match="cannot read the file"):
        load_recipients(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet=',;\t|"\r\n\x00ab@é', max_size=120).map(str.encode))
def test_any_bytes_give_recipients_or_a_recipients_error(data: bytes) -> None:
    # Never a UnicodeDecodeError, csv.Error or IndexError escaping to the UI.
    for parse in (parse_csv, parse_json):
        try:
            parse(data, "any")
        except RecipientsError:
            pass


# --- values nested too deep (issue 14 item 8) -----------------------------------------------------


def _nest(levels: int) -> object:
    value: object = "x"
    for i in range(levels):
        value = [value] if i % 2 else {"a b": value}
    return value


def test_a_value_nested_over_32_levels_is_refused_with_its_row_and_path() -> None:
    text = json.dumps({"recipients": [{"email": "a@example.com"}, {"email": "b@example.com", "order": _nest(33)}]})
    with pytest.raises(RecipientsError) as info:
        parse_json(text, "people.json")
    message = str(info.value)
    assert message.startswith('people.json: row 2 (recipients[1].order["a b"][0]'), message
    assert "more than 32 levels deep" in message and len(message) < 400


def test_a_value_nested_32_levels_loads_and_is_kept_as_written() -> None:
    value = _nest(32)
    recipients = parse_json(json.dumps([{"email": "a@example.com", "order": value}]), "people.json")
    assert recipients.rows[0]["order"] == value
