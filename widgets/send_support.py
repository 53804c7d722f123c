"""Small helpers shared by the send dialog, the profiles dialog and the inbox panel.

- :func:`run_in_thread` runs blocking work (SMTP, the keyring) on a Python thread and hands
  the result back on the Qt thread, so the window never freezes.
- :func:`password_store` is the one :class:`PasswordStore` of the process: with no keyring,
  passwords typed once are kept in memory for the rest of the run, by every dialog.
- :func:`split_addresses` splits what the user typed in a To field.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal

from ..app.send.secrets import PasswordStore

log = logging.getLogger(__name__)

__all__ = ["Task", "run_in_thread", "password_store", "set_password_store", "split_addresses"]


class Task(QObject):
    """One piece of background work. ``done(result)`` or ``failed(message)`` arrive on the
    Qt thread. The work runs on a daemon thread; nothing it does can block the UI."""

    done = Signal(object)
    failed = Signal(str)
    _finished = Signal(bool, object)

    def __init__(self, fn: Callable[[], Any], parent: QObject | None = None, name: str = "mailwright-task") -> None:
        super().__init__(parent)
        self._fn = fn
        self._name = name
        self.running = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> "Task":
        self.running = True
        _live.add(self)  # keep the Python wrapper alive until the result is delivered
        threading.Thread(target=self._run, name=self._name, daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            result = self._fn()
        except BaseException as e:  # noqa: BLE001 - every failure becomes a message
            log.debug("background task failed", exc_info=True)
            ok, value = False, (str(e) or type(e).__name__)
        else:
            ok, value = True, result
        try:
            self._finished.emit(ok, value)
        except RuntimeError:  # the owner (a dialog) is gone: nobody to tell
            _live.discard(self)

    def _deliver(self, ok: bool, value: Any) -> None:
        self.running = False
        _live.discard(self)
        if ok:
            self.done.emit(value)
        else:
            self.failed.emit(str(value))


_live: set[Task] = set()


def run_in_thread(
    parent: QObject,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    *,
    name: str = "mailwright-task",
) -> Task:
    task = Task(fn, parent, name)
    if on_done is not None:
        task.done.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    return task.start()


_store: PasswordStore | None = None
_store_lock = threading.Lock()


def password_store() -> PasswordStore:
    """The process-wide password store (OS keyring, or this run's memory when there is none)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = PasswordStore()
        return _store


def set_password_store(store: PasswordStore | None) -> None:
    """Use another store (tests: a PasswordStore over a fake keyring); None resets."""
    global _store
    with _store_lock:
        _store = store


def split_addresses(text: str) -> list[str]:
    """``a@x, "Smith, Jr." <b@y>; c@z`` (or one per line) → the separate addresses.

    Commas, semicolons and line breaks separate addresses, except inside double quotes or
    angle brackets (a quoted display name may contain a comma).
    """
    out: list[str] = []
    current: list[str] = []
    quoted = False
    angle = False
    escaped = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if quoted and ch == "\\":
            current.append(ch)
            escaped = True
            continue
        if ch == '"' and not angle:
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch in "\r\n" or (ch in ",;" and not quoted and not angle):
            piece = "".join(current).strip()
            if piece:
                out.append(piece)
            current = []
            quoted = angle = False
            continue
        current.append(ch)
    piece = "".join(current).strip()
    if piece:
        out.append(piece)
    return out
