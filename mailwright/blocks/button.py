"""Button: a bulletproof call-to-action link in the theme's button style."""
from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, font_stack, pad, px

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
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    label = ctx.text(b["label"])
    if theme.button.get("uppercase"):
        label = f'<span style="text-transform:uppercase;letter-spacing:1px">{label}</span>'
    attrs = ctx.attrs({
        "href": b["href"],
        "align": b["align"],
        "background-color": b["background_color"],
        "color": b["text_color"],
        "border-radius": px(b["border_radius"]),
        "font-size": px(b["font_size"]),
        "font-weight": theme.button.get("font_weight", "bold"),
        "font-family": font_stack(theme.fonts["body"]),
        "inner-padding": pad(b["inner_padding_y"], b["inner_padding_x"]),
        "width": "100%" if b["full_width"] else None,
        "padding": pad(b["padding_y"], b["padding_x"]),
        "css-class": ctx.css_class("mw-button"),
    })
    return f"<mj-button{attrs}>{label}</mj-button>"


SPEC = BlockSpec(
    type="button", label="Button", icon="button", category="Text",
    description="A call-to-action button that also works in Outlook.",
    fields=FIELDS, render=render,
)
