"""The sanitiser's fast fragment parse gives the tree lxml.html's fragment_fromstring gives
(issue 16 item 5: same output, without lxml.html's per-element class lookup)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from mailwright.app.build.markup import fragment_root, sanitize_rich_text

ROOT = Path(__file__).resolve().parents[2]


def _shape(el: etree._Element) -> list:
    """Tag, attributes, text and tail of every node, comments included, in order."""
    return [
        (
            str(e.tag) if isinstance(e.tag, str) else "comment",
            dict(e.attrib) if isinstance(e.tag, str) else {},
            e.text,
            e.tail,
        )
        for e in el.iter()
    ]


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hi <strong>there</strong></p>",
        "   <p>leading white space</p>",
        "leading text <em>then</em> tail",
        "<p>a</p>\n<!-- a note -->\n<ul><li>one<li>two</ul>",
        "<html><body><p>a whole page</p></body></html>",
        "<!doctype html><p>x</p>",
        "&amp; &nbsp; &lt;b&gt; é",
        "<p>unclosed <b>bold",
        "<h1>t</h1><script>x()</script>",
        "<table><tr><td>cell</td></tr></table>",
        "<p>MWTAG00001Z and &lt;&lt; data:x &gt;&gt;</p>",
    ],
)
def test_the_fragment_tree_is_lxml_html_s(html: str) -> None:
    expected = lxml.html.fragment_fromstring(html, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True))
    assert _shape(fragment_root(html)) == _shape(expected)


def test_sanitised_text_is_unchanged_by_the_fast_parse() -> None:
    html = "  <p style='text-align:center'>Hello <a href='https://example.com' style='color:red'>you</a></p><ul><li>x</li></ul>"
    assert sanitize_rich_text(html) == (
        '<p style="margin:0 0 12px;text-align:center;">Hello <a href="https://example.com" style="color:red">you</a>'
        '</p><ul style="margin:0;padding-left:24px;"><li style="margin:0 0 4px;">x</li></ul>'
    )


@pytest.mark.parametrize(
    "text, kept",
    [
        ("a</body><body>b", "ab"),  # lxml.html: AssertionError "too many bodies"
        ("<p>x</p></body><body><p>y</p>", "xy"),
        ("</html><html>z", "z"),  # libxml2 dropped the z
        ("<BODY class=k>hello</BODY>", "hello"),
    ],
)
def test_stray_page_tags_in_a_text_keep_its_words(text, kept):
    for as_written in (False, True):
        out = sanitize_rich_text(text, as_written=as_written)
        assert re.sub(r"<[^>]+>", "", out) == kept, (text, as_written, out)


def test_a_document_whose_text_holds_a_second_body_builds(tmp_path):
    import json
    import subprocess
    import sys

    doc = json.loads((ROOT / "examples" / "password_reset.mwt").read_text(encoding="utf-8"))
    block = next(b for r in doc["rows"] for c in r["columns"] for b in c["blocks"] if b["type"] == "text")
    block["props"]["html"] = "<p>first</p></body><body><p>second</p>"
    src = tmp_path / "bodies.mwt"
    src.write_text(json.dumps(doc), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mailwright", "build", str(src), "-o", str(tmp_path / "o.html")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "first" in html and "second" in html
