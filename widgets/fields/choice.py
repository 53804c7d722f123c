"""The editor of `choice` fields: one of the field's choices in a combo box."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...blocks.base import Field
from .base import ComboBox, FieldEditor
from .context import EditorContext


def choice_label(value: str) -> str:
    return value[:1].upper() + value[1:] if value else value


class ChoiceEditor(FieldEditor):
    """One of the field's choices."""

    KEEPS_CURSOR = False

    def __init__(
        self,
        field: Field,
        ctx: EditorContext,
        parent: QWidget | None = None,
        *,
        resettable: bool = True,
        labels: dict[str, str] | None = None,
    ) -> None:
        self._labels = labels or {}
        super().__init__(field, ctx, parent, resettable=resettable)

    def _build(self) -> None:
        self.combo = ComboBox()
        for choice in self.field.choices:
            self.combo.addItem(self._labels.get(choice, choice_label(choice)), choice)
        self.combo.currentIndexChanged.connect(self._changed)
        self._watch(self.combo)
        self.row.addWidget(self.combo, 1)

    def focus_widget(self) -> QWidget:
        return self.combo

    def select(self, value: str) -> None:
        """Choose a value as a user would."""
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _changed(self, index: int) -> None:
        if index >= 0:
            self._commit(self.combo.itemData(index))

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        index = self.combo.findData(value)
        if index < 0 and value is not None:
            self.combo.addItem(f"{value} (unknown)", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
