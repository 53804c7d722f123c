"""Hero: a full row with a background image, a headline, text and a button.

Placed at row level: it fills a one-column row and renders instead of the row's section.
"""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, font_stack, pad, px

FIELDS = (
    Field(
        "background_url",
        "image",
        "Background image",
        default="https://placehold.co/1200x800/1f2937/f9fafb.png?text=%20",
    ),
    Field("background_color", "color", "Background colour (shown while the image loads)", default="#1f2937"),
    Field("height", "number", "Height", default=360, min=120, max=1200, unit="px", integer=True),
    Field("headline", "text", "Headline", default="A headline worth opening for", hint="merge-aware"),
    Field(
        "text",
        "multiline",
        "Text",
        default="One or two sentences that make the reader want to click.",
        hint="merge-aware",
    ),
    Field("text_color", "color", "Text colour", default="#ffffff"),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("button_label", "text", "Button label", default="Find out more", hint="empty: no button"),
    Field("button_url", "url", "Button link", default="https://example.com"),
    Field("button_color", "color", "Button colour", theme="colors.primary"),
    Field("button_text_color", "color", "Button label colour", theme="colors.on_primary"),
    Field("padding_y", "number", "Padding top/bottom", default=48, min=0, max=200, unit="px"),
    Field("padding_x", "number", "Padding left/right", default=32, min=0, max=200, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    width = ctx.column_width
    parts = []
    if b["headline"]:
        h_style = (
            f"margin:0;font-family:{font_stack(theme.fonts['heading'])};font-size:{px(theme.sizes['h1'])};"
            f"line-height:{theme.sizes['heading_line_height']};font-weight:{theme.fonts['heading_weight']};"
            f"color:{b['text_color']};"
        )
        parts.append(
            f"<mj-text{ctx.attrs({'align': b['align'], 'color': b['text_color'], 'padding': pad(0, 0, 12, 0)})}>"
            f'<h1 style="{escape_attr(h_style)}">{ctx.text(b["headline"])}</h1></mj-text>'
        )
    if b["text"]:
        text = ctx.text(b["text"]).replace("\n", "<br />")
        parts.append(
            f"<mj-text{ctx.attrs({'align': b['align'], 'color': b['text_color'], 'font-size': px(theme.sizes['body'] + 2), 'line-height': str(theme.sizes['line_height']), 'padding': pad(0, 0, 20, 0)})}>"
            f"{text}</mj-text>"
        )
    if b["button_label"]:
        label = ctx.text(b["button_label"])
        if theme.button.get("uppercase"):  # the theme's button style, as in blocks/button.py
            label = f'<span style="text-transform:uppercase;letter-spacing:1px">{label}</span>'
        parts.append(
            f"<mj-button{ctx.attrs({'href': b['button_url'], 'align': b['align'], 'background-color': b['button_color'], 'color': b['button_text_color'], 'border-radius': px(theme.button['radius']), 'font-size': px(theme.button['font_size']), 'font-weight': theme.button.get('font_weight', 'bold'), 'inner-padding': pad(theme.button['padding_y'], theme.button['padding_x']), 'padding': '0'})}>"
            f"{label}</mj-button>"
        )
    attrs = ctx.attrs(
        {
            "mode": "fixed-height",
            "height": px(b["height"]),
            "background-url": b["background_url"] or None,
            "background-width": px(width),
            "background-height": px(b["height"]),
            "background-color": b["background_color"],
            "background-position": "center center",
            "vertical-align": "middle",
            "padding": pad(b["padding_y"], b["padding_x"]),
            "css-class": ctx.css_class("mw-hero", *ctx.row_classes),
        }
    )
    return f"<mj-hero{attrs}>{''.join(parts)}</mj-hero>"


SPEC = BlockSpec(
    type="hero",
    label="Hero",
    icon="hero",
    category="Layout",
    description="A full-width row with a background image, headline, text and button.",
    fields=FIELDS,
    render=render,
    placement="row",
)
