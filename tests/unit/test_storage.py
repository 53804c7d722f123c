"""Loading and saving `.mwt` files (DESIGN.md §2, bad-inputs.md row 34, hardening.md §1.5).

What a user notices: a saved file is pretty, sorted JSON that diffs cleanly; nothing they (or a
newer Mailwright) wrote is lost on a round trip; a broken file is refused with one message that
names the file and the place (line:col or JSON path), never a traceback; a newer file is left
alone; a save keeps the previous version as `.bak`.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailwright.app.document.model import CURRENT_VERSION, ID_PATTERN, Document, make_block, new_id
from mailwright.app.document.storage import (
    MAX_FILE_BYTES,
    DocumentError,
    dumps_document,
    json_path,
    load_document,
    loads_document,
    migrate,
    save_document,
)
from mailwright.blocks import REGISTRY
from mailwright.themes import available_themes

SRC = "file.mwt"


# --- helpers ----------------------------------------------------------------------------------


def block(bid: str, btype: str, **props: Any) -> dict[str, Any]:
    return {"id": bid, "type": btype, "props": props}


def column(cid: str, blocks: list[dict[str, Any]], width: float = 100) -> dict[str, Any]:
    return {"id": cid, "width": width, "blocks": blocks}


def row(rid: str, columns: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": rid, "columns": columns, **extra}


def doc(rows: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"format": "mailwright", "version": 1, "rows": rows or [], **extra}


def three_rows() -> dict[str, Any]:
    """rows[2].columns[0].blocks[1] is an image, so paths in messages have several indexes."""
    return doc(
        [
            row("r1", [column("c1", [block("b1", "heading", text="Hello")])]),
            row("r2", [column("c2", [], 50), column("c3", [block("b2", "text")], 50)]),
            row(
                "r3",
                [
                    column(
                        "c4",
                        [
                            block("b3", "text", html="<p>Hi</p>"),
                            block("b4", "image", src="https://example.com/a.png", width=300),
                        ],
                    )
                ],
            ),
        ]
    )


def load_error(data: Any) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(DocumentError) as info:
        loads_document(text, SRC)
    message = str(info.value)
    assert "\n" not in message, "an error is one line for the user"
    assert "Traceback" not in message
    return message


def roundtrip(text: str) -> str:
    return dumps_document(loads_document(text, SRC))


# --- round trip and the file's shape ------------------------------------------------------------


def test_dumps_loads_dumps_is_identical() -> None:
    first = roundtrip(json.dumps(three_rows()))
    assert roundtrip(first) == first


def test_saved_json_is_pretty_sorted_and_ends_with_one_newline() -> None:
    text = roundtrip(
        json.dumps(
            doc([row("r1", [column("c1", [block("b1", "heading", text="Café ☕")])])], subject="Ünïcode stays readable")
        )
    )
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "format": "mailwright",')
    assert "Café ☕" in text and "\\u" not in text  # readable in a git diff
    assert data["version"] == CURRENT_VERSION


def test_unknown_keys_survive_everywhere() -> None:
    """Keys written by a newer Mailwright or a script are kept, at every level, even null ones."""
    source = doc(
        [
            row(
                "r1",
                [
                    column(
                        "c1",
                        [
                            {
                                **block("b1", "button", label="Go", x_prop={"n": [1, 2]}, x_null_prop=None),
                                "x_block": [1, "two"],
                            }
                        ],
                    )
                    | {"x_column": True}
                ],
                props={"padding_x": 10, "x_row_prop": "keep"},
                x_row="kept",
            )
        ],
        x_top={"nested": {"deep": [1, 2, 3]}},
        x_top_null=None,
        settings={"theme": "classic", "x_setting": 7, "x_null_setting": None},
    )
    data = json.loads(roundtrip(json.dumps(source)))
    assert data["x_top"] == {"nested": {"deep": [1, 2, 3]}}
    assert "x_top_null" in data and data["x_top_null"] is None
    assert data["settings"]["x_setting"] == 7
    assert "x_null_setting" in data["settings"]
    r = data["rows"][0]
    assert r["x_row"] == "kept"
    assert r["props"]["x_row_prop"] == "keep"
    c = r["columns"][0]
    assert c["x_column"] is True
    b = c["blocks"][0]
    assert b["x_block"] == [1, "two"]
    assert b["props"]["x_prop"] == {"n": [1, 2]}
    assert "x_null_prop" in b["props"] and b["props"]["x_null_prop"] is None
    assert b["props"]["label"] == "Go"


@pytest.mark.parametrize("block_type", sorted(REGISTRY))
def test_a_fresh_block_stores_no_props(block_type: str) -> None:
    b = make_block(block_type, "b1")
    assert b.model_dump(mode="json")["props"] == {}


def test_props_store_only_overrides() -> None:
    d = Document.model_validate(
        doc(
            [
                row(
                    "r1",
                    [
                        column(
                            "c1",
                            [
                                make_block("button", "b1").model_dump(),
                                make_block("button", "b2", label="Buy now").model_dump(),
                            ],
                        )
                    ],
                )
            ]
        )
    )
    blocks = json.loads(dumps_document(d))["rows"][0]["columns"][0]["blocks"]
    assert blocks[0]["props"] == {}
    assert blocks[1]["props"] == {"label": "Buy now"}
    # Settings store overrides too: no theme colours are written unless the user set them.
    assert "primary_color" not in json.loads(dumps_document(d))["settings"]


def test_condition_and_repeat_are_written_for_rows_and_blocks() -> None:
    source = doc(
        [
            row("r1", [column("c1", [block("b1", "text")])]),
            row(
                "r2",
                [
                    column(
                        "c2", [{**block("b2", "line_items"), "repeat": "data:items", "condition": "data:vip == true"}]
                    )
                ],
                condition="data:country == 'FR'",
                repeat="data:offers",
            ),
        ]
    )
    rows = json.loads(roundtrip(json.dumps(source)))["rows"]
    assert rows[0]["condition"] is None and rows[0]["repeat"] is None
    b1 = rows[0]["columns"][0]["blocks"][0]
    assert "condition" in b1 and b1["condition"] is None and "repeat" in b1 and b1["repeat"] is None
    assert rows[1]["condition"] == "data:country == 'FR'" and rows[1]["repeat"] == "data:offers"
    b2 = rows[1]["columns"][0]["blocks"][0]
    assert b2["condition"] == "data:vip == true" and b2["repeat"] == "data:items"


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.mwt"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc(subject="Hi")).encode())
    assert load_document(p).subject == "Hi"


# --- validation messages: file, JSON path, what is wrong -----------------------------------------


def test_message_names_the_json_path_exactly() -> None:
    data = three_rows()
    data["rows"][2]["columns"][0]["blocks"][1]["props"]["width"] = 5000
    assert load_error(data) == "file.mwt: rows[2].columns[0].blocks[1].props.width: must be at most 1200"


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set `rows[2].columns[0]...` in a copy of data."""
    data = copy.deepcopy(data)
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    target: Any = data
    for part in parts[:-1]:
        target = target[int(part[1:-1])] if part.startswith("[") else target.setdefault(part, {})
    last = parts[-1]
    if last.startswith("["):
        target[int(last[1:-1])] = value
    else:
        target[last] = value
    return data


