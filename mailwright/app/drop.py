"""Where a drop on the canvas lands, and the command that puts it there (pure; no Qt).

The canvas reports what is under the pointer as a list of hits, innermost first (block,
column, row), each with its rectangle in view coordinates. From that and the pointer's y, this
module decides the insertion point and the indicator line, so the same logic is testable
without a window.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..blocks import REGISTRY
from .commands import (Batch, Command, CommandError, InsertBlock, InsertRow, MoveBlock, MoveRow, locate,
                       new_block_json, new_row_json, split_widths)
from .document import Document

Rect = tuple[float, float, float, float]   # x, y, width, height


@dataclass(frozen=True)
class Hit:
    id: str
    rect: Rect


@dataclass(frozen=True)
class DropTarget:
    kind: Literal["column", "row"]   # into a column at `index`, or a new row at row `index`
    index: int
    column_id: str | None = None
    line: Rect = (0, 0, 0, 0)        # indicator: x, y, width, height (2 px)


@dataclass(frozen=True)
class Payload:
    """What is being dropped."""

    kind: Literal["new-block", "layout", "move-block", "move-row", "nodes"]
    block_type: str = ""
    widths: tuple[float, ...] = ()
    node_id: str = ""
    nodes_json: str = ""   # a saved block / clipboard payload (app/clipboard.py format)

    @property
    def row_level(self) -> bool:
        if self.kind in ("layout", "move-row"):
            return True
        if self.kind == "new-block":
            return REGISTRY[self.block_type].placement == "row"
        if self.kind == "nodes":   # saved rows go between rows, saved blocks into columns
            import json

            try:
                return json.loads(self.nodes_json).get("kind") == "rows"
            except (ValueError, AttributeError):
                return False
        return False

    def to_mime(self) -> str:
        import json

        return json.dumps({"kind": self.kind, "block_type": self.block_type, "widths": list(self.widths),
                           "node_id": self.node_id, "nodes_json": self.nodes_json})

    @classmethod
    def from_mime(cls, text: str) -> "Payload":
        import json

        data = json.loads(text)
        return cls(data["kind"], data.get("block_type", ""), tuple(data.get("widths", ())),
                   data.get("node_id", ""), data.get("nodes_json", ""))


LAYOUTS: dict[str, tuple[float, ...]] = {
    "1 column": (100,),
    "2 columns": (50, 50),
    "3 columns": tuple(split_widths(3)),
    "4 columns": (25, 25, 25, 25),
    "1/3 + 2/3": (33.33, 66.67),
    "2/3 + 1/3": (66.67, 33.33),
}

LINE = 3.0


def _kind(doc: Document, node_id: str) -> str | None:
    try:
        loc = locate(doc, node_id)
    except CommandError:
        return None
    return "block" if loc.block else "column" if loc.column else "row"


def _row_target(doc: Document, hits: list[Hit], y: float) -> DropTarget:
    for hit in hits:
        if _kind(doc, hit.id) == "row" or (_kind(doc, hit.id) == "block" and locate(doc, hit.id).row.hero):
            loc = locate(doc, hit.id)
            x, top, w, h = hit.rect
            after = y > top + h / 2
            line_y = top + h - LINE / 2 if after else top - LINE / 2
            return DropTarget("row", loc.row_index + (1 if after else 0), None, (x, line_y, w, LINE))
    return DropTarget("row", len(doc.rows), None, (0, 0, 0, 0))


def drop_target(doc: Document, hits: list[Hit], y: float, payload: Payload) -> DropTarget:
    """The insertion point for a drop at height `y` over `hits` (innermost first)."""
    hits = [h for h in hits if _kind(doc, h.id) is not None]
    if payload.row_level or not hits:
        return _row_target(doc, hits, y)
    first = hits[0]
    kind = _kind(doc, first.id)
    if kind == "block":
        loc = locate(doc, first.id)
        if loc.row.hero is not None:
            return _row_target(doc, hits, y)
        x, top, w, h = first.rect
        after = y > top + h / 2
        column_hit = next((hh for hh in hits if hh.id == loc.column.id), None)
        cx, _, cw, _ = column_hit.rect if column_hit else (x, 0, w, 0)
        line_y = top + h - LINE / 2 if after else top - LINE / 2
        return DropTarget("column", loc.block_index + (1 if after else 0), loc.column.id, (cx, line_y, cw, LINE))
    if kind == "column":
        loc = locate(doc, first.id)
        x, top, w, h = first.rect
        blocks = loc.column.blocks
        # Over the column's padding or empty space: before the first block when in the top
        # part, else at the end.
        index = 0 if (blocks and y < top + min(24, h / 4)) else len(blocks)
        line_y = top + (0 if index == 0 and blocks else h) - LINE / 2
        return DropTarget("column", index, loc.column.id, (x, line_y, w, LINE))
    return _row_target(doc, hits, y)


def drop_command(doc: Document, payload: Payload, target: DropTarget) -> Command:
    """The command that performs a drop."""
    if payload.kind == "layout":
        return InsertRow(target.index, new_row_json(doc, list(payload.widths)), "Add layout")
    if payload.kind == "move-row":
        loc = locate(doc, payload.node_id)
        index = target.index - (1 if target.index > loc.row_index else 0)
        return MoveRow(payload.node_id, index)
    if payload.kind == "new-block":
        label = f"Add {REGISTRY[payload.block_type].label.lower()}"
        block = new_block_json(doc, payload.block_type)
        if target.kind == "column" and not payload.row_level:
            return InsertBlock(target.column_id or "", target.index, block, label)
        return InsertRow(target.index, new_row_json(doc, [100], [[block]]), label)
    if payload.kind == "move-block":
        loc = locate(doc, payload.node_id)
        if loc.block is None:
            raise CommandError(f"{payload.node_id!r} is not a block")
        if target.kind == "column" and not loc.block.fills_row:
            index = target.index
            if target.column_id == loc.column.id and index > loc.block_index:
                index -= 1
            return MoveBlock(payload.node_id, target.column_id or "", index)
        row = new_row_json(doc, [100])
        index = target.index
        return Batch([InsertRow(index, row), MoveBlock(payload.node_id, row["columns"][0]["id"], 0)],
                     "Move block")
    if payload.kind == "nodes":
        return paste_at(doc, payload.nodes_json, target)
    raise CommandError(f"cannot drop {payload.kind!r}")


def paste_at(doc: Document, nodes_json: str, target: DropTarget) -> Command:
    """Saved blocks and clipboard content dropped at a target (fresh ids)."""
    import json

    from .commands import fresh_ids

    try:
        data: Any = json.loads(nodes_json)
        nodes = data["nodes"]
        kind = data["kind"]
    except (ValueError, KeyError, TypeError):
        raise CommandError("not Mailwright content") from None
    commands: list[Command] = []
    taken: set[str] = set()
    if kind == "rows" or target.kind == "row":
        index = target.index
        for node in nodes:
            if kind == "blocks":
                node = new_row_json(doc, [100], [[node]])
            fresh = fresh_ids(doc, node, taken)
            taken |= _ids(fresh)
            commands.append(InsertRow(index, fresh))
            index += 1
    else:
        index = target.index
        for node in nodes:
            fresh = fresh_ids(doc, node, taken)
            taken |= _ids(fresh)
            commands.append(InsertBlock(target.column_id or "", index, fresh))
            index += 1
    return Batch(commands, "Insert")


def _ids(node: dict[str, Any]) -> set[str]:
    out = {node["id"]}
    for c in node.get("columns", []):
        out |= _ids(c)
    for b in node.get("blocks", []):
        out |= _ids(b)
    return out
