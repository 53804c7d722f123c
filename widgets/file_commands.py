"""New, Open, Save, Save As, the recent files and the autosave of the main window's document.

The prompts live here (unsaved changes, a file changed on disk, where to save); the saving
itself is the session's (app/document/session.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..app.document.autosave import Autosaver
from ..app.document.session import ExternalChange, Session
from ..app.document.storage import DocumentError
from .gallery import StarterGallery

if TYPE_CHECKING:
    from .main_window import MainWindow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AUTOSAVE_MS = 3000
RECENT_FILES = 10


class FileCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.autosaver: Autosaver | None = None
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)

    # --- the open document ------------------------------------------------------------------
    def opened(self) -> None:
        """A new document is open: the old one's autosave goes, this one gets its own."""
        self.discard_autosave()
        self.autosaver = Autosaver()

    def edited(self) -> None:
        # Started, not restarted: continuous editing still autosaves every few seconds.
        if not self.autosave_timer.isActive():
            self.autosave_timer.start()

    def autosave(self) -> None:
        session = self.window.session
        if self.autosaver is not None and session is not None and session.dirty:
            try:
                self.autosaver.save(session)
            except Exception as e:  # noqa: BLE001 - autosave failing must not interrupt work
                self.window.statusBar().showMessage(f"Autosave failed: {e}", 6000)

    def discard_autosave(self) -> None:
        if self.autosaver is not None:
            try:
                self.autosaver.discard()
            except Exception:  # noqa: BLE001
                pass

    def close(self) -> None:
        """The window closes: nothing may be autosaved any more."""
        self.autosave_timer.stop()
        self.discard_autosave()

    # --- prompts -----------------------------------------------------------------------------
    def maybe_keep_changes(self) -> bool:
        """Ask about unsaved changes; False when the user cancels."""
        session = self.window.session
        if not (session and session.dirty):
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to {session.name} before closing it?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Cancel:
            return False
        if answer == buttons.Save:
            return self.save()
        return True

    def new_document(self) -> None:
        if not self.maybe_keep_changes():
            return
        dialog = StarterGallery(self.window, EXAMPLES)
        accepted = dialog.exec()
        template = dialog.chosen
        dialog.deleteLater()
        if accepted:
            self.window.set_session(Session.new(template))

    def open_dialog(self) -> None:
        if not self.maybe_keep_changes():
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Open email template",
            str(self.last_dir()),
            "Email templates (*.mwt *.mjml *.html *.htm);;All files (*)",
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        try:
            session = Session.open(path)
        except (DocumentError, ValueError, OSError, ImportError) as e:
            QMessageBox.warning(self.window, "Open", f"Could not open {path}:\n{e}")
            return False
        self.window.set_session(session)
        self.add_recent(Path(path))
        return True

    def save(self) -> bool:
        session = self.window.session
        if session is None:
            return False
        if session.path is None:
            return self.save_as()
        try:
            session.save()
        except ExternalChange:
            return self._changed_on_disk(session, session.path)
        except Exception as e:  # noqa: BLE001 - SaveError and friends: say it, keep the document
            QMessageBox.critical(self.window, "Save", str(e))
            return False
        self._saved(session)
        return True

    def _changed_on_disk(self, session: Session, path: Path) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "File changed on disk",
            f"{path.name} was changed by another program since you opened it.",
            parent=self.window,
        )
        reload_b = box.addButton("Reload from disk", QMessageBox.ButtonRole.DestructiveRole)
        overwrite_b = box.addButton("Overwrite", QMessageBox.ButtonRole.AcceptRole)
        save_as_b = box.addButton("Save As…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is reload_b:
            try:
                session.reload()
            except (DocumentError, ValueError, OSError) as e:  # the other program left it unreadable
                QMessageBox.warning(self.window, "Reload", f"Could not reload {path}:\n{e}")
            return False
        if clicked is overwrite_b:
            return self._save_to(session, None, force=True)
        if clicked is save_as_b:
            return self.save_as()
        return False

    def _save_to(self, session: Session, path: Path | None, force: bool = False) -> bool:
        try:
            session.save(path, force=force)
        except Exception as e:  # noqa: BLE001
            QMessageBox.critical(self.window, "Save", str(e))
            return False
        self._saved(session)
        return True

    def save_as(self) -> bool:
        session = self.window.session
        if session is None:
            return False
        folder = self.last_dir()
        if folder == EXAMPLES:  # a new email from a starter is not saved over the starter
            folder = Path.home()
        suggestion = session.path or session.suggested_path or (folder / session.name)
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save email template", str(suggestion), "Mailwright templates (*.mwt)"
        )
        if not path:
            return False
        if not path.endswith(".mwt"):
            path += ".mwt"
        return self._save_to(session, Path(path), force=True)

    def _saved(self, session: Session) -> None:
        self.window.disk_watch.follow(session.path)  # Save As: now this file
        self.discard_autosave()
        self.add_recent(session.path)
        self.window.refresh_all()
        self.window.statusBar().showMessage(f"Saved {session.path}", 4000)

    # --- recent files --------------------------------------------------------------------------
    def last_dir(self) -> Path:
        value = self.window.settings.value("files/last_dir")
        return Path(value) if value and Path(value).is_dir() else (EXAMPLES if EXAMPLES.is_dir() else Path.home())

    def add_recent(self, path: Path | None) -> None:
        if path is None:
            return
        settings = self.window.settings
        recent = [p for p in (settings.value("files/recent") or []) if p != str(path)]
        recent.insert(0, str(path))
        settings.setValue("files/recent", recent[:RECENT_FILES])
        settings.setValue("files/last_dir", str(path.parent))
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.window.recent_menu
        menu.clear()
        for p in self.window.settings.value("files/recent") or []:
            action = menu.addAction(p)
            action.triggered.connect(lambda _=False, p=p: self.maybe_keep_changes() and self.open_path(p))
        menu.setEnabled(bool(menu.actions()))
