"""The sanitiser's fast fragment parse gives the tree lxml.html's fragment_fromstring gives
(issue 16 item 5: same output, without lxml.html's per-element class lookup)."""
from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from mailwright.app.markup import fragment_root, sanitize_rich_text


def _shape(el: etree._Element) -> list:
    """Tag, attributes, text and tail of every node, comments included, in order."""
    return [(str(e.tag) if isinstance(e.tag, str) else "comment", dict(e.attrib) if isinstance(e.tag, str) else {},
             e.text, e.tail) for e in el.iter()]


@pytest.mark.parametrize("html", [
    "<p>Hi <strong>there</strong></p>", "   <p>leading white space</p>", "leading text <em>then</em> tail",
    "<p>a</p>\n<!-- a note -->\n<ul><li>one<li>two</ul>", "<html><body><p>a whole page</p></body></html>",
    "<!doctype html><p>x</p>", "&amp; &nbsp; &lt;b&gt; é", "<p>unclosed <b>bold", "<h1>t</h1><script>x()</script>",
    "<table><tr><td>cell</td></tr></table>", "<p>MWTAG00001Z and &lt;&lt; data:x &gt;&gt;</p>",
])
def test_the_fragment_tree_is_lxml_html_s(html: str) -> None:
    expected = lxml.html.fragment_fromstring(html, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True))
    assert _shape(fragment_root(html)) == _shape(expected)


def test_sanitised_text_is_unchanged_by_the_fast_parse() -> None:
    html = "  <p style='text-align:center'>Hello <a href='https://example.com' style='color:red'>you</a></p><ul><li>x</li></ul>"
    assert sanitize_rich_text(html) == (
        '<p style="margin:0 0 12px;text-align:center;">Hello <a href="https://example.com" style="color:red">you</a>'
        '</p><ul style="margin:0;padding-left:24px;"><li style="margin:0 0 4px;">x</li></ul>')
