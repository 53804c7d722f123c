"""Menu: a navigation bar of text links (optionally a hamburger menu on mobile)."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, font_stack, items_of, pad, px

ITEM_FIELDS = (
    Field("label", "text", "Label", default="Link"),
    Field("url", "url", "Link", default="https://example.com"),
)

FIELDS = (
    Field(
        "items",
        "items",
        "Links",
        item_fields=ITEM_FIELDS,
        default=(
            {"label": "Shop", "url": "https://example.com/shop"},
            {"label": "New in", "url": "https://example.com/new"},
            {"label": "Stories", "url": "https://example.com/stories"},
            {"label": "Help", "url": "https://example.com/help"},
        ),
    ),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("color", "color", "Link colour", theme="colors.heading"),
    Field("font_size", "number", "Font size", default=14, min=9, max=30, unit="px", integer=True),
    Field("uppercase", "bool", "Uppercase", default=False),
    Field("hamburger", "bool", "Collapse to a menu icon on mobile", default=False),
    Field("link_padding_x", "number", "Space around links", default=12, min=0, max=60, unit="px"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    links = []
    for item in items_of(b["items"]):
        attrs = ctx.attrs(
            {
                "href": item.get("url") or "",
                "color": b["color"],
                "font-size": px(b["font_size"]),
                "font-family": font_stack(ctx.theme.fonts["body"]),
                # MJML navbar links are uppercase by default: "off" must be written out.
                "text-transform": "uppercase" if b["uppercase"] else "none",
                "padding": pad(6, b["link_padding_x"]),
            }
        )
        links.append(f"<mj-navbar-link{attrs}>{ctx.text(item.get('label') or '')}</mj-navbar-link>")
    attrs = ctx.attrs(
        {
            "align": b["align"],
            "hamburger": "hamburger" if b["hamburger"] else None,
            "ico-color": b["color"] if b["hamburger"] else None,
            "padding": pad(b["padding_y"], 0),
            "css-class": ctx.css_class("mw-menu"),
        }
    )
    return f"<mj-navbar{attrs}>{''.join(links)}</mj-navbar>"


SPEC = BlockSpec(
    type="menu",
    label="Menu",
    icon="menu",
    category="Links",
    description="A row of navigation links.",
    fields=FIELDS,
    render=render,
)
