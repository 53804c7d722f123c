"""WCAG 2 contrast: relative luminance, the contrast ratio and the AA thresholds.

Shared by the model-based check (contrast.py) and the one that reads the built HTML
(contrast_html.py), so neither imports the other."""

from __future__ import annotations

import re
from typing import Any

NORMAL, LARGE = 4.5, 3.0  # AA: normal text, large text (24px, or 18.66px bold)
HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def parse_color(value: Any) -> tuple[float, float, float] | None:
    """#rgb / #rrggbb → (r, g, b) in 0..1; None for transparent, merge tags and the rest."""
    m = HEX_COLOR.match(str(value or "").strip())
    if not m:
        return None
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str) -> float | None:
    a, b = parse_color(fg), parse_color(bg)
    if a is None or b is None:
        return None
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def is_large(size_px: float | None, bold: bool) -> bool:
    if size_px is None:
        return False
    return size_px >= 24 or (bold and size_px >= 18.66)
