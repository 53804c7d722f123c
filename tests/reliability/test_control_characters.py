"""Issue 14 item 8: control characters in any string of a document do not stop the build.

A C0 control (U+0000-U+001F but tab, LF, CR) or U+007F in a button label, an alt text, a
menu item, a footer line, a rich text… made a document that could not be built ("MJML could
not be compiled: unable to parse next template"), and in a text block's HTML it stopped lxml
("All strings must be XML compatible", an internal error). The document → MJML boundary now
leaves them out: no email client shows them.

Every string field of every shipped example gets "\\x01\\x0b\\x7f" appended, one at a time: a
free-text field still builds, without the characters in the HTML; a typed field (an id, a
colour, a choice) is refused at load with its JSON path, as any bad value of it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from mailwright.app.build.pipeline import build_document
from mailwright.app.document.storage import DocumentError, loads_document
from tests.reliability.conftest import ROOT

BAD = "\x01\x0b\x7f"
EXAMPLES = sorted((ROOT / "examples").glob("*.mwt"))


def string_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from string_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from string_paths(value, (*path, i))
    elif isinstance(node, str):
        yield path


def json_path(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def with_controls(data: Any, path: tuple[Any, ...]) -> Any:
    copy = json.loads(json.dumps(data))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] += BAD
    return copy


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_control_characters_appended_to_any_string_field_still_build(example: Path) -> None:
    data = json.loads(example.read_text(encoding="utf-8"))
    built = refused = 0
    for path in string_paths(data):
        text = json.dumps(with_controls(data, path))
        try:
            doc = loads_document(text, example.name)
        except DocumentError as e:  # a typed field: refused with its place, like any bad value
            assert json_path(path) in str(e) or json_path(path[:-1]) in str(e), (path, str(e))
            refused += 1
            continue
        result = build_document(doc, source=example.name)  # a BuildError fails the test
        assert not any(ch in result.html for ch in BAD), json_path(path)
        built += 1
    assert built >= 10, f"only {built} free-text fields in {example.name}"  # not vacuous
