"""Draw the starters' images into examples/assets/ and point the starters at them.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_example_assets.py

Every image is simple placeholder art made here with QImage/QPainter (a flat colour, a soft
shape, a caption), saved as an optimised PNG, so the starters show real pictures on the canvas
without loading anything from the network. Each `https://placehold.co/WxH/BG/FG.png?text=…`
source in examples/*.mwt is replaced by `assets/NAME.png` (relative to the document's folder:
the canvas, `export --bundle` and `send` resolve local images there).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote_plus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ASSETS = EXAMPLES / "assets"
_URL = re.compile(r"https://placehold\.co/(\d+)x(\d+)/([0-9a-fA-F]{6})/([0-9a-fA-F]{6})\.png\?text=([^\"]*)")


def asset_name(text: str, width: int, height: int) -> str:
    """The file name for an image: its caption as a slug, and its size."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "image"
    return f"{slug[:40]}-{width}x{height}.png"


def draw(path: Path, width: int, height: int, bg: str, fg: str, text: str) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

    image = QImage(width, height, QImage.Format.Format_RGB32)
    back, front = QColor("#" + bg), QColor("#" + fg)
    image.fill(back)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    shade = QColor(front)
    shade.setAlpha(28)
    p.setBrush(shade)
    # Two soft circles: a hint of a picture, the same on every image of the project.
    r = min(width, height)
    p.drawEllipse(QRectF(width - r * 0.9, -r * 0.35, r * 1.1, r * 1.1))
    p.drawEllipse(QRectF(-r * 0.3, height - r * 0.55, r * 0.8, r * 0.8))
    text = text.strip()
    if text:
        font = QFont("DejaVu Sans")
        font.setBold(True)
        size = max(12, int(height * 0.28))
        font.setPixelSize(size)
        while size > 12 and QFontMetrics(font).horizontalAdvance(text) > width * 0.84:
            size -= 1  # one line with a margin on both sides
            font.setPixelSize(size)
        p.setFont(font)
        p.setPen(front)
        p.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    p.end()
    # Flat colours compress well; quality 0 asks for the strongest PNG compression.
    image.convertToFormat(QImage.Format.Format_RGB888).save(str(path), "PNG", 0)


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts need it)
    ASSETS.mkdir(exist_ok=True)
    for doc in sorted(EXAMPLES.glob("*.mwt")):
        text = doc.read_text(encoding="utf-8")

        def local(m: re.Match) -> str:
            width, height, bg, fg, caption = int(m[1]), int(m[2]), m[3], m[4], unquote_plus(m[5])
            name = asset_name(caption, width, height)
            target = ASSETS / name
            if not target.exists():
                draw(target, width, height, bg, fg, caption)
            return f"assets/{name}"

        new = _URL.sub(local, text)
        if new != text:
            doc.write_text(new, encoding="utf-8")
            print(f"{doc.name}: images now in assets/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
