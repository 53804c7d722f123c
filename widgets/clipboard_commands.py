"""Copy, Cut and Paste of the selected block or row through the system clipboard.

What is copied and where a paste goes is app/document/clipboard.py's; this module only moves
the text to and from the clipboard (our JSON for Mailwright, MJML as plain text for others).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtWidgets import QApplication

from ..app.document import clipboard
from ..app.document.commands import CommandError

if TYPE_CHECKING:
    from .main_window import MainWindow


class ClipboardCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def copy(self) -> bool:
        w = self.window
        if not (w.session and w.selection):
            return False
        try:
            data = clipboard.copy_nodes(w.session.doc, [w.selection])
        except CommandError as e:
            w.statusBar().showMessage(str(e), 6000)
            return False
        mime = QMimeData()
        for mime_type, text in data.mime_items().items():
            mime.setData(mime_type, text.encode("utf-8"))
        QApplication.clipboard().setMimeData(mime)
        return True

    def cut(self) -> None:
        if self.copy():
            self.window.edits.delete()

    def paste(self) -> None:
        w = self.window
        if not w.session:
            return
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(clipboard.MIME_TYPE):
            w.statusBar().showMessage("Nothing to paste: copy a block or a row first", 5000)
            return
        text = bytes(mime.data(clipboard.MIME_TYPE).data()).decode("utf-8")
        try:
            command = clipboard.paste_commands(w.session.doc, text, w.selection)
        except CommandError as e:
            w.statusBar().showMessage(str(e), 6000)
            return
        if w.push(command):
            added = clipboard.inserted_ids(command)
            w.select(added[0] if added else w.selection)
