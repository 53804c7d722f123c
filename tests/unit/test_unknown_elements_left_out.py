"""An `mj-…` element MJML does not define is left out of the email where node's MJML leaves it
out (a child of a column, the body or the head: node mjml 5.4.1 gives the HTML of the file without
it); mjml-python copied it in with its text showing. Elsewhere (node is quirkier) it stays and
`check` warns. Positions stay the user's, through mj-include partials too."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailwright.app.build.mjml_elements import leave_out_unknown_elements
from mailwright.app.build.pipeline import BuildError, build_mjml_text
from mailwright.app.checks import check_mjml_text
from tests.support.documents import raw_mjml_doc

COL = "<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text>{}<mj-text>b</mj-text></mj-column></mj-section></mj-body></mjml>"
LEFT_OUT = {
    "column child": COL.format("<mj-foo>x</mj-foo>"),
    "self-closing": COL.format("<mj-foo/>"),
    "with known children": COL.format("<mj-foo><mj-text>inner</mj-text></mj-foo>"),
    "nested, same name": COL.format("<mj-foo><mj-foo>x</mj-foo>y</mj-foo>"),
    "on lines of its own": COL.format('\n  <mj-foo a="1>2">\n    x\n  </mj-foo>\n'),
    "body child": "<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text></mj-column></mj-section>"
    "<mj-foo>x</mj-foo></mj-body></mjml>",
    "head child": "<mjml><mj-head><mj-titel>T</mj-titel></mj-head><mj-body><mj-section><mj-column>"
    "<mj-text>a</mj-text></mj-column></mj-section></mj-body></mjml>",
}
WITHOUT = {
    "body child": "<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text></mj-column></mj-section></mj-body></mjml>",
    "head child": "<mjml><mj-head></mj-head><mj-body><mj-section><mj-column><mj-text>a</mj-text></mj-column>"
    "</mj-section></mj-body></mjml>",
    "on lines of its own": COL.format("\n\n\n\n"),
}


@pytest.mark.parametrize("case", sorted(LEFT_OUT))
def test_an_unknown_element_node_leaves_out_is_left_out_and_said(case: str) -> None:
    result = build_mjml_text(LEFT_OUT[case], source="t.mjml", web_fonts=False)
    clean = build_mjml_text(WITHOUT.get(case, COL.format("")), source="t.mjml", web_fonts=False)
    assert result.html == clean.html
    assert "mj-foo" not in result.html and "mj-titel" not in result.html
    assert len(result.notes) >= 1 and result.notes[0].startswith("t.mjml:")
    assert "is not an MJML element; it is left out of the email, as node's MJML leaves it out" in result.notes[0]
    assert result.mjml == LEFT_OUT[case]  # `build --mjml` gives the MJML as written
    finding = next(f for f in check_mjml_text(LEFT_OUT[case], source="t.mjml").findings if f.code == "unknown-element")
    assert "it is left out of the email" in finding.message


@pytest.mark.parametrize(
    "case, src",
    [
        # In a section node still counts it as a column (the others get 33 % widths); a
        # mismatched closing tag makes node swallow the next element: kept, and check warns.
        (
            "in a section",
            "<mjml><mj-body><mj-section><mj-column><mj-text>a</mj-text></mj-column><mj-foo>x</mj-foo>"
            "</mj-section></mj-body></mjml>",
        ),
        ("mismatched close", COL.format("<mj-buton>x</mj-button>")),
        # Inside mj-text it is the text's own HTML, for node as for Mailwright.
        (
            "in a text",
            "<mjml><mj-body><mj-section><mj-column><mj-text>a <mj-foo>x</mj-foo> b</mj-text>"
            "</mj-column></mj-section></mj-body></mjml>",
        ),
    ],
)
def test_where_node_does_otherwise_the_element_stays(case: str, src: str) -> None:
    result = build_mjml_text(src, source="t.mjml", web_fonts=False)
    assert ("<mj-foo>x</mj-foo>" in result.html or "<mj-buton>x</mj-buton>" in result.html) and not result.notes


def test_a_line_and_column_after_a_left_out_element_are_the_users() -> None:
    # A later error is still located where it was written: the element's line breaks stay.
    src = COL.format('\n<mj-foo>\nx\n</mj-foo>\n<mj-image src="x.png" ="c" />')
    with pytest.raises(BuildError, match=r"^t\.mjml:5:"):
        build_mjml_text(src, source="t.mjml", web_fonts=False)


def test_a_document_without_unknown_elements_is_returned_as_it_is() -> None:
    text = COL.format("<mj-button href='x'>B</mj-button>")
    assert leave_out_unknown_elements(text) == (text, ())


def test_a_raw_mjml_block_leaves_it_out_too() -> None:
    from mailwright.app.build.pipeline import build_document

    left_out = build_document(raw_mjml_doc("<mj-text>a</mj-text><mj-foo>x</mj-foo>")).html
    assert left_out == build_document(raw_mjml_doc("<mj-text>a</mj-text>")).html
    assert "mj-foo" not in left_out


def test_a_position_in_a_one_line_template_points_into_its_partial(tmp_path: Path) -> None:
    # Every piece of a one-line template starts on line 1: an error in a partial was put at the
    # template's last piece, at the column of the expanded text.
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "p.mjml").write_text("<mj-text>a</mj-text>\n  <mj-foo>x</mj-foo>\n", encoding="utf-8")
    src = '<mjml><mj-body><mj-section><mj-column><mj-include path="./parts/p.mjml" /></mj-column></mj-section></mj-body></mjml>'
    result = build_mjml_text(src, source=str(tmp_path / "t.mjml"), base_dir=tmp_path, web_fonts=False)
    assert result.notes == (
        f"{tmp_path}/parts/p.mjml:2:3: <mj-foo> is not an MJML element; it is left out of the email, "
        "as node's MJML leaves it out (correct the name)",
    )
    (tmp_path / "parts" / "q.mjml").write_text('<mj-text>ok</mj-text><mj-image src="x.png" ="c" />', encoding="utf-8")
    one_line = src.replace("p.mjml", "q.mjml")
    with pytest.raises(BuildError, match=rf"^{tmp_path}/parts/q\.mjml:1:44: "):
        build_mjml_text(one_line, source=str(tmp_path / "t.mjml"), base_dir=tmp_path, web_fonts=False)


def test_check_says_nothing_of_markup_inside_a_text() -> None:
    # node's MJML keeps "a <mj-foo>x</mj-foo> b" as the text's HTML: it is not left out of anything.
    src = "<mjml><mj-body><mj-section><mj-column><mj-text>a <mj-foo>x</mj-foo> b</mj-text></mj-column></mj-section></mj-body></mjml>"
    assert not [f for f in check_mjml_text(src, source="t.mjml").findings if f.code == "unknown-element"]


def test_an_unknown_name_that_starts_like_a_text_is_still_an_unknown_element() -> None:
    # <mj-text-custom> is not an mj-text: its content is not a text's HTML to skip.
    src = COL.format("<mj-text-custom>Hi</mj-text-custom>")
    found = [f for f in check_mjml_text(src, source="t.mjml").findings if f.code == "unknown-element"]
    assert len(found) == 1 and "<mj-text-custom>" in found[0].message


def test_check_names_the_mjml_block_whose_unknown_element_the_email_leaves_out() -> None:
    # In the editor the element vanished from the canvas with no word why.
    from mailwright.app.checks import check_document

    doc = raw_mjml_doc("<mj-text>a</mj-text>\n<mj-txet>b</mj-txet>")
    found = [f for f in check_document(doc).findings if f.code == "unknown-element"]
    assert len(found) == 1 and found[0].location == "b1"
    assert "<mj-txet> at 2:1 is not an MJML element: it is left out of the email" in found[0].message
