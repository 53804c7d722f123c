"""Heading: one line of title text (h1–h6), styled by the theme's heading font and colour."""

from __future__ import annotations

from .base import (
    CSS_CLASS,
    TEXT_STYLE_FIELDS,
    BlockData,
    BlockSpec,
    Ctx,
    Field,
    escape_attr,
    font_stack,
    px,
    side_fields,
    side_padding,
    line_height_attr,
    text_style_attrs,
)

LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")
THEMED = ("h1", "h2", "h3")  # the levels the theme sizes and writes an mj-class for

FIELDS = (
    Field("text", "text", "Text", default="Your headline here", hint="merge-aware"),
    Field("level", "choice", "Level", default="h1", choices=LEVELS),
    Field("align", "choice", "Alignment", default="left", choices=("left", "center", "right")),
    Field("color", "color", "Colour", theme="colors.heading"),
    Field(
        "font_size",
        "number",
        "Font size",
        min=10,
        max=96,
        unit="px",
        integer=True,
        hint="empty: the theme's size for the level",
    ),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
    Field(
        "theme_style",
        "bool",
        "Theme heading style",
        default=True,
        advanced=True,
        hint="off: the heading tag keeps the CSS below (an imported email's own)",
    ),
    Field(
        "tag_style",
        "text",
        "Heading tag CSS",
        default="",
        advanced=True,
        hint="inline CSS of the h tag when the theme heading style is off",
    ),
    *TEXT_STYLE_FIELDS,
    *side_fields(),
    CSS_CLASS,
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    level = b["level"]
    size = b["font_size"] or theme.sizes.get(level) or theme.sizes["body"]
    if b["theme_style"]:
        line_height = theme.sizes["heading_line_height"]
        # The h tag carries the final look inline so clients that ignore the wrapper still show it.
        style = (
            f"margin:0;font-family:{font_stack(theme.fonts['heading'])};font-size:{px(size)};"
            f"line-height:{line_height};font-weight:{theme.fonts['heading_weight']};color:{b['color']};"
        )
    else:
        style = b["tag_style"]
    attrs = ctx.attrs(
        {
            "mj-class": f"mw-{level}" if level in THEMED and not theme.neutral else None,
            "align": b["align"],
            "color": b["color"],
            "font-size": px(size),
            "line-height": line_height_attr(b, None),
            **text_style_attrs(b),
            "padding": side_padding(b),
            "css-class": ctx.css_class("mw-heading", b["css_class"]),
        }
    )
    style_attr = f' style="{escape_attr(style)}"' if style else ""
    return f"<mj-text{attrs}><{level}{style_attr}>{ctx.text(b['text'])}</{level}></mj-text>"


SPEC = BlockSpec(
    type="heading",
    label="Heading",
    icon="heading",
    category="Text",
    description="A title line (h1–h6) in the theme's heading style.",
    fields=FIELDS,
    render=render,
)
