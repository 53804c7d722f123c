"""The colour swatch the colour editor, rich-text colour menu and item tables show."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from .base import ERROR_COLOR
from .values import HEX


def color_pixmap(value: str | None, size: int = 16) -> QPixmap:
    """A swatch: the colour, a checkerboard for transparent, a slashed box for none."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    rect = pix.rect().adjusted(0, 0, -1, -1)
    color = QColor(value) if value and HEX.match(value) else None
    if color is not None:
        painter.fillRect(rect, color)
    else:
        painter.fillRect(rect, QColor("#ffffff"))
        if value == "transparent":
            half = size // 2
            painter.fillRect(0, 0, half, half, QColor("#d1d5db"))
            painter.fillRect(half, half, half, half, QColor("#d1d5db"))
        else:
            painter.setPen(QPen(QColor(ERROR_COLOR), 1.5))
            painter.drawLine(rect.bottomLeft(), rect.topRight())
    painter.setPen(QColor("#9ca3af"))
    painter.drawRect(rect)
    painter.end()
    return pix
