"""The editor of `image` fields: a URL, or a local picture copied beside the document."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QToolButton, QWidget

from .base import FieldEditor
from .values import MERGE_TAG

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.svg);;All files (*)"


def copy_to_assets(source: Path, doc_path: Path) -> str:
    """Copy an image into `assets/` beside the document; the relative path to store.

    The file keeps its name; a different file with the same name gets `-2`, `-3`, ...; the same
    file chosen twice is not copied twice.
    """
    assets = doc_path.parent / "assets"
    assets.mkdir(exist_ok=True)
    target = assets / source.name
    n = 1
    while target.exists():
        if target.resolve() == source.resolve() or filecmp.cmp(target, source, shallow=False):
            return f"assets/{target.name}"
        n += 1
        target = assets / f"{source.stem}-{n}{source.suffix}"
    shutil.copy2(source, target)
    return f"assets/{target.name}"


class ImageEditor(FieldEditor):
    """An image URL, or a local file copied into `assets/` beside the document."""

    def _build(self) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText("https://… or assets/…")
        self.line.textEdited.connect(self._edited)
        self._watch(self.line)
        self.row.addWidget(self.line, 1)
        self.choose_button = QToolButton()
        self.choose_button.setText("Choose file…")
        self.choose_button.setToolTip("Copy a picture from this computer into the assets folder beside the email")
        self.choose_button.clicked.connect(self.choose_file)
        self.row.addWidget(self.choose_button)

    def focus_widget(self) -> QWidget:
        return self.line

    def _edited(self, text: str) -> None:
        self._update_meta(text)
        self._render_message()
        self._commit(text.strip())

    def _display(self, value: Any, *, keep_cursor: bool = False) -> None:
        text = value or ""
        if self.line.text() != text:
            self.line.setText(text)
            self.line.setCursorPosition(len(text) if keep_cursor else 0)

    def _update_meta(self, value: Any) -> None:
        value = (value or "").strip()
        self._warning = ""
        if value and not MERGE_TAG.search(value) and not re.match(r"^(https?:|cid:|data:image/)", value, re.I):
            doc_path = self.ctx.doc_path
            if doc_path is None:
                self._warning = "A local image needs the email to be saved (it is looked up beside the file)."
            elif not (doc_path.parent / value).is_file():
                self._warning = f"{value} was not found beside the email."

    def choose_file(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        if session.path is None:
            answer = QMessageBox.question(
                self,
                "Save the email first",
                "A chosen picture is copied into an “assets” folder beside the email file, so the email "
                "must be saved first.\n\nSave it now?",
            )
            if answer != QMessageBox.StandardButton.Yes or not self.ctx.request_save(self):
                self.ctx.status("Save the email before adding a picture from this computer")
                return
        start = str(session.path.parent) if session.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Choose an image", start, IMAGE_FILTER)
        if not name:
            return
        try:
            relative = copy_to_assets(Path(name), session.path)
        except OSError as e:
            self.show_error(f"Could not copy the picture: {e}")
            self.ctx.status(f"Could not copy the picture: {e}")
            return
        self.line.setText(relative)
        self._update_meta(relative)
        self._render_message()
        self._commit(relative, False)
        self.ctx.status(f"Copied {Path(name).name} to {relative}")
