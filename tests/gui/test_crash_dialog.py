"""Issue 16 item 6: an uncaught exception in the editor shows a dialog with the traceback and
the log path, and goes to the log, instead of vanishing."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox


def test_an_uncaught_exception_shows_the_traceback_and_the_log(qtbot, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MAILWRIGHT_LOG_DIR", str(tmp_path))
    from mailwright.app import logs
    from mailwright.widgets import crash

    for h in list(logs.logging.getLogger("mailwright").handlers):
        if getattr(h, "_mailwright", False):
            logs.logging.getLogger("mailwright").removeHandler(h)
    logs.setup_logging()
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    crash.install_excepthook()
    try:

        def a_slot_with_a_bug():
            raise RuntimeError("the inspector broke")

        try:
            a_slot_with_a_bug()
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    assert len(shown) == 1
    box = shown[0]
    assert "RuntimeError: the inspector broke" in box.text() and str(tmp_path / "mailwright.log") in box.text()
    assert "a_slot_with_a_bug" in box.detailedText()
    for h in logs.logging.getLogger("mailwright").handlers:
        h.flush()
    assert "the inspector broke" in (tmp_path / "mailwright.log").read_text()


def test_the_window_has_an_icon() -> None:
    from PySide6.QtGui import QIcon

    from mailwright.widgets.icon import ICON

    assert not QIcon(str(ICON)).isNull()
