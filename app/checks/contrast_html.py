"""contrast from the built HTML: every source, not only the blocks Mailwright knows.

The model-based check (contrast.py) knows each block's theme colours; an `.mjml` file, or a raw
HTML/MJML block of a document, has only its HTML. Here each run of visible text is judged by
what a client paints: the nearest `color` (style, or `<font color>`; black by default) on the
nearest solid background behind it (`background-color`/`background` in a style, or `bgcolor`;
white by default, as clients show a page). A background image, a gradient or a colour written
as a merge tag makes the pair unknown and it is not judged. Hidden text (`display:none`, the
preheader) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set as AbstractSet
from typing import Any

from .context import CheckContext
from .css import parse_declarations
from .model import Finding
from .wcag import LARGE, NORMAL, contrast_ratio, is_large

_NAMED = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "yellow": "#ffff00",
    "blue": "#0000ff",
    "navy": "#000080",
    "green": "#008000",
}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)", re.I)
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)px\s*$", re.I)
_UNKNOWN = "unknown"
_SKIP_TAGS = {"style", "script", "head", "title", "meta", "link"}
_HEADING_PX = {"h1": 32.0, "h2": 24.0, "h3": 18.72}


def _colour(value: str) -> str | None:
    """A solid colour as #rrggbb, None when there is none, _UNKNOWN for what cannot be judged."""
    v = value.strip().lower()
    if not v or v in ("inherit", "initial", "currentcolor"):
        return None
    if v in ("transparent", "none"):
        return None
    if "url(" in v or "gradient" in v or "var(" in v:
        return _UNKNOWN
    m = _HEX.search(v)
    if m:
        h = m.group(0)[1:]
        return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)
    m = _RGB.search(v)
    if m:
        if m.group(4) is not None and float(m.group(4)) < 1:
            return _UNKNOWN if float(m.group(4)) > 0 else None
        return "#" + "".join(f"{min(int(x), 255):02x}" for x in m.groups()[:3])
    first = v.split()[0] if v.split() else v
    return _NAMED.get(first, _UNKNOWN)


def _style(el) -> dict[str, str]:
    return {d.prop: d.value for d in parse_declarations(el.get("style") or "")}


def _has_text(el) -> bool:
    if (el.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in el)


def _samples(ctx: CheckContext) -> Iterator[tuple[Any, str, str, float | None, bool]]:
    """(element, colour, background, size px, bold) for each element holding visible text."""
    body = ctx.tree.find("body")
    if body is None:
        return

    def walk(el, fg: str, bg: str, size: float | None, bold: bool) -> Iterator:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP_TAGS:
            return
        style = _style(el)
        if style.get("display", "").strip().lower() == "none" or el.get("hidden") is not None:
            return
        if re.match(r"^0(px)?$", style.get("max-height", "").strip()) and style.get("overflow") == "hidden":
            return  # the preheader and other text hidden the email way
        colour = _colour(style.get("color", "")) or (_colour(el.get("color") or "") if tag == "font" else None)
        fg = colour or fg
        back = (
            _colour(style.get("background-color", ""))
            or _colour(style.get("background", ""))
            or _colour(el.get("bgcolor") or "")
        )
        if "background-image" in style and _colour(style["background-image"]) == _UNKNOWN:
            back = _UNKNOWN
        if back is None and el.get("background"):
            back = _UNKNOWN  # a background image attribute (MJML heroes, VML fallbacks)
        bg = back or bg
        m = _PX.match(style.get("font-size", ""))
        size = float(m.group(1)) if m else _HEADING_PX.get(tag, size)
        weight = style.get("font-weight", "").strip().lower()
        bold = (
            (weight in ("bold", "bolder", "600", "700", "800", "900"))
            or (bold and weight not in ("normal", "400"))
            or tag in ("b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th")
        )
        if _has_text(el) and not ctx.only_tags(el.text_content()):
            yield el, fg, bg, size, bold
        for child in el:
            yield from walk(child, fg, bg, size, bold)

    yield from walk(body, "#000000", "#ffffff", None, False)


def check_contrast_html(ctx: CheckContext, judged_by_model: AbstractSet[str] = frozenset()) -> list[Finding]:
    """Contrast of the text in the built HTML, one finding (the worst) per colour pair and place.

    Places in `judged_by_model` (block ids the model-based check covers) are skipped."""
    worst: dict[tuple[str, str, str], tuple[float, float, str, str, float | None, bool, str]] = {}
    for el, fg, bg, size, bold in _samples(ctx):
        if _UNKNOWN in (fg, bg):
            continue
        where = ctx.location(el)
        if where in judged_by_model:
            continue
        ratio = contrast_ratio(fg, bg)
        if ratio is None:
            continue
        need = LARGE if is_large(size, bold) else NORMAL
        if ratio + 1e-9 >= need:
            continue
        text = " ".join(el.text_content().split())
        key = (where, fg, bg)  # one finding per colour pair and place: the worst sample of it
        if key not in worst or ratio / need < worst[key][0] / worst[key][1]:
            worst[key] = (ratio, need, fg, bg, size, bold, text)
    out = []
    for (where, _, _), (ratio, need, fg, bg, size, bold, text) in worst.items():
        shown = ctx.short(text, 40)
        what = f"size {size:g}px{' bold' if bold else ''}" if size else "text"
        kind = "large" if need == LARGE else "normal"
        out.append(
            Finding(
                "warning",
                "contrast",
                f"text “{shown}” {fg} on {bg} has a contrast of {ratio:.2f}:1; WCAG AA needs {need:g}:1 for "
                f"{kind} text ({what})",
                where,
                "darken the text or lighten the background (or the reverse); large text (24px, or 18.66px "
                "bold) needs only 3:1",
            )
        )
    return out
