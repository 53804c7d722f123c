"""What an MJML author is told about elements the compiler cannot use (issue 13, found by the
public corpus): an element MJML does not define, and one that mjml-python does not support."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.checks import check_mjml_text
from mailwright.app.pipeline import BuildError, build_mjml_text

ROOT = Path(__file__).resolve().parents[2]
BODY = "<mj-body><mj-section><mj-column>{}<mj-text>ok</mj-text></mj-column></mj-section></mj-body>"


def test_an_element_mjml_does_not_define_is_reported_with_its_place():
    text = "<mjml>\n  " + BODY.format("<mj-text-custom>Hi</mj-text-custom>") + "\n</mjml>"
    found = [f for f in check_mjml_text(text, source="t.mjml").findings if f.code == "unknown-element"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "<mj-text-custom> at 2:35" in found[0].message and "node's MJML leaves it out" in found[0].message


def test_known_elements_comments_and_raw_html_are_not_reported():
    text = ("<mjml><mj-head><mj-attributes><mj-all font-family='Arial'/></mj-attributes></mj-head>"
            + BODY.format("<!-- <mj-old> --><mj-raw><mj-custom-looking>x</mj-custom-looking></mj-raw>")
            + "</mjml>")
    assert not [f for f in check_mjml_text(text, source="t.mjml").findings if f.code == "unknown-element"]


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.mjml")), ids=lambda p: p.name)
def test_the_shipped_mjml_examples_use_only_mjml_elements(example):
    report = check_mjml_text(example.read_text(encoding="utf-8"), source=str(example))
    assert not [f for f in report.findings if f.code == "unknown-element"]


def test_mj_html_attributes_is_refused_with_what_to_do(tmp_path):
    text = ("<mjml>\n  <mj-head>\n    <mj-html-attributes><mj-selector path='.c div'>"
            "<mj-html-attribute name='data-id'>42</mj-html-attribute></mj-selector></mj-html-attributes>\n"
            "  </mj-head>\n  " + BODY.format("") + "\n</mjml>")
    with pytest.raises(BuildError) as e:
        build_mjml_text(text, source="attrs.mjml")
    assert str(e.value).startswith("attrs.mjml:3:6:")
    assert "not supported by mjml-python" in str(e.value) and "mj-raw" in str(e.value)
    src = tmp_path / "attrs.mjml"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "mailwright", "build", str(src), "-o", str(tmp_path / "o.html")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "remove it" in run.stderr
