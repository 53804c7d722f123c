"""Test configuration: Qt runs offscreen, and without Chromium's sandbox only when root (CI).

Both variables must be set before any Qt object exists, so they are set at import time.
"""
from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the user's real data or config folders (autosaves, inbox, profiles).
os.environ.setdefault("MAILWRIGHT_DATA_DIR", tempfile.mkdtemp(prefix="mailwright-test-data-"))
os.environ.setdefault("MAILWRIGHT_CONFIG_DIR", tempfile.mkdtemp(prefix="mailwright-test-config-"))
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start as root with its sandbox on; the shipped app keeps it on.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-background-networking")

try:  # the email view's custom scheme must be registered before any QApplication exists
    from mailwright.widgets.email_view import register_scheme

    register_scheme()
except ImportError:  # Qt not installed: GUI tests skip themselves
    pass


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
