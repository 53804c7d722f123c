"""Divider: a horizontal rule."""

from __future__ import annotations

from .base import CSS_CLASS, BlockData, BlockSpec, Ctx, Field, px, side_fields, side_padding

FIELDS = (
    Field("color", "color", "Colour", theme="colors.border"),
    Field("thickness", "number", "Thickness", default=1, min=1, max=20, unit="px", integer=True),
    Field("style", "choice", "Style", default="solid", choices=("solid", "dashed", "dotted")),
    Field("width", "number", "Width", default=100, min=5, max=100, unit="%", integer=True),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
    Field(
        "width_px",
        "number",
        "Width (px)",
        min=1,
        max=1200,
        unit="px",
        integer=True,
        advanced=True,
        hint="a fixed width; empty: the width in % above",
    ),
    *side_fields(),
    CSS_CLASS,
)


def render(b: BlockData, ctx: Ctx) -> str:
    attrs = ctx.attrs(
        {
            "border-color": b["color"],
            "border-width": px(b["thickness"]),
            "border-style": b["style"],
            "width": px(b["width_px"]) if b["width_px"] else f"{b['width']}%",
            "align": b["align"],
            "padding": side_padding(b),
            "css-class": ctx.css_class("mw-divider", b["css_class"]),
        }
    )
    return f"<mj-divider{attrs} />"


SPEC = BlockSpec(
    type="divider",
    label="Divider",
    icon="divider",
    category="Layout",
    description="A horizontal line between sections of content.",
    fields=FIELDS,
    render=render,
)
