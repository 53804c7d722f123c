"""The bar above the canvas that says at once when a theme switch made text hard to read.

A theme restyles only what the document does not set by hand, so colours chosen for the old
theme can clash with the new one. Right after a theme change this bar counts the blocks whose
text falls under WCAG AA contrast and offers one click (one command, one undo step) resetting
the hand-set colours that cause it (app/document/theme_reset.py finds them; this bar only shows them).
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ..app.document.theme_reset import ClashFix, clash_fix
from ..themes import display_name


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def notice_text(theme: str, fix: ClashFix) -> str:
    """What the bar says about `fix` under `theme` (plain text)."""
    name = display_name(theme)
    head = f"{name} makes the text of {_plural(fix.problems, 'block')} hard to read (contrast under WCAG AA)"
    if fix.count and fix.left:
        return (
            f"{head}: {_plural(fix.count, 'colour')} set by hand clash with it; "
            f"{_plural(fix.left, 'block')} would still need a hand-picked colour (see Checks)."
        )
    if fix.count:
        return f"{head}: {_plural(fix.count, 'colour')} set by hand for the previous theme clash with it."
    return f"{head}; no colour set by hand causes it: pick colours for those blocks (see Checks)."


class ThemeNotice(QFrame):
    """Hidden until a theme change leaves text under WCAG AA contrast; then a message and a
    "Reset the N colours that clash" button. `push` applies a command (MainWindow.push)."""

    def __init__(self, push: Callable[[Any], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("theme-notice")
        self.setStyleSheet(
            "#theme-notice{background:#fef3c7;border-bottom:1px solid #f59e0b;}#theme-notice QLabel{color:#78350f;}"
        )
        self._push = push
        self._session: Any = None
        self._unsubscribe: Callable[[], None] | None = None
        self._theme: str | None = None
        self.fix: ClashFix | None = None
        self._dismissed = False
        # While shown, edits re-count after a pause (a 200-row email takes ~0.1 s to judge).
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(300)
        self._later.timeout.connect(self.evaluate)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel(self)
        self.label.setObjectName("theme-notice-text")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.button = QPushButton(self)
        self.button.setObjectName("theme-notice-reset")
        self.button.setToolTip("Clear these colours so the theme's apply (one step: Ctrl+Z brings them back)")
        self.button.clicked.connect(self.reset_clashing)
        layout.addWidget(self.button)
        close = QToolButton(self)
        close.setText("✕")
        close.setObjectName("theme-notice-close")
        close.setToolTip("Hide until the next theme change")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)
        self.hide()

    def set_session(self, session: Any) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._session = session
        self._theme = session.doc.settings.theme if session is not None else None
        self.fix = None
        self.hide()
        if session is not None:
            ref = weakref.ref(self)

            def on_change(change: Any) -> None:
                notice = ref()  # weak: the history does not keep a closed notice alive
                if notice is not None:
                    notice._on_change(change)

            self._unsubscribe = session.history.subscribe(on_change)

    def _on_change(self, change: Any) -> None:
        doc = self._session.doc
        theme = doc.settings.theme
        switched, self._theme = theme != self._theme, theme
        if switched:
            self._dismissed = False
        if change.kind == "reset":
            self._later.stop()
            self.hide()
        elif switched or change.kind in ("undo", "redo") and not self.isHidden():
            self.evaluate()  # a new theme (or a step back): say it at once
        elif not self.isHidden():
            self._later.start()  # shown already: follow the edits, hide once fixed
        elif change.kind in ("undo", "redo") and not self._dismissed:
            # Undoing the reset brings the clashes back: say so again (only when a click fixes it).
            self.evaluate(only_fixable=True)

    def dismiss(self) -> None:
        """Hide until the next theme change."""
        self._dismissed = True
        self.hide()

    def evaluate(self, only_fixable: bool = False) -> None:
        """Count the clashes under the document's current theme and show or hide the bar."""
        self._later.stop()
        if self._session is None:
            return
        fix = clash_fix(self._session.doc)
        self.fix = fix
        if not fix.problems or (only_fixable and not fix.count):
            self.hide()
            return
        self.label.setText(notice_text(self._session.doc.settings.theme, fix))
        self.button.setText(
            f"Reset the {_plural(fix.count, 'colour')} that clash"
            if fix.count != 1
            else "Reset the colour that clashes"
        )
        self.button.setVisible(fix.count > 0)
        self.show()

    def reset_clashing(self) -> bool:
        if self._session is None or self.fix is None:
            return False
        command = clash_fix(self._session.doc).command(self._session.doc)
        done = command is not None and bool(self._push(command))
        self.evaluate()  # at once: the bar goes (or says what is left)
        return done


__all__ = ["ThemeNotice", "notice_text"]
