"""Rich text between QTextEdit and the document: Qt's toHtml() in, compact HTML out, and back.

The samples below are real output of PySide6 6.12's QTextEdit.toHtml() (generated once with a
small script and pasted here; these tests never import Qt).
"""

from __future__ import annotations

import pytest

from mailwright.app.document.commands import InsertRow, new_block_json, new_row_json
from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import build_document
from mailwright.app.build.richtext_clean import clean_rich_html, rich_to_qt

QT_HEAD = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN" "http://www.w3.org/TR/REC-html40/strict.dtd">\n'
    '<html><head><meta name="qrichtext" content="1" /><meta charset="utf-8" /><style type="text/css">\n'
    "p, li { white-space: pre-wrap; }\n"
    "hr { height: 1px; border-width: 0; }\n"
    'li.unchecked::marker { content: "\\2610"; }\n'
    'li.checked::marker { content: "\\2612"; }\n'
    "</style></head><body style=\" font-family:'Sans Serif'; font-size:9pt; font-weight:400; font-style:normal;\">\n"
)
P0 = (
    'style=" margin-top:0px; margin-bottom:0px; margin-left:0px; margin-right:0px; '
    '-qt-block-indent:0; text-indent:0px;"'
)
P12 = (
    'style=" margin-top:12px; margin-bottom:12px; margin-left:0px; margin-right:0px; '
    '-qt-block-indent:0; text-indent:0px;"'
)
EMPTY = (
    '<p style="-qt-paragraph-type:empty; margin-top:0px; margin-bottom:0px; margin-left:0px; '
    'margin-right:0px; -qt-block-indent:0; text-indent:0px;"><br /></p>'
)
UL = '<ul style="margin-top: 0px; margin-bottom: 0px; margin-left: 0px; margin-right: 0px; -qt-list-indent: 1;">'
OL = UL.replace("<ul", "<ol")

# Typed in an empty QTextEdit: formats, a merge tag, a link inserted by the inspector, two empty
# paragraphs, a centred paragraph with Shift+Enter, lists (Qt writes two style attributes on the
# ordered list's items), and a right-aligned bold paragraph.
QT_TYPED = QT_HEAD + (
    f'<p {P0}>Hello <span style=" font-weight:700;">bold</span> <span style=" font-style:italic;">italic</span> '
    '<span style=" text-decoration: underline;">under</span> <span style=" color:#ff0000;">red</span> '
    '<span style=" font-weight:700; font-style:italic; color:#00aa00;">all</span> '
    "Hi &lt;&lt; data:firstname | default(&quot;there&quot;) &gt;&gt; &amp; a &lt; b "
    '<a href="&lt;&lt; link:unsubscribe &gt;&gt;"><span style=" text-decoration: underline; color:#0000ff;">unsub</span></a> '
    '<a href="https://example.com/?a=1&amp;b=2"><span style=" text-decoration: underline; color:#0000ff;">a link</span></a></p>\n'
    '<p style="-qt-paragraph-type:empty; margin-top:0px; margin-bottom:0px; margin-left:0px; margin-right:0px; '
    '-qt-block-indent:0; text-indent:0px; text-decoration: underline; color:#0000ff;"><br /></p>\n'
    '<p style="-qt-paragraph-type:empty; margin-top:0px; margin-bottom:0px; margin-left:0px; margin-right:0px; '
    '-qt-block-indent:0; text-indent:0px; text-decoration: underline; color:#0000ff;"><br /></p>\n'
    f'<p align="center" {P0}>centered<br />after shift-enter</p>\n'
    f"{EMPTY}\n"
    f"{UL}\n"
    f"<li {P0}>one</li>\n"
    f"<li {P0}>two</li>\n"
    f'<li {P0}><span style=" font-weight:700;">three</span></li></ul>\n'
    '<p style="-qt-paragraph-type:empty; margin-top:0px; margin-bottom:0px; margin-left:0px; margin-right:0px; '
    '-qt-block-indent:0; text-indent:0px; font-weight:700;"><br /></p>\n'
    f"{OL}\n"
    f'<li style=" font-weight:700;" {P0}>first</li>\n'
    f'<li style=" font-weight:700;" {P0}>second</li></ol>\n'
    f'<p align="right" {P0}><span style=" font-weight:700;">right</span></p></body></html>'
)

QT_EMPTY = QT_HEAD + EMPTY + "</body></html>"

