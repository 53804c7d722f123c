"""At start-up, offer each autosave left behind by a session that did not close cleanly."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def offer_recovery(window) -> None:
    try:
        from ..app.document.autosave import find_orphans
    except ImportError:
        return
    try:
        orphans = find_orphans()
    except Exception:  # noqa: BLE001 - recovery must never stop the editor from starting
        return
    for orphan in orphans:
        if getattr(orphan, "error", None):
            continue
        name = getattr(orphan, "title", None) or "an unsaved document"
        when = getattr(orphan, "saved_at", "")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Recover unsaved work",
            f"Mailwright did not close cleanly. An autosave of “{name}” ({when}) was found.\n\n"
            "Restore it? It opens as a modified document; your original file is not changed "
            "until you save.",
            parent=window,
        )
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is restore:
            try:
                session = orphan.restore()
            except Exception as e:  # noqa: BLE001
                QMessageBox.warning(window, "Recover", f"Could not restore the autosave: {e}")
                continue
            window.set_session(session)
            try:
                # Keep the same autosave file, now owned by this process (no second offer).
                from ..app.document.autosave import Autosaver

                window.files.autosaver = Autosaver.adopt(orphan)
            except Exception:  # noqa: BLE001
                orphan.discard()
        elif box.clickedButton() is discard:
            orphan.discard()
