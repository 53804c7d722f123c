"""Test configuration: Qt runs offscreen, and without Chromium's sandbox only when root (CI).

Both variables must be set before any Qt object exists, so they are set at import time.
"""
from __future__ import annotations

import os
import tempfile

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
