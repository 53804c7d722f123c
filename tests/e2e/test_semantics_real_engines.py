"""One meaning for truth, emptiness, numbers stored as text and each filter (issue 12 items 2-5,
docs/merge-semantics.md): each construct, exported for Jinja and Liquid (and Customer.io's
Liquid), renders in the real engine (jinja2, python-liquid) exactly as Mailwright's preview
shows it — for typed JSON values, CSV strings, blanks, "no"/"false"/"0" flags, numbers as text,
HTML-special and non-Latin text. Where an engine reads a value its own way and the export cannot
change that (Liquid's `default` keeps 0), the preview "as that ESP" (its dialect's rules) is
what must match.
"""

from __future__ import annotations

import dataclasses
import html as htmllib

import jinja2
import liquid
import pytest

from mailwright.app.merge import parse
from mailwright.app.merge.dialects import ExportContext, get_dialect
from mailwright.app.merge.render import CompiledTemplate
from mailwright.app.merge.semantics import MAILWRIGHT

ABSENT = object()
VALUES = [
    ABSENT,
    None,
    "",
    " ",
    "   ",
    "no",
    "false",
    "0",
    "off",
    "n",
    "N",
    0,
    1,
    0.0,
    -2,
    [],
    ["a"],
    {},
    False,
    True,
    "7",
    " 7 ",
    "7.5",
    "-2.5",
    "3",
    3,
    7,
    7.5,
    5,
    "5",
    "5.0",
    "abc",
    "1,234",
    "mcDONALD élan",
    "o'neil jean-paul (bob) it's",
    "a b/c?d=e&f+g~h*i'é",
    "Hello world",
    '<b>Tom & "Jerry"</b>',
    "pro",
    "Pro",
    "日本語のテキストです",
    "  zoë  ",
]

CONDITIONS = [
    "<% if data:v %>Y<% else %>N<% endif %>",
    "<% if not data:v %>N<% else %>Y<% endif %>",
    "<% if data:v or data:w %>Y<% else %>N<% endif %>",
    "<% if data:v and data:w %>Y<% else %>N<% endif %>",
    "<% if data:v > 5 %>GT<% elif data:v %>T<% else %>F<% endif %>",
    "<% if data:v >= 5 %>Y<% else %>N<% endif %>",
    "<% if data:v < 5 %>Y<% else %>N<% endif %>",
    "<% if data:v <= -2.5 %>Y<% else %>N<% endif %>",
    "<% if data:v == 5 %>Y<% else %>N<% endif %>",
    "<% if data:v != 5 %>Y<% else %>N<% endif %>",
    "<% if 5 < data:v %>Y<% else %>N<% endif %>",
    "<% if not data:v == 5 %>Y<% else %>N<% endif %>",
    '<% if data:v == "pro" %>Y<% else %>N<% endif %>',
    '<% if data:v != "pro" %>Y<% else %>N<% endif %>',
    '<% if data:v == "7" %>Y<% else %>N<% endif %>',
    '<% if "b" in data:v %>Y<% else %>N<% endif %>',
]
OUTPUTS = [
    '<< data:v | default("there") >>',
    '<< data:v | trim | default("there") >>',
    "<< data:v | upper >>",
    "<< data:v | lower >>",
    "<< data:v | capitalize >>",
    "<< data:v | trim >>",
    "<< data:v | truncate(7) >>",
    "<< data:v | urlencode >>",
]
JINJA_ONLY = ["<< data:v | title >>"]  # Liquid has no title filter (refused)


def _data(v):
    d = {"w": "x"}
    if v is not ABSENT:
        d["v"] = v
    return d


def _jinja(code: str, data: dict, html: bool) -> str:
    return jinja2.Environment(autoescape=html).from_string(code).render(**data)


def _liquid(code: str, data: dict, html: bool) -> str:
    return liquid.Environment().from_string(code).render(**data)


def _customerio(code: str, data: dict, html: bool) -> str:
    return liquid.Environment().from_string(code).render(customer=data)


ENGINES = {"jinja": _jinja, "liquid": _liquid, "customerio": _customerio}


def _skipped(dialect: str, src: str, v) -> bool:
    """Values left out of a cell, each for a documented reason (docs/merge-semantics.md)."""
    if src.startswith("<<") and isinstance(v, (list, dict)):
        return True  # a list or object shown as text: each engine prints its own notation
    if dialect in ("liquid", "customerio"):
        # python-liquid differs from Shopify's Liquid (what Braze and Customer.io run), which
        # agrees with ours: it prints True/False through string filters (Shopify: true/false),
        # raises on `contains` with a number (Shopify: false), and truncates a text exactly as
        # long as the limit (Shopify: `input.length > length` before cutting).
        if src.startswith("<<") and isinstance(v, bool):
            return True
        if " in " in src and (isinstance(v, (int, float)) and not isinstance(v, bool) or v is True):
            return True
        if "truncate(7)" in src and isinstance(v, str) and len(v) == 7:
            return True
    return False