BLOCK = "rows[0].columns[0].blocks[0]"
KNOWN = ", ".join(REGISTRY)


@pytest.mark.parametrize(
    "path, value, expected",
    [
        # a bad colour
        (
            f"{BLOCK}.props.color",
            "red",
            f"file.mwt: {BLOCK}.props.color: must be a colour like #1a2b3c (or transparent), not 'red'",
        ),
        (
            "settings.primary_color",
            "#12345",
            "file.mwt: settings.primary_color: must be a colour like #1a2b3c (or transparent), not '#12345'",
        ),
        # an unknown block type: the message lists the known ones
        (f"{BLOCK}.type", "carousel", f"file.mwt: {BLOCK}: unknown block type 'carousel'; known types: {KNOWN}"),
        # a value of the wrong type
        (f"{BLOCK}.props.text", 5, f"file.mwt: {BLOCK}.props.text: must be text"),
        (f"{BLOCK}.props.font_size", "big", f"file.mwt: {BLOCK}.props.font_size: must be a whole number"),
        (
            f"{BLOCK}.props.level",
            "h9",
            f"file.mwt: {BLOCK}.props.level: must be one of 'h1', 'h2', 'h3', 'h4', 'h5' or 'h6'",
        ),
        (f"{BLOCK}.props", [], f"file.mwt: {BLOCK}.props: must be an object"),
        ("rows[1].columns", "two", "file.mwt: rows[1].columns: must be a list"),
        ("settings.width", 100, "file.mwt: settings.width: must be at least 320"),
        ("subject", None, "file.mwt: subject: must be text"),
        # a theme that does not exist: the message lists the available ones
        (
            "settings.theme",
            "neon",
            f"file.mwt: settings.theme: unknown theme 'neon'; available themes: {', '.join(available_themes())}",
        ),
        # ids must be short names starting with a letter
        ("rows[0].id", "1st row", f"file.mwt: rows[0].id: has an invalid form (expected {ID_PATTERN})"),
        (f"{BLOCK}.id", "b 1", f"file.mwt: {BLOCK}.id: has an invalid form (expected {ID_PATTERN})"),
        # a variable name that a merge tag could never reach
        (
            "variables",
            {"bad name": "x"},
            "file.mwt: variables.bad name: has an invalid form (expected ^[A-Za-z_][A-Za-z0-9_]*$)",
        ),
    ],
)
def test_validation_messages(path: str, value: Any, expected: str) -> None:
    assert load_error(_set(three_rows(), path, value)) == expected


