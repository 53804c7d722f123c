"""Spin boxes that can be empty: no override, the effective value shown as placeholder."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget


class _OptionalSpin:
    """A spin box that can be empty (no override): the effective value shows as placeholder."""

    def _init_optional(self) -> None:
        self._empty = False
        self._unit = ""

    def set_unit(self, unit: str) -> None:
        self._unit = unit
        if not self._empty:
            self.setSuffix(unit)  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it

    def set_empty(self, empty: bool) -> None:
        self._empty = empty
        self.setSuffix("" if empty else self._unit)  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it
        if empty:
            self.lineEdit().setText("")  # type: ignore[attr-defined]  # a mixin: the spin box it goes into has it

    def is_empty(self) -> bool:
        return self._empty

    def textFromValue(self, value):  # noqa: N802 (Qt name)
        return "" if self._empty else super().textFromValue(value)

    def validate(self, text, pos):
        from PySide6.QtGui import QValidator

        if text.strip() == "":
            return (QValidator.State.Acceptable, text, pos)
        return super().validate(text, pos)

    def valueFromText(self, text):  # noqa: N802 (Qt name)
        if text.strip() == "":
            self._empty = True
            self.setSuffix("")
            return self.value()
        return super().valueFromText(text)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if self._empty and event.text().strip():
            self._empty = False
        super().keyPressEvent(event)

    def stepBy(self, steps):  # noqa: N802 (Qt name)
        if self._empty:
            self._empty = False
            self.setSuffix(self._unit)
        super().stepBy(steps)

    def wheelEvent(self, event):  # noqa: N802 (Qt name)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # scrolling the inspector, not this value

    def focusOutEvent(self, event):  # noqa: N802 (Qt name)
        super().focusOutEvent(event)
        if not self._empty and self.suffix() != self._unit:
            self.setSuffix(self._unit)


class OptionalSpinBox(_OptionalSpin, QSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        QSpinBox.__init__(self, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._init_optional()


class OptionalDoubleSpinBox(_OptionalSpin, QDoubleSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        QDoubleSpinBox.__init__(self, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._init_optional()