def _cell(dialect: str, src: str, part: str = "text") -> list[str]:
    """Every recipient value where the engine's text differs from the preview's (as that ESP)."""
    tree = parse(src, "t")
    code = get_dialect(dialect).export(tree, ExportContext(part))
    preview = CompiledTemplate(tree, "html" if part == "html" else "text")
    rules = get_dialect(dialect).rules
    bad = []
    for v in VALUES:
        if _skipped(dialect, src, v):
            continue
        data = _data(v)
        ours = preview.render(data, rules=rules).text
        try:
            theirs = ENGINES[dialect](code, data, part == "html")
        except Exception as e:  # the engine failing for a recipient is a disagreement too
            theirs = f"<{type(e).__name__}: {e}>"
        if part == "html":
            # Entities are spelled differently (&#34; and &quot;): compare what a reader sees,
            # and that the engine escaped the value (no tag of the data became markup).
            if "<b>" in theirs:
                bad.append(f"{dialect} · {src} · {v!r}: the engine left markup unescaped: {theirs!r}")
            ours, theirs = htmllib.unescape(ours), htmllib.unescape(theirs)
        if theirs != ours:
            bad.append(f"{dialect} · {src} · {v!r}: preview {ours!r}, engine {theirs!r}")
    return bad


@pytest.mark.parametrize("dialect", ENGINES)
@pytest.mark.parametrize("src", CONDITIONS)
def test_conditions_take_the_branch_the_engine_takes(dialect: str, src: str) -> None:
    assert _cell(dialect, src) == []


@pytest.mark.parametrize("dialect", ENGINES)
@pytest.mark.parametrize("src", OUTPUTS)
def test_filters_and_defaults_show_the_text_the_engine_shows(dialect: str, src: str) -> None:
    assert _cell(dialect, src) == []


@pytest.mark.parametrize("dialect", ENGINES)
@pytest.mark.parametrize("src", ['<< data:v | default("Tom & \\"Jerry\\"") >>', "<< data:v | capitalize >>"])
def test_html_part_escapes_once_as_the_engine_does(dialect: str, src: str) -> None:
    assert _cell(dialect, src, "html") == []


def test_title_shows_what_jinja_shows() -> None:
    assert _cell("jinja", JINJA_ONLY[0]) == []


def test_where_the_engines_keep_their_own_reading_the_preview_as_that_esp_follows() -> None:
    # Jinja prints null as None and True as True (str()), and reads true as 1 next to a number;
    # Liquid's default keeps 0. Everything else is Mailwright's own semantics in both.
    jinja_rules = get_dialect("jinja").rules
    liquid_rules = get_dialect("liquid").rules
    assert (
        dataclasses.replace(jinja_rules, name="Mailwright", text_style="mailwright", bool_is_number=False) == MAILWRIGHT
    )
    assert dataclasses.replace(liquid_rules, name="Mailwright", default_replaces_zero=True) == MAILWRIGHT
    tree = parse('<< data:v | default("none") >>', "t")
    assert CompiledTemplate(tree, "text").render({"v": 0}).text == "none"
    assert CompiledTemplate(tree, "text").render({"v": 0}, rules=liquid_rules).text == "0"
    shown = parse("<< data:v >>", "t")
    assert CompiledTemplate(shown, "text").render({"v": None}).text == ""
    assert CompiledTemplate(shown, "text").render({"v": None}, rules=jinja_rules).text == "None"


def test_the_issue_examples_now_agree() -> None:
    # vip=no from a CSV: VIP in every engine, and now in the preview.
    vip = parse("<% if data:vip %>VIP<% else %>NOVIP<% endif %>", "t")
    assert CompiledTemplate(vip, "text").render({"vip": "no"}).text == "VIP"
    # seats "7" > 5: yes in the preview, and in the exports (no Liquid error, no TypeError).
    seats = "<% if data:seats > 5 %>yes<% else %>no<% endif %>"
    for dialect in ("jinja", "liquid"):
        code = get_dialect(dialect).export(parse(seats, "t"), ExportContext("text"))
        assert ENGINES[dialect](code, {"seats": "7"}, False) == "yes"
    assert CompiledTemplate(parse(seats, "t"), "text").render({"seats": "7"}).text == "yes"
    cap = parse("<< data:n | capitalize >>", "t")
    assert CompiledTemplate(cap, "text").render({"n": "mcDONALD élan"}).text == "Mcdonald élan"