def test_missing_block_type_lists_the_known_types() -> None:
    data = three_rows()
    del data["rows"][0]["columns"][0]["blocks"][0]["type"]
    assert load_error(data) == f'file.mwt: {BLOCK}: needs a "type" (one of: {KNOWN})'


def test_missing_id_is_required() -> None:
    data = three_rows()
    del data["rows"][1]["columns"][1]["id"]
    assert load_error(data) == "file.mwt: rows[1].columns[1].id: is required"


def test_column_widths_must_add_up_to_100() -> None:
    data = three_rows()
    data["rows"][1]["columns"][1]["width"] = 30
    assert load_error(data) == "file.mwt: rows[1]: column widths must add up to 100 (they add up to 80)"


def test_more_than_four_columns() -> None:
    data = doc([row("r1", [column(f"c{i}", [], 20) for i in range(5)])])
    assert load_error(data) == "file.mwt: rows[0].columns: has too many items (at most 4)"


@pytest.mark.parametrize("layout", ["with another block", "in a two-column row"])
def test_a_hero_must_be_alone_in_its_row(layout: str) -> None:
    if layout == "with another block":
        data = doc(
            [
                row("r1", [column("c1", [block("b1", "text")])]),
                row("r2", [column("c2", [block("b2", "hero"), block("b3", "text")])]),
            ]
        )
    else:
        data = doc(
            [
                row("r1", [column("c1", [block("b1", "text")])]),
                row("r2", [column("c2", [block("b2", "hero")], 50), column("c3", [], 50)]),
            ]
        )
    assert load_error(data) == (
        "file.mwt: rows[1]: block 'b2' (Hero) fills its row: it must be the only block in a one-column row"
    )


def test_a_hero_alone_in_its_row_is_fine() -> None:
    d = loads_document(json.dumps(doc([row("r1", [column("c1", [block("b1", "hero", headline="Hi")])])])), SRC)
    assert d.rows[0].hero is not None


def test_duplicate_ids_are_refused() -> None:
    data = three_rows()
    data["rows"][2]["columns"][0]["blocks"][1]["id"] = "b1"
    message = load_error(data)
    assert message.startswith("file.mwt: ")
    assert "'b1'" in message and "used twice" in message
    assert message.startswith("file.mwt: rows[2].columns[0].blocks[1].id: ")
    assert "(also at rows[0].columns[0].blocks[0].id)" in message


