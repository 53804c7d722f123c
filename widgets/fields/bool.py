"""The editor of `bool` fields: a check box labelled with the field's label."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QWidget

from .base import FieldEditor


class BoolEditor(FieldEditor):
    """A check box labelled with the field's label."""

    KEEPS_CURSOR = False
    SPANS = True

    def _build(self) -> None:
        self.check = QCheckBox(self.field.label)
        self.check.toggled.connect(lambda on: self._commit(bool(on), False))
        self._watch(self.check)
        self.row.addWidget(self.check, 1)

    def focus_widget(self) -> QWidget:
        return self.check

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self.check.setChecked(bool(value))
