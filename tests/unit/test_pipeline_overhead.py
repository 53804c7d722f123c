"""The shortcuts that cut the build's own time (issue 16 item 5) give what the long way gives."""

from __future__ import annotations

import re
import threading

import pytest
from lxml import etree

from mailwright.app.build import markup, plaintext
from mailwright.app.build.limits import NestingTooDeep, check_markup_limits
from mailwright.app.build.mjml_render import RenderContext
from mailwright.app.build.plaintext import _normal_style, html_to_text
from mailwright.app.build.tokens import TokenTable
from mailwright.blocks.base import BlockData, escape_attr, pad, px, side_padding
from mailwright.themes import load_theme


def test_nesting_just_at_the_limit_passes_and_one_more_level_is_refused_at_its_line():
    at_limit = "<mj-section>" * 100
    check_markup_limits(at_limit, "a.mjml", max_nesting=100)  # the short way: 100 "<" that open
    over = "<mj-section>\n" * 101
    with pytest.raises(NestingTooDeep, match=r"a\.mjml: nesting too deep at line 101, column 1"):
        check_markup_limits(over, "a.mjml", max_nesting=100)


def test_closing_tags_do_not_let_a_deep_document_through():
    deep = "<p></p>" * 60 + "<div>" * 101
    with pytest.raises(NestingTooDeep):
        check_markup_limits(deep, "deep.html", max_nesting=100)


def test_style_whitespace_is_dropped_as_the_regex_did_unicode_spaces_included():
    for style in ("Display : NONE", "display:\u00a0none", "mso-hide:\u2003all", "color:\u3000red\t;", ""):
        assert _normal_style(style) == re.sub(r"\s+", "", style.lower())


@pytest.mark.parametrize("value", [0, 12, -3, True, False, 2**53, 2**60 + 1, 12.0, 12.5, 1.333])
def test_px_writes_every_number_as_the_float_form_does(value):
    number = float(value)
    expected = f"{int(number)}px" if number.is_integer() else f"{number:.2f}".rstrip("0").rstrip(".") + "px"
    assert px(value) == expected


def test_attribute_values_are_escaped_as_before():
    ctx = RenderContext(theme=load_theme("classic"), tokens=TokenTable())
    values = {"a": 'say "hi"\n& <b>', "b": 3, "c": "plain", "d": "", "e": None}
    expected = "".join(f' {k}="{escape_attr(str(v))}"' for k, v in values.items() if v not in (None, ""))
    assert ctx.attrs(values) == expected
    assert ctx.attrs({"d": ""}, keep_empty=("d",)) == ' d=""'


@pytest.mark.parametrize(
    "values",
    [(0,), (12,), (1.5, 0), (8, 24), (4, None, 6), (1, 2, 3), (1, 2, 3, 4), (0, None, None, 7), (2, 3, None, 5)],
)
def test_padding_shorthand_is_written_as_the_list_form_wrote_it(values):
    expected = " ".join(px(v) for v in [values[0], *(v for v in values[1:] if v is not None)])
    assert pad(*values) == expected


@pytest.mark.parametrize("sides", [{}, {"padding_top": 0}, {"padding_left": 3, "padding_bottom": 9.5}])
def test_side_padding_reads_each_side_as_before(sides):
    props = {"padding_y": 10, "padding_x": 20, **dict.fromkeys(("padding_top", "padding_right")), **sides}
    b = BlockData("b1", "text", props)
    own = [props.get(f"padding_{side}") for side in ("top", "right", "bottom", "left")]
    if all(v is None for v in own):
        expected = pad(10, 20)
    else:
        expected = pad(*(v if v is not None else (10 if i % 2 == 0 else 20) for i, v in enumerate(own)))
    assert side_padding(b) == expected


def test_the_reused_parsers_give_what_a_fresh_parser_gives_in_any_thread(monkeypatch):
    texts = ["<p>a <b>bold<p>unclosed", "<table><tr><td>cell</td>", "<p>plain &amp; simple</p>", "</div><i>x"]
    pages = [f"<html><body><p>{t}</p><div style='display:none'>h</div></body></html>" for t in texts]

    def fresh_fragment(html: str) -> bytes:
        parsed = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser(huge_tree=True))
        return etree.tostring(parsed)

    def reused_fragment(html: str) -> bytes:
        return etree.tostring(etree.fromstring(f"<html><body>{html}</body></html>", markup._fragment_parser()))

    with monkeypatch.context() as m:  # the long way: a new page parser per call, as before
        m.setattr(
            plaintext,
            "_parser",
            lambda: etree.HTMLParser(
                huge_tree=True,
                remove_comments=True,
                remove_pis=True,
                no_network=True,
                encoding="utf-8",
                collect_ids=False,
            ),
        )
        fresh_text = [html_to_text(p) for p in pages]
    expected = [fresh_fragment(t) for t in texts]
    results: list[tuple[list[bytes], list[str]]] = []

    def run() -> None:
        results.append(([reused_fragment(t) for t in texts * 3], [html_to_text(p) for p in pages * 3]))

    run()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    for fragments, text in results:
        assert fragments == expected * 3
        assert text == fresh_text * 3
    assert markup._fragment_parser() is markup._fragment_parser()