def test_one_problem_is_shown_and_the_rest_are_counted() -> None:
    data = three_rows()
    data["rows"][0]["columns"][0]["blocks"][0]["props"]["color"] = "red"
    data["rows"][2]["columns"][0]["blocks"][1]["props"]["width"] = 5000
    message = load_error(data)
    assert message.startswith(f"file.mwt: {BLOCK}.props.color: ")
    assert message.endswith("(and 1 more problem)")


def test_json_path_formats_pydantic_locations() -> None:
    assert (
        json_path(("rows", 2, "columns", 0, "blocks", 1, "image", "props", "width"))
        == "rows[2].columns[0].blocks[1].props.width"
    )
    assert json_path(("settings", "theme")) == "settings.theme"
    assert json_path(()) == ""


# --- JSON-level problems (bad-inputs.md row 34) ------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{\n  "format": "mailwright",\n  "version" 1\n}', "file.mwt:3:13: invalid JSON: Expecting ':' delimiter"),
        ('{"format": "mailwright",}', "file.mwt:1:25: invalid JSON: Expecting property name enclosed in double quotes"),
        ('{\n  "format": "mailwright",\n  "rows": [\n', "file.mwt:4:1: invalid JSON: Expecting value"),
        ("", "file.mwt:1:1: invalid JSON: Expecting value"),
    ],
)
def test_invalid_json_gives_line_and_column(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_truncated_file_is_refused_with_a_position() -> None:
    text = roundtrip(json.dumps(three_rows()))
    message = load_error(text[: len(text) // 2])
    assert re.match(r"file\.mwt:\d+:\d+: invalid JSON: ", message)


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "mailwright", "version": 1, "subject": "a", "subject": "b"}',
        '{"format": "mailwright", "version": 1, "rows": [{"id": "r1", "id": "r2", "columns": []}]}',
    ],
)
def test_duplicate_keys_are_refused(text: str) -> None:
    message = load_error(text)
    assert message.startswith("file.mwt: invalid JSON: duplicate key ")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant: str) -> None:
    text = '{"format": "mailwright", "version": 1, "settings": {"width": %s}}' % constant
    message = load_error(text)
    assert message.startswith("file.mwt: invalid JSON: ")
    assert constant in message


