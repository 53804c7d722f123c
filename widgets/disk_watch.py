"""The editor notices when its file is changed by another program (git checkout, another editor).

A QFileSystemWatcher on the file and its folder (an atomic save by the other program replaces
the file, which ends a watch on the file alone). Whether the content really changed is
Session.changed_on_disk (size, time and SHA-256 against the last open or save), so the editor's
own atomic saves never count. No unsaved edits: the document is reloaded, with a status message.
Unsaved edits: a bar above the canvas asks, without blocking (Reload from disk / Keep my version).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtWidgets import QLabel, QToolBar

if TYPE_CHECKING:
    from .main_window import MainWindow

SETTLE_MS = 150  # a checkout writes many files; look once it settled


class DiskWatch(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._poke)
        self.watcher.directoryChanged.connect(self._poke)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SETTLE_MS)
        self.timer.timeout.connect(self.check)
        self.bar = QToolBar("File changed on disk", window)
        self.bar.setObjectName("disk-change-bar")
        self.bar.setMovable(False)
        self.label = QLabel(self.bar)
        self.bar.addWidget(self.label)
        self.reload_action = self.bar.addAction("Reload from disk", self.reload)
        self.keep_action = self.bar.addAction("Keep my version", self.keep)
        window.addToolBar(self.bar)
        self.bar.hide()
        self._ignored: object = None  # the disk state the user chose to keep their version over

    def follow(self, path: Path | None) -> None:
        """Watch this file (None: nothing), dropping any earlier watch and question."""
        for old in self.watcher.files() + self.watcher.directories():
            self.watcher.removePath(old)
        self.bar.hide()
        self._ignored = None
        if path is not None:
            self.watcher.addPath(str(path.parent))
            if path.exists():
                self.watcher.addPath(str(path))

    def _poke(self, _path: str = "") -> None:
        self.timer.start()

    def check(self) -> None:
        session = self.window.session
        if session is None or session.path is None:
            return
        path = str(session.path)
        if session.path.exists() and path not in self.watcher.files():
            self.watcher.addPath(path)  # replaced by an atomic save: watch the new file
        if not session.path.exists() or not session.changed_on_disk():
            self.bar.hide()
            return
        from ..app.document.session import disk_state

        state = disk_state(session.path)
        if state == self._ignored:
            return
        if not session.dirty:
            self.reload()
            return
        self.label.setText(f"  {session.path.name} was changed by another program; you have unsaved edits.  ")
        self.bar.show()

    def reload(self) -> None:
        session = self.window.session
        self.bar.hide()
        if session is None or session.path is None:
            return
        try:
            session.reload()
        except Exception as e:  # noqa: BLE001 - the other program left it half-written or invalid
            self.window.statusBar().showMessage(f"Could not reload {session.path}: {e}", 8000)
            return
        self.window.refresh_all(compile_now=True)
        self.window.statusBar().showMessage(f"Reloaded {session.path.name}: it was changed on disk", 6000)

    def keep(self) -> None:
        from ..app.document.session import disk_state

        session = self.window.session
        self._ignored = disk_state(session.path) if session and session.path else None
        self.bar.hide()
