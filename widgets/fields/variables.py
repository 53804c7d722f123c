"""The template variables (`<< var:name >>`) as a name/value table."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHeaderView, QTableWidgetItem

from ...app.document.commands import Batch, SetDocField
from .table import TableEditor


class VariablesEditor(TableEditor):
    """The template variables (`<< var:name >>`): a name/value table."""

    def _build(self) -> None:
        self._vars: list[tuple[str, str]] = []
        self._make_table(["Name", "Value"])
        self.buttons.addStretch(1)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 110)

    def _fresh_name(self) -> str:
        names = {n for n, _ in self._vars}
        n = 1
        while f"variable{n}" in names:
            n += 1
        return f"variable{n}"

    def add_row(self, name: str | None = None, value: str = "") -> None:
        name = name or self._fresh_name()
        self._vars.append((name, value))
        self._populate()
        self.table.selectRow(len(self._vars) - 1)
        self.command.emit(SetDocField(f"variables.{name}", value, "Add template variable"))

    def remove_row(self, row: int | None = None) -> None:
        row = self.current_row() if row is None else row
        if 0 <= row < len(self._vars):
            name, _ = self._vars.pop(row)
            self._populate()
            self.command.emit(SetDocField(f"variables.{name}", None, "Delete template variable"))

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Edit a cell as a user would (0: name, 1: value)."""
        item = self.table.item(row, column)
        assert item is not None, f"no cell at row {row}, column {column}"
        item.setText(text)

    def _item_changed(self, cell: QTableWidgetItem) -> None:
        if self._updating:
            return
        row = cell.row()
        if row >= len(self._vars):
            return
        name, value = self._vars[row]
        if cell.column() == 1:
            self._vars[row] = (name, cell.text())
            self.command.emit(SetDocField(f"variables.{name}", cell.text(), "Change template variable"))
            return
        new = cell.text().strip()
        if new == name:
            return
        if any(n == new for n, _ in self._vars):
            self.show_error(f"There is already a variable called {new!r}")
            self._populate()
            return
        self._vars[row] = (new, value)
        self.command.emit(
            Batch(
                [SetDocField(f"variables.{name}", None), SetDocField(f"variables.{new}", value)],
                "Rename template variable",
            )
        )

    def _populate(self) -> None:
        self._updating = True
        try:
            self.table.clearContents()
            self.table.setRowCount(len(self._vars))
            for r, (name, value) in enumerate(self._vars):
                self.table.setItem(r, 0, QTableWidgetItem(name))
                self.table.setItem(r, 1, QTableWidgetItem(value))
        finally:
            self._updating = False
        self._fit_height()

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self._vars = list((value or {}).items())
        self._populate()
