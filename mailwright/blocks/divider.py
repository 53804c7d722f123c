"""Divider: a horizontal rule."""
from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, pad, px

FIELDS = (
    Field("color", "color", "Colour", theme="colors.border"),
    Field("thickness", "number", "Thickness", default=1, min=1, max=20, unit="px", integer=True),
    Field("style", "choice", "Style", default="solid", choices=("solid", "dashed", "dotted")),
    Field("width", "number", "Width", default=100, min=5, max=100, unit="%", integer=True),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    attrs = ctx.attrs({
        "border-color": b["color"],
        "border-width": px(b["thickness"]),
        "border-style": b["style"],
        "width": f'{b["width"]}%',
        "align": b["align"],
        "padding": pad(b["padding_y"], b["padding_x"]),
        "css-class": ctx.css_class("mw-divider"),
    })
    return f"<mj-divider{attrs} />"


SPEC = BlockSpec(
    type="divider", label="Divider", icon="divider", category="Layout",
    description="A horizontal line between sections of content.",
    fields=FIELDS, render=render,
)
