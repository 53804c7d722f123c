"""The layers tree: rows > columns > blocks, selection synced with the canvas, drag to reorder.

Reordering goes through commands: a drop in the tree becomes a move request for the main
window; the tree itself is rebuilt from the document after every change.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from ..app.document.drop import DropTarget, Payload
from ..blocks import REGISTRY
from .icons import icon

ROLE = Qt.ItemDataRole.UserRole
_TAG = re.compile(r"""<[A-Za-z/!](?:"[^"]*"|'[^']*'|[^'">])*>""")  # an HTML tag (merge tags stay)


def block_title(block) -> str:
    spec = REGISTRY[block.type]
    props = block.props.model_dump()
    hint = ""
    for key in ("text", "label", "headline", "name", "alt", "title", "html"):
        value = props.get(key)
        if key == "html" and isinstance(value, str):  # rich text: its words, not its tags
            value = html.unescape(_TAG.sub(" ", value))
        if isinstance(value, str) and value.strip():
            hint = " ".join(value.split())
            break
    if len(hint) > 28:
        hint = hint[:27] + "…"
    return f"{spec.label}: {hint}" if hint else spec.label


class Layers(QTreeWidget):
    selected = Signal(object)  # node id or None
    moveRequested = Signal(object, object)  # Payload, DropTarget

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layers")
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIndentation(14)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._syncing = False
        self.itemSelectionChanged.connect(self._on_selection)

    def rebuild(self, doc, selection: str | None) -> None:
        self._syncing = True
        expanded = {nid for nid, it in self._items.items() if it.isExpanded()} if self._items else None
        self.clear()
        self._items = {}
        for ri, row in enumerate(doc.rows):
            hero = row.hero
            label = f"Row {ri + 1}" + (
                f" · {REGISTRY[hero.type].label}"
                if hero
                else f" · {len(row.columns)} column{'s' if len(row.columns) > 1 else ''}"
            )
            row_item = QTreeWidgetItem(self, [label])
            row_item.setIcon(0, icon("row"))
            row_item.setData(0, ROLE, row.id)
            self._items[row.id] = row_item
            for ci, column in enumerate(row.columns):
                col_item = QTreeWidgetItem(row_item, [f"Column {ci + 1} · {column.width:g}%"])
                col_item.setIcon(0, icon("column"))
                col_item.setData(0, ROLE, column.id)
                col_item.setFlags(col_item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
                self._items[column.id] = col_item
                for block in column.blocks:
                    spec = REGISTRY[block.type]
                    item = QTreeWidgetItem(col_item, [block_title(block)])
                    item.setIcon(0, icon(spec.icon, spec.category))
                    item.setData(0, ROLE, block.id)
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
                    self._items[block.id] = item
        for nid, item in self._items.items():
            item.setExpanded(expanded is None or nid in expanded or item.childCount() == 0 or nid.startswith("c"))
        self.set_selection(selection)
        self._syncing = False

    def set_selection(self, node_id: str | None) -> None:
        self._syncing = True
        self.clearSelection()
        item = self._items.get(node_id or "")
        if item is not None:
            item.setSelected(True)
            self.scrollToItem(item)
        self._syncing = False

    def _on_selection(self) -> None:
        if self._syncing:
            return
        items = self.selectedItems()
        self.selected.emit(items[0].data(0, ROLE) if items else None)

    def dropEvent(self, event) -> None:  # noqa: N802
        items = self.selectedItems()
        if not items:
            event.ignore()
            return
        node_id = items[0].data(0, ROLE)
        target_item = self.itemAt(event.position().toPoint())
        indicator = self.dropIndicatorPosition()
        event.ignore()  # never let Qt move items itself: the document decides
        if target_item is None:
            return
        target_id = target_item.data(0, ROLE)
        self.request_move(node_id, target_id, indicator)

    def request_move(self, node_id: str, target_id: str, indicator) -> None:
        """Turn "drop node_id on/above/below target_id" into a move request."""
        pos = QAbstractItemView.DropIndicatorPosition
        is_row = node_id in self._items and self._items[node_id].parent() is None
        target_item = self._items.get(target_id)
        if target_item is None:
            return
        if is_row:
            row_item = target_item
            while (up := row_item.parent()) is not None:
                row_item = up
            index = self.indexOfTopLevelItem(row_item) + (1 if indicator == pos.BelowItem else 0)
            self.moveRequested.emit(Payload("move-row", node_id=node_id), DropTarget("row", index))
            return
        depth = 0
        probe = target_item
        while (up := probe.parent()) is not None:
            probe = up
            depth += 1
        if depth == 1:  # onto a column: append (or first when above)
            column_id = target_id
            index = 0 if indicator == pos.AboveItem else target_item.childCount()
        elif depth == 2:  # next to a block
            column_item = target_item.parent()
            assert column_item is not None  # depth 2: a block under its column
            column_id = column_item.data(0, ROLE)
            index = column_item.indexOfChild(target_item) + (1 if indicator == pos.BelowItem else 0)
        else:  # onto a row: into its first column
            column_item = target_item.child(0)
            if column_item is None:
                return
            column_id = column_item.data(0, ROLE)
            index = column_item.childCount()
        self.moveRequested.emit(Payload("move-block", node_id=node_id), DropTarget("column", index, column_id))