# rich_to_qt('<p>Dear << data:firstname | default("friend") >>,</p><p>… &amp; waited.</p>') shown by Qt.
QT_NEWSLETTER = QT_HEAD + (
    f"<p {P12}>Dear &lt;&lt; data:firstname | default(&quot;friend&quot;) &gt;&gt;,</p>\n"
    f"<p {P12}>Two winters ago we cut the old wisteria &amp; waited.</p></body></html>"
)

# The user bolded "data" inside a merge tag.
QT_HALF_BOLD_TAG = QT_HEAD + (
    f'<p {P12}>Hello &lt;&lt; <span style=" font-weight:700;">data</span>:firstname &gt;&gt;!</p></body></html>'
)

# A stored centred link and a nested list, after setHtml(rich_to_qt(...)) and toHtml().
QT_NESTED = QT_HEAD + (
    f'<p align="center" {P12}><a href="&lt;&lt; link:view_online &gt;&gt;">'
    '<span style=" text-decoration: underline; color:#0000ff;">View online</span></a></p>\n'
    f"{UL}\n"
    '<li style=" margin-top:12px; margin-bottom:0px; margin-left:0px; margin-right:0px; -qt-block-indent:0; '
    'text-indent:0px;">one</li>\n'
    '<li style=" margin-top:0px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; '
    'text-indent:0px;"><span style=" font-weight:700;">two</span>\n'
    + UL.replace("-qt-list-indent: 1", "-qt-list-indent: 2")
    + "\n"
    f"<li {P0}>nested</li></ul></li></ul></body></html>"
)

# A web page pasted into the editor (insertHtml): heading, divs, an Arial span, a javascript: link.
QT_PASTED_WEB = QT_HEAD + (
    '<h2 style=" margin-top:16px; margin-bottom:12px; margin-left:0px; margin-right:0px; -qt-block-indent:0; '
    'text-indent:0px;"><span style=" font-size:x-large; font-weight:700; color:#333333;">Title</span></h2>\n'
    f'<p {P0}>Line <span style=" font-weight:700;">one</span></p>\n'
    f"<p {P0}><span style=\" font-family:'Arial'; font-size:11pt;\">Two\u00a0spaces </span>"
    '<a href="javascript:alert(1)"><span style=" font-family:\'Arial\'; font-size:11pt; '
    'text-decoration: underline; color:#0000ff;">bad</span></a></p></body></html>'
)


def test_typed_document_becomes_compact_rich_text():
    assert clean_rich_html(QT_TYPED) == (
        '<p>Hello <strong>bold</strong> <em>italic</em> <u>under</u> <span style="color:#ff0000">red</span> '
        '<strong><em><span style="color:#00aa00">all</span></em></strong> '
        'Hi << data:firstname | default("there") >> &amp; a &lt; b '
        '<a href="<< link:unsubscribe >>">unsub</a> <a href="https://example.com/?a=1&amp;b=2">a link</a></p>'
        "<p><br></p><p><br></p>"
        '<p style="text-align:center">centered<br>after shift-enter</p>'
        "<p><br></p>"
        "<ul><li>one</li><li>two</li><li><strong>three</strong></li></ul>"
        "<p><br></p>"
        "<ol><li><strong>first</strong></li><li><strong>second</strong></li></ol>"
        '<p style="text-align:right"><strong>right</strong></p>'
    )


def test_no_qt_noise_survives():
    out = clean_rich_html(QT_TYPED)
    for noise in (
        "-qt-",
        "margin",
        "font-family",
        "DOCTYPE",
        "<style",
        "<body",
        "<html",
        '<span style=" ',
        "#0000ff",
        "9pt",
        "qrichtext",
        "\n",
    ):
        assert noise not in out


def test_empty_editor_gives_empty_text():
    assert clean_rich_html(QT_EMPTY) == ""
    assert clean_rich_html("") == ""
    assert clean_rich_html("   \n") == ""


def test_merge_tags_come_back_raw_from_qt_escaping():
    assert clean_rich_html(QT_NEWSLETTER) == (
        '<p>Dear << data:firstname | default("friend") >>,</p>'
        "<p>Two winters ago we cut the old wisteria &amp; waited.</p>"
    )


def test_a_merge_tag_split_by_formatting_is_joined_back():
    assert clean_rich_html(QT_HALF_BOLD_TAG) == "<p>Hello << data:firstname >>!</p>"


def test_nested_lists_alignment_and_links():
    assert clean_rich_html(QT_NESTED) == (
        '<p style="text-align:center"><a href="<< link:view_online >>">View online</a></p>'
        "<ul><li>one</li><li><strong>two</strong><ul><li>nested</li></ul></li></ul>"
    )