def test_nesting_100k_deep_is_refused_without_a_crash() -> None:
    t0 = time.perf_counter()
    message = load_error("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in message
    message = load_error('{"format": "mailwright", "version": 1, "x": ' + "[" * 100_000)
    assert "nested too deeply" in message
    assert time.perf_counter() - t0 < 2


@pytest.mark.parametrize("depth", [150, 400, 990])
def test_deep_unknown_values_are_refused_on_load_not_on_save(depth: int) -> None:
    """Regression: 400 levels inside an unknown key loaded fine but made every save fail."""
    text = '{"format": "mailwright", "version": 1, "x_future": %s}' % ("[" * depth + "]" * depth)
    message = load_error(text)
    assert re.match(r"file\.mwt:1:\d+: invalid JSON: nested too deeply", message)


def test_moderate_nesting_in_unknown_keys_still_round_trips() -> None:
    text = '{"format": "mailwright", "version": 1, "x_future": %s}' % ("[" * 60 + "]" * 60)
    first = roundtrip(text)
    assert roundtrip(first) == first


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps(doc(subject="[" * 500 + "{" * 500 + '"\\'))
    assert loads_document(text, SRC).subject.startswith("[[[")


@pytest.mark.parametrize("value", [[], "text", 3, None])
def test_a_json_value_that_is_not_an_object(value: Any) -> None:
    text = json.dumps(value)
    kind = {"[]": "a list", '"text"': "a string", "3": "a number", "null": "null"}[text]
    assert load_error(text) == (
        f"file.mwt:1:1: not a Mailwright template: the file holds {kind}, "
        'and a template is a JSON object ({"format": "mailwright", …})'
    )
    assert load_error("\n  " + text).startswith("file.mwt:2:3: ")


@pytest.mark.parametrize("fmt", [None, "mjml-editor-project", "Mailwright", 1])
def test_missing_or_wrong_format_is_not_a_mailwright_template(fmt: Any) -> None:
    data: dict[str, Any] = {"version": 1, "rows": []}
    if fmt is not None:
        data["format"] = fmt
    message = load_error(data)
    assert message.startswith("file.mwt: format: not a Mailwright template")


# --- files on disk -----------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "huge.mwt"
    with p.open("wb") as fh:  # sparse: instant, no disk used
        fh.truncate(MAX_FILE_BYTES + 1)
    from mailwright.app.document import storage

    def must_not_parse(*_: Any, **__: Any) -> Any:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(storage, "parse_json", must_not_parse)
    t0 = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        load_document(p)
    assert time.perf_counter() - t0 < 1
    assert str(info.value) == f"{p}: the file is 20.0 MB; the limit is 20 MB"


def test_a_file_just_under_the_cap_is_read(tmp_path: Path) -> None:
    p = tmp_path / "padded.mwt"
    body = json.dumps(doc(subject="padded"))
    p.write_text(body + " " * (1024 * 1024 - len(body)))
    assert load_document(p).subject == "padded"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.mwt"
    folder.mkdir()
    with pytest.raises(DocumentError) as info:
        load_document(folder)
    assert str(info.value) == f"{folder}: is a folder, not a file"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as info:
        load_document(tmp_path / "nope.mwt")
    assert str(info.value) == f"{tmp_path / 'nope.mwt'}: no such file"


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_a_pipe_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    import os

    p = tmp_path / "pipe.mwt"
    os.mkfifo(p)
    with pytest.raises(DocumentError) as info:
        load_document(p)
    assert "not a regular file" in str(info.value)


def test_non_utf8_bytes_give_the_line(tmp_path: Path) -> None:
    # Binary (a NUL) is no text in any encoding; a cp1252 file is read with a warning (issue 16).
    p = tmp_path / "binary.mwt"
    p.write_bytes(b'{\n  "format": "mailwright",\n  "subject": "caf\xe9\x00"\n}\n')
    with pytest.raises(DocumentError) as info:
        load_document(p)
    assert str(info.value).startswith(f"{p}:3: not UTF-8 text")


def test_a_file_error_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "broken.mwt"
    p.write_text('{"format": "mailwright", "version": 1, "rows": [}')
    with pytest.raises(DocumentError) as info:
        load_document(p)
    assert str(info.value).startswith(f"{p}:1:49: invalid JSON: ")


# --- versions and migration (hardening.md §1.5) ------------------------------------------------


def test_a_newer_version_is_refused_and_the_file_untouched(tmp_path: Path) -> None:
    p = tmp_path / "future.mwt"
    original = json.dumps(doc(subject="From the future", x_new_feature={"a": 1}), indent=1).replace(
        '"version": 1', f'"version": {CURRENT_VERSION + 1}'
    )
    p.write_text(original)
    before = p.stat()
    with pytest.raises(DocumentError) as info:
        load_document(p)
    message = str(info.value)
    assert message.startswith(f"{p}: ")
    assert "newer Mailwright" in message
    assert f"format version {CURRENT_VERSION + 1}" in message
    assert p.read_text() == original
    assert p.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(x.name for x in tmp_path.iterdir()) == ["future.mwt"]  # no .bak, no temp file


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None, "missing"])
def test_bad_or_missing_version_is_refused(version: Any) -> None:
    data: dict[str, Any] = {"format": "mailwright", "rows": []}
    if version != "missing":
        data["version"] = version
    message = load_error(data)
    assert message.startswith("file.mwt: version: must be a whole number from 1")


def test_migrate_applies_the_step_and_sets_the_version() -> None:
    def rename_title(d: dict[str, Any]) -> dict[str, Any]:
        d["subject"] = d.pop("title")  # mutates its argument: migrate must hand it a copy
        return d

    data = {"format": "mailwright", "version": 1, "title": "Hello", "rows": []}
    snapshot = copy.deepcopy(data)
    out = migrate(data, "old.mwt", migrations={1: rename_title}, current=2)
    assert out == {"format": "mailwright", "version": 2, "subject": "Hello", "rows": []}
    assert data == snapshot, "migrate is a pure function: the caller's dict is unchanged"


