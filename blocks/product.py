"""Product card: image, name, description, price (with an optional old price) and a button."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, font_stack, pad, px

FIELDS = (
    Field("image", "image", "Product image", default="https://placehold.co/600x600/f3f4f6/9ca3af.png?text=Product"),
    Field("image_alt", "text", "Image alt text", default="Product photo"),
    Field("name", "text", "Name", default="Product name", hint="merge-aware"),
    Field("description", "multiline", "Description", default="A short line on why it is worth having."),
    Field("price", "text", "Price", default="$49.00"),
    Field("old_price", "text", "Old price", default="", hint="shown struck through"),
    Field("button_label", "text", "Button label", default="Shop now", hint="empty: no button"),
    Field("url", "url", "Link", default="https://example.com/product"),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("price_color", "color", "Price colour", theme="colors.primary"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    padding_x = b["padding_x"]
    width = max(1.0, ctx.column_width - 2 * padding_x)
    css = ctx.css_class("mw-product")
    out = [
        f"<mj-image{ctx.attrs({'src': b['image'], 'alt': b['image_alt'], 'href': b['url'] or None, 'width': px(round(width)), 'padding': pad(10, padding_x, 8, padding_x), 'css-class': css}, keep_empty=('alt',))} />"
    ]
    name_style = (
        f"margin:0;font-family:{font_stack(theme.fonts['heading'])};font-size:{px(theme.sizes['h3'])};"
        f"font-weight:{theme.fonts['heading_weight']};color:{theme.colors['heading']};line-height:1.3;"
    )
    out.append(
        f"<mj-text{ctx.attrs({'align': b['align'], 'padding': pad(4, padding_x), 'css-class': css})}>"
        f'<h3 style="{escape_attr(name_style)}">{ctx.text(b["name"])}</h3></mj-text>'
    )
    if b["description"]:
        out.append(
            f"<mj-text{ctx.attrs({'align': b['align'], 'color': theme.colors['muted'], 'font-size': px(theme.sizes['small'] + 1), 'padding': pad(2, padding_x), 'css-class': css})}>"
            f"{ctx.text(b['description']).replace(chr(10), '<br />')}</mj-text>"
        )
    price = f'<strong style="color:{escape_attr(b["price_color"])}">{ctx.text(b["price"])}</strong>'
    if b["old_price"]:
        price = (
            f'<s style="color:{escape_attr(theme.colors["muted"])}">{ctx.text(b["old_price"])}</s>&#160;&#160;{price}'
        )
    out.append(
        f"<mj-text{ctx.attrs({'align': b['align'], 'font-size': px(theme.sizes['body'] + 2), 'padding': pad(6, padding_x), 'css-class': css})}>{price}</mj-text>"
    )
    if b["button_label"]:
        label = ctx.text(b["button_label"])
        if theme.button.get("uppercase"):  # the theme's button style, as in blocks/button.py
            label = f'<span style="text-transform:uppercase;letter-spacing:1px">{label}</span>'
        out.append(
            f"<mj-button{ctx.attrs({'href': b['url'], 'align': b['align'], 'background-color': theme.colors['primary'], 'color': theme.colors['on_primary'], 'border-radius': px(theme.button['radius']), 'font-size': px(theme.button['font_size'] - 1), 'font-weight': theme.button.get('font_weight', 'bold'), 'inner-padding': pad(theme.button['padding_y'] - 2, theme.button['padding_x'] - 4), 'padding': pad(8, padding_x, 12, padding_x), 'css-class': css})}>"
            f"{label}</mj-button>"
        )
    return "".join(out)


SPEC = BlockSpec(
    type="product",
    label="Product card",
    icon="product",
    category="Commerce",
    description="A product with image, name, price and a buy button.",
    fields=FIELDS,
    render=render,
)
