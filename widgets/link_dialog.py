"""The Link dialog of an edit in place: the address, checked as it is typed, completed on OK.

"example.com" becomes https://example.com and "ann@example.com" mailto:ann@example.com (as
written they are relative addresses, dead in every email); the special links (unsubscribe,
view online, preferences) are one click away, as merge tags.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .fields.base import WARNING_COLOR
from .fields.merge_menu import LINKS
from .fields.values import complete_link, url_warning


class LinkDialog(QDialog):
    """`removable`: an empty address is allowed, and removes the link (the inspector's text)."""

    def __init__(self, parent: QWidget | None = None, initial: str = "", *, removable: bool = False) -> None:
        super().__init__(parent)
        self.removable = removable
        self.setWindowTitle("Link")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Link address: https://…, mailto:…, tel:… or a merge tag"))
        row = QHBoxLayout()
        self.line = QLineEdit(initial)
        self.line.setPlaceholderText("https://…")
        self.line.setMinimumWidth(360)
        row.addWidget(self.line, 1)
        self.special = QPushButton("Special link")
        self.special.setAutoDefault(False)  # Enter in the address is OK, not this menu
        menu = QMenu(self.special)
        for label, name in LINKS:
            menu.addAction(label).triggered.connect(lambda _=False, n=name: self.line.setText(f"<< link:{n} >>"))
        self.special.setMenu(menu)
        row.addWidget(self.special)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setMinimumHeight(2 * self.note.fontMetrics().lineSpacing())  # a warning takes two lines
        self.note.setStyleSheet(f"color: {WARNING_COLOR};")
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.line.textChanged.connect(self._check)
        self._check(self.line.text())

    def link(self) -> str:
        """The address as it will be linked (completed: a bare domain gets https://)."""
        return complete_link(self.line.text())

    def _check(self, text: str) -> None:
        completed = complete_link(text)
        if not completed and self.removable:
            self.note.setText("An empty address removes the link.")
        elif completed != text.strip():
            self.note.setText(f"Will link to {completed}")
        else:
            self.note.setText(url_warning(completed))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled((bool(completed) or self.removable) and completed not in ("https://", "http://"))


def ask_link(parent: QWidget | None, initial: str = "https://", *, removable: bool = False) -> str | None:
    """The address to link the selection to ("" to remove the link, when `removable`), or None
    when cancelled."""
    dialog = LinkDialog(parent, initial, removable=removable)
    dialog.line.selectAll()
    return dialog.link() if dialog.exec() == QDialog.DialogCode.Accepted else None