def test_migrate_runs_steps_in_order() -> None:
    calls: list[int] = []

    def step(n: int):
        def run(d: dict[str, Any]) -> dict[str, Any]:
            assert d["version"] == n
            calls.append(n)
            return {**d, f"step{n}": True}

        return run

    out = migrate(
        {"format": "mailwright", "version": 1}, "old.mwt", migrations={1: step(1), 2: step(2), 3: step(3)}, current=4
    )
    assert calls == [1, 2, 3]
    assert out["version"] == 4 and out["step1"] and out["step2"] and out["step3"]
    # starting later skips the earlier steps
    calls.clear()
    assert migrate({"version": 3}, "x", migrations={1: step(1), 2: step(2), 3: step(3)}, current=4)["version"] == 4
    assert calls == [3]


def test_migrate_at_the_current_version_changes_nothing() -> None:
    data = {"format": "mailwright", "version": 2, "rows": []}
    assert migrate(data, "x", migrations={1: lambda d: {}}, current=2) == data


def test_migrate_with_a_missing_step_says_so() -> None:
    with pytest.raises(DocumentError, match=r"^old\.mwt: no migration from format version 1$"):
        migrate({"version": 1}, "old.mwt", migrations={}, current=2)


def test_migrate_refuses_newer_versions() -> None:
    with pytest.raises(DocumentError, match="newer Mailwright"):
        migrate({"version": 3}, "new.mwt", migrations={1: lambda d: d}, current=2)


# --- ids and saving ----------------------------------------------------------------------------


def test_new_id_gives_unused_short_ids() -> None:
    d = loads_document(
        json.dumps(
            doc(
                [
                    row(
                        "r1",
                        [
                            column(
                                "c1",
                                [block("b1", "text"), block("b2", "text"), block("b7", "text"), block("bx", "text")],
                            )
                        ],
                    ),
                    row("r2", [column("c2", [block("b02", "spacer")])]),
                ]
            )
        ),
        SRC,
    )
    used = {n.id for n in d.iter_nodes()}
    for prefix in ("b", "r", "c", "x"):
        fresh = new_id(d, prefix)
        assert fresh not in used
        assert re.match(ID_PATTERN, fresh)
        assert len(fresh) <= 4
    assert new_id(d, "b") == "b8"
    assert new_id(d, "r") == "r3"
    assert new_id(Document(), "r") == "r1"


def test_new_id_is_usable_in_the_document() -> None:
    d = loads_document(json.dumps(three_rows()), SRC)
    fresh = new_id(d, "b")
    d.rows[0].columns[0].blocks.append(make_block("divider", fresh))
    reloaded = loads_document(dumps_document(d), SRC)
    assert reloaded.find(fresh) is not None


def test_save_is_atomic_and_keeps_a_backup(tmp_path: Path) -> None:
    p = tmp_path / "campaign.mwt"
    d = loads_document(json.dumps(three_rows()), SRC)
    save_document(d, p)
    first = p.read_text(encoding="utf-8")
    assert first == dumps_document(d)
    assert not (tmp_path / "campaign.mwt.bak").exists(), "nothing to back up on the first save"

    d.subject = "Second version"
    save_document(d, p)
    assert (tmp_path / "campaign.mwt.bak").read_text(encoding="utf-8") == first
    assert load_document(p).subject == "Second version"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["campaign.mwt", "campaign.mwt.bak"]


def test_save_then_load_gives_the_same_document(tmp_path: Path) -> None:
    p = tmp_path / "a.mwt"
    d = loads_document(json.dumps(three_rows() | {"x_extra": [1]}), SRC)
    save_document(d, p)
    assert dumps_document(load_document(p)) == dumps_document(d)


# --- property: random documents survive a round trip -------------------------------------------


def _value(f: Any) -> st.SearchStrategy[Any]:
    if f.kind in ("text", "multiline", "richtext", "code", "url", "image"):
        return st.text(max_size=20)
    if f.kind == "color":
        return st.sampled_from(["#abc", "#1a2b3c", "transparent", "#ffffff", ""])
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "choice":
        return st.sampled_from(f.choices)
    if f.kind == "number":
        lo = 0 if f.min is None else f.min
        hi = 1000 if f.max is None else f.max
        if f.integer:
            return st.integers(int(lo), int(hi))
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if f.kind == "items":
        return st.lists(_props(f.item_fields), max_size=2)
    raise AssertionError(f.kind)


