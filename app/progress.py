"""Progress of long per-recipient work: a bar on stderr when stderr is a terminal, else nothing.

Loops over recipients wrap their rows in :func:`counted`. Nothing is drawn unless the command
installed a bar with :func:`terminal_bar` (the CLI does, and only for a terminal that is not
`TERM=dumb` or a CI job), so pipes, CI logs, tests and the editor's worker threads see no change.
The bar appears once a loop has run for DELAY seconds (short work stays silent), is redrawn at most
every INTERVAL seconds and is erased when the loop ends, so it never mixes with the output after it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TextIO, TypeVar

__all__ = ["DELAY", "INTERVAL", "TerminalBar", "counted", "terminal_bar", "wants_bar"]

T = TypeVar("T")
DELAY = 0.2  # seconds of work before the bar appears
INTERVAL = 0.1  # seconds between redraws
WIDTH = 24  # characters of bar
_CLEAR = "\r\x1b[K"  # back to the line's start, erase to its end


class TerminalBar:
    """`checking recipients [████░░░░]  45,000/100,000  45%  5 s left` on one redrawn line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False
        self.label, self.total, self.started, self.due = "", 0, 0.0, 0.0
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "█░".encode(encoding)
            self.full, self.empty = "█", "░"
        except (UnicodeEncodeError, LookupError):
            self.full, self.empty = "#", "-"

    def start(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self.started = time.monotonic()
        self.due = self.started + DELAY

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now < self.due:
            return
        self.due = now + INTERVAL
        share = done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        left = ""
        if done:
            seconds = (now - self.started) * (self.total - done) / done
            left = f"  {seconds:.0f} s left" if seconds >= 1 else ""
        self._write(
            f"{_CLEAR}{self.label} [{self.full * filled}{self.empty * (WIDTH - filled)}]"
            f"  {done:,}/{self.total:,}  {share:.0%}{left}"
        )
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self._write(_CLEAR)
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on without a bar
            pass


_BAR: contextvars.ContextVar[TerminalBar | None] = contextvars.ContextVar("mailwright_progress", default=None)


def wants_bar(stream: TextIO) -> bool:
    """A person watches this stream: a terminal, not `TERM=dumb`, not a CI job's pseudo-terminal."""
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    return os.environ.get("TERM") != "dumb" and not os.environ.get("CI")


@contextlib.contextmanager
def terminal_bar(stream: TextIO | None = None) -> Iterator[None]:
    """Within this block, :func:`counted` loops draw a bar on `stream` (stderr) if it is a terminal."""
    stream = stream if stream is not None else sys.stderr
    bar = TerminalBar(stream) if wants_bar(stream) else None
    token = _BAR.set(bar)
    try:
        yield
    finally:
        if bar is not None:
            bar.finish()
        _BAR.reset(token)


def counted(items: Sequence[T], label: str) -> Iterator[tuple[int, T]]:
    """`enumerate(items, 1)`, reporting how far it got to the bar :func:`terminal_bar` installed."""
    bar = _BAR.get()
    if bar is None:
        yield from enumerate(items, 1)
        return
    bar.start(label, len(items))
    try:
        for n, item in enumerate(items, 1):
            bar.update(n - 1)
            yield n, item
    finally:
        bar.finish()
