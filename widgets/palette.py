"""The block palette: layouts, blocks by category and saved blocks; searchable; a drag source.

Double-click (or Enter) asks to add the item to the selected column; dragging carries a
drop payload (app/document/drop.py) to the canvas.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ..app.document.drop import LAYOUTS, Payload
from ..blocks import REGISTRY
from .canvas import MIME_PAYLOAD
from .icons import icon

ROLE = Qt.ItemDataRole.UserRole


class _Tree(QTreeWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.setIndentation(10)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)

    def mimeData(self, items) -> QMimeData:  # noqa: N802 (Qt API)
        mime = QMimeData()
        payload = items[0].data(0, ROLE) if items else None
        if isinstance(payload, Payload):
            mime.setData(MIME_PAYLOAD, payload.to_mime().encode("utf-8"))
        return mime

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_PAYLOAD]


class Palette(QWidget):
    activated = Signal(object)  # Payload to append to the selection
    deleteSaved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("palette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search blocks…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.tree = _Tree(self)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemDoubleClicked.connect(self._activate)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._saved: list[tuple[str, str]] = []
        self.rebuild()

    def set_saved(self, saved: list[tuple[str, str]]) -> None:
        """Saved blocks as (name, nodes JSON)."""
        self._saved = list(saved)
        self.rebuild()

    def rebuild(self) -> None:
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}

        def group(name: str) -> QTreeWidgetItem:
            if name not in groups:
                item = QTreeWidgetItem(self.tree, [name])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                groups[name] = item
            return groups[name]

        for label, widths in LAYOUTS.items():
            item = QTreeWidgetItem(group("Layouts"), [label])
            item.setIcon(0, icon("layout", "Layouts"))
            item.setData(0, ROLE, Payload("layout", widths=widths))
            item.setToolTip(0, f"A row with {label}")
        for spec in REGISTRY.values():
            item = QTreeWidgetItem(group(spec.category), [spec.label])
            item.setIcon(0, icon(spec.icon, spec.category))
            item.setData(0, ROLE, Payload("new-block", block_type=spec.type))
            item.setToolTip(0, spec.description)
        for name, nodes_json in self._saved:
            item = QTreeWidgetItem(group("Saved blocks"), [name])
            item.setIcon(0, icon("saved", "Saved"))
            item.setData(0, ROLE, Payload("nodes", nodes_json=nodes_json))
        self.tree.expandAll()
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = _present(self.tree.topLevelItem(i))
            visible = 0
            for j in range(group.childCount()):
                child = _present(group.child(j))
                hide = bool(needle) and needle not in child.text(0).lower() and needle not in child.toolTip(0).lower()
                child.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        payload = item.data(0, ROLE)
        if isinstance(payload, Payload):
            self.activated.emit(payload)

    def items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            group = _present(self.tree.topLevelItem(i))
            out.extend(_present(group.child(j)) for j in range(group.childCount()))
        return out


def _present(item: QTreeWidgetItem | None) -> QTreeWidgetItem:
    """An item read at an index below its count: Qt returns None only past the end."""
    return cast(QTreeWidgetItem, item)
