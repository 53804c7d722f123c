"""The editor of `items` fields: a list of small records as a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTableWidgetItem

from .base import ComboBox, small_button
from .choice import choice_label
from .swatch import color_pixmap
from .table import TableEditor
from .values import normalise_color, url_warning


class ItemsEditor(TableEditor):
    """A list of small records (social networks, menu links, totals) as a table."""

    def _build(self) -> None:
        self._fields = self.field.item_fields
        self._items: list[dict[str, Any]] = []
        self._make_table([f.label for f in self._fields])
        self.up_button = small_button("↑", "Move up")
        self.down_button = small_button("↓", "Move down")
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.buttons.addWidget(self.up_button)
        self.buttons.addWidget(self.down_button)
        self.buttons.addStretch(1)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [dict(i) for i in self._items]

    def _stored(self) -> list[dict[str, Any]]:
        out = []
        for item in self._items:
            record = {}
            for f in self._fields:
                value = item.get(f.name)
                if value is None or (value == f.default and f.kind != "choice"):
                    continue
                record[f.name] = value
            out.append(record)
        return out

    def _store(self, select: int | None = None) -> None:
        self._populate()
        if select is not None and 0 <= select < self.table.rowCount():
            self.table.selectRow(select)
        self._commit(self._stored(), False)

    def set_cell(self, row: int, name: str, value: Any) -> None:
        """Change one cell as a user would."""
        self._items[row][name] = value
        self._store(row)

    def add_row(self) -> None:
        self._items.append({f.name: f.default for f in self._fields})
        self._store(len(self._items) - 1)

    def remove_row(self, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        if 0 <= row < len(self._items):
            del self._items[row]
            self._store(min(row, len(self._items) - 1))

    def move_row(self, delta: int, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        target = row + delta
        if 0 <= row < len(self._items) and 0 <= target < len(self._items):
            self._items[row], self._items[target] = self._items[target], self._items[row]
            self._store(target)

    def _populate(self) -> None:
        self._updating = True
        try:
            self.table.clearContents()
            self.table.setRowCount(len(self._items))
            for r, item in enumerate(self._items):
                for c, f in enumerate(self._fields):
                    value = item.get(f.name)
                    if f.kind == "choice":
                        combo = ComboBox()
                        combo.setFrame(False)
                        for choice in f.choices:
                            combo.addItem(choice_label(choice), choice)
                        combo.setCurrentIndex(max(0, combo.findData(value)))
                        self.table.setRowHeight(r, max(self.table.rowHeight(r), combo.sizeHint().height()))
                        combo.currentIndexChanged.connect(
                            lambda i, box=combo, row=r, name=f.name: self._combo_changed(row, name, box.itemData(i))
                        )
                        self.table.setCellWidget(r, c, combo)
                    elif f.kind == "bool":
                        cell = QTableWidgetItem()
                        cell.setFlags(
                            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
                        )
                        cell.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                        self.table.setItem(r, c, cell)
                    else:
                        cell = QTableWidgetItem("" if value is None else str(value))
                        if f.kind == "color" and value:
                            cell.setIcon(QIcon(color_pixmap(str(value), 12)))
                        if f.hint:
                            cell.setToolTip(f.hint)
                        self.table.setItem(r, c, cell)
            for c, f in enumerate(self._fields):
                if f.kind in ("choice", "bool", "color"):
                    self.table.resizeColumnToContents(c)
                else:
                    self.table.setColumnWidth(c, max(self.table.columnWidth(c), 110))
        finally:
            self._updating = False
        self._fit_height()

    def _combo_changed(self, row: int, name: str, value: Any) -> None:
        if self._updating or row >= len(self._items):
            return
        self._items[row][name] = value
        self._commit(self._stored(), False)

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if self._updating:
            return
        row, column = cell.row(), cell.column()
        if row >= len(self._items):
            return
        f = self._fields[column]
        if f.kind == "bool":
            value: Any = cell.checkState() == Qt.CheckState.Checked
        elif f.kind == "color":
            value = normalise_color(cell.text()) or None
        else:
            value = cell.text()
        self._items[row][f.name] = value
        self._commit(self._stored(), False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        selected = self.current_row()
        self._items = [dict(item) for item in (value or [])]
        self._populate()
        if 0 <= selected < len(self._items):
            self.table.selectRow(selected)

    def _update_meta(self, value: Any) -> None:
        problems = []
        for i, item in enumerate(value or [], 1):
            for f in self._fields:
                if f.kind == "url" and url_warning(item.get(f.name) or ""):
                    problems.append(f"row {i}: {f.label.lower()} does not look like a link")
        self._warning = "; ".join(problems)
