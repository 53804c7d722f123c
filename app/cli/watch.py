"""`build --watch`: build again whenever an input or an mj-include partial is saved.

Uses watchfiles (Rust notify: inotify, FSEvents, ReadDirectoryChangesW). Each rebuild prints
one line on stderr with the time, what was built and how long it took, or the error; a bad save
never ends the watch. Ctrl-C ends it with exit 0. The folders of the inputs are watched
(recursively, so partials beside or below them count); the outputs themselves are ignored.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from typing import Callable

from .common import EXIT_OK

WATCHED_SUFFIXES = (".mwt", ".mjml", ".json", ".csv")  # sources, partials, --data / --field-map
DEBOUNCE_MS = 150


def _outputs(args: argparse.Namespace) -> set[str]:
    return {str(Path(p).resolve()) for p in (args.output, args.text, args.mjml) if p}


def _relevant(path: str, outputs: set[str]) -> bool:
    p = Path(path)
    if p.name.startswith(".") or p.suffix.lower() not in WATCHED_SUFFIXES:
        return False  # atomic saves' .NAME.tmp files, editors' swap files, our own .html
    resolved = str(p.resolve())
    return resolved not in outputs and not any(resolved.startswith(o.rstrip("/") + "/") for o in outputs)


def _roots(args: argparse.Namespace, inputs: list[Path]) -> list[Path]:
    roots = {p.resolve() if p.is_dir() else p.resolve().parent for p in (Path(s) for s in args.src)}
    roots |= {p.resolve().parent for p in inputs}
    for extra in (args.data, args.field_map):
        if extra:
            roots.add(Path(extra).resolve().parent)
    # A folder inside another is watched through it.
    return sorted(r for r in roots if not any(o != r and r.is_relative_to(o) for o in roots))


def _line(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def _native_stderr_muted():
    """Chromium's and Qt's own warnings (written to descriptor 2 by preview --watch) out of the lines."""
    import os
    import tempfile

    try:
        sys.__stderr__.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _rebuild(build: Callable[[], int]) -> None:
    """One build; its stderr lines folded into one line with the time it took."""
    captured = io.StringIO()
    start = time.perf_counter()
    try:
        with _native_stderr_muted(), redirect_stderr(captured):
            code = build()
    except Exception as e:  # a bad save is an error line, never the end of the watch
        captured.write(f"mailwright: {e}\n")
        code = 2
    took = time.perf_counter() - start
    lines = [ln.removeprefix("mailwright: ") for ln in captured.getvalue().splitlines() if ln.strip()]
    status = "built" if code == EXIT_OK else "error"
    _line(f"{status} in {took:.2f} s: {'; '.join(lines) if lines else 'done'}")


def watch_builds(args: argparse.Namespace, inputs: list[Path], build: Callable[[], int]) -> int:
    from watchfiles import watch

    outputs = _outputs(args)
    roots = _roots(args, inputs)
    _rebuild(build)
    ready = False
    try:
        # The first empty yield (after rust_timeout) means the watcher is in place: only then
        # is "watching" true, so a save right after the line is never missed.
        for changes in watch(
            *roots,
            debounce=DEBOUNCE_MS,
            step=50,
            raise_interrupt=True,
            rust_timeout=100,
            yield_on_timeout=True,
            watch_filter=lambda _change, path: _relevant(path, outputs),
        ):
            if not changes:
                if not ready:
                    ready = True
                    _line(f"watching {', '.join(map(str, roots))} (Ctrl-C to stop)")
                continue
            names = sorted({Path(p).name for _c, p in changes})
            _line(f"changed: {', '.join(names)}")
            _rebuild(build)
    except KeyboardInterrupt:
        _line("stopped")
    return EXIT_OK
