"""One icon set, drawn in code: a rounded tile in the category's colour with a white glyph.

Drawing them keeps the set consistent and the package free of image files.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

GLYPHS = {
    "heading": "H",
    "text": "¶",
    "button": "▭",
    "image": "▨",
    "video": "▶",
    "divider": "—",
    "spacer": "↕",
    "share": "♥",
    "menu": "☰",
    "footer": "⌂",
    "hero": "★",
    "product": "◈",
    "table": "▦",
    "code": "</>",
    "row": "▤",
    "column": "▥",
    "email": "✉",
    "layout": "▥",
    "saved": "☆",
}
CATEGORY_COLOURS = {
    "Layouts": "#0f766e",
    "Text": "#2563eb",
    "Media": "#7c3aed",
    "Layout": "#0891b2",
    "Links": "#db2777",
    "Commerce": "#ea580c",
    "Advanced": "#475569",
    "Saved": "#ca8a04",
    "Structure": "#334155",
}


@lru_cache(maxsize=None)
def icon(name: str, category: str = "Structure", size: int = 20) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x for crisp HiDPI
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(CATEGORY_COLOURS.get(category, "#334155")))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 4, 4)
    glyph = GLYPHS.get(name, name[:1].upper())
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.42 if len(glyph) > 1 else 0.6)))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    p.end()
    return QIcon(pixmap)


_SEVERITY_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


def severity_icon(severity: str) -> QIcon:
    """An error, warning or info mark: the style's message-box icon, which every platform has
    (the ⛔ glyph it replaces had no font on a plain Linux desktop and showed as an empty box)."""
    style = QApplication.style()
    kind = _SEVERITY_ICONS.get(severity)
    return style.standardIcon(kind) if style is not None and kind is not None else QIcon()
