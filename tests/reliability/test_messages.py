"""Issue 14 item 9: every refusal names its place, and no message echoes a huge user value.

Fuzzed documents and MJML sources carry huge values (a 300,000-character block type, theme,
condition, colour…) at random places. Whatever is refused must say where (file:line:column or
file: JSON path) in one line that quotes at most ~200 characters of any value.
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.app.cli.main import main
from mailwright.app.messages import SHOWN_CHARS, shorten_values
from tests.reliability.conftest import ROOT
from tests.reliability.test_fuzz import ALL_PATHS, EXAMPLE, FUZZ

HUGE = "Q" * 300_000
VALUES = [
    HUGE,
    "<< data:" + "x" * 5000 + " >>",
    "<% if " + "y" * 5000 + " %>",
    "item in data:" + "z" * 5000,
    "a\x01b",
    "<",
    "<<",
    "<script>if (a<b) x()</script>",
    "]]>",
    "<!--",
    "<mj-text>",
    None,
    True,
    -1,
    10**12,
    [],
    {},
    "",
    "#fff",
    "red",
]
KEYS = ["condition", "repeat", "type", "id", "html", "text", "src", "href", "label", "color", "theme", HUGE[:3000]]
# file:line:col: …   or   file: a.b[2].c: …  /  file: a.b[2] (the x block 'b1'): …
LOCATED = re.compile(r"^(:\d+:\d+: |: [\w\[\].]+(:\d+:\d+)?(: | \())")
# No value quoted past SHOWN_CHARS: a message is its words plus a few shortened values.
MAX_LINE = 1200


def assert_located_and_short(message: str, source: str) -> None:
    assert "\n" not in message.strip(), message[:500]
    assert len(message) <= MAX_LINE, message[:500]
    assert message.startswith(source), message[:300]
    assert LOCATED.match(message[len(source) :]), f"unlocated: {message[:300]}"


def _put(data: dict, path: tuple, key: object, value: object) -> None:
    """Set `value` at `path` (replace its last step), or under a new `key` beside it."""
    *steps, last = path
    parent: object = data
    for step in steps:
        parent = parent[step]  # type: ignore[index]
    if key is None:
        parent[last] = value  # type: ignore[index]
    elif isinstance(parent, dict):
        parent[key] = value


@st.composite
def documents_with_huge_values(draw) -> str:
    data = json.loads(json.dumps(EXAMPLE))
    changes = draw(
        st.lists(
            st.tuples(st.sampled_from(ALL_PATHS[1:]), st.none() | st.sampled_from(KEYS), st.sampled_from(VALUES)),
            min_size=1,
            max_size=3,
        )
    )
    for path, key, value in changes:
        try:
            _put(data, path, key, value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed the path
    return json.dumps(data)


@settings(FUZZ, max_examples=150)
@given(documents_with_huge_values())
def test_every_refused_document_names_its_place_in_a_short_line(text):
    from mailwright.app.build.pipeline import BuildError, build_document
    from mailwright.app.document.storage import DocumentError, loads_document
    from mailwright.themes import ThemeError

    try:
        build_document(loads_document(text, "f.mwt"), source="f.mwt")
    except (DocumentError, BuildError, ThemeError) as e:
        assert_located_and_short(str(e), "f.mwt")


MJML = (ROOT / "examples" / "hello.mjml").read_text(encoding="utf-8")
PIECES = [
    "<",
    ">",
    "</mj-text>",
    "<mj-text>",
    '"',
    "&",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<br>",
    "\x00",
    "<< data:x >>",
    "<< data:x | nope >>",
    "<mj-raw>",
    "</mj-section>",
    "<script>a<b</script>",
    "<mj-" + HUGE[:5000] + ">",
    "<< data:" + HUGE[:5000] + " >>",
]


@st.composite
def broken_mjml(draw) -> str:
    text = MJML
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    return text


@settings(FUZZ, max_examples=150)
@given(broken_mjml())
def test_every_refused_mjml_source_names_line_and_column(text):
    from mailwright.app.build.pipeline import BuildError, build_mjml_text

    try:
        build_mjml_text(text, source="f.mjml")
    except BuildError as e:
        assert_located_and_short(str(e), "f.mjml")
        assert re.match(r"^f\.mjml:\d+:\d+: ", str(e)), str(e)[:300]


def _doc(**change) -> dict:
    data = json.loads(json.dumps(EXAMPLE))
    for path, value in change.items():
        target = data
        *keys, last = path.split("/")
        for key in keys:
            target = target[int(key) if key.isdigit() else key]
        target[int(last) if last.isdigit() else last] = value
    return data


def test_the_three_unlocated_refusals_now_have_a_place(tmp_path, capsys) -> None:
    cases = {}
    dup = _doc()
    dup["rows"][1]["id"] = dup["rows"][0]["id"]
    cases["dup.mwt"] = (json.dumps(dup), r": rows\[1\]\.id: id '\w+' is used twice \(also at rows\[0\]\.id\)")
    cases["list.mwt"] = ("\n  [1, 2]", r":2:3: not a Mailwright template: the file holds a list")
    raw = _doc()
    raw["rows"][0]["columns"][0]["blocks"].append(
        {"id": "zz1", "type": "mjml", "props": {"mjml": "<mj-text>hi</mj-tex"}}
    )
    cases["raw.mwt"] = (
        json.dumps(raw),
        r": rows\[0\]\.columns\[0\]\.blocks\[\d+\] \(the mjml block 'zz1'\): "
        r"MJML could not be compiled",
    )
    for name, (text, pattern) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert main(["build", str(tmp_path / name), "-o", str(tmp_path / "out.html")]) == 2
        err = capsys.readouterr().err.strip()
        assert re.match(re.escape(f"mailwright: {tmp_path / name}") + pattern, err), err


def test_a_huge_value_is_quoted_short_in_the_cli(tmp_path, capsys) -> None:
    doc = _doc(**{"settings/theme": HUGE})
    (tmp_path / "t.mwt").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["build", str(tmp_path / "t.mwt")]) == 2
    err = capsys.readouterr().err
    assert "settings.theme: unknown theme 'QQQ" in err and "more characters)'" in err
    assert len(err) < 600


def test_shorten_values_keeps_short_messages_and_says_how_much_was_cut() -> None:
    assert shorten_values("f.mwt: rows[0].id: bad") == "f.mwt: rows[0].id: bad"
    cut = shorten_values(f"f.mwt: x: unknown type '{'a' * 1000}' (known: a, b)")
    assert cut.endswith("… (840 more characters)' (known: a, b)")
    assert len(cut) < SHOWN_CHARS + 80
