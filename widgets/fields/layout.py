"""A row's columns: presets of column count and ratio."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...app.document.commands import split_widths
from .base import ComboBox, FieldEditor

LAYOUT_PRESETS: tuple[tuple[str, list[float]], ...] = (
    ("100", [100]),
    ("50 / 50", [50, 50]),
    ("33 / 67", [33.33, 66.67]),
    ("67 / 33", [66.67, 33.33]),
    ("33 / 33 / 33", split_widths(3)),
    ("25 / 25 / 25 / 25", [25, 25, 25, 25]),
    ("25 / 75", [25, 75]),
    ("75 / 25", [75, 25]),
)


class LayoutEditor(FieldEditor):
    """A row's columns: presets of count and ratio."""

    KEEPS_CURSOR = False

    def _build(self) -> None:
        self.combo = ComboBox()
        self.combo.activated.connect(self._activated)
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    @staticmethod
    def preset_of(widths: list[float]) -> int:
        for i, (_, preset) in enumerate(LAYOUT_PRESETS):
            if len(preset) == len(widths) and all(abs(a - b) < 0.6 for a, b in zip(preset, widths)):
                return i
        return -1

    def choose(self, label: str) -> None:
        """Pick a preset by its label ("33 / 67") as a user would."""
        index = self.combo.findText(label)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._activated(index)

    def _activated(self, index: int) -> None:
        widths = self.combo.itemData(index)
        if widths is not None and widths != self.value:
            self._commit(list(widths), False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        widths = list(value or [])
        self.combo.clear()
        index = self.preset_of(widths)
        if index < 0:
            self.combo.addItem("Custom: " + " / ".join(f"{w:g}" for w in widths), None)
        for label, preset in LAYOUT_PRESETS:
            self.combo.addItem(label, list(preset))
        self.combo.setCurrentIndex(0 if index < 0 else self.combo.findText(LAYOUT_PRESETS[index][0]))
