"""The editor of `multiline` fields: several lines of merge-aware plain text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from .base import FieldEditor
from .merge_menu import MergeButton


class MultilineEditor(FieldEditor):
    """Several lines of merge-aware plain text."""

    MERGE = True
    LINES = 3

    def _build(self) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self._configure()
        metrics = self.edit.fontMetrics()
        self.edit.setFixedHeight(metrics.lineSpacing() * self.LINES + 14)
        self.edit.textChanged.connect(self._changed)
        self._watch(self.edit)
        self.row.addWidget(self.edit, 1)
        if self.MERGE:
            self.merge_button = MergeButton(self.ctx, self.insert_tag)
            self.row.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignTop)

    def _configure(self) -> None:
        pass

    def focus_widget(self) -> QWidget:
        return self.edit

    def insert_tag(self, tag: str) -> None:
        self.edit.insertPlainText(tag)
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _changed(self) -> None:
        if self._updating:
            return
        text = self.edit.toPlainText()
        if text != self.value:
            self._commit(text)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = "" if value is None else str(value)
        if self.edit.toPlainText() != text:
            pos = self.edit.textCursor().position()
            self.edit.setPlainText(text)
            if keep_cursor:
                cursor = self.edit.textCursor()
                cursor.setPosition(min(pos, len(text)))
                self.edit.setTextCursor(cursor)
