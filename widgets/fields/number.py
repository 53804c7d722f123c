"""The editor of `number` fields: min/max and a unit; empty means the theme/default value."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QSpinBox, QWidget

from .base import FieldEditor
from .optional_spin import OptionalDoubleSpinBox, OptionalSpinBox


class NumberEditor(FieldEditor):
    """A number with min/max and unit; empty = the theme/default value, shown as placeholder."""

    def _build(self) -> None:
        f = self.field
        whole = f.integer or f.unit in ("px", "%")
        lo = f.min if f.min is not None else 0
        hi = f.max if f.max is not None else 100000
        self.spin: OptionalSpinBox | OptionalDoubleSpinBox
        if whole:
            self.spin = whole_spin = OptionalSpinBox()
            whole_spin.setRange(int(lo), int(hi))
        else:
            self.spin = decimal_spin = OptionalDoubleSpinBox()
            decimal_spin.setDecimals(2)
            decimal_spin.setSingleStep(0.1 if hi - lo <= 10 else 1)
            decimal_spin.setRange(float(lo), float(hi))
        self.spin.set_unit(f" {f.unit}" if f.unit else "")
        self.spin.setKeyboardTracking(True)
        self.spin.setAccelerated(True)
        self.spin.setMinimumWidth(120)
        self.spin.valueChanged.connect(self._changed)
        self.spin.editingFinished.connect(self._finished)
        self._watch(self.spin)
        self.row.addWidget(self.spin)
        self.row.addStretch(1)

    def focus_widget(self) -> QWidget:
        return self.spin

    def _number(self, value: float) -> int | float:
        if isinstance(self.spin, QSpinBox):
            return int(value)
        value = round(float(value), 2)
        return int(value) if value.is_integer() else value

    def _changed(self, value: float) -> None:
        if self._updating or self.spin.is_empty():
            return
        self._commit(self._number(value))

    def _finished(self) -> None:
        if self.spin.is_empty() and self.overridden and not self._updating:
            self._commit(None, False)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        if self.overridden and value is not None:
            self.spin.set_empty(False)
            self.spin.setValue(value)
            # setValue does not redraw an unchanged value that was shown empty.
            text = self.spin.prefix() + self.spin.textFromValue(self.spin.value()) + self.spin.suffix()
            if self.spin.lineEdit().text() != text:
                self.spin.lineEdit().setText(text)
        else:
            if value is not None:
                self.spin.setValue(value)  # the arrows start from the effective value
            self.spin.set_empty(True)

    def _update_meta(self, value: Any) -> None:
        if value is None:
            hint = self.field.hint.removeprefix("empty: ") if self.field.hint.startswith("empty:") else ""
            text = f"auto ({hint})" if hint else "auto"
        else:
            number = self._number(value)
            unit = f" {self.field.unit}" if self.field.unit else ""
            text = f"{number}{unit} ({'theme' if self.field.theme else 'default'})"
        self.spin.lineEdit().setPlaceholderText(text)
