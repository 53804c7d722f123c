"""The editor of `text` fields: one line of merge-aware text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from .base import FieldEditor
from .merge_menu import MergeButton


class TextEditor(FieldEditor):
    """One line of merge-aware text."""

    MERGE = True

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setClearButtonEnabled(False)
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)
        if self.MERGE:
            self.merge_button = MergeButton(self.ctx, self.insert_tag)
            self.row.addWidget(self.merge_button)

    @property
    def required(self) -> bool:
        return self.field.name == "alt" or self.field.name.endswith("_alt")

    def focus_widget(self) -> QWidget:
        return self.line

    def insert_tag(self, tag: str) -> None:
        self.line.insert(tag)
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self._edited(self.line.text())

    def _edited(self, text: str) -> None:
        self._update_meta(text)
        self._render_message()
        self._commit(text)

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = "" if value is None else str(value)
        if self.line.text() != text:
            pos = self.line.cursorPosition()
            self.line.setText(text)
            if keep_cursor:
                self.line.setCursorPosition(min(pos, len(text)))
            else:
                self.line.setCursorPosition(0)

    def _update_meta(self, value: Any) -> None:
        if self.required:
            self._warning = (
                ""
                if (value or "").strip()
                else "Describe the image for screen readers and image-off clients "
                "(leave it empty only for a purely decorative image)."
            )