def test_pasted_web_content_is_reduced_to_the_allowed_subset():
    out = clean_rich_html(QT_PASTED_WEB)
    assert out == (
        '<p><strong><span style="color:#333333">Title</span></strong></p>'
        "<p>Line <strong>one</strong></p><p>Two\u00a0spaces bad</p>"
    )
    assert "javascript" not in out and "Arial" not in out and "11pt" not in out


def test_link_colour_from_the_editor_palette():
    html = QT_HEAD + (
        f'<p {P0}><a href="https://x.test/"><span style=" text-decoration: underline; '
        'color:#2a82da;">go</span></a></p></body></html>'
    )
    assert clean_rich_html(html, link_color="#2a82da") == '<p><a href="https://x.test/">go</a></p>'
    # A colour the user chose on a link is kept.
    assert clean_rich_html(html) == '<p><a href="https://x.test/"><span style="color:#2a82da">go</span></a></p>'


@pytest.mark.parametrize(
    "stored",
    [
        '<p>Hi << data:firstname | default("there") >>, welcome &amp; enjoy a &lt; b.</p>',
        '<p style="text-align:center"><strong>Bold</strong> <em>it</em> <u>u</u> <s>s</s> '
        '<span style="color:#ff0000">red</span></p>'
        '<p><a href="<< link:unsubscribe >>">Unsubscribe</a> or <a href="https://example.com/?a=1&amp;b=2">visit</a></p>',
        "<ul><li>one</li><li><strong>two</strong><ul><li>nested</li></ul></li></ul>"
        '<ol><li style="text-align:right">x</li></ol><p><br></p><p>after<br>line</p>',
        '<p><strong><span style="color:#34d399;font-size:13px">INVITED</span></strong> x<sup>2</sup></p>',
        "<p>Issue << var:issue >> \u00b7 May 2025 <% if data:vip %>VIP<% endif %> \\<< literal</p>",
    ],
)
def test_clean_is_idempotent_on_stored_text(stored):
    assert clean_rich_html(stored) == stored
    assert clean_rich_html(clean_rich_html(stored)) == stored


def test_rich_to_qt_escapes_merge_tags_for_qt():
    stored = '<p>Hi << data:x | default("a") >> <a href="<< link:unsubscribe >>">u</a></p>'
    qt = rich_to_qt(stored)
    assert "<<" not in qt and ">>" not in qt
    assert qt == (
        '<p>Hi &lt;&lt; data:x | default("a") &gt;&gt; <a href="&lt;&lt; link:unsubscribe &gt;&gt;">u</a></p>'
    )
    # What Qt gives back for that (escaped the same way) cleans to the stored form.
    assert clean_rich_html(QT_HEAD + f"<p {P12}>{qt[3:-4]}</p></body></html>") == stored


def test_rich_to_qt_is_mostly_identity():
    stored = "<p><strong>Bold</strong> and <em>it</em></p><ul><li>a</li></ul>"
    assert rich_to_qt(stored) == stored
    assert rich_to_qt("") == ""


def test_legacy_markup_in_stored_text_is_normalised():
    assert clean_rich_html('<p><b>b</b><i>i</i><span style="font-weight:bold">w</span></p>') == (
        "<p><strong>b</strong><em>i</em><strong>w</strong></p>"
    )
    assert clean_rich_html("just text") == "<p>just text</p>"
    assert clean_rich_html("<script>alert(1)</script><p>ok</p>") == "<p>ok</p>"


def _build_with_text(html: str) -> str:
    doc = Document()
    block = new_block_json(doc, "text", html=html)
    InsertRow(0, new_row_json(doc, [100], [[block]])).apply(doc)
    return build_document(doc).html


def test_cleaned_merge_tags_survive_the_pipeline():
    cleaned = clean_rich_html(QT_TYPED)
    html = _build_with_text(cleaned)
    assert '<< data:firstname | default("there") >>' in html
    assert 'href="<< link:unsubscribe >>"' in html
    assert "&lt;&lt;" not in html  # never shown as literal text
    # The same for a tag Qt split over two formats.
    assert "<< data:firstname >>" in _build_with_text(clean_rich_html(QT_HALF_BOLD_TAG))


def test_entity_escaped_tags_would_not_be_merge_tags():
    """Why the stored form is raw: an escaped tag is literal text to the pipeline."""
    html = _build_with_text("<p>Hi &lt;&lt; data:x &gt;&gt;</p>")
    assert "<< data:x >>" not in html and "&lt;&lt; data:x &gt;&gt;" in html
