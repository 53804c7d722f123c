"""Where a drop on the canvas lands, and the command that puts it there (pure; no Qt).

The canvas reports what is under the pointer as a list of hits, innermost first (block,
column, row), each with its rectangle in view coordinates, and for drops the rectangles of every
drawn node. From those and the pointer, `place` decides the insertion point and the indicator
line together, so the line always shows where the drop lands and the logic is testable
without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ...blocks import REGISTRY
from .commands import (
    Batch,
    Command,
    CommandError,
    InsertBlock,
    InsertRow,
    MoveBlock,
    MoveRow,
    locate,
    new_block_json,
    new_row_json,
    split_widths,
)
from .model import Document

Rect = tuple[float, float, float, float]  # x, y, width, height


@dataclass(frozen=True)
class Hit:
    id: str
    rect: Rect


@dataclass(frozen=True)
class DropTarget:
    kind: Literal["column", "row"]  # into a column at `index`, or a new row at row `index`
    index: int
    column_id: str | None = None
    line: Rect = (0, 0, 0, 0)  # indicator: x, y, width, height (2 px)


@dataclass(frozen=True)
class Payload:
    """What is being dropped."""

    kind: Literal["new-block", "layout", "move-block", "move-row", "nodes"]
    block_type: str = ""
    widths: tuple[float, ...] = ()
    node_id: str = ""
    nodes_json: str = ""  # a saved block / clipboard payload (app/document/clipboard.py format)

    @property
    def row_level(self) -> bool:
        if self.kind in ("layout", "move-row"):
            return True
        if self.kind == "new-block":
            return REGISTRY[self.block_type].placement == "row"
        if self.kind == "nodes":  # saved rows go between rows, saved blocks into columns
            import json

            try:
                return json.loads(self.nodes_json).get("kind") == "rows"
            except (ValueError, AttributeError):
                return False
        return False

    def to_mime(self) -> str:
        import json

        return json.dumps(
            {
                "kind": self.kind,
                "block_type": self.block_type,
                "widths": list(self.widths),
                "node_id": self.node_id,
                "nodes_json": self.nodes_json,
            }
        )

    @classmethod
    def from_mime(cls, text: str) -> "Payload":
        import json

        data = json.loads(text)
        return cls(
            data["kind"],
            data.get("block_type", ""),
            tuple(data.get("widths", ())),
            data.get("node_id", ""),
            data.get("nodes_json", ""),
        )


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


def _distance(rect: Rect, x: float, y: float) -> float:
    """How far the point is from the rectangle (0 inside)."""
    rx, ry, rw, rh = rect
    dx = max(rx - x, 0.0, x - (rx + rw))
    dy = max(ry - y, 0.0, y - (ry + rh))
    return (dx * dx + dy * dy) ** 0.5


def _row_rect(rects: dict[str, Rect], row) -> Rect | None:
    # A hero row (and its column) is drawn by its hero block alone.
    return rects.get(row.id) or (rects.get(row.hero.id) if row.hero is not None else None)


def _between_rows(doc: Document, rects: dict[str, Rect], y: float, width: float) -> DropTarget:
    drawn = [(i, r) for i, row in enumerate(doc.rows) if (r := _row_rect(rects, row)) is not None]
    if not drawn:
        x, top, w, h = rects.get(EMPTY_DOC, (0.0, 0.0, width, 0.0))
        return DropTarget("row", len(doc.rows), None, (x, top + h / 2 - LINE / 2, w, LINE))
    index, rect = min(drawn, key=lambda d: _distance((0, d[1][1], 1, d[1][3]), 0, y))
    x, top, w, h = rect
    after = y > top + h / 2
    line_y = top + h - LINE / 2 if after else top - LINE / 2
    return DropTarget("row", index + (1 if after else 0), None, (x, line_y, w, LINE))


def _in_column(doc: Document, rects: dict[str, Rect], x: float, y: float) -> DropTarget | None:
    """The nearest column drawn (a hero row under the pointer means a new row instead), and
    the place in it by the blocks' middles."""
    best = None
    for row in doc.rows:
        rrect = _row_rect(rects, row)
        if row.hero is not None:
            if rrect is not None and _distance(rrect, x, y) == 0:
                return None
            continue
        for column in row.columns:
            crect = rects.get(column.id)
            if crect is not None and (best is None or _distance(crect, x, y) < best[0]):
                best = (_distance(crect, x, y), column, crect)
    if best is None:
        return None
    _, column, (cx, ctop, cw, ch) = best
    drawn = [(i, rects[b.id]) for i, b in enumerate(column.blocks) if b.id in rects]
    if not drawn:
        return DropTarget("column", len(column.blocks), column.id, (cx, ctop + ch / 2 - LINE / 2, cw, LINE))
    for n, (i, (_, top, _, h)) in enumerate(drawn):
        if y < top + h / 2:
            if n == 0:
                return DropTarget("column", i, column.id, (cx, top - LINE / 2, cw, LINE))
            _, (_, ptop, _, ph) = drawn[n - 1]
            return DropTarget("column", i, column.id, (cx, ptop + ph - LINE / 2, cw, LINE))
    i, (_, top, _, h) = drawn[-1]
    return DropTarget("column", i + 1, column.id, (cx, top + h - LINE / 2, cw, LINE))


