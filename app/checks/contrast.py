"""contrast: WCAG AA text contrast, computed from the document (not from rendered pixels).

Each text-bearing block's resolved colour (override, else theme) is compared with the colour
actually behind it: the block's own background (a hero, a button), else its column's, else its
row's, else the body's. Normal text needs 4.5:1; large text (24px, or 18.66px and bold) 3:1.
Colours given as merge tags are not judged; raw HTML/MJML blocks and .mjml sources are judged
from the HTML they build to (contrast_html.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from ...blocks import REGISTRY
from ..document.plain import resolve_fields
from ..document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from .context import CheckContext
from .model import Finding
from .wcag import LARGE, NORMAL, contrast_ratio, is_large, parse_color

if TYPE_CHECKING:  # pydantic nodes or the plain reader's light ones
    from ..document.model import BlockBase, Column, Row

_SPAN_COLOR = re.compile(
    r"<(span|font|a|strong|b|em|i|u|p)\b[^>]*?(?:style\s*=\s*([\"'])(.*?)\2|color\s*=\s*[\"']?(#[0-9a-fA-F]{3,6}))",
    re.I | re.S,
)
_BOLD = {"bold", "bolder", "600", "700", "800", "900"}


@dataclass(frozen=True)
class TextSample:
    what: str  # "text", "the label", "links", …
    color: str
    background: str
    size: float | None
    bold: bool


def _solid(value: Any) -> str | None:
    return value if parse_color(value) is not None else None


def _rich_samples(html: str, base: TextSample, link_color: str | None) -> Iterator[TextSample]:
    """Coloured spans and links inside rich text (sizes from their style when given)."""
    for m in _SPAN_COLOR.finditer(html or ""):
        style = m.group(3) or ""
        color = None
        cm = re.search(r"(?:^|;)\s*color\s*:\s*(#[0-9a-fA-F]{3,6})\b", style, re.I)
        if cm:
            color = cm.group(1)
        elif m.group(4):
            color = m.group(4)
        if not color:
            continue
        sm = re.search(r"font-size\s*:\s*(\d+(?:\.\d+)?)px", style, re.I)
        bold = (
            base.bold
            or m.group(1).lower() in ("strong", "b")
            or bool(re.search(r"font-weight\s*:\s*(bold|[6-9]00)", style, re.I))
        )
        yield TextSample("coloured text", color, base.background, float(sm.group(1)) if sm else base.size, bold)
    if link_color and re.search(r"<a\b(?![^>]*color\s*:)", html or "", re.I):
        yield TextSample("links", link_color, base.background, base.size, base.bold)


def _samples(block: BlockBase, p: dict[str, Any], bg: str, theme: Any) -> Iterator[TextSample]:
    t = block.type
    heading_bold = str(theme.fonts.get("heading_weight", "bold")).lower() in _BOLD
    button_bold = str(theme.button.get("font_weight", "bold")).lower() in _BOLD
    link = theme.colors.get("link")
    if t == "text":
        base = TextSample("text", p["color"], bg, p["font_size"], False)
        yield base
        yield from _rich_samples(p["html"], base, link)
    elif t == "heading":
        yield TextSample("heading", p["color"], bg, p["font_size"] or theme.sizes[p["level"]], heading_bold)
    elif t == "button":
        yield TextSample(
            "button label", p["text_color"], _solid(p["background_color"]) or bg, p["font_size"], button_bold
        )
    elif t == "hero":
        hero_bg = _solid(p["background_color"]) or bg
        if p["headline"]:
            yield TextSample("headline", p["text_color"], hero_bg, theme.sizes["h1"], heading_bold)
        if p["text"]:
            yield TextSample("text", p["text_color"], hero_bg, theme.sizes["body"] + 2, False)
        if p["button_label"]:
            yield TextSample(
                "button label",
                p["button_text_color"],
                _solid(p["button_color"]) or hero_bg,
                theme.button["font_size"],
                button_bold,
            )
    elif t == "footer":
        yield TextSample("text", p["color"], bg, p["font_size"], False)
    elif t == "menu":
        yield TextSample("links", p["color"], bg, p["font_size"], False)
    elif t == "social":
        if p["show_labels"]:
            yield TextSample("labels", p["text_color"], bg, 13, False)
    elif t == "product":
        yield TextSample("name", theme.colors["heading"], bg, theme.sizes["h3"], heading_bold)
        if p["description"]:
            yield TextSample("description", theme.colors["muted"], bg, theme.sizes["small"] + 1, False)
        yield TextSample("price", p["price_color"], bg, theme.sizes["body"] + 2, True)
        if p["button_label"]:
            yield TextSample(
                "button label",
                theme.colors["on_primary"],
                theme.colors["primary"],
                theme.button["font_size"] - 1,
                button_bold,
            )
    elif t == "line_items":
        yield TextSample("text", p["color"], bg, theme.sizes["body"] - 1, False)
        yield TextSample("column headings", theme.colors["muted"], bg, theme.sizes["small"], False)
    elif t == "video":
        if p["title"]:
            yield TextSample("caption link", link, bg, theme.sizes["body"], False)


def _background(row: Row, column: Column | None, theme: Any) -> str:
    """The colour behind a column's content: column, else row, else the body."""
    if column is not None:
        c = resolve_fields(COLUMN_FIELDS, column.props, theme)
        if _solid(c["background_color"]):
            return c["background_color"]
    r = resolve_fields(ROW_FIELDS, row.props, theme)
    if _solid(r["background_color"]):
        return r["background_color"]
    return theme.colors["background"]


