"""One small editor widget per field kind, generated from `Field` declarations (blocks/base.py).

Editors hold no business logic. Each shows a value it is given (`set_value`) and reports what the
user did through two signals:

- `committed(value, mergeable)`: store this value (None clears the override); the inspector turns
  it into a command (SetProp, SetDocField, SetNodeAttr, ...);
- `command(cmd)`: push this ready-made command (structural edits such as renaming a variable);
- `reset_requested()`: the ↺ button, clear the override;
- `focus_left()`: the user left the field (the inspector seals the undo step).

Every editor shows the effective value (the override, or the theme/default value), a ↺ button
while the field is overridden, and one line of inline messages (red errors, amber warnings).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ...blocks.base import Field
from .context import EditorContext

ERROR_COLOR = "#b91c1c"
WARNING_COLOR = "#b45309"


def small_button(text: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tooltip)
    button.setAutoRaise(True)
    return button


class ComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless it has focus, so scrolling the inspector
    never changes a value by accident."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FieldEditor(QWidget):
    """Base of every editor: the input row, a ↺ reset button and a message line."""

    committed = Signal(object, bool)
    command = Signal(object)
    reset_requested = Signal()
    focus_left = Signal()

    # True: while the user types here, refreshes leave the input alone (cursor, selection).
    KEEPS_CURSOR = True
    # True: the editor shows its own label (a check box) and spans the form's two columns.
    SPANS = False

    def __init__(
        self, field: Field, ctx: EditorContext, parent: QWidget | None = None, *, resettable: bool = True
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.ctx = ctx
        self.resettable = resettable
        self.overridden = False
        self.value: Any = None
        self._updating = False
        self._error = ""
        self._warning = ""
        self._watched: list[QWidget] = []

        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(3)
        self._outer.addLayout(self.row)
        self._build()
        self.reset_button = small_button("↺", "Reset to the theme or default value")
        self.reset_button.setObjectName("reset")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = self.reset_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.reset_button.setSizePolicy(policy)
        self.reset_button.clicked.connect(self.reset_requested)
        self.reset_button.setVisible(False)
        self.row.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        font = self.message.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.message.setFont(font)
        self._outer.addWidget(self.message)
        if field.hint:
            self.setToolTip(field.hint)

    # subclasses -------------------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        """Show a value in the inputs (signals from the inputs are ignored meanwhile)."""
        raise NotImplementedError

    def _update_meta(self, value: Any) -> None:
        """Things that never disturb typing: placeholders, swatches, warnings."""

    def focus_widget(self) -> QWidget:
        """The input a form label points at."""
        return self

    def context_changed(self) -> None:
        """The theme or document changed around the editor (theme swatches)."""

    # public -----------------------------------------------------------------------------------
    @property
    def required(self) -> bool:
        return False

    def set_value(self, value: Any, overridden: bool, *, typing: bool = False) -> None:
        """Show the effective value; `typing`: the user is typing here, keep the input as is."""
        self.overridden = overridden
        self.reset_button.setVisible(bool(overridden and self.resettable))
        if not (typing and self.KEEPS_CURSOR):
            self.value = value
            self._updating = True
            try:
                self._display(value, keep_cursor=typing)
            finally:
                self._updating = False
            if not typing:
                self._error = ""
        self._update_meta(value)
        self._render_message()

    def show_error(self, message: str) -> None:
        self._error = message
        self._render_message()

    def clear_error(self) -> None:
        if self._error:
            self._error = ""
            self._render_message()

    def set_warning(self, message: str) -> None:
        self._warning = message
        self._render_message()

    def message_text(self) -> str:
        """The inline message shown (error or warning), "" when none."""
        return "" if self.message.isHidden() else self.message.text()

    @property
    def error(self) -> str:
        return self._error

    @property
    def warning(self) -> str:
        return self._warning

    def has_focus(self) -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and (widget is self or self.isAncestorOf(widget))

    # helpers for subclasses --------------------------------------------------------------------
    def _commit(self, value: Any, mergeable: bool = True) -> None:
        if self._updating:
            return
        self.value = value
        self.committed.emit(value, mergeable)

    def _watch(self, widget: QWidget) -> None:
        """Report focus leaving this input (ends the undo step of typing)."""
        widget.installEventFilter(self)
        self._watched.append(widget)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FocusOut and obj in self._watched:
            self.focus_left.emit()
        return super().eventFilter(obj, event)

    def _render_message(self) -> None:
        text, color = (self._error, ERROR_COLOR) if self._error else (self._warning, WARNING_COLOR)
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {color};")
        self.message.setVisible(bool(text))
