"""The command line's pydantic-free reader (app/document/plain.py) against the pydantic model.

The plain reader may only say "unsure" (None, then the model decides) or give what the model
gives: for every document it accepts, the model accepts it too, dumps to the same data, the
build writes byte-identical HTML, plain text and MJML, and `check` gives the same report. Inputs:
the starters, every golden case, and those documents mutated at random (hypothesis) with values
of every JSON type.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mailwright.app.build.pipeline import BuildError, build_document, build_file
from mailwright.app.checks import check_document
from mailwright.app.document.model import Document
from mailwright.app.document.plain import LightDocument, read_plain
from mailwright.app.document.storage import DocumentError, load_document, loads_document
from tests.golden.test_golden import BLOCK_CASES, ROW_CASES

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted((ROOT / "examples").glob("*.mwt"))


def _data(doc: Document) -> dict[str, Any]:
    return json.loads(doc.model_dump_json())


SEEDS: list[dict[str, Any]] = [json.loads(p.read_text(encoding="utf-8")) for p in STARTERS] + [
    _data(d) for d in (*BLOCK_CASES.values(), *ROW_CASES.values())
]


def _outputs(doc: Any) -> tuple[str, ...] | str:
    try:
        result = build_document(doc, source="t.mwt")
    except BuildError as e:
        return f"error: {e}"
    # Every plain field of the result (html, text, mjml, subject, fonts, …); the token table is
    # compared through what it restored.
    return tuple(
        repr(getattr(result, name))
        for name in result._fields
        if isinstance(getattr(result, name), (str, int, float, bool, tuple, list, dict, type(None)))
    ) + (_report(doc),)


def _report(doc: Any) -> str:
    """What `mailwright check` prints for it (check reads plain too)."""
    try:
        return check_document(doc, source="t.mwt").to_json()
    except BuildError as e:
        return f"error: {e}"


def _same(data: dict[str, Any]) -> bool:
    """Assert the plain reader agrees with the model on `data`; True when it was sure."""
    light = read_plain(copy.deepcopy(data))
    try:
        model = Document.model_validate(copy.deepcopy(data))
    except ValidationError as e:
        assert light is None, f"the plain reader accepted what the model refuses: {e}"
        return False
    if light is None:
        return False
    assert light.model_dump() == model.model_dump()
    assert _outputs(light) == _outputs(model)
    return True


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_every_starter_and_golden_case_reads_plain_and_builds_the_same(index: int) -> None:
    assert _same(SEEDS[index]), "a valid document the editor saves must not need pydantic"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "",
            "#ABCDEF",
            "#abc",
            "#12345",
            "transparent",
            "<< data:x >>",
            "red",
            "left",
            "center",
            "cover",
            "ltr",
            "rtl",
            "en",
            "en-GB",
            "en\n",
            "midnight",
            "classic",
            "nope",
            "b1",
            "r1",
            "1x",
            "a" * 33,
            "x\ud800",
            "<p>hi</p>",
            "text",
            "button",
            "hero",
            "html",
            "mjml",
        ]
    )
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_numbers = st.sampled_from([0, 1, 5, 50, 99.5, 100, 100.0, 101, 320, 600, 1200, 2000, -1, 12.0, 12.5, True, False])
_keys = st.sampled_from(["props", "width", "id", "type", "condition", "repeat", "fills_row", "extra", "columns"])


@settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_plain_reader_never_disagrees_with_the_model(data: st.DataObject) -> None:
    doc = copy.deepcopy(data.draw(st.sampled_from(SEEDS)))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["set", "set", "number", "delete", "add"]))
        if not path:
            continue
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if action == "delete" and isinstance(parent, dict):
            del parent[last]
        elif action == "add" and isinstance(parent[last], dict):
            parent[last][data.draw(_keys)] = data.draw(_json)
        elif action == "number":
            parent[last] = data.draw(_numbers)
        else:
            parent[last] = data.draw(_json)
    _same(doc)


def test_unsure_inputs_get_the_models_message() -> None:
    """What the plain reader leaves to pydantic is refused with the same located message."""
    data = SEEDS[0]
    bad = copy.deepcopy(data)
    bad["rows"][0]["columns"][0]["width"] = "wide"
    text = json.dumps(bad)
    with pytest.raises(DocumentError) as plain:
        loads_document(text, "x.mwt", plain=True)
    with pytest.raises(DocumentError) as model:
        loads_document(text, "x.mwt")
    assert str(plain.value) == str(model.value)
    assert "x.mwt: rows[0].columns[0].width" in str(plain.value)


def test_a_value_pydantic_converts_goes_through_the_model() -> None:
    """A whole-number float in an integer field: the model makes it an int; so does the build."""
    data = copy.deepcopy(SEEDS[0])
    data["settings"]["width"] = 600.0
    assert read_plain(copy.deepcopy(data)) is None
    doc = loads_document(json.dumps(data), "x.mwt", plain=True)
    assert isinstance(doc, Document) and doc.settings.width == 600


def _command(argv: list[str]) -> tuple[str, str]:
    """Run `mailwright ARGV` in a fresh Python; (its stdout, the pydantic modules it imported)."""
    code = (
        "import sys; from mailwright.app.cli.main import main\n"
        f"rc = main({argv!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'), file=sys.stderr)\n"
        "sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout, out.stderr.strip().splitlines()[-1]


def test_build_file_reads_plain_and_a_command_imports_no_pydantic(tmp_path: Path) -> None:
    assert isinstance(load_document(STARTERS[0], plain=True), LightDocument)
    assert build_file(STARTERS[0]).html == build_document(load_document(STARTERS[0])).html
    _, pydantic = _command(["build", str(STARTERS[0]), "-o", str(tmp_path / "x.html")])
    assert pydantic == "[]"
    assert (tmp_path / "x.html").read_text(encoding="utf-8") == build_file(STARTERS[0]).html


@pytest.mark.parametrize("extra", [[], ["--data", str(ROOT / "examples" / "recipients.csv")]])
def test_check_reads_plain_and_imports_no_pydantic(extra: list[str]) -> None:
    """`mailwright check` in CI: a valid file is checked without pydantic, nor the seven builds of
    the CSS baseline (it ships measured), and says what the pydantic path says."""
    stdout, pydantic = _command(["check", str(STARTERS[0]), "--format", "json", *extra])
    assert pydantic == "[]"
    recipients = None
    if extra:
        from mailwright.app.cli.common import load_data

        recipients = load_data(extra[1])
    expected = check_document(load_document(STARTERS[0]), source=str(STARTERS[0]), recipients=recipients)
    assert json.loads(stdout) == json.loads(expected.to_json())


@pytest.mark.parametrize("esp", [None, "mailchimp"])
def test_export_reads_plain_imports_no_pydantic_and_writes_the_same_bundle(
    tmp_path: Path, esp: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailwright.app.document import storage
    from mailwright.app.export import export_bundle

    argv = ["export", str(STARTERS[0]), "--bundle", str(tmp_path / "plain.zip")] + (["--esp", esp] if esp else [])
    _, pydantic = _command(argv)
    assert pydantic == "[]"
    # The bundle the pydantic model's document gives, byte for byte.
    loads = storage.loads_document
    monkeypatch.setattr(storage, "loads_document", lambda text, source, plain=False: loads(text, source))
    export_bundle(STARTERS[0], tmp_path / "model.zip", esp=esp)
    assert (tmp_path / "plain.zip").read_bytes() == (tmp_path / "model.zip").read_bytes()


def test_the_light_nodes_declare_the_models_fields_in_its_order() -> None:
    """A field added to the model but not to plain.py would be read as an unknown key, unchecked."""
    from mailwright.app.document import model, plain

    pairs = [
        (plain.LightDocument, model.Document),
        (plain.LightSettings, model.Settings),
        (plain.LightRow, model.Row),
        (plain.LightColumn, model.Column),
        (plain.LightBlock, model.BlockBase),
    ]
    for light, pydantic_model in pairs:
        assert light._declared == tuple(pydantic_model.model_fields), light.__name__


def test_half_a_character_is_refused_with_a_message_that_says_so() -> None:
    text = '{"format": "mailwright", "version": 1, "subject": "Hi \\ud800", "rows": []}'
    with pytest.raises(DocumentError) as e:
        loads_document(text, "x.mwt", plain=True)
    assert str(e.value).startswith("x.mwt: subject: holds a broken character escape")