def _worst(block: BlockBase, bg: str, theme: Any) -> tuple[float, float, TextSample] | None:
    """The block's text sample furthest below its WCAG AA ratio: (ratio, needed, sample)."""
    spec = REGISTRY.get(block.type)
    if spec is None:
        return None
    p = resolve_fields(spec.fields, block.props, theme)
    worst: tuple[float, float, TextSample] | None = None
    for s in _samples(block, p, bg, theme):
        ratio = contrast_ratio(s.color, s.background)
        if ratio is None:
            continue
        need = LARGE if is_large(s.size, s.bold) else NORMAL
        if ratio + 1e-9 < need and (worst is None or ratio / need < worst[0] / worst[1]):
            worst = (ratio, need, s)
    return worst


def _judged_blocks(doc: Any, theme: Any) -> Iterator[tuple[BlockBase, tuple[float, float, TextSample]]]:
    for row in doc.rows:
        for column in row.columns:
            bg = _background(row, None if row.hero is not None else column, theme)
            for block in column.blocks:
                worst = _worst(block, bg, theme)
                if worst is not None:
                    yield block, worst


def contrast_problems(doc: Any) -> list[str]:
    """Ids of the blocks whose text fails WCAG AA under the document's theme, from the model only
    (no build: cheap enough to run on every theme change; raw HTML/MJML blocks are not judged)."""
    from ..build.mjml_render import resolved_theme

    return [block.id for block, _ in _judged_blocks(doc, resolved_theme(doc))]


def check_contrast(ctx: CheckContext) -> list[Finding]:
    from .contrast_html import check_contrast_html

    doc, theme = ctx.doc, ctx.theme
    if doc is None or theme is None:
        return check_contrast_html(ctx)  # an .mjml source: only its HTML tells
    # Raw HTML/MJML blocks are judged from the HTML they build to; every other block by its model.
    judged = {"html"} | {n.id for n in doc.iter_nodes() if getattr(n, "type", None) not in ("html", "mjml")}
    out = check_contrast_html(ctx, judged)
    for block, (ratio, need, s) in _judged_blocks(doc, theme):
        size = f"{s.size:g}px{' bold' if s.bold else ''}" if s.size else "text"
        kind = "large" if need == LARGE else "normal"
        out.append(
            Finding(
                "warning",
                "contrast",
                f"{s.what} {s.color} on {s.background} has a contrast of {ratio:.2f}:1; WCAG AA needs "
                f"{need:g}:1 for {kind} text ({size})",
                block.id,
                "darken the text or lighten the background (or the reverse); large text "
                "(24px, or 18.66px bold) needs only 3:1",
            )
        )
    return out
