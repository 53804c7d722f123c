"""Footer: sender address, why-you-get-this note, unsubscribe and view-online links."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, pad, px

FIELDS = (
    Field("company", "text", "Company", default="Your Company Ltd"),
    Field("address", "multiline", "Postal address", default="1 Example Street, Springfield"),
    Field("note", "multiline", "Note", default="You are receiving this email because you signed up on our website."),
    Field("unsubscribe_label", "text", "Unsubscribe label", default="Unsubscribe"),
    Field("unsubscribe_url", "url", "Unsubscribe link", default="<< link:unsubscribe >>"),
    Field("preferences_label", "text", "Preferences label", default="", hint="empty: no link"),
    Field("preferences_url", "url", "Preferences link", default="<< link:preferences >>"),
    Field("view_online_label", "text", "View online label", default="View in browser", hint="empty: no link"),
    Field("view_online_url", "url", "View online link", default="<< link:view_online >>"),
    Field("align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("color", "color", "Text colour", theme="colors.muted"),
    Field("font_size", "number", "Font size", theme="sizes.small", min=9, max=20, unit="px", integer=True),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    color = escape_attr(b["color"])
    link_style = f"color:{color};text-decoration:underline;"
    lines = []
    if b["company"]:
        lines.append(f"<strong>{ctx.text(b['company'])}</strong>")
    if b["address"]:
        lines.append(ctx.text(b["address"]).replace("\n", "<br />"))
    parts = [f'<p style="margin:0 0 10px;">{"<br />".join(lines)}</p>'] if lines else []
    if b["note"]:
        parts.append(f'<p style="margin:0 0 10px;">{ctx.text(b["note"]).replace(chr(10), "<br />")}</p>')
    links = []
    for label, url in (
        (b["unsubscribe_label"], b["unsubscribe_url"]),
        (b["preferences_label"], b["preferences_url"]),
        (b["view_online_label"], b["view_online_url"]),
    ):
        if label and url:
            links.append(f'<a href="{escape_attr(ctx.protect(url))}" style="{link_style}">{ctx.text(label)}</a>')
    if links:
        parts.append(f'<p style="margin:0;">{" &#160;&#183;&#160; ".join(links)}</p>')
    attrs = ctx.attrs(
        {
            "align": b["align"],
            "color": b["color"],
            "font-size": px(b["font_size"]),
            "line-height": "1.5",
            "padding": pad(b["padding_y"], b["padding_x"]),
            "css-class": ctx.css_class("mw-footer"),
        }
    )
    return f"<mj-text{attrs}>{''.join(parts)}</mj-text>"


SPEC = BlockSpec(
    type="footer",
    label="Footer",
    icon="footer",
    category="Links",
    description="Address, unsubscribe and view-in-browser links required for marketing email.",
    fields=FIELDS,
    render=render,
)
