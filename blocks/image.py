"""Image: a picture with alt text, optional link, width and rounded corners."""

from __future__ import annotations

from .base import CSS_CLASS, BlockData, BlockSpec, Ctx, Field, px, side_fields, side_padding, side_values

PLACEHOLDER = "https://placehold.co/1200x600/e5e7eb/6b7280.png?text=Image"

FIELDS = (
    Field("src", "image", "Image", default=PLACEHOLDER),
    Field("alt", "text", "Alt text", default="", hint="describe the image for screen readers and image-off clients"),
    Field("href", "url", "Link", default=""),
    Field("width", "number", "Width", min=16, max=1200, unit="px", integer=True, hint="empty: the full column width"),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("border_radius", "number", "Corner radius", default=0, min=0, max=200, unit="px"),
    Field("fluid_on_mobile", "bool", "Full width on mobile", default=False),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
    Field(
        "height",
        "number",
        "Height",
        min=1,
        max=2000,
        unit="px",
        integer=True,
        advanced=True,
        hint="empty: in proportion to the width",
    ),
    Field(
        "background_color",
        "color",
        "Background colour",
        default="",
        advanced=True,
        hint="behind the image (its padding included)",
    ),
    *side_fields(),
    CSS_CLASS,
)


def render(b: BlockData, ctx: Ctx) -> str:
    _, right, _, left = side_values(b)
    available = max(1.0, ctx.column_width - (left + right))  # x + x == 2 * x exactly
    width = min(b["width"], available) if b["width"] else available
    attrs = ctx.attrs(
        {
            "src": b["src"],
            # Always written, even empty: MRML drops a missing alt and screen readers then read the
            # file name (hardening.md §10.1 point 3).
            "alt": b["alt"],
            "href": b["href"] or None,
            "width": px(round(width)),
            "height": px(b["height"]) if b["height"] else None,
            "align": b["align"],
            "border-radius": px(b["border_radius"]) if b["border_radius"] else None,
            "fluid-on-mobile": "true" if b["fluid_on_mobile"] else None,
            "container-background-color": b["background_color"] or None,
            "padding": side_padding(b),
            "css-class": ctx.css_class("mw-image", b["css_class"]),
        },
        keep_empty=("alt",),
    )
    return f"<mj-image{attrs} />"


SPEC = BlockSpec(
    type="image",
    label="Image",
    icon="image",
    category="Media",
    description="A picture with alt text and an optional link.",
    fields=FIELDS,
    render=render,
)
