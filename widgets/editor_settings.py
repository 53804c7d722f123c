"""Where the editor remembers its layout and choices."""

from __future__ import annotations


def editor_settings():
    """The editor's QSettings: editor.ini in the config folder of the profiles
    (MAILWRIGHT_CONFIG_DIR for tests), not Qt's own per-platform place."""
    from PySide6.QtCore import QSettings

    from ..app.send.profiles import config_dir

    return QSettings(str(config_dir() / "editor.ini"), QSettings.Format.IniFormat)