def _props(fields: tuple[Any, ...]) -> st.SearchStrategy[dict[str, Any]]:
    # fills_row changes where a block may stand; layout rules are tested on their own.
    fields = tuple(f for f in fields if f.name != "fills_row")
    if not fields:
        return st.just({})
    return st.lists(st.sampled_from(fields), max_size=3, unique_by=lambda f: f.name).flatmap(
        lambda chosen: st.fixed_dictionaries({f.name: _value(f) for f in chosen})
    )


_json_leaf = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)
_unknown = st.dictionaries(
    st.sampled_from(["x_a", "x_b", "x_future"]),
    st.recursive(
        _json_leaf,
        lambda kids: st.lists(kids, max_size=2) | st.dictionaries(st.text(max_size=3), kids, max_size=2),
        max_leaves=4,
    ),
    max_size=2,
)
_expr = st.none() | st.sampled_from(["data:vip", "data:items", "data:n > 2"])
_COLUMN_TYPES = sorted(t for t, s in REGISTRY.items() if s.placement == "column")
_ROW_TYPES = sorted(t for t, s in REGISTRY.items() if s.placement == "row")


@st.composite
def _widths(draw: st.DrawFn) -> list[int]:
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    edges = [0, *cuts, 100]
    return [b - a for a, b in zip(edges, edges[1:])]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    counter = {"r": 0, "c": 0, "b": 0}

    def nid(prefix: str) -> str:
        counter[prefix] += 1
        return f"{prefix}{counter[prefix]}"

    def make_block_dict(btype: str) -> dict[str, Any]:
        spec = REGISTRY[btype]
        return {
            "id": nid("b"),
            "type": btype,
            "props": draw(_props(spec.fields)),
            "condition": draw(_expr),
            "repeat": draw(_expr),
            **draw(_unknown),
        }

    rows = []
    for _ in range(draw(st.integers(0, 3))):
        rid = nid("r")
        if _ROW_TYPES and draw(st.integers(0, 5)) == 0:
            columns = [{"id": nid("c"), "width": 100, "blocks": [make_block_dict(draw(st.sampled_from(_ROW_TYPES)))]}]
        else:
            columns = []
            for width in draw(_widths()):
                n_blocks = draw(st.integers(0, 3))
                columns.append(
                    {
                        "id": nid("c"),
                        "width": width,
                        "blocks": [make_block_dict(draw(st.sampled_from(_COLUMN_TYPES))) for _ in range(n_blocks)],
                    }
                )
        rows.append({"id": rid, "columns": columns, "condition": draw(_expr), "repeat": draw(_expr), **draw(_unknown)})
    return {
        "format": "mailwright",
        "version": CURRENT_VERSION,
        "subject": draw(st.text(max_size=20)),
        "preheader": draw(st.text(max_size=20)),
        "settings": {
            "theme": draw(st.sampled_from(available_themes())),
            "width": draw(st.integers(320, 1200)),
            "dir": draw(st.sampled_from(["ltr", "rtl"])),
        },
        "variables": draw(
            st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True), st.text(max_size=8), max_size=2)
        ),
        "rows": rows,
        **draw(_unknown),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_survive_a_round_trip(data: dict[str, Any]) -> None:
    first = dumps_document(loads_document(json.dumps(data), SRC))
    assert dumps_document(loads_document(first, SRC)) == first
    saved = json.loads(first)
    # Nothing the author set is lost or changed: props hold exactly the overrides given.
    for r_in, r_out in zip(data["rows"], saved["rows"]):
        for c_in, c_out in zip(r_in["columns"], r_out["columns"]):
            for b_in, b_out in zip(c_in["blocks"], c_out["blocks"]):
                assert b_out["props"] == b_in["props"]
                assert b_out == {**b_in, "props": b_out["props"]}
    for key in data:
        if key.startswith("x_"):
            assert saved[key] == data[key]
