"""Heading: one line of title text (h1–h3), styled by the theme's heading font and colour."""
from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, font_stack, pad, px

FIELDS = (
    Field("text", "text", "Text", default="Your headline here", hint="merge-aware"),
    Field("level", "choice", "Level", default="h1", choices=("h1", "h2", "h3")),
    Field("align", "choice", "Alignment", default="left", choices=("left", "center", "right")),
    Field("color", "color", "Colour", theme="colors.heading"),
    Field("font_size", "number", "Font size", min=10, max=96, unit="px", integer=True,
          hint="empty: the theme's size for the level"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    level = b["level"]
    size = b["font_size"] or theme.sizes[level]
    line_height = theme.sizes["heading_line_height"]
    # The h tag carries the final look inline so clients that ignore the wrapper still show it.
    style = (
        f"margin:0;font-family:{font_stack(theme.fonts['heading'])};font-size:{px(size)};"
        f"line-height:{line_height};font-weight:{theme.fonts['heading_weight']};color:{b['color']};"
    )
    attrs = ctx.attrs({
        "mj-class": f"mw-{level}",
        "align": b["align"],
        "color": b["color"],
        "font-size": px(size),
        "padding": pad(b["padding_y"], b["padding_x"]),
        "css-class": ctx.css_class("mw-heading"),
    })
    return f'<mj-text{attrs}><{level} style="{escape_attr(style)}">{ctx.text(b["text"])}</{level}></mj-text>'


SPEC = BlockSpec(
    type="heading", label="Heading", icon="heading", category="Text",
    description="A title line (h1–h3) in the theme's heading style.",
    fields=FIELDS, render=render,
)
