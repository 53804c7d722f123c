"""Keyboard navigation and keyboard moves of the selection (pure; the window binds the keys).

Selection is editor state, not part of the document: it never enters the history.
"""

from __future__ import annotations

from .commands import Command, CommandError, MoveBlock, MoveRow, locate
from .model import Document


def parent_of(doc: Document, node_id: str | None) -> str | None:
    """Esc: block → column → row → nothing."""
    if not node_id:
        return None
    try:
        loc = locate(doc, node_id)
    except CommandError:
        return None
    if loc.block is not None:
        assert loc.column is not None  # a located block is always in its column
        return loc.column.id
    if loc.column is not None:
        return loc.row.id
    return None


def _flat(doc: Document) -> list[str]:
    """Blocks in reading order, with rows that hold no blocks standing for themselves."""
    out: list[str] = []
    for row in doc.rows:
        blocks = [b.id for c in row.columns for b in c.blocks]
        out.extend(blocks or [row.id])
    return out


def step(doc: Document, node_id: str | None, delta: int) -> str | None:
    """Up/Down arrows: the previous/next block (rows step through rows)."""
    if not doc.rows:
        return None
    if node_id is None:
        flat = _flat(doc)
        return flat[0 if delta > 0 else -1] if flat else None
    try:
        loc = locate(doc, node_id)
    except CommandError:
        return None
    if loc.block is None and loc.column is None:
        index = max(0, min(len(doc.rows) - 1, loc.row_index + delta))
        return doc.rows[index].id
    if loc.block is None:
        columns = loc.row.columns
        return columns[max(0, min(len(columns) - 1, loc.column_index + delta))].id
    flat = _flat(doc)
    i = flat.index(node_id)
    return flat[max(0, min(len(flat) - 1, i + delta))]


def move_command(doc: Document, node_id: str, delta: int) -> Command | None:
    """Alt+Up/Down: move a block within its column (into the neighbouring column's end/start
    at the edges of a multi-column row) or a row among rows. None when it cannot move."""
    loc = locate(doc, node_id)
    if loc.block is not None:
        assert loc.column is not None  # a located block is always in its column
        blocks = loc.column.blocks
        target = loc.block_index + delta
        if 0 <= target < len(blocks):
            return MoveBlock(node_id, loc.column.id, target, "Move block")
        columns = loc.row.columns
        neighbour = loc.column_index + delta
        if 0 <= neighbour < len(columns) and not loc.block.fills_row:
            dest = columns[neighbour]
            return MoveBlock(node_id, dest.id, len(dest.blocks) if delta < 0 else 0, "Move block")
        return None
    if loc.column is None:
        target = loc.row_index + delta
        if 0 <= target < len(doc.rows):
            return MoveRow(node_id, target, "Move row")
    return None
