"""The log file of the editor and the command line, and `--verbose` / `--debug` on stderr.

One file, `mailwright.log` (rotated at 1 MB, 3 old copies kept), in platformdirs' user log folder;
`MAILWRIGHT_LOG_DIR` chooses another folder, and `MAILWRIGHT_CONFIG_DIR` (tests) puts it in
`logs/` there, so a test run never writes into the user's folders. Once a secret exists, every
record goes through the secrets redaction (secrets.install_log_redaction) before any handler.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_ENV = "MAILWRIGHT_LOG_DIR"
LOG_NAME = "mailwright.log"
MAX_BYTES, BACKUPS = 1_000_000, 3
_state: dict[str, Path | None] = {"file": None}


def log_dir() -> Path:
    override = os.environ.get(LOG_ENV)
    if override:
        return Path(override)
    config = os.environ.get("MAILWRIGHT_CONFIG_DIR")
    if config:
        return Path(config) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("mailwright", appauthor=False))


def log_file() -> Path | None:
    """The file this process logs to, None when it could not be opened."""
    return _state["file"]


def _rotate(path: Path) -> None:
    """mailwright.log over MAX_BYTES becomes mailwright.log.1 (… .3, the oldest dropped).

    Checked when a process opens the log (each command, each editor start), not on every record:
    logging.handlers costs a CLI start ~6 ms, and one run never writes a megabyte.
    """
    try:
        if path.stat().st_size < MAX_BYTES:
            return
    except OSError:
        return
    for n in range(BACKUPS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (main() swaps in a safe stream; a second
    in-process run must not write to the first one's closed stream)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_logging(*, verbose: bool = False, debug: bool = False, redact: bool = False) -> logging.Logger:
    """The `mailwright` logger, writing to the log file and (verbose/debug) to stderr. Idempotent.

    Redaction: a secret is only known once app/send/secrets.py made it, and that module installs the
    redaction itself (send, the editor's send dialog); `redact=True` (the editor) installs it now.
    """
    if redact or "mailwright.app.send.secrets" in sys.modules:
        from .send.secrets import install_log_redaction

        install_log_redaction()
    logger = logging.getLogger("mailwright")
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    if not any(getattr(h, "_mailwright", False) for h in logger.handlers):
        try:
            folder = log_dir()
            folder.mkdir(parents=True, exist_ok=True)
            _rotate(folder / LOG_NAME)
            handler = logging.FileHandler(folder / LOG_NAME, encoding="utf-8", errors="backslashreplace", delay=True)
            handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
            handler._mailwright = True  # type: ignore[attr-defined]  # our marker: installed once
            logger.addHandler(handler)
            _state["file"] = folder / LOG_NAME
        except OSError:  # a read-only home: the command still runs, without a log
            _state["file"] = None
    on_stderr = [h for h in logger.handlers if getattr(h, "_mailwright_stderr", False)]
    if (verbose or debug) and not on_stderr:
        err = _CurrentStderr()
        err.setFormatter(logging.Formatter("mailwright: %(message)s"))
        err._mailwright_stderr = True  # type: ignore[attr-defined]  # our marker: installed once
        logger.addHandler(err)
    elif not (verbose or debug):
        for old in on_stderr:  # an earlier in-process run's -v must not make this one verbose
            logger.removeHandler(old)
    return logger


def log_command(command: str, argv: list[str], *, verbose: bool, debug: bool) -> logging.Logger:
    log = setup_logging(verbose=verbose, debug=debug)
    log.info("mailwright %s (%s)", command or "-", " ".join(argv))
    if verbose or debug:
        log.info("log file: %s", log_file())
    return log
