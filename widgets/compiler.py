"""Compiles the open document in the worker process, debounced, latest edit wins.

Results come back on the Qt thread through a signal. A native crash of the compiler costs
one error message (app/worker.py restarts the child); the window never waits for a compile.

The window's other background jobs (checks, the previews' export build) run in the same
child through `lane()`: one Python process with lxml, MJML, jinja2 and pydantic loaded,
not one per kind of job (~45 MB each). Design compiles go first; each kind keeps its own
"latest wins".
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..app.worker import CompileWorker, WorkerLane
from .jobs import JobResults


class Compiler(QObject):
    """`finished`/`failed` carry the request's ticket: compare it with `latest` to drop stale
    results. Tickets only grow, so revision 0 of a newly opened document is never taken for
    revision 0 of the one before it."""

    finished = Signal(int, object)  # ticket, result dict
    failed = Signal(int, str)  # ticket, message

    DEBOUNCE_MS = 60

    BUILD = "mailwright.app.build.job:build_job"
    # Imported by the child at start, so the first check does not pay for it.
    PRELOAD = ("mailwright.app.checks:check_job", "mailwright.app.build.preview_html:build_preview_job")

    def __init__(self, parent: QObject | None = None, *, in_process: bool = False) -> None:
        super().__init__(parent)
        self._process: CompileWorker | None = None  # the child, shared by every lane
        self._worker: WorkerLane | CompileWorker | None = None  # design compiles (None: in this process)
        self._in_process = in_process
        self._closed = False
        self._results = JobResults(self)
        self._results.done.connect(self.finished)
        self._results.failed.connect(self.failed)
        self._pending: tuple[int, str, bool, dict | None] | None = None  # ticket, text, design, recipient
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._submit)
        self.latest = 0
        self._last_request = 0.0
        self._tickets = 0
        if not in_process:
            # Start the child now so the first compile does not pay for its start-up.
            self._process = CompileWorker(self.BUILD, timeout=60, preload=self.PRELOAD)
            self._worker = self._process.lane(self.BUILD, timeout=60, priority=0)

    def lane(
        self, func: str, *, timeout: float = 60, failure: str = "The template could not be compiled", priority: int = 10
    ) -> WorkerLane:
        """Another kind of background job ("package.module:function") in the compile worker's
        process, after design compiles (lower `priority` first). With `in_process` compiles
        (tests) the first lane starts the worker process."""
        if self._closed:
            raise RuntimeError("the compiler is closed")
        if self._process is None or self._process.closed:
            self._process = CompileWorker(func, timeout=timeout, preload=self.PRELOAD)
        return self._process.lane(func, timeout=timeout, failure=failure, priority=priority)

    def request(
        self,
        revision: int,
        document_json: str,
        *,
        design: bool = True,
        immediate: bool = False,
        recipient: dict | None = None,
    ) -> int:
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
            from ..app.build.job import build_job

            try:
                self.finished.emit(revision, build_job("mwt", text, "document", design, recipient))
            except Exception as e:  # noqa: BLE001 - every failure is a message here
                self.failed.emit(revision, str(e))
            return
        self._results.deliver(revision, self._worker.submit("mwt", text, "document", design, recipient))

    def close(self) -> None:
        """Stop the worker process (every lane's unfinished job fails with JobCancelled)."""
        self._closed = True
        self._timer.stop()
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._process is not None:
            self._process.close()
            self._process = None
