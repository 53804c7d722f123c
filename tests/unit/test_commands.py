"""Commands and history: every edit has an exact inverse; merging and dirty tracking."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings, strategies as st

from mailwright.app.document.commands import (
    Batch,
    CommandError,
    History,
    InsertBlock,
    InsertRow,
    MoveBlock,
    MoveRow,
    RemoveNode,
    SetDocField,
    SetNodeAttr,
    SetProp,
    fresh_ids,
    new_block_json,
    new_row_json,
    set_columns,
    split_widths,
)
from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import build_document
from mailwright.app.document.storage import dumps_document, load_document
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "welcome.mwt"


def doc() -> Document:
    return load_document(EXAMPLE)


def snapshot(d: Document) -> str:
    return dumps_document(d)


def test_set_prop_undo_redo_and_labels():
    d = doc()
    h = History(d)
    before = snapshot(d)
    block = next(d.iter_blocks())
    h.push(SetProp(block.id, "padding_y", 30, "Change padding"))
    assert h.dirty and h.undo_label() == "Change padding"
    after = snapshot(d)
    h.undo()
    assert snapshot(d) == before and not h.dirty
    h.redo()
    assert snapshot(d) == after


def test_consecutive_edits_of_one_field_merge_into_one_step():
    d = doc()
    h = History(d)
    before = snapshot(d)
    bid = next(b.id for b in d.iter_blocks() if b.type == "heading")
    for text in ("H", "He", "Hel", "Hello"):
        h.push(SetProp(bid, "text", text, "Edit heading"))
    h.undo()
    assert snapshot(d) == before and not h.can_undo()
    h.redo()
    h.seal()
    h.push(SetProp(bid, "text", "Other", "Edit heading"))
    h.undo()
    assert d.find(bid).props.text == "Hello"


def test_invalid_values_are_refused_and_leave_the_document_alone():
    d = doc()
    h = History(d)
    before = snapshot(d)
    bid = next(b.id for b in d.iter_blocks() if b.type == "button")
    with pytest.raises(CommandError, match="colour"):
        h.push(SetProp(bid, "background_color", "blue-ish"))
    with pytest.raises(CommandError):
        h.push(SetProp("nope", "x", 1))
    with pytest.raises(CommandError):
        h.push(SetDocField("settings.theme", "no-such-theme"))
    assert snapshot(d) == before and not h.can_undo()


def test_insert_move_remove_rows_and_blocks():
    d = doc()
    h = History(d)
    before = snapshot(d)
    row = new_row_json(d, split_widths(3))
    h.push(InsertRow(1, row))
    col = row["columns"][1]["id"]
    h.push(InsertBlock(col, 0, new_block_json(d, "button", label="Go")))
    bid = d.rows[1].columns[1].blocks[0].id
    h.push(MoveBlock(bid, row["columns"][0]["id"], 0))
    assert d.rows[1].columns[0].blocks[0].id == bid
    h.push(MoveRow(row["id"], 0))
    assert d.rows[0].id == row["id"]
    h.push(set_columns(d, row["id"], [100]))
    assert len(d.rows[0].columns) == 1 and d.rows[0].columns[0].blocks[0].id == bid
    h.push(RemoveNode(row["id"]))
    for _ in range(6):
        h.undo()
    assert snapshot(d) == before


def test_hero_rules_are_kept_by_commands():
    d = doc()
    h = History(d)
    row = new_row_json(d, [50, 50])
    h.push(InsertRow(0, row))
    with pytest.raises(CommandError, match="fills its row"):
        h.push(InsertBlock(row["columns"][0]["id"], 0, new_block_json(d, "hero")))


def test_fresh_ids_never_clash():
    d = doc()
    row = copy.deepcopy(d.rows[0].model_dump(mode="json"))
    again = fresh_ids(d, row)
    ids = {n.id for n in d.iter_nodes()}
    assert again["id"] not in ids and all(c["id"] not in ids for c in again["columns"])
    History(d).push(InsertRow(0, again))


def test_split_widths_add_to_100():
    for n in (1, 2, 3, 4):
        assert abs(sum(split_widths(n)) - 100) < 1e-9


# --- property: any command sequence, undone, returns the original ------------------------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(["prop", "attr", "doc", "insert", "remove", "move", "moverow", "row", "cols", "batch"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=25,
)


def _command(d: Document, op: str, a: int, b: int):
    blocks = list(d.iter_blocks())
    columns = [c for r in d.rows for c in r.columns if not r.hero]
    if op == "prop" and blocks:
        blk = blocks[a % len(blocks)]
        field = next((f for f in blk.spec.fields if f.kind == "number"), None)
        if field is None:
            return None
        lo, hi = field.min or 0, field.max or 100
        return SetProp(blk.id, field.name, int(lo + (b % max(1, int(hi - lo)))))
    if op == "attr" and d.rows:
        return SetNodeAttr(d.rows[a % len(d.rows)].id, "condition", ["data:vip", "", 'data:plan == "pro"'][b % 3])
    if op == "doc":
        return [
            SetDocField("subject", f"S{b}"),
            SetDocField("settings.theme", ["classic", "bold", "serif"][b % 3]),
            SetDocField("variables.v", str(b)),
            SetDocField("settings.width", 480 + b % 200),
        ][a % 4]
    if op == "insert" and columns:
        col = columns[a % len(columns)]
        return InsertBlock(col.id, b, new_block_json(d, ["text", "button", "image", "divider"][b % 4]))
    if op == "remove" and blocks:
        return RemoveNode(blocks[a % len(blocks)].id)
    if op == "move" and blocks and columns:
        return MoveBlock(blocks[a % len(blocks)].id, columns[b % len(columns)].id, a % 3)
    if op == "moverow" and d.rows:
        return MoveRow(d.rows[a % len(d.rows)].id, b % (len(d.rows) + 1))
    if op == "row":
        return InsertRow(a % (len(d.rows) + 1), new_row_json(d, split_widths(1 + b % 4)))
    if op == "cols" and d.rows:
        row = d.rows[a % len(d.rows)]
        return None if row.hero else set_columns(d, row.id, split_widths(1 + b % 4))
    if op == "batch" and blocks:
        return Batch([RemoveNode(blocks[a % len(blocks)].id), SetDocField("preheader", f"P{b}")], "Batch")
    return None


@settings(max_examples=60, derandomize=True, deadline=None)
@given(OPS)
def test_any_command_sequence_undone_returns_the_original(ops):
    d = doc()
    h = History(d)
    original = snapshot(d)
    states = [original]
    for op, a, b in ops:
        command = _command(d, op, a, b)
        if command is None:
            continue
        h.seal()  # one undo step per command here (merging is tested above)
        try:
            h.push(command)
        except CommandError:
            assert snapshot(d) == states[-1]  # a refused command changes nothing
            continue
        states.append(snapshot(d))
        Document.model_validate(d.model_dump())  # always a valid document
    final = states[-1]
    while h.can_undo():
        h.undo()
    assert snapshot(d) == original
    while h.can_redo():
        h.redo()
    assert snapshot(d) == final
    build_document(d)  # and it still builds
