"""MJML import (issue 13 items 6 and 7): what real templates set on their elements comes in as
editable blocks, and the imported document builds to the HTML the source builds to.

Each case is a small hand-written snippet using one kind of field; the import must make the
element an editable block (not raw MJML) holding the value, and the document must build to
the same HTML as the source (compared as the importer compares: app/importer/_compare.py)."""

from __future__ import annotations

import re

import pytest

from mailwright.app.importer._compare import body_of, canonical_fragment
from mailwright.app.importer.mjml_import import import_mjml
from mailwright.app.build.pipeline import build_document, build_mjml_text


def _body(html: str) -> str:
    html = re.sub(r"<!--.*?-->", "", body_of(html), flags=re.S)
    # The document's language and title are settings, not blocks: left out of the comparison.
    html = re.sub(r' (aria-label="[^"]*"|lang="[^"]*"|dir="(auto|ltr)")', "", html, count=4)
    return canonical_fragment(html, rows=False)


def _mjml(elements: str, head: str = "", section: str = "") -> str:
    return (
        f"<mjml><mj-head>{head}</mj-head><mj-body><mj-section{section}><mj-column>{elements}"
        "</mj-column></mj-section></mj-body></mjml>"
    )


def _only_block(source: str):
    report = import_mjml(source, "case.mjml")
    blocks = list(report.document.iter_blocks())
    assert len(blocks) == 1, report.summary()
    assert not report.raw, report.raw
    html = build_document(report.document).html
    assert _body(html) == _body(build_mjml_text(source, source="case.mjml", web_fonts=False).html)
    return blocks[0], report, html


CASES = [
    # (case, element, block type, props it must hold)
    ("text line-height in px", '<mj-text line-height="22px">Hello</mj-text>', "text", {"line_height_px": 22}),
    # Percent line heights (6 of the official templates' text blocks, 1 button): kept as percent.
    (
        "text line-height in percent",
        '<mj-text line-height="120%">Hello <span style="font-size:30px">big</span></mj-text>',
        "text",
        {"line_height_percent": 120},
    ),
    (
        "heading line-height in percent",
        '<mj-text line-height="150%"><h2>Title</h2></mj-text>',
        "heading",
        {"line_height_percent": 150},
    ),
    (
        "button line-height in percent",
        '<mj-button href="https://example.com" line-height="120%">Go</mj-button>',
        "button",
        {"line_height_percent": 120},
    ),
    ("text letter-spacing", '<mj-text letter-spacing="2px">Hello</mj-text>', "text", {"letter_spacing": 2}),
    (
        "text negative letter-spacing",
        '<mj-text letter-spacing="-0.3px">Hello</mj-text>',
        "text",
        {"letter_spacing": -0.3},
    ),
    (
        "text per-side padding",
        '<mj-text padding="0 25px 10px 25px">Hello</mj-text>',
        "text",
        {"padding_y": 0, "padding_bottom": 10},
    ),
    (
        "text padding longhands",
        '<mj-text padding-top="30px" padding-left="5px">Hello</mj-text>',
        "text",
        {"padding_y": 30, "padding_bottom": 10, "padding_left": 5},
    ),
    (
        "text container background",
        '<mj-text container-background-color="#44d8ff">Hi</mj-text>',
        "text",
        {"background_color": "#44d8ff"},
    ),
    ("text css-class", '<mj-text css-class="intro lead">Hello</mj-text>', "text", {"css_class": "intro lead"}),
    (
        "text font, weight, style, case, decoration",
        '<mj-text font-family="Arial, sans-serif" font-weight="700" font-style="italic" '
        'text-transform="uppercase" text-decoration="underline">Hello</mj-text>',
        "text",
        {
            "font_family": "Arial, sans-serif",
            "font_weight": "700",
            "font_style": "italic",
            "text_transform": "uppercase",
            "text_decoration": "underline",
        },
    ),
    (
        "text paragraphs with their own margins",
        '<mj-text><p>One</p><p style="margin: 10px 0; color: #151e23">Two <a style="color:#fff" '
        'href="https://example.com">link</a></p></mj-text>',
        "text",
        {"markup_as_written": True},
    ),
    (
        "heading h4 as written",
        '<mj-text align="center"><h4>Big news</h4></mj-text>',
        "heading",
        {"level": "h4", "text": "Big news", "theme_style": False},
    ),
    (
        "heading h2 with its own style",
        '<mj-text><h2 style="margin:0;font-size:28px">Sale</h2></mj-text>',
        "heading",
        {"level": "h2", "tag_style": "margin:0;font-size:28px"},
    ),
    (
        "image width and height",
        '<mj-image src="https://example.com/a.png" width="120px" height="60px" />',
        "image",
        {"width": 120, "height": 60},
    ),
    (
        "image border-radius and link",
        '<mj-image src="https://example.com/a.png" border-radius="8px" href="https://example.com" />',
        "image",
        {"border_radius": 8, "href": "https://example.com"},
    ),
    (
        "image per-side padding and no alt",
        '<mj-image src="https://example.com/a.png" padding="0 0 10px 0" />',
        "image",
        {"padding_y": 0, "padding_x": 0, "padding_bottom": 10},
    ),
    (
        "image container background and css-class",
        '<mj-image src="https://example.com/a.png" container-background-color="#ffffff" css-class="hero-pic" />',
        "image",
        {"background_color": "#ffffff", "css_class": "hero-pic"},
    ),
    ("image border none", '<mj-image src="https://example.com/a.png" border="none" />', "image", {}),
    (
        "button per-side inner padding",
        '<mj-button href="https://example.com" inner-padding="5px 35px 8px 35px">Go</mj-button>',
        "button",
        {"inner_padding_y": 5, "inner_padding_bottom": 8},
    ),
    (
        "button per-side padding",
        '<mj-button href="https://example.com" padding-bottom="30px">Go</mj-button>',
        "button",
        {"padding_bottom": 30},
    ),
    (
        "button border",
        '<mj-button href="https://example.com" border="1px solid #0d3d85">Go</mj-button>',
        "button",
        {"border_width": 1, "border_color": "#0d3d85"},
    ),
    ("button width", '<mj-button href="https://example.com" width="270px">Go</mj-button>', "button", {"width": 270}),
    (
        "button font and weight",
        '<mj-button href="https://example.com" font-family="Open Sans, Arial, sans-serif" '
        'font-weight="bold">Go</mj-button>',
        "button",
        {"font_family": "Open Sans, Arial, sans-serif", "font_weight": "bold"},
    ),
    ("divider width in px", '<mj-divider width="30px" border-width="2px" />', "divider", {"width_px": 30}),
    (
        "divider per-side padding",
        '<mj-divider padding="20px 0 0 0" />',
        "divider",
        {"padding_y": 20, "padding_bottom": 0},
    ),
]


