"""A row's or block's `condition` or `repeat`, checked live by the merge-language parser."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLineEdit, QWidget

from ...app.merge import MergeSyntaxError, parse_expression, parse_repeat
from ...blocks.base import Field
from .base import FieldEditor
from .context import EditorContext


class ExpressionEditor(FieldEditor):
    """A row's or block's `condition` or `repeat`, validated live with the merge-language parser.

    Only valid text (or empty) is committed; a syntax error shows in red and is not stored.
    """

    def __init__(
        self, field: Field, ctx: EditorContext, parent: QWidget | None = None, *, scope: tuple[str, ...] = ()
    ) -> None:
        self.scope = scope
        super().__init__(field, ctx, parent, resettable=False)

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText(
            'data:plan == "pro"' if self.field.name == "condition" else "item in data:order.items"
        )
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.line.setFont(font)
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)

    def focus_widget(self) -> QWidget:
        return self.line

    def check(self, text: str) -> str:
        """The syntax error of an expression, or "" when it is valid (or empty)."""
        if not text.strip():
            return ""
        try:
            if self.field.name == "repeat":
                parse_repeat(text.strip(), self.field.name, scope=self.scope)
            else:
                parse_expression(text.strip(), self.field.name, scope=self.scope)
        except MergeSyntaxError as e:
            return f"Not applied: column {e.pos.col}: {e.reason}" if e.pos.col > 0 else f"Not applied: {e.reason}"
        return ""

    def _edited(self, text: str) -> None:
        problem = self.check(text)
        if problem:
            self.show_error(problem)
            return
        self.clear_error()
        self._commit(text.strip() or None)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = value or ""
        if self.line.text() != text:
            pos = self.line.cursorPosition()
            self.line.setText(text)
            self.line.setCursorPosition(min(pos, len(text)) if keep_cursor else 0)
