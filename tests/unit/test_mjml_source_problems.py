"""What an MJML author is told about elements the compiler cannot use (issue 13, found by the
public corpus): an element MJML does not define, and one that mjml-python does not support."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.checks import check_mjml_text
from mailwright.app.build.pipeline import BuildError, build_mjml_text

ROOT = Path(__file__).resolve().parents[2]
BODY = "<mj-body><mj-section><mj-column>{}<mj-text>ok</mj-text></mj-column></mj-section></mj-body>"


def test_an_element_mjml_does_not_define_is_reported_with_its_place():
    text = "<mjml>\n  " + BODY.format("<mj-text-custom>Hi</mj-text-custom>") + "\n</mjml>"
    found = [f for f in check_mjml_text(text, source="t.mjml").findings if f.code == "unknown-element"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "<mj-text-custom> at 2:35" in found[0].message and "node's MJML leaves it out" in found[0].message


def test_known_elements_comments_and_raw_html_are_not_reported():
    text = (
        "<mjml><mj-head><mj-attributes><mj-all font-family='Arial'/></mj-attributes></mj-head>"
        + BODY.format("<!-- <mj-old> --><mj-raw><mj-custom-looking>x</mj-custom-looking></mj-raw>")
        + "</mjml>"
    )
    assert not [f for f in check_mjml_text(text, source="t.mjml").findings if f.code == "unknown-element"]


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.mjml")), ids=lambda p: p.name)
def test_the_shipped_mjml_examples_use_only_mjml_elements(example):
    report = check_mjml_text(example.read_text(encoding="utf-8"), source=str(example))
    assert not [f for f in report.findings if f.code == "unknown-element"]


def test_mj_html_attributes_is_refused_with_what_to_do(tmp_path):
    text = (
        "<mjml>\n  <mj-head>\n    <mj-html-attributes><mj-selector path='.c div'>"
        "<mj-html-attribute name='data-id'>42</mj-html-attribute></mj-selector></mj-html-attributes>\n"
        "  </mj-head>\n  " + BODY.format("") + "\n</mjml>"
    )
    with pytest.raises(BuildError) as e:
        build_mjml_text(text, source="attrs.mjml")
    assert str(e.value).startswith("attrs.mjml:3:6:")
    assert "not supported by mjml-python" in str(e.value) and "mj-raw" in str(e.value)
    src = tmp_path / "attrs.mjml"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mailwright", "build", str(src), "-o", str(tmp_path / "o.html")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr and "remove it" in run.stderr


def test_text_written_between_columns_is_left_out_as_node_does():
    # node MJML 5.4.1 on this source shows only keep, keep2 and k3 (checked by hand)
    text = (
        "<mjml><mj-body>bodytext<mj-section>before<mj-column><mj-text>keep</mj-text></mj-column\n>between"
        "<mj-column><mj-text>keep2</mj-text></mj-column>after</mj-section><mj-wrapper>wrap<mj-section>"
        "<mj-group>grp<mj-column><mj-text>k3 <b>bold</b></mj-text></mj-column></mj-group></mj-section>"
        "</mj-wrapper></mj-body></mjml>"
    )
    plain = build_mjml_text(text, source="stray.mjml").text
    for word in ("bodytext", "before", "between", "after", "wrap", "grp"):
        assert word not in plain
    assert "keep" in plain and "keep2" in plain and "k3 bold" in plain


def test_an_inline_style_whose_closing_tag_spans_lines_is_inlined():
    text = (
        '<mjml><mj-head><mj-style inline="inline">.big { font-size: 31px; }</mj-style\n></mj-head>'
        + BODY.format('<mj-text css-class="x"><p class="big">Hi</p></mj-text>')
        + "</mjml>"
    )
    html = build_mjml_text(text, source="s.mjml").html
    assert '<p class="big" style="font-size:31px">Hi' in html  # inlined on the element
    assert ".big" not in html  # and not left as a style sheet


def test_an_imported_email_links_the_mjml_web_fonts_its_source_links(tmp_path):
    from mailwright.app.importer import import_file
    from mailwright.app.build.pipeline import build_document

    src = tmp_path / "u.mjml"
    src.write_text(
        "<mjml>" + BODY.format('<mj-text font-family="Ubuntu, Helvetica">Hello</mj-text>') + "</mjml>", encoding="utf-8"
    )
    direct = build_mjml_text(src.read_text(encoding="utf-8"), source=str(src), base_dir=tmp_path)
    doc = import_file(src)
    doc = getattr(doc, "document", doc)
    rebuilt = build_document(doc, source=str(src))
    assert direct.web_fonts == ("Ubuntu",) and rebuilt.web_fonts == ("Ubuntu",)
    assert "fonts.googleapis.com/css?family=Ubuntu" in rebuilt.html
    assert "fonts.googleapis.com" not in build_document(doc, source=str(src), web_fonts=False).html


def test_a_file_using_mj_include_imports_with_its_partials_copied_in(tmp_path):
    from mailwright.app.importer import ImportFailed, import_report
    from mailwright.app.build.pipeline import build_document

    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "header.mjml").write_text(
        "<mj-section><mj-column><mj-text>Header here</mj-text></mj-column></mj-section>", encoding="utf-8"
    )
    main = tmp_path / "main.mjml"
    main.write_text(
        '<mjml>\r\n<mj-body>\r\n<mj-include path="./parts/header.mjml" />\r\n'
        + BODY[len("<mj-body>") :].format("")
        + "\r\n</mjml>\r\n",
        encoding="utf-8",
    )
    report = import_report(main)
    assert "Header here" in build_document(report.document).text
    assert any("parts/header.mjml" in n and "copied into the document" in n for n in report.notes)
    (tmp_path / "parts" / "header.mjml").unlink()
    with pytest.raises(ImportFailed) as e:
        import_report(main)
    assert "main.mjml:3" in str(e.value)
