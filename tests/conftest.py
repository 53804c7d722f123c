"""Test configuration: Qt runs offscreen, and without Chromium's sandbox only when root (CI).

Both variables must be set before any Qt object exists, so they are set at import time.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the user's real data or config folders (autosaves, inbox, profiles).
# Made here only when not given, and removed at the end of the session (they used to pile up
# in /tmp by the hundred).
_MADE_DIRS = []
for _var, _prefix in (
    ("MAILWRIGHT_DATA_DIR", "mailwright-test-data-"),
    ("MAILWRIGHT_CONFIG_DIR", "mailwright-test-config-"),
):
    if not os.environ.get(_var):
        os.environ[_var] = tempfile.mkdtemp(prefix=_prefix)
        _MADE_DIRS.append(os.environ[_var])
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start as root with its sandbox on; the shipped app keeps it on.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-background-networking")

try:  # the email view's custom scheme must be registered before any QApplication exists
    from mailwright.widgets.email_view import register_scheme

    register_scheme()
except ImportError:  # Qt not installed: GUI tests skip themselves
    pass


def pytest_sessionfinish(session, exitstatus):
    import shutil
    import sys

    for folder in _MADE_DIRS:
        shutil.rmtree(folder, ignore_errors=True)
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            # Qt's offscreen platform crashes (SIGSEGV) when the application is destroyed at
            # interpreter exit while its clipboard holds MIME data the process set (a copy of
            # blocks); the xcb platform does not. Empty it while the interpreter still runs.
            QApplication.clipboard().clear()


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    """A modal dialog nobody answers would hang the run (seen once at a teardown, where
    pytest-timeout did not end it): fail at once instead, in every folder of tests. Tests that
    expect a dialog patch it themselves (later patches win)."""
    try:
        from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
    except ImportError:  # Qt not installed: no dialog can open
        return

    def refuse(what):
        def modal(*args, **kwargs):
            shown = [a for a in args if isinstance(a, str)]
            raise AssertionError(f"unexpected modal {what}: {shown[:2]}")

        return modal

    for name in ("question", "warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, name, refuse(f"QMessageBox.{name}"))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: refuse("QMessageBox")(box.text()))
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, refuse(f"QFileDialog.{name}"))
    monkeypatch.setattr(QInputDialog, "getText", refuse("QInputDialog.getText"))
