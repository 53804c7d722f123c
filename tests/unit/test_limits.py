"""Pre-compile limits (reference/hardening.md finding 2, bad-inputs.md rows 1 and 5)."""

from __future__ import annotations

import pickle
import time

import pytest
from mjml import mjml2html

from mailwright.app.build.limits import (
    MAX_NESTING,
    MAX_OUTPUT_BYTES,
    MAX_SOURCE_BYTES,
    InputTooLarge,
    LimitError,
    NestingTooDeep,
    OutputTooLarge,
    check_markup_limits,
    check_output_size,
    nesting_depth,
)

SECTION = (
    "  <mj-section>\n"
    "    <mj-column>\n"
    '      <mj-image src="https://example.com/a.png" alt="a > b" />\n'
    '      <mj-text font-size="14px">Hello << data:firstname >>, <b>bold</b> &amp; '
    '<a href="<< link:view_online >>">view</a><br>next line</mj-text>\n'
    "    </mj-column>\n"
    "  </mj-section>\n"
)


def document(body: str) -> str:
    return f"<mjml>\n<mj-body>\n{body}</mj-body>\n</mjml>\n"


def nested_wrappers(n: int) -> str:
    """n nested wrappers, one opening tag per line so the position is predictable."""
    inner = "<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>\n"
    return document("<mj-wrapper>\n" * n + inner + "</mj-wrapper>" * n + "\n")


def depth(text: str) -> int:
    return nesting_depth(text)[0]


def test_constants() -> None:
    assert MAX_SOURCE_BYTES == 5 * 1024 * 1024
    assert MAX_NESTING == 100
    assert MAX_OUTPUT_BYTES == 20 * 1024 * 1024


# --------------------------------------------------------------------------- depth counting


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("<a><b><c></c></b></a>", 3),
        ("<a/><b /><c x='1'/>", 0),  # self-closing
        (
            "<p>x<br>y<BR><img src=x><hr><meta charset=utf-8><link rel=x><input>"
            "<col><area><base><embed><source><track><wbr><param></p>",
            1,
        ),  # void elements
        ("<div></br></div>", 1),  # a stray close of a void element does not pop
        ("<!-- <a><b><c> -->", 0),
        (
            "<!--[if mso | IE]><table><tr><td><![endif]--><div></div><!--[if mso | IE]></td></tr></table><![endif]-->",
            1,
        ),  # MSO conditionals
        ("<!--[if !mso]><!--><div>x</div><!--<![endif]-->", 1),  # downlevel-revealed
        ("<!doctype html><?xml version='1.0'?><![CDATA[<a><b><c>]]><x/>", 0),
        ("<mj-text>a < b, <5 items, x<y</mj-text>", 1),  # "<" that is not a tag
        ("<mj-text><< data:firstname >> <<data:x>> <<data:a|default('<b>')>></mj-text>", 1),
        ("<mj-raw><% if data:seats > 5 and data:a <b %><div></div><% endif %></mj-raw>", 2),
        ("<# <a><b> commented out #><x></x>", 1),
        (r"<p>\<< <b>literal</b></p>", 2),  # \<< is an escaped "<<", the <b> is real
        (r"<p>\<<b>literal</b></p>", 1),  # ... and "\<<b>" is "<<" + "b>", not a tag
        ("<style>a > b { x: '<c>' } <d></style>", 1),
        ("<mj-style inline='inline'>.a > .b {}</mj-style>", 1),
        ("<script>if (a<b && c>d) { x = '<div><div>' }</script>", 1),
        ("</a></a></a><a><b></b></a>", 2),  # unbalanced closes never go negative
        ('<a title="x > y" href="<< link:x >>"><b>t</b></a>', 2),  # > and << in quotes
        ("<A><B></b></a>", 2),
        ("<é><_x><a.b></a.b></_x></é>", 3),  # MRML accepts non-ASCII and "_" names
    ],
)
def test_depth_counting(markup: str, expected: int) -> None:
    assert depth(markup) == expected


def test_unterminated_constructs_end_the_scan() -> None:
    assert depth("<a><b><!-- <c><d><e>") == 2
    assert depth("<a><style> <b><c>") == 2  # the style element is a level itself
    assert depth('<a title="open <b><c>') == 0
    assert depth("<a><b x=1") == 1


def test_stray_merge_opener_does_not_hide_markup() -> None:
    # "<<" in copy far away from any ">>" is literal text, not a merge tag.
    text = "Read more << " + "x" * 5000 + "<a><b><c>" + " >>"
    assert depth(text) == 3


# --------------------------------------------------------------------------- rejection


