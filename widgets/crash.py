"""An uncaught exception in the editor: a dialog with the traceback and the log path.

Without this, a Python exception in a Qt slot prints to a terminal the user does not have and
the action silently does nothing (or the app vanishes). The traceback goes to the log file
(redacted, app/logs.py) and into the dialog's details; the user can keep working or quit.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

_showing = False  # an exception raised while the dialog is open is logged, not shown again
_headless = False  # --screenshot: nobody could answer a dialog; say it on stderr


def show_crash(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    global _showing
    from ..app.logs import log_file
    from ..app.send.secrets import redact

    logging.getLogger("mailwright.editor").error("uncaught exception", exc_info=(kind, error, tb))
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    text = redact("".join(traceback.format_exception(kind, error, tb)))
    where = log_file()
    from PySide6.QtWidgets import QApplication, QMessageBox

    if _showing or _headless or QApplication.instance() is None:
        print(
            f"mailwright: internal error: {kind.__name__}: {error}{f' (details in {where})' if where else ''}",
            file=sys.stderr,
        )
        return
    _showing = True
    try:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Mailwright: something went wrong",
            f"An internal error happened: {kind.__name__}: {redact(str(error))[:300]}\n\n"
            "Your document is still open; save it (or Save As) before going on. "
            f"Please report this with the details{f' and the log {where}' if where else ''}.",
        )
        box.setObjectName("crash-dialog")
        box.setDetailedText(text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()
    finally:
        _showing = False


def install_excepthook(*, headless: bool = False) -> None:
    global _headless
    _headless = headless
    sys.excepthook = show_crash
