"""Social icons: a row of network icons linking to your profiles."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, items_of, pad, px

# Networks MRML ships icons for; any other network needs its own icon URL.
NETWORKS = (
    "facebook",
    "x",
    "instagram",
    "linkedin",
    "youtube",
    "github",
    "pinterest",
    "web",
    "vimeo",
    "medium",
    "dribbble",
    "tumblr",
    "snapchat",
    "xing",
    "soundcloud",
    "custom",
)
LABELS = {
    "x": "X",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "github": "GitHub",
    "soundcloud": "SoundCloud",
    "web": "Website",
}

ITEM_FIELDS = (
    Field("network", "choice", "Network", default="facebook", choices=NETWORKS),
    Field("url", "url", "Profile link", default="https://example.com"),
    Field("label", "text", "Label", default="", hint="alt text; shown next to the icon when labels are on"),
    Field("icon", "image", "Icon URL", default="", hint="needed for 'custom'; replaces the built-in icon"),
    Field("color", "color", "Icon background", default=""),
)

FIELDS = (
    Field(
        "items",
        "items",
        "Networks",
        item_fields=ITEM_FIELDS,
        default=(
            {"network": "facebook", "url": "https://facebook.com/"},
            {"network": "x", "url": "https://x.com/"},
            {"network": "instagram", "url": "https://instagram.com/"},
            {"network": "linkedin", "url": "https://linkedin.com/"},
        ),
    ),
    Field("icon_size", "number", "Icon size", default=24, min=12, max=64, unit="px", integer=True),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("show_labels", "bool", "Show labels", default=False),
    Field("text_color", "color", "Label colour", theme="colors.text"),
    Field("spacing", "number", "Space between icons", default=6, min=0, max=40, unit="px"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    elements = []
    for item in items_of(b["items"]):
        network = item.get("network") or "web"
        label = item.get("label") or LABELS.get(network, network.capitalize())
        # "-noshare": link to the profile itself, not to a share-this-page URL.
        name = None if network == "custom" else f"{network}-noshare"
        attrs = ctx.attrs(
            {
                "name": name,
                "href": item.get("url") or "",
                "alt": label,
                "src": item.get("icon") or None,
                "background-color": item.get("color") or ("#6b7280" if network == "custom" else None),
                "padding": pad(4, b["spacing"] / 2),
            }
        )
        content = ctx.text(label) if b["show_labels"] else ""
        elements.append(f"<mj-social-element{attrs}>{content}</mj-social-element>")
    attrs = ctx.attrs(
        {
            "mode": "horizontal",
            "align": b["align"],
            "icon-size": px(b["icon_size"]),
            "color": b["text_color"],
            "padding": pad(b["padding_y"], b["padding_x"]),
            "css-class": ctx.css_class("mw-social"),
        }
    )
    return f"<mj-social{attrs}>{''.join(elements)}</mj-social>"


SPEC = BlockSpec(
    type="social",
    label="Social icons",
    icon="share",
    category="Links",
    description="Icons linking to your social profiles.",
    fields=FIELDS,
    render=render,
)
