"""The shortcuts that cut the build's own time (issue 16 item 5) give what the long way gives."""

from __future__ import annotations

import re

import pytest

from mailwright.app.build.limits import NestingTooDeep, check_markup_limits
from mailwright.app.build.mjml_render import RenderContext
from mailwright.app.build.plaintext import _normal_style
from mailwright.app.build.tokens import TokenTable
from mailwright.blocks.base import escape_attr, px
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
