"""The preview workspace's own recipient stepper and missing-field list.

The recipients panel (a dock) owns the loaded rows; this strip steps through them from inside
the preview (◀ ▶, the row number, Load recipients…) and lists the fields the chosen recipient
lacks, so nobody has to reach a dock the preview would otherwise cover.
"""

from __future__ import annotations

import html as htmllib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from .preview_state import PreviewState


class RecipientStepper(QWidget):
    """◀ who ▶ · Load recipients…, and `missing`: the fields this recipient lacks (a label the
    pane lays out below the row)."""

    def __init__(self, state: PreviewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview-recipients")
        self.state = state
        self.panel: Any = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(QLabel("Recipient:", self))
        self.prev_button = self._tool("◀", "preview-recipient-prev", "Previous recipient", -1)
        layout.addWidget(self.prev_button)
        self.who = QLabel(self)
        self.who.setObjectName("preview-recipient")
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.who.setMinimumWidth(140)
        layout.addWidget(self.who)
        self.next_button = self._tool("▶", "preview-recipient-next", "Next recipient", 1)
        layout.addWidget(self.next_button)
        self.load_button = QPushButton("Load recipients…", self)
        self.load_button.setObjectName("preview-recipients-load")
        self.load_button.setToolTip("A CSV or JSON file: one recipient per row, one field per column")
        self.load_button.clicked.connect(lambda: self.panel is not None and self.panel.load_dialog())
        layout.addWidget(self.load_button)
        layout.addStretch(1)
        # The missing-field line goes on a row of its own (the pane places it): beside the
        # controls, a narrow window squeezed it into a column of a dozen one-word lines.
        self.missing = QLabel(self)
        self.missing.setObjectName("preview-missing")
        self.missing.setTextFormat(Qt.TextFormat.RichText)
        self.missing.setWordWrap(True)
        state.changed.connect(self.refresh)
        self.refresh()

    def _tool(self, text: str, name: str, tip: str, delta: int) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda: self.step(delta))
        return button

    def bind(self, panel: Any) -> None:
        """Step through the rows of this RecipientsPanel."""
        self.panel = panel
        panel.recipientChanged.connect(lambda _row: self.refresh())
        self.refresh()

    def step(self, delta: int) -> None:
        if self.panel is not None:
            self.panel.step(delta) if self.panel.current else self.panel.set_row(1)

    def missing_fields(self) -> tuple[str, ...]:
        if self.state.recipient is None or self.state.compiled is None:
            return ()
        email = self.state.personal()
        return tuple(email.missing) if email is not None else ()

    def refresh(self) -> None:
        panel = self.panel
        total = len(panel.recipients) if panel is not None and panel.recipients is not None else 0
        current = panel.current if panel is not None else 0
        self.prev_button.setEnabled(current > 1)
        self.next_button.setEnabled(total > 0 and current < total)
        self.load_button.setVisible(panel is not None)
        self.prev_button.setVisible(panel is not None)
        self.next_button.setVisible(panel is not None)
        if self.state.recipient is None:
            self.who.setText("<i>nobody</i>" + (f" ({total} loaded)" if total else ""))
            self.missing.setText(
                'merge fields without a default are <mark style="background:#fde68a">marked</mark>'
                + ("" if total else ": load recipients to see each person's email")
            )
            return
        self.who.setText(f"<b>{htmllib.escape(self.state.recipient_label or 'chosen row')}</b>")
        if self.state.compiled is None:
            self.missing.setText("")
            return
        missing = self.missing_fields()
        # Which engine's reading the frames show (the "Preview as" choice).
        esp = self.state.esp_label()
        as_esp = f" · as {htmllib.escape(esp)} shows it" if esp else ""
        if missing:
            names = ", ".join(f"<b>{htmllib.escape(n)}</b>" for n in missing)
            self.missing.setText(
                f'<span style="color:#92400e">⚠ Missing for this recipient: {names} '
                f"(marked in the preview only){as_esp}</span>"
            )
        else:
            self.missing.setText(
                f'<span style="color:#15803d">✓ Every field this email uses is present{as_esp}.</span>'
            )


__all__ = ["RecipientStepper"]
