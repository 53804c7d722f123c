"""Mailwright's per-user folders, in one place (environment variables override them; tests do)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Autosaves, saved blocks, the test inbox (`MAILWRIGHT_DATA_DIR` overrides it)."""
    override = os.environ.get("MAILWRIGHT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("mailwright", appauthor=False))
