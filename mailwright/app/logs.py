"""The log file of the editor and the command line, and `--verbose` / `--debug` on stderr.

One rotating file, `mailwright.log` (1 MB, 3 old copies), in platformdirs' user log folder;
`MAILWRIGHT_LOG_DIR` chooses another folder, and `MAILWRIGHT_CONFIG_DIR` (tests) puts it in
`logs/` there, so a test run never writes into the user's folders. Every record goes through
the secrets redaction (secrets.install_log_redaction) before any handler sees it.
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


def setup_logging(*, verbose: bool = False, debug: bool = False) -> logging.Logger:
    """The `mailwright` logger, writing to the log file and (verbose/debug) to stderr. Idempotent."""
    from .secrets import install_log_redaction

    install_log_redaction()
    logger = logging.getLogger("mailwright")
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    if not any(getattr(h, "_mailwright", False) for h in logger.handlers):
        try:
            from logging.handlers import RotatingFileHandler

            folder = log_dir()
            folder.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                          encoding="utf-8", errors="backslashreplace", delay=True)
            handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
            handler._mailwright = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
            _state["file"] = folder / LOG_NAME
        except OSError:  # a read-only home: the command still runs, without a log
            _state["file"] = None
    if verbose or debug:
        if not any(getattr(h, "_mailwright_stderr", False) for h in logger.handlers):
            err = logging.StreamHandler(sys.stderr)
            err.setFormatter(logging.Formatter("mailwright: %(message)s"))
            err._mailwright_stderr = True  # type: ignore[attr-defined]
            logger.addHandler(err)
    return logger


def log_command(command: str, argv: list[str], *, verbose: bool, debug: bool) -> logging.Logger:
    log = setup_logging(verbose=verbose, debug=debug)
    log.info("mailwright %s (%s)", command or "-", " ".join(argv))
    if verbose or debug:
        log.info("log file: %s", log_file())
    return log