@pytest.mark.parametrize("element,block_type,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_element_with_this_field_imports_editable_and_builds_the_same(element, block_type, expected) -> None:
    block, _, _ = _only_block(_mjml(element))
    assert block.type == block_type
    held = block.props.model_dump()
    assert {k: held.get(k) for k in expected} == expected


def test_values_from_an_mj_class_are_written_by_the_block() -> None:
    head = '<mj-attributes><mj-class name="body" line-height="20px" font-family="Lato, Arial" /></mj-attributes>'
    block, _, _ = _only_block(_mjml('<mj-text mj-class="body">Hello</mj-text>', head=head))
    assert (block.props.line_height_px, block.props.font_family) == (20, "Lato, Arial")


def test_a_value_no_field_holds_still_keeps_the_element_as_written() -> None:
    report = import_mjml(_mjml('<mj-text line-height="1.5em">Hello</mj-text>'), "case.mjml")
    assert [why for _, _, why in report.raw] == ["a Text block cannot hold it (line-height '1.5em')"]


# --- item 7: the neutral theme -------------------------------------------------------------------

NEUTRAL_SOURCE = """<mjml><mj-head><mj-style>.grey-box { background: #eeeeee; }</mj-style></mj-head>
<mj-body><mj-section css-class="grey-box"><mj-column>
  <mj-text>Read <a href="https://example.com/more">more</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""


def test_an_import_gets_the_neutral_theme_which_adds_no_link_colour_and_no_transparent_background() -> None:
    report = import_mjml(NEUTRAL_SOURCE, "box.mjml")
    doc = report.document
    assert doc.settings.theme == "neutral"
    html = build_document(doc).html
    source_html = build_mjml_text(NEUTRAL_SOURCE, source="box.mjml", web_fonts=False).html
    assert "a { color" not in html and "a{color" not in html.replace(" ", "")
    assert "transparent" not in html  # the grey class background still shows
    assert _body(html) == _body(source_html)
    # The row took the css-class: an editable row, not a raw section.
    assert doc.rows[0].props.css_class == "grey-box"
    assert [b.type for b in doc.iter_blocks()] == ["text"]


def test_the_neutral_theme_writes_a_link_colour_only_when_the_settings_give_one() -> None:
    doc = import_mjml(NEUTRAL_SOURCE, "box.mjml").document
    doc.settings.link_color = "#7c2d12"
    assert "a { color: #7c2d12; }" in build_document(doc).html


ROW_CASES = [
    (
        "section side borders",
        ' border-left="2px solid #e5e5e6" border-right="2px solid #e5e5e6"',
        {"border_left": "2px solid #e5e5e6", "border_right": "2px solid #e5e5e6"},
    ),
    ("section bottom border", ' border-bottom="4px solid #e9d201"', {"border_bottom": "4px solid #e9d201"}),
    ("section top corners rounded", ' border-radius="8px 8px 0px 0px"', {"radius_top": 8, "radius_bottom": 0}),
    ("section css-class", ' css-class="shadow"', {"css_class": "shadow"}),
]


@pytest.mark.parametrize("section,expected", [c[1:] for c in ROW_CASES], ids=[c[0] for c in ROW_CASES])
def test_a_section_with_this_field_imports_as_an_editable_row_and_builds_the_same(section, expected) -> None:
    _, report, _ = _only_block(_mjml("<mj-text>Hello</mj-text>", section=section))
    row = report.document.rows[0]
    assert row.hero is None  # a row with its columns, not a section kept as written
    held = row.props.model_dump()
    assert {k: held.get(k) for k in expected} == expected
