"""The email's font family: an editable list of web-safe font stacks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from .base import ComboBox, FieldEditor

WEB_SAFE_FONTS = (
    "Arial, Helvetica, sans-serif",
    "'Helvetica Neue', Helvetica, Arial, sans-serif",
    "Verdana, Geneva, sans-serif",
    "Tahoma, Geneva, sans-serif",
    "'Trebuchet MS', Helvetica, sans-serif",
    "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    "Georgia, 'Times New Roman', Times, serif",
    "'Times New Roman', Times, serif",
    "'Palatino Linotype', 'Book Antiqua', Palatino, serif",
    "'Courier New', Courier, monospace",
)


class FontFamilyEditor(FieldEditor):
    """An editable list of web-safe font stacks; empty = the theme's font."""

    def _build(self) -> None:
        self.combo = ComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for stack in WEB_SAFE_FONTS:
            self.combo.addItem(stack.split(",")[0].strip("'"), stack)
            self.combo.setItemData(self.combo.count() - 1, stack, Qt.ItemDataRole.ToolTipRole)
        self.combo.activated.connect(self._activated)
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.textEdited.connect(lambda text: self._commit(text.strip() or None))
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    def _activated(self, index: int) -> None:
        stack = self.combo.itemData(index)
        self.combo.setEditText(stack)
        self._commit(stack, False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self.combo.setCurrentIndex(-1)
        self.combo.setEditText(value if self.overridden and value else "")

    def _update_meta(self, value: Any) -> None:
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.setPlaceholderText(f"{value} (theme)" if value else "")
