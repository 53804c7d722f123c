"""Fuzzing (issue 8, reliability point 2): the merge parser, the CSV reader, MJML import, the .mwt
loader and the MJML compile path never crash, never hang and reject with a located message.

Deterministic (`derandomize=True`, no example database) and bounded (`max_examples`, and a
worker timeout for anything that reaches MRML), so the file runs in a few seconds. What an
oracle accepts is in oracles.py. An input that ever broke one of these goes into tests/corpus/
(see its README) and test_corpus.py replays it on every run.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.reliability import oracles
from tests.reliability.conftest import ROOT, importer_available

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
_TMP = Path(tempfile.mkdtemp(prefix="mailwright-fuzz-"))
atexit.register(shutil.rmtree, _TMP, True)

# --- the merge language --------------------------------------------------------------------------

TAG_PIECES = [
    "<<",
    ">>",
    "<%",
    "%>",
    "<#",
    "#>",
    "\\<<",
    " ",
    "  ",
    "\n",
    "data:",
    "var:",
    "link:",
    "item:",
    "x",
    "a",
    "l",
    "first name",
    '"q"',
    "'s'",
    "1",
    "-2.5",
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    " in ",
    "not",
    " and ",
    " or ",
    "(",
    ")",
    "|",
    "upper",
    "default(",
    "truncate(3)",
    "number(",
    ",",
    "==",
    "!=",
    "<",
    ">",
    ">=",
    ".",
    "__class__",
    "unsubscribe",
    "Prev",
    "Next",
    "{{",
    "}}",
    "{%",
    "%}",
    "*|",
    "|*",
    "&lt;",
    "<b>",
    "</b>",
    "é",
    "\x00",
    "\u202e",
]


@settings(FUZZ, max_examples=250)
@given(st.text(max_size=300))
def test_merge_parser_on_arbitrary_text(text):
    event(oracles.merge(text))


@settings(FUZZ, max_examples=400)
@given(st.lists(st.sampled_from(TAG_PIECES), max_size=60).map("".join))
def test_merge_parser_on_tag_shaped_text(text):
    event(oracles.merge(text))


@settings(FUZZ, max_examples=60)
@given(st.integers(1, 120), st.sampled_from(["if", "for", "paren", "not", "and", "filter"]))
def test_merge_parser_on_deep_and_long_tags(n, shape):
    text = {
        "if": "<% if data:a %>" * n + "x" + "<% endif %>" * n,
        "for": "".join(f"<% for v{i} in data:l %>" for i in range(n)) + "x" + "<% endfor %>" * n,
        "paren": "<% if " + "(" * n + "data:a" + ")" * n + " %>x<% endif %>",
        "not": "<% if " + "not " * n + "data:a %>x<% endif %>",
        "and": "<% if " + " and ".join(["data:a"] * n) + " %>x<% endif %>",
        "filter": "<< data:a" + " | upper" * n + " >>",
    }[shape]
    event(oracles.merge(text))


# --- the CSV reader --------------------------------------------------------------------------------

CELL = st.text(alphabet=st.sampled_from(list('ab é,;\t|"\r\n\x00=+-@<>') + ["\ufeff", "\u202e"]), max_size=12)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]


@st.composite
def csv_files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 1), max_size=8))
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            quote = draw(st.booleans())
            cells.append('"' + cell.replace('"', '""') + '"' if quote else cell)
        lines.append(delimiter.join(cells))
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    if draw(st.booleans()):
        text = "email" + delimiter + "name\n" + text
    if draw(st.integers(0, 9)) == 0:
        text += "," + "x" * draw(st.sampled_from([131_072, 131_073, 200_000]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, "replace")


@settings(FUZZ, max_examples=300)
@given(st.binary(max_size=400) | csv_files())
def test_csv_reader_on_arbitrary_bytes(data):
    event(oracles.csv(data))


# --- the .mwt loader --------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
EXAMPLE = json.loads((ROOT / "examples" / "welcome.mwt").read_text(encoding="utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = list(_paths(EXAMPLE))


@st.composite
def mutated_documents(draw) -> str:
    data = json.loads(json.dumps(EXAMPLE))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS[1:]))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(JSON_VALUES)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=8))] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            pass
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    cut = draw(st.sampled_from(["none", "truncate", "insert"]))
    if cut == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif cut == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["{", "]", ",", '"', "NaN", "\x00", "\\", "[" * 150])) + text[at:]
    return text


@settings(FUZZ, max_examples=200)
@given(st.text(max_size=200) | JSON_VALUES.map(json.dumps) | mutated_documents())
def test_mwt_loader_on_json_ish_text(text):
    event(oracles.mwt(text))


# --- the MJML compile path (through the worker) ------------------------------------------------------

CONTAINERS = ["mj-wrapper", "mj-section", "mj-column", "mj-group", "div", "span", "table", "p", "b", "mj-hero"]


@st.composite
def crash_prone_mjml(draw) -> str:
    depth = draw(st.sampled_from([0, 1, 50, 99, 101, 150, 500, 3000]))
    tags = [draw(st.sampled_from(CONTAINERS)) for _ in range(min(depth, 5))] or ["div"]
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth)))
    attr = draw(
        st.sampled_from(
            [
                "",
                ' title="x"',
                ' style="' + "a:b;" * 50_000 + '"',
                ' alt="' + "&quot;<>\\n" * 10_000 + '"',
                " " + " ".join(f'a{i}="{i}"' for i in range(2000)),
            ]
        )
    )
    text = draw(st.sampled_from(["x", "<< data:x >>", "a &lt; b", "a < b", "\x00", "é" * 10_000, "<" * 50]))
    where = draw(st.sampled_from(["raw", "text", "body"]))
    if where == "raw":
        body = f"<mj-raw><div{attr}>{opening}{text}{closing}</div></mj-raw>"
    elif where == "text":
        body = f"<mj-section><mj-column><mj-text{attr}>{opening}{text}{closing}</mj-text></mj-column></mj-section>"
    else:
        body = f"{opening}<mj-section{attr}><mj-column><mj-text>{text}</mj-text></mj-column></mj-section>{closing}"
    return f"<mjml><mj-body>{body}</mj-body></mjml>"


@settings(FUZZ, max_examples=40)
@given(crash_prone_mjml())
def test_mjml_compile_in_the_worker_never_dies(compile_worker, text):
    event(oracles.mjml_build(compile_worker, text))


# --- MJML import ----------------------------------------------------------------------------------

MJML_TAGS = [
    "mjml",
    "mj-head",
    "mj-body",
    "mj-section",
    "mj-column",
    "mj-text",
    "mj-button",
    "mj-image",
    "mj-wrapper",
    "mj-raw",
    "mj-group",
    "mj-hero",
    "mj-social",
    "mj-social-element",
    "mj-navbar",
    "mj-navbar-link",
    "mj-divider",
    "mj-spacer",
    "mj-style",
    "mj-attributes",
    "mj-all",
    "mj-title",
    "mj-preview",
    "mj-table",
    "mj-include",
    "p",
    "div",
    "br",
]
ATTR_NAMES = [
    "width",
    "padding",
    "background-color",
    "color",
    "src",
    "href",
    "css-class",
    "mode",
    "inline",
    "font-size",
    "align",
    "path",
    "full-width",
    "border-radius",
    "direction",
    "name",
]
ATTR_VALUES = st.sampled_from(
    [
        "10px",
        "50%",
        "#fff",
        "red",
        "banana",
        "-5%",
        "",
        "<< data:x >>",
        'a"b',
        "a'b",
        "https://example.com/x.png",
        "inline",
        "full-width",
        "1e9px",
        "&amp;",
        "<",
    ]
)
TEXTS = st.sampled_from(
    [
        "",
        "Hello",
        "a < b",
        "<< data:firstname >>",
        "&nbsp;",
        "<b>bold</b>",
        "<br>",
        "\n",
        "<!-- c -->",
        "<% if data:a %>x<% endif %>",
        "é",
        "]]>",
    ]
)


def mjml_trees() -> st.SearchStrategy[str]:
    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda tag, attrs, kids, close: (
                f"<{tag}"
                + "".join(f' {k}="{v}"' for k, v in attrs)
                + (">" + "".join(kids) + f"</{tag}>" if close else " />")
            ),
            st.sampled_from(MJML_TAGS),
            st.lists(st.tuples(st.sampled_from(ATTR_NAMES), ATTR_VALUES), max_size=3),
            st.lists(children, max_size=4),
            st.booleans(),
        )

    tree = st.recursive(TEXTS, element, max_leaves=12)
    return (
        st.builds(lambda head, body: f"<mjml><mj-head>{head}</mj-head><mj-body>{body}</mj-body></mjml>", tree, tree)
        | tree
    )


CONTENT = [
    "mj-text",
    "mj-button",
    "mj-image",
    "mj-divider",
    "mj-spacer",
    "mj-raw",
    "mj-table",
    "mj-social",
    "mj-navbar",
    "mj-accordion",
    "mj-carousel",
    "mj-foo",
]
ATTRS = st.lists(st.tuples(st.sampled_from(ATTR_NAMES), ATTR_VALUES), max_size=3).map(
    lambda attrs: "".join(f' {k}="{v}"' for k, v in attrs)
)


def mjml_documents() -> st.SearchStrategy[str]:
    """Well-formed MJML (body > sections > columns > content) with odd attributes and content:
    what gets past the compile and exercises the importer's mapping."""
    content = st.builds(
        lambda tag, attrs, text: f"<{tag}{attrs}>{text}</{tag}>", st.sampled_from(CONTENT), ATTRS, TEXTS
    )
    column = st.builds(
        lambda attrs, kids: f"<mj-column{attrs}>{''.join(kids)}</mj-column>", ATTRS, st.lists(content, max_size=3)
    )
    section = st.builds(
        lambda tag, attrs, cols: f"<{tag}{attrs}>{''.join(cols)}</{tag}>",
        st.sampled_from(["mj-section", "mj-section", "mj-wrapper", "mj-hero"]),
        ATTRS,
        st.lists(column, min_size=1, max_size=5),
    )
    head = st.lists(
        st.sampled_from(
            [
                "<mj-title>T << data:x >></mj-title>",
                "<mj-preview>P</mj-preview>",
                '<mj-attributes><mj-all font-family="Arial" /><mj-text color="red" /></mj-attributes>',
                '<mj-style inline="inline">.x{color:red}</mj-style>',
                "<mj-style>@media (max-width:480px){.x{color:blue}}</mj-style>",
                '<mj-font name="F" href="https://example.com/f.css" />',
            ]
        ),
        max_size=3,
    )
    return st.builds(
        lambda h, attrs, secs: f"<mjml><mj-head>{''.join(h)}</mj-head><mj-body{attrs}>{''.join(secs)}</mj-body></mjml>",
        head,
        ATTRS,
        st.lists(section, max_size=4),
    )


@pytest.mark.skipif(not importer_available(), reason="the MJML importer is not there yet")
@settings(FUZZ, max_examples=80)
@given(
    mjml_documents().map(str.encode)
    | mjml_documents().map(str.encode)
    | mjml_trees().map(str.encode)
    | st.binary(max_size=200)
)
def test_mjml_import_on_trees_and_bytes(import_worker, data):
    path = _TMP / "fuzz.mjml"
    path.write_bytes(data)
    event(oracles.import_path(import_worker, path))
