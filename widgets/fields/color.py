"""The editor of `color` fields: a swatch, a hex field and the theme's colours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QColorDialog, QHBoxLayout, QLineEdit, QToolButton, QVBoxLayout, QWidget

from .base import FieldEditor
from .swatch import color_pixmap
from .values import HEX, is_color, normalise_color


class ColorEditor(FieldEditor):
    """A swatch (colour dialog), a hex field and the theme's colours; empty = theme default."""

    def _build(self) -> None:
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(3)
        self.swatch = QToolButton()
        self.swatch.setToolTip("Choose a colour")
        self.swatch.setIconSize(QSize(16, 16))
        self.swatch.clicked.connect(self.pick)
        top.addWidget(self.swatch)
        self.hex = QLineEdit()
        self.hex.setMaximumWidth(140)
        self.hex.textEdited.connect(self._edited)
        self.hex.editingFinished.connect(self._finished)
        self._watch(self.hex)
        top.addWidget(self.hex, 1)
        top.addStretch(0)
        column.addLayout(top)
        self.swatches = QHBoxLayout()
        self.swatches.setSpacing(2)
        self.swatches.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.swatches)
        self._swatch_colors: dict[str, str] = {}
        self.row.addLayout(column, 1)

    def focus_widget(self) -> QWidget:
        return self.hex

    def context_changed(self) -> None:
        colors = dict(self.ctx.theme_colors)
        if colors == self._swatch_colors:
            return
        self._swatch_colors = colors
        while self.swatches.count():
            item = self.swatches.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for name, value in colors.items():
            button = QToolButton()
            button.setObjectName(f"swatch_{name}")
            button.setAutoRaise(True)
            button.setIcon(QIcon(color_pixmap(value, 11)))
            button.setIconSize(QSize(11, 11))
            button.setFixedSize(14, 14)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"Theme {name.replace('_', ' ')}: {value}")
            button.clicked.connect(lambda checked=False, v=value: self.choose(v))
            self.swatches.addWidget(button)
        self.swatches.addStretch(1)

    def choose(self, value: str) -> None:
        """Store a colour picked from a swatch or the dialog."""
        self.hex.setText(value)
        self.clear_error()
        self._paint(value)
        self._commit(value, False)

    def pick(self) -> None:
        current = self.hex.text().strip() or self.value or "#ffffff"
        color = QColorDialog.getColor(
            QColor(current if HEX.match(current) else "#ffffff"), self, f"Choose {self.field.label.lower()}"
        )
        if color.isValid():
            self.choose(color.name())

    def _edited(self, text: str) -> None:
        value = normalise_color(text)
        if value and is_color(value):
            self._paint(value)
            self.clear_error()
            self._commit(value)

    def _finished(self) -> None:
        text = self.hex.text().strip()
        if not text:
            if self.overridden:
                self._commit(None, False)
            return
        value = normalise_color(text)
        if value == self.value and self.overridden:
            return
        # Valid or not, the command decides; an invalid colour comes back as an inline error.
        self._commit(value, False)

    def _paint(self, value: str | None) -> None:
        self.swatch.setIcon(QIcon(color_pixmap(value)))

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = (value or "") if self.overridden else ""
        if self.hex.text() != text:
            self.hex.setText(text)

    def _update_meta(self, value: Any) -> None:
        source = "theme" if self.field.theme else "default"
        self.hex.setPlaceholderText(f"{value} ({source})" if value else "none")
        self._paint(value or None)
        self.context_changed()
