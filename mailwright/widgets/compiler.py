"""Compiles the open document in the worker process, debounced, latest edit wins.

Results come back on the Qt thread through a signal. A native crash of the compiler costs
one error message (app/worker.py restarts the child); the window never waits for a compile.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..app.worker import CompileWorker, JobCancelled


class Compiler(QObject):
    """`finished`/`failed` carry the request's ticket: compare it with `latest` to drop stale
    results. Tickets only grow, so revision 0 of a newly opened document is never taken for
    revision 0 of the one before it."""

    finished = Signal(int, object)   # ticket, result dict
    failed = Signal(int, str)        # ticket, message

    DEBOUNCE_MS = 60

    def __init__(self, parent: QObject | None = None, *, in_process: bool = False) -> None:
        super().__init__(parent)
        self._worker: CompileWorker | None = None
        self._in_process = in_process
        self._pending: tuple[int, str, bool] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._submit)
        self.latest = 0
        self._last_request = 0.0
        self._tickets = 0
        if not in_process:
            # Start the child now so the first compile does not pay for its start-up.
            self._worker = CompileWorker("mailwright.app.pipeline:build_job", timeout=60)

    def request(self, revision: int, document_json: str, *, design: bool = True, immediate: bool = False,
                recipient: dict | None = None) -> int:
        """Compile this document text (debounced unless `immediate`); returns the ticket.
        With `recipient`, the result is personalised for that row."""
        del revision  # kept for callers; the ticket orders requests across documents
        self._tickets += 1
        self._pending = (self._tickets, document_json, design, recipient)
        self.latest = self._tickets
        now = time.monotonic()
        # Leading edge: an edit after a pause compiles at once; a burst of edits (typing) is
        # debounced so only the latest one is compiled.
        if immediate or (not self._timer.isActive() and now - self._last_request > self.DEBOUNCE_MS / 1000):
            self._timer.stop()
            self._submit()
        else:
            self._timer.start()
        self._last_request = now
        return self.latest

    def _submit(self) -> None:
        if self._pending is None:
            return
        revision, text, design, recipient = self._pending
        self._pending = None
        if self._worker is None:
            from ..app.pipeline import build_job

            try:
                self.finished.emit(revision, build_job("mwt", text, "document", design, recipient))
            except Exception as e:  # noqa: BLE001 - every failure is a message here
                self.failed.emit(revision, str(e))
            return
        future = self._worker.submit("mwt", text, "document", design, recipient)
        future.add_done_callback(lambda f, r=revision: self._deliver(r, f))

    def _deliver(self, revision: int, future) -> None:
        # Runs on the worker's manager thread; signals hop to the Qt thread.
        try:
            result = future.result()
        except JobCancelled:
            return
        except Exception as e:  # noqa: BLE001
            self.failed.emit(revision, str(e))
            return
        self.finished.emit(revision, result)

    def close(self) -> None:
        self._timer.stop()
        if self._worker is not None:
            self._worker.close()
            self._worker = None
