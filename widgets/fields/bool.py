"""The editor of `bool` fields: a check box labelled with the field's label."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from .base import FieldEditor


class _Caption(QLabel):
    """The check box's text as a wrapping label: a QCheckBox never wraps, so a long label
    ("Transactional email (no unsubscribe link needed)") set the inspector's width and its
    right edge was cut off in a narrow dock. A click on it toggles the box, as on the box's own text."""

    def __init__(self, text: str, check: QCheckBox) -> None:
        # With a buddy, "&" marks a mnemonic: doubled, a label's own "&" shows as written.
        super().__init__(text.replace("&", "&&"))
        self._check = check
        self.setTextFormat(Qt.TextFormat.PlainText)  # a label is text, never markup
        self.setWordWrap(True)
        self.setBuddy(check)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        inside = self.rect().contains(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and inside and self._check.isEnabled():
            self._check.click()  # toggles and emits as a click on the box does
        super().mouseReleaseEvent(event)


class BoolEditor(FieldEditor):
    """A check box labelled with the field's label."""

    KEEPS_CURSOR = False
    SPANS = True

    def _build(self) -> None:
        self.check = QCheckBox()
        self.check.setAccessibleName(self.field.label)  # what a screen reader says for the box
        self.check.toggled.connect(lambda on: self._commit(bool(on), False))
        self._watch(self.check)
        self.caption = _Caption(self.field.label, self.check)
        self.row.addWidget(self.check, 0)
        self.row.addWidget(self.caption, 1)

    def focus_widget(self) -> QWidget:
        return self.check

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        self.check.setChecked(bool(value))
