"""The Checks dock: the checks' findings for the open document, a click jumps to the node.

Checks run after each compile, in the compile worker's process (a lane of it), so the window
never waits for them; an answer for an older revision than the one shown is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ..app.document.session import Session
from ..app.worker import WorkerLane
from .compiler import Compiler
from .jobs import JobResults
from .icons import severity_icon

CHECK_JOB = "mailwright.app.checks:check_job"
AFTER_COMPILE_MS = 250  # a burst of compiles (typing) is checked once it pauses
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}  # what a screen reader says
ALL_PASS = "✓  No problems found: size, links, images, contrast, merge tags and client support all pass"


class ChecksPane(QListWidget):
    """`locationChosen(node_id)` when a finding is clicked; `findingsShown(findings)` once a
    revision's findings are listed; `problem(message)` when the checks could not run."""

    locationChosen = Signal(str)
    findingsShown = Signal(object)  # list of finding dicts
    problem = Signal(str)

    def __init__(
        self, compiler: Compiler, session: Callable[[], Session | None], snapshot: Callable[[], str], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checks")
        self._compiler = compiler
        self._session = session
        self._snapshot = snapshot
        self.worker: WorkerLane | None = None
        self._closed = False
        self._results = JobResults(self)
        self._results.done.connect(self._show)
        self._results.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AFTER_COMPILE_MS)
        self._timer.timeout.connect(self.run)
        self.itemActivated.connect(self._chosen)
        self.itemClicked.connect(self._chosen)

    def schedule(self) -> None:
        """A compile finished: check the document shortly."""
        self._timer.start()

    def run(self) -> None:
        session = self._session()
        if session is None or self._closed:
            return
        try:
            if self.worker is None:
                self.worker = self._compiler.lane(CHECK_JOB, failure="The checks were interrupted")
            folder = session.folder  # local images are looked for next to the document
            future = self.worker.submit(self._snapshot(), str(folder / session.name) if folder else session.name)
        except RuntimeError:  # the window is closing
            return
        self._results.deliver(session.history.revision, future)

    def _chosen(self, item: QListWidgetItem) -> None:
        location = item.data(Qt.ItemDataRole.UserRole)
        if location:  # the "No problems found" row points nowhere
            self.locationChosen.emit(location)

    def _current(self, revision: int) -> bool:
        session = self._session()
        return session is not None and revision == session.history.revision

    def _failed(self, revision: int, message: str) -> None:
        if self._current(revision):
            self.problem.emit(f"Checks could not run: {message}")

    def _show(self, revision: int, findings: list[dict[str, Any]]) -> None:
        if not self._current(revision):
            return
        self.clear()
        for f in findings:
            text = f"{f['message']}  [{f['code']} · {f['location']}]"
            item = QListWidgetItem(severity_icon(f["severity"]), text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{SEVERITY_WORDS.get(f['severity'], '')}: {text}")
            item.setToolTip(f.get("hint") or "")
            item.setData(Qt.ItemDataRole.UserRole, f["location"])
            self.addItem(item)
        if not findings:
            # Say so where the user looks, not only in the status bar; the row selects nothing.
            item = QListWidgetItem(ALL_PASS)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(QColor("#15803d"))
            self.addItem(item)
        self.findingsShown.emit(findings)

    def close_worker(self) -> None:
        """The window closes: nothing scheduled may run against the closed worker."""
        self._closed = True
        self._timer.stop()
        if self.worker is not None:
            self.worker.close()
