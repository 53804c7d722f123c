"""Small value parsers the MJML importer shares: lengths, colours, choices, padding sides.

Each raises `NoMap` when a value is outside what a block field can hold; the importer then
keeps the element as written.
"""

from __future__ import annotations

import re

NAMED_COLORS = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "yellow": "#ffff00",
    "orange": "#ffa500",
    "purple": "#800080",
    "navy": "#000080",
    "teal": "#008080",
    "maroon": "#800000",
    "olive": "#808000",
    "lime": "#00ff00",
    "aqua": "#00ffff",
    "fuchsia": "#ff00ff",
    "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3",
    "darkgray": "#a9a9a9",
    "darkgrey": "#a9a9a9",
    "whitesmoke": "#f5f5f5",
}

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")


class NoMap(Exception):
    """This element (or section) cannot be held by the candidate; the message says why."""


# The fields a block holds a line-height in, with what each reads and the range it accepts.
_LINE_HEIGHTS = (
    ("line_height_px", re.compile(r"\s*(\d+(?:\.\d+)?)px\s*"), 1, 200),
    ("line_height_percent", re.compile(r"\s*(\d+(?:\.\d+)?)%\s*"), 50, 300),
    ("line_height", re.compile(r"\s*(\d+(?:\.\d+)?)\s*"), 1, 3),  # a factor
)


def line_height(value: str, fields: tuple[str, ...]) -> tuple[str, int | float]:
    """The one of `fields` that holds this line-height ("22px", "120%", "1.5"), and its number;
    NoMap when none of them can."""
    for name, pattern, low, high in _LINE_HEIGHTS:
        m = pattern.fullmatch(value) if name in fields else None
        if m and low <= float(m.group(1)) <= high:
            return name, _num(float(m.group(1)))
    raise NoMap(f"line-height {value!r}")


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


def _px(value: str | None) -> float | None:
    if value is None:
        return None
    m = _PX.match(value)
    return float(m.group(1)) if m else None


def _px_int(value: str | None, lo: float, hi: float) -> int:
    v = _px(value)
    if v is None or not v.is_integer() or not lo <= v <= hi:
        raise NoMap(f"value {value!r}")
    return int(v)


def _px_num(value: str | None, lo: float, hi: float) -> int | float:
    v = _px(value)
    if v is None or not lo <= v <= hi:
        raise NoMap(f"value {value!r}")
    return _num(v)


def _color(value: str | None, *, optional: bool = False) -> str | None:
    if value is None or value.strip() == "":
        if optional:
            return None
        raise NoMap("no colour")
    v = value.strip()
    if _HEX.match(v) or v == "transparent":
        return v.lower()
    if v.lower() in NAMED_COLORS:
        return NAMED_COLORS[v.lower()]
    raise NoMap(f"colour {value!r}")


def _choice(value: str | None, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise NoMap(f"value {value!r}")
    return value


def _split_sides(value: str | None) -> list[float] | None:
    if value is None or not value.strip():
        return [0.0] * 4
    parts = [_px(p) for p in value.split()]
    if not 1 <= len(parts) <= 4 or any(p is None for p in parts):
        return None
    return four_sides([float(x) for x in parts])  # type: ignore[arg-type]  # no None: checked above


def four_sides(p: list) -> list:
    """CSS shorthand's 1 to 4 values as top, right, bottom, left."""
    if len(p) == 1:
        return p * 4
    if len(p) == 2:
        return [p[0], p[1], p[0], p[1]]
    if len(p) == 3:
        return [p[0], p[1], p[2], p[1]]
    return p
