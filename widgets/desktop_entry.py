"""`mailwright --install-desktop-entry`: Mailwright in the Linux desktop's applications menu.

Writes applications/mailwright.desktop and icons/hicolor/scalable/apps/mailwright.svg under
$XDG_DATA_HOME (~/.local/share when unset), per the freedesktop.org desktop entry and icon theme
specifications. Exec is the absolute path of this `mailwright` script, so a pipx install works
without PATH changes. Run it again after moving the install; delete the two files to undo.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ENTRY = """[Desktop Entry]
Type=Application
Name=Mailwright
GenericName=Email template editor
Comment=Drag blocks, preview per recipient, export for any ESP
Exec={exec} %f
Icon=mailwright
Terminal=false
Categories=Office;Development;
StartupWMClass=mailwright
"""


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def _command() -> str:
    script = shutil.which("mailwright")
    if script:
        return _quote(str(Path(script).resolve()))
    return f"{_quote(sys.executable)} -m mailwright"


def _quote(arg: str) -> str:
    """Desktop-entry quoting: an argument with spaces or reserved characters goes in double quotes."""
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$") + '"'


def install_desktop_entry() -> int:
    if not sys.platform.startswith("linux"):
        print("mailwright: --install-desktop-entry is for Linux desktops (freedesktop.org menus)", file=sys.stderr)
        return 2
    from .icon import ICON

    base = data_home()
    entry = base / "applications" / "mailwright.desktop"
    icon = base / "icons" / "hicolor" / "scalable" / "apps" / "mailwright.svg"
    from ..app.document.atomic import SaveError, atomic_write_text

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        icon.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(entry, ENTRY.format(exec=_command()), backup=False)
        atomic_write_text(icon, ICON.read_text(encoding="utf-8"), backup=False)
    except (OSError, SaveError) as e:
        print(f"mailwright: could not install the desktop entry: {e}", file=sys.stderr)
        return 2
    print(
        f"installed {entry} and {icon}; Mailwright is in the applications menu (log out and in if it does not show yet)"
    )
    return 0
