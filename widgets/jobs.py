"""A background job's answer delivered on the Qt thread.

The compile worker (app/worker.py) completes futures on its own manager thread; a Qt widget
may only be touched on the Qt thread. `JobResults` is the one hop between the two: a signal
emitted from the worker's thread reaches slots on the Qt thread (a queued connection)."""

from __future__ import annotations

import functools
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal

from ..app.worker import JobCancelled


class JobResults(QObject):
    """`done(ticket, result)` or `failed(ticket, message)` for each job handed to `deliver`; a
    cancelled job (the window closing, a newer job replacing it) says nothing. The ticket is the
    caller's: compare it with the latest one asked for to drop stale answers."""

    done = Signal(int, object)
    failed = Signal(int, str)

    def deliver(self, ticket: int, future: Future) -> None:
        future.add_done_callback(functools.partial(self._arrived, ticket))

    def _arrived(self, ticket: int, future: Future) -> None:
        # Runs on the worker's manager thread: only emit from here.
        try:
            result = future.result()
        except JobCancelled:
            return
        except Exception as e:  # noqa: BLE001 - every failure of a job is a message to show
            self.failed.emit(ticket, str(e))
            return
        self.done.emit(ticket, result)
