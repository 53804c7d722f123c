"""The merge language's semantics (docs/merge-semantics.md): truth, emptiness, numbers stored as
text, each filter, and the rules an ESP's engine keeps where its export cannot follow ours."""

from __future__ import annotations

import pytest

from mailwright.app.merge import parse
from mailwright.app.merge.dialects import DIALECTS, get_dialect
from mailwright.app.merge.render import CompiledTemplate
from mailwright.app.merge import semantics as sem


def show(src: str, data: dict, esp: str | None = None) -> str:
    rules = get_dialect(esp).rules if esp else sem.MAILWRIGHT
    return CompiledTemplate(parse(src, "t"), "text").render(data, rules=rules).text


@pytest.mark.parametrize("value", ["no", "false", "0", "off", "n", " ", "   ", "None"])
def test_any_text_but_the_empty_one_is_true(value):
    assert show("<% if data:v %>T<% else %>F<% endif %>", {"v": value}) == "T"


@pytest.mark.parametrize("value", ["", 0, 0.0, [], {}, None, False])
def test_empty_values_are_false(value):
    assert show("<% if data:v %>T<% else %>F<% endif %>", {"v": value}) == "F"
    assert show("<% if data:v %>T<% else %>F<% endif %>", {}) == "F"


@pytest.mark.parametrize(
    "value,bigger",
    [
        ("7", True),
        (" 7 ", True),
        ("7.5", True),
        ("-2.5", False),
        (7, True),
        ("5", False),
        ("abc", False),
        ("", False),
        ("1,234", False),
        ("1e3", False),
        (None, False),
    ],
)
def test_text_holding_a_number_compares_with_a_written_number(value, bigger):
    assert (show("<% if data:v > 5 %>T<% else %>F<% endif %>", {"v": value}) == "T") is bigger
    # what is no number is never in order, and never equal: only != holds
    if sem.as_number(value) is None:
        for op in ("<", "<=", "==", ">="):
            assert show(f"<% if data:v {op} 5 %>T<% else %>F<% endif %>", {"v": value}) == "F"
        assert show("<% if data:v != 5 %>T<% else %>F<% endif %>", {"v": value}) == "T"


def test_text_compares_with_text_exactly():
    # "2134" is not "02134" (before: both read as the number 2134); case counts, as in every engine.
    assert show('<% if data:z == "02134" %>T<% else %>F<% endif %>', {"z": "2134"}) == "F"
    assert show('<% if data:p == "pro" %>T<% else %>F<% endif %>', {"p": "Pro"}) == "F"
    assert show('<% if data:n < "b" %>T<% else %>F<% endif %>', {"n": "B"}) == "T"  # "B" < "b"
    # a JSON number never equals text: write the number without quotes
    assert show('<% if data:n == "7" %>T<% else %>F<% endif %>', {"n": 7}) == "F"
    assert show("<% if data:n == 7 %>T<% else %>F<% endif %>", {"n": "7.0"}) == "T"


@pytest.mark.parametrize(
    "value,shown",
    [
        ("1234.5", "1234.50"),
        (1234.5, "1234.50"),
        ("0.125", "0.13"),
        (2.675, "2.68"),
        ("-0.001", "0.00"),
        ("abc", ""),
        ("1,234", ""),
    ],
)
def test_number_rounds_half_up_without_separators_like_floatformat(value, shown):
    assert show("<< data:v | number(2) >>", {"v": value}) == shown
    assert show('<< data:v | number(2) | default("n/a") >>', {"v": "abc"}) == "n/a"
    assert show("<< data:v | number >>", {"v": "1234.5"}) == "1235"


def test_filters_as_the_engines_write_them():
    s = "o'neil jean-paul (bob) x.y"
    assert show("<< data:v | capitalize >>", {"v": "mcDONALD élan"}) == "Mcdonald élan"
    assert show("<< data:v | title >>", {"v": s}) == "O'neil Jean-Paul (Bob) X.y"  # Jinja
    assert show("<< data:v | title >>", {"v": s}, "klaviyo") == "O'Neil Jean-Paul (Bob) X.Y"  # Django
    assert show("<< data:v | capitalize >>", {"v": "mcDONALD"}, "iterable") == "McDONALD"
    assert show("<< data:v | truncate(7) >>", {"v": "Hello world"}) == "Hello …"
    assert show("<< data:v | truncate(11) >>", {"v": "Hello world"}) == "Hello world"
    assert show("<< data:v | urlencode >>", {"v": "a b/c?d=é&e+f~"}) == "a%20b/c%3Fd%3D%C3%A9%26e%2Bf~"


def test_default_keeps_spaces_and_the_engines_own_zero():
    assert show('<< data:v | default("x") >>', {"v": "   "}) == "   "
    assert show('<< data:v | trim | default("x") >>', {"v": "   "}) == "x"
    assert show('<< data:v | default("x") >>', {"v": 0}) == "x"
    assert show('<< data:v | default("x") >>', {"v": 0}, "liquid") == "0"
    assert show('<< data:v | default("x") >>', {"v": 0}, "braze") == "0"


def test_values_that_are_not_text_show_as_each_engine_prints_them():
    assert show("<< data:v >>|<< data:w >>|<< data:x >>", {"v": None, "w": True, "x": 7.0}) == "|true|7.0"
    assert show("<< data:v >>|<< data:w >>|<< data:x >>", {"v": None, "w": True, "x": 7.0}, "jinja") == "None|True|7.0"
    assert show("<< data:v >>|<< data:w >>|<< data:x >>", {"v": None, "w": True, "x": 7.0}, "sendgrid") == "|true|7"


def test_every_dialect_declares_its_rules():
    for name in DIALECTS:
        assert isinstance(get_dialect(name).rules, sem.Rules)


def test_truncate_to_nothing_is_refused_with_its_position():
    from mailwright.app.merge.ast import MergeSyntaxError

    with pytest.raises(MergeSyntaxError, match=r"t:1:\d+: filter 'truncate' needs a length of at least 1"):
        parse("<< data:v | truncate(0) >>", "t")