@pytest.mark.parametrize("n", [200, 2000, 20000])
def test_nested_wrappers_rejected_with_position(n: int) -> None:
    text = nested_wrappers(n)
    with pytest.raises(NestingTooDeep) as info:
        check_markup_limits(text, "hello.mjml")
    err = info.value
    # mjml (line 1), mj-body (line 2), wrappers from line 3: level 101 is wrapper 99.
    assert (err.line, err.column) == (3 + 98, 1)
    assert err.depth == n + 2 + 3  # mjml, mj-body, wrappers, section, column, text
    msg = str(err)
    assert msg.startswith("hello.mjml: nesting too deep at line 101, column 1: ")
    assert f"{err.depth} levels > 100 allowed" in msg
    assert isinstance(err, InputTooLarge) and isinstance(err, ValueError)


def test_nested_divs_in_raw_rejected_with_position() -> None:
    divs = "<div>" * 2000 + "x" + "</div>" * 2000
    text = document(f"  <mj-raw>{divs}</mj-raw>\n")
    with pytest.raises(NestingTooDeep) as info:
        check_markup_limits(text, "raw.mjml")
    # line 3 is "  <mj-raw><div><div>...": levels 1-3 are mjml, mj-body, mj-raw,
    # so the 98th div (column 11 + 97 * 5) is level 101.
    assert (info.value.line, info.value.column) == (3, 11 + 97 * 5)
    assert info.value.depth == 2003


def test_position_counts_characters_not_bytes_and_crlf() -> None:
    text = "<é>\r\n" + "<ü>" * 100 + "<x>"
    with pytest.raises(NestingTooDeep) as info:
        check_markup_limits(text, max_nesting=100)
    assert (info.value.line, info.value.column) == (2, 1 + 99 * 3)


def test_exactly_at_the_limit_passes() -> None:
    check_markup_limits("<a>" * MAX_NESTING + "</a>" * MAX_NESTING)
    with pytest.raises(NestingTooDeep):
        check_markup_limits("<a>" * (MAX_NESTING + 1))


def test_normal_document_passes_and_compiles() -> None:
    text = document(SECTION * 300)
    check_markup_limits(text, "big.mjml")
    assert depth(text) == 6  # mjml > mj-body > section > column > text > b
    # The checker agrees with MRML that this is fine (merge tags are tokenized before
    # MRML in the real pipeline, so leave them out of the compile check).
    mjml2html(text.replace("<< data:firstname >>", "T0").replace("<< link:view_online >>", "T1"), fonts={})


def test_six_megabytes_rejected() -> None:
    text = document("<mj-raw><!-- " + "x" * (6 * 1024 * 1024) + " --></mj-raw>")
    with pytest.raises(InputTooLarge) as info:
        check_markup_limits(text, "hello.mjml")
    assert not isinstance(info.value, NestingTooDeep)
    assert str(info.value) == "hello.mjml: 6.1 MB of MJML is over the 5 MB limit."


def test_size_is_measured_in_utf8_bytes() -> None:
    # 2 million characters, but 6 million bytes of UTF-8.
    with pytest.raises(InputTooLarge, match=r"5\.8 MB of MJML is over the 5 MB limit"):
        check_markup_limits("€" * 2_000_000)
    check_markup_limits("x" * MAX_SOURCE_BYTES)  # exactly at the limit is allowed


def test_five_megabytes_scanned_quickly() -> None:
    text = document(SECTION * (MAX_SOURCE_BYTES // len(SECTION) - 1))
    assert len(text.encode()) <= MAX_SOURCE_BYTES
    start = time.perf_counter()
    check_markup_limits(text)
    assert time.perf_counter() - start < 0.75


@pytest.mark.parametrize("unit", ["<<", "a<", "<a<", "<!--", '<a "', "<a x=1 "])
def test_hostile_patterns_stay_linear(unit: str) -> None:
    text = unit * (1024 * 1024 // len(unit))  # 1 MB of the worst case
    start = time.perf_counter()
    nesting_depth(text)
    assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------- output size


def test_output_size() -> None:
    check_output_size("x" * 1000, "hello.mjml")
    check_output_size("x" * MAX_OUTPUT_BYTES, "hello.mjml")
    with pytest.raises(OutputTooLarge) as info:
        check_output_size("x" * (26 * 1024 * 1024), "hello.mjml")
    assert str(info.value) == ("hello.mjml: template too large: the HTML would be 26 MB (limit 20 MB).")
    assert isinstance(info.value, LimitError)


def test_amplified_output_is_capped() -> None:
    """bad-inputs row 5: MRML amplifies about 16x, so a small source can exceed 20 MB."""
    section = "<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>"
    source = document(section * 8000)
    check_markup_limits(source)  # the source is small and flat: the precheck passes
    html = mjml2html(source, fonts={})
    with pytest.raises(OutputTooLarge, match="template too large"):
        check_output_size(html, "big.mjml", limit=len(html) - 1)


def test_errors_survive_pickling() -> None:
    """They cross the worker pipe, so they must rebuild with all attributes."""
    with pytest.raises(NestingTooDeep) as info:
        check_markup_limits(nested_wrappers(150), "hello.mjml")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is NestingTooDeep
    assert str(copy) == str(info.value)
    assert (copy.line, copy.column, copy.depth, copy.source) == (101, 1, 155, "hello.mjml")
