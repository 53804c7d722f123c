"""The edits on the selection: drop and append from the palette, move, delete, duplicate, and
saving the selection as a block of the palette.

Each turns into one command of app/document on the window's history (`window.push`), then
selects what the user would expect next.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMessageBox

from ..app.document import clipboard, saved_blocks
from ..app.document.commands import CommandError, RemoveNode, node_kind
from ..app.document.drop import DropTarget, Payload, append_target, drop_command
from ..app.document.selection import move_command, step
from ..app.document.theme_reset import reset_to_theme

if TYPE_CHECKING:
    from .main_window import MainWindow


class EditCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def drop(self, payload: Payload, target: DropTarget) -> None:
        w = self.window
        if w.session is None:
            return
        doc = w.session.doc
        before = {n.id for n in doc.iter_nodes()}
        try:
            command = drop_command(doc, payload, target)
        except CommandError as e:
            w.statusBar().showMessage(str(e), 8000)
            return
        if w.push(command):
            if payload.kind in ("move-block", "move-row"):
                w.select(payload.node_id)
            else:
                added = [n.id for n in doc.iter_nodes() if n.id not in before]
                blocks = [i for i in added if node_kind(doc, i) == "block"]
                w.select(blocks[0] if blocks else (added[0] if added else None))

    def append(self, payload: Payload) -> None:
        """Double-click in the palette: add after the selection (or at the end)."""
        w = self.window
        if w.session is None:
            return
        self.drop(payload, append_target(w.session.doc, w.selection, payload))

    def bar_action(self, name: str) -> None:
        """A button of the bar the canvas shows on the selection."""
        {
            "up": lambda: self.move(-1),
            "down": lambda: self.move(1),
            "duplicate": self.duplicate,
            "delete": self.delete,
            "save": self.save_as_block,
            "reset": self.reset_to_theme,
        }[name]()

    def reset_to_theme(self) -> None:
        """The selection's colours set by hand cleared, so the theme's apply: one undo step
        (the inspector's "Reset colours to theme", from the canvas)."""
        w = self.window
        if not (w.session and w.selection):
            return
        doc = w.session.doc
        command = reset_to_theme(doc, w.selection)
        if command is None:
            where = f"this {node_kind(doc, w.selection)}"
            w.statusBar().showMessage(f"Nothing in {where} is set by hand: the theme's colours apply", 6000)
            return
        w.push(command)  # a Batch: it never merges with the steps around it

    def move(self, delta: int) -> None:
        w = self.window
        if w.session and w.selection:
            command = move_command(w.session.doc, w.selection, delta)
            if command is not None:
                w.push(command)
                w.sync_selection_views()

    def delete(self) -> None:
        w = self.window
        if not (w.session and w.selection):
            return
        doc = w.session.doc
        if node_kind(doc, w.selection) == "column":
            w.statusBar().showMessage("Change the row's columns in the inspector to remove a column", 6000)
            return
        nxt = step(doc, w.selection, 1)
        if nxt == w.selection:
            nxt = step(doc, w.selection, -1)
        label = f"Delete {w.node_name(w.selection).lower()}"
        if w.push(RemoveNode(w.selection, label)):
            w.select(nxt if nxt and doc.find(nxt) else None)

    def duplicate(self) -> None:
        w = self.window
        if not (w.session and w.selection):
            return
        try:
            command = clipboard.duplicate_command(w.session.doc, w.selection)
        except CommandError as e:
            w.statusBar().showMessage(str(e), 6000)
            return
        if w.push(command):
            added = clipboard.inserted_ids(command)
            w.select(added[0] if added else w.selection)

    # --- saved blocks ---------------------------------------------------------------------------
    def save_as_block(self) -> None:
        w = self.window
        if not (w.session and w.selection):
            return
        default = w.node_name(w.selection)
        name, ok = QInputDialog.getText(w, "Save as block", "Name for the saved block:", text=default)
        if not ok or not name.strip():
            return
        try:
            saved_blocks.save_block(w.session.doc, w.selection, name.strip())
        except (CommandError, ValueError) as e:
            QMessageBox.warning(w, "Save as block", str(e))
            return
        self.refresh_saved_blocks()
        w.statusBar().showMessage(f"Saved “{name.strip()}” to the palette", 5000)

    def refresh_saved_blocks(self) -> None:
        """Show the saved blocks in the palette, as clipboard text a drop or paste reads."""
        items = []
        for item in saved_blocks.list_saved():
            kind = "rows" if item.kind in ("row", "rows") else "blocks"
            nodes = {
                "format": clipboard.CLIPBOARD_FORMAT,
                "version": clipboard.CLIPBOARD_VERSION,
                "kind": kind,
                "nodes": [item.node],
            }
            items.append((item.name, json.dumps(nodes)))
        self.window.palette.set_saved(items)
