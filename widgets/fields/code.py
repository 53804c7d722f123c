"""The editor of `code` fields: raw HTML or MJML in a monospace font."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit

from .multiline import MultilineEditor


class CodeEditor(MultilineEditor):
    """Raw HTML or MJML, monospace, kept exactly as written."""

    LINES = 8

    def _configure(self) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.edit.setFont(font)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(False)
        self.edit.setTabStopDistance(self.edit.fontMetrics().horizontalAdvance(" ") * 2)