EMPTY_DOC = "__empty-doc"  # the rectangle of the "drop a layout here" notice of an empty document


def place(
    doc: Document, rects: dict[str, Rect], x: float, y: float, payload: Payload, width: float = 600.0
) -> DropTarget | None:
    """Where a drop at (x, y) lands, and its indicator line: one answer for both.

    `rects` holds every drawn node's rectangle in view coordinates (ids as in the design
    build). Any point, the grey margin included, maps to the nearest valid place: between the
    rows for layouts, heroes and rows, else the nearest column, at the gap nearest the pointer.
    None when nothing valid is there: the move would leave everything where it is, or the
    payload names a node that no longer exists.
    """
    moving = None
    if payload.kind in ("move-block", "move-row"):
        try:
            moving = locate(doc, payload.node_id)
        except CommandError:
            return None
        if payload.kind == "move-block" and moving.block is None:
            return None
    row_level = payload.row_level or (moving is not None and moving.block is not None and moving.block.fills_row)
    target = None if row_level else _in_column(doc, rects, x, y)
    if target is None:
        target = _between_rows(doc, rects, y, width)
    if moving is not None:
        if (
            target.kind == "row"
            and payload.kind == "move-row"
            and target.index in (moving.row_index, moving.row_index + 1)
        ):
            return None
        if (
            target.kind == "column"
            and moving.block is not None
            and moving.column is not None
            and target.column_id == moving.column.id
            and target.index in (moving.block_index, moving.block_index + 1)
        ):
            return None
    return target


def drop_target(doc: Document, hits: list[Hit], y: float, payload: Payload) -> DropTarget:
    """`place` from the nodes under the pointer only (innermost first); with no hits, a new
    row at the end. For callers without a layout, such as "add after the selection"."""
    rects = {h.id: h.rect for h in hits}
    x = hits[0].rect[0] + hits[0].rect[2] / 2 if hits else 0.0
    return place(doc, rects, x, y, payload) or DropTarget("row", len(doc.rows))


def append_target(doc: Document, selection: str | None, payload: Payload) -> DropTarget:
    """Where a palette item added without dragging (double-click) lands: right after the selected
    block, at the end of the selected column, after the selected row (layouts and heroes always
    after the row); with nothing selected, or inside a hero, at the end of the email."""
    if selection:
        kind = _kind(doc, selection)
        loc = locate(doc, selection)
        column = loc.column  # a block's or a column's own
        if payload.row_level or kind == "row":
            return DropTarget("row", loc.row_index + 1)
        if column is not None and not loc.row.hero:
            if kind == "block":
                return DropTarget("column", loc.block_index + 1, column.id)
            return DropTarget("column", len(column.blocks), column.id)
    return drop_target(doc, [], 0, payload)


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
            assert loc.column is not None  # a located block is always in its column
            if target.column_id == loc.column.id and index > loc.block_index:
                index -= 1
            return MoveBlock(payload.node_id, target.column_id or "", index)
        row = new_row_json(doc, [100])
        index = target.index
        return Batch([InsertRow(index, row), MoveBlock(payload.node_id, row["columns"][0]["id"], 0)], "Move block")
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
