"""Button: a bulletproof call-to-action link in the theme's button style."""

from __future__ import annotations

from .base import (
    CSS_CLASS,
    FONT_WEIGHTS,
    LINE_HEIGHT_PERCENT,
    BlockData,
    BlockSpec,
    Ctx,
    Field,
    font_stack,
    line_height_attr,
    px,
    side_fields,
    side_padding,
)

FIELDS = (
    Field("label", "text", "Label", default="Call to action", hint="merge-aware"),
    Field("href", "url", "Link", default="https://example.com"),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("background_color", "color", "Button colour", theme="colors.primary"),
    Field("text_color", "color", "Label colour", theme="colors.on_primary"),
    Field("border_radius", "number", "Corner radius", theme="button.radius", min=0, max=60, unit="px"),
    Field("font_size", "number", "Font size", theme="button.font_size", min=10, max=40, unit="px", integer=True),
    Field("full_width", "bool", "Full width", default=False),
    Field("inner_padding_y", "number", "Inner padding top/bottom", theme="button.padding_y", min=0, max=60, unit="px"),
    Field("inner_padding_x", "number", "Inner padding left/right", theme="button.padding_x", min=0, max=120, unit="px"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
    Field(
        "width",
        "number",
        "Width",
        min=20,
        max=1200,
        unit="px",
        integer=True,
        advanced=True,
        hint="a fixed width; empty: as wide as the label (or the full width above)",
    ),
    Field("border_width", "number", "Border width", default=0, min=0, max=20, unit="px", advanced=True),
    Field(
        "border_style", "choice", "Border style", default="solid", choices=("solid", "dashed", "dotted"), advanced=True
    ),
    Field("border_color", "color", "Border colour", default="", advanced=True),
    Field("font_family", "text", "Font", default="", advanced=True, hint="a font stack; empty: the theme's font"),
    Field(
        "font_weight",
        "choice",
        "Weight",
        default="",
        choices=FONT_WEIGHTS,
        advanced=True,
        hint="empty: the theme's button weight",
    ),
    Field("line_height", "number", "Line height", min=1, max=3, advanced=True, hint="empty: MJML's 120%"),
    LINE_HEIGHT_PERCENT,
    *side_fields("inner_padding", "Inner padding"),
    *side_fields(),
    CSS_CLASS,
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    label = ctx.text(b["label"])
    if theme.button.get("uppercase"):
        label = f'<span style="text-transform:uppercase;letter-spacing:1px">{label}</span>'
    border = None
    if b["border_width"] and b["border_color"]:
        border = f"{px(b['border_width'])} {b['border_style']} {b['border_color']}"
    attrs = ctx.attrs(
        {
            "href": b["href"],
            "align": b["align"],
            "background-color": b["background_color"],
            "color": b["text_color"],
            "border-radius": px(b["border_radius"]),
            "border": border,
            "font-size": px(b["font_size"]),
            "font-weight": b["font_weight"] or theme.button.get("font_weight", "bold"),
            "font-family": font_stack(b["font_family"] or theme.fonts["body"]),
            "line-height": line_height_attr(b, f"{b['line_height']}" if b["line_height"] is not None else None),
            "inner-padding": side_padding(b, "inner_padding"),
            "width": "100%" if b["full_width"] else px(b["width"]) if b["width"] else None,
            "padding": side_padding(b),
            "css-class": ctx.css_class("mw-button", b["css_class"]),
        }
    )
    return f"<mj-button{attrs}>{label}</mj-button>"


SPEC = BlockSpec(
    type="button",
    label="Button",
    icon="button",
    category="Text",
    description="A call-to-action button that also works in Outlook.",
    fields=FIELDS,
    render=render,
)
