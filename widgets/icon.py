"""The window and desktop-entry icon (the SVG ships in widgets/resources/)."""

from __future__ import annotations

from pathlib import Path

ICON = Path(__file__).resolve().parent / "resources" / "mailwright.svg"
