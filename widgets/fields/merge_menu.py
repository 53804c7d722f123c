"""The merge-tag menu and its "{ }" button, shared by the text editors."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from .context import EditorContext

LINKS = (("Unsubscribe link", "unsubscribe"), ("View online link", "view_online"), ("Preferences link", "preferences"))
EXAMPLE_FIELDS = ("firstname", "email")


def fallback_text(name: str) -> str:
    return "there" if "name" in name.lower() else ""


def build_merge_menu(menu: QMenu, ctx: EditorContext, insert: Callable[[str], None]) -> None:
    """Fill a menu with merge tags: the loaded recipients' fields (plain and with a fallback),
    the template variables and the special links."""
    menu.clear()

    def add(target: QMenu, text: str, tag: str) -> None:
        action = target.addAction(text)
        action.setData(tag)
        action.setToolTip(tag)
        action.triggered.connect(lambda checked=False, t=tag: insert(t))

    names = list(ctx.recipient_fields)
    menu.addSection("Recipient fields")
    if not names:
        note = menu.addAction("No recipients loaded: common fields")
        note.setEnabled(False)
        names = list(EXAMPLE_FIELDS)
    for name in names:
        add(menu, f"data:{name}", f"<< data:{name} >>")
    fallback = menu.addMenu("With a fallback")
    for name in names:
        add(
            fallback,
            f'data:{name} | default("{fallback_text(name)}")',
            f'<< data:{name} | default("{fallback_text(name)}") >>',
        )
    variables = ctx.variables
    if variables:
        menu.addSection("Template variables")
        for name in variables:
            add(menu, f"var:{name}", f"<< var:{name} >>")
    menu.addSection("Links")
    for label, name in LINKS:
        add(menu, label, f"<< link:{name} >>")


class MergeButton(QToolButton):
    """The small "{ }" button that inserts a merge tag into its editor."""

    def __init__(self, ctx: EditorContext, insert: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("{ }")
        self.setToolTip("Insert a merge tag (personalisation)")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        menu = QMenu(self)
        menu.aboutToShow.connect(lambda: build_merge_menu(menu, ctx, insert))
        self.setMenu(menu)
        build_merge_menu(menu, ctx, insert)
