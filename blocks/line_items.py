"""Line items: an order table whose rows repeat over a list field (e.g. the order's items)."""

from __future__ import annotations

import re

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, pad, px

_PATH = re.compile(r"^(data|var):[A-Za-z_][\w.]*$")

FIELDS = (
    Field(
        "items_path",
        "text",
        "List field",
        default="data:order.items",
        hint="the recipient field holding the list, e.g. data:order.items",
    ),
    Field("item_name", "text", "Name for one item", default="item"),
    Field("name_label", "text", "Item column heading", default="Item"),
    Field("quantity_label", "text", "Quantity column heading", default="Qty"),
    Field("price_label", "text", "Price column heading", default="Price"),
    Field("name_field", "text", "Item name field", default="name"),
    Field("detail_field", "text", "Item detail field", default="variant", hint="empty: none"),
    Field("quantity_field", "text", "Quantity field", default="quantity"),
    Field("price_field", "text", "Price field", default="price"),
    Field("image_field", "text", "Image field", default="", hint="empty: no thumbnails"),
    Field(
        "totals",
        "items",
        "Totals",
        item_fields=(
            Field("label", "text", "Label", default="Total"),
            Field("value", "text", "Value", default="<< data:order.total >>"),
            Field("strong", "bool", "Bold", default=False),
        ),
        default=(
            {"label": "Subtotal", "value": "<< data:order.subtotal >>"},
            {"label": "Shipping", "value": "<< data:order.shipping >>"},
            {"label": "Total", "value": "<< data:order.total >>", "strong": True},
        ),
    ),
    Field("border_color", "color", "Rule colour", theme="colors.border"),
    Field("color", "color", "Text colour", theme="colors.text"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)


def _field_tag(item: str, name: str) -> str:
    return f"<< {item}:{name} >>"


def render(b: BlockData, ctx: Ctx) -> str:
    theme = ctx.theme
    item = b["item_name"] or "item"
    border = escape_attr(b["border_color"])
    cell = "padding:10px 0;vertical-align:top;"
    head = (
        f'<tr style="border-bottom:1px solid {border};text-align:left;">'
        f'<th align="left" style="padding:0 0 8px;font-size:{px(theme.sizes["small"])};color:{escape_attr(theme.colors["muted"])};font-weight:normal;text-transform:uppercase;letter-spacing:1px;"'
        f">{ctx.text(b['name_label'])}</th>"
        f'<th align="center" style="padding:0 0 8px;font-size:{px(theme.sizes["small"])};color:{escape_attr(theme.colors["muted"])};font-weight:normal;text-transform:uppercase;letter-spacing:1px;">{ctx.text(b["quantity_label"])}</th>'
        f'<th align="right" style="padding:0 0 8px;font-size:{px(theme.sizes["small"])};color:{escape_attr(theme.colors["muted"])};font-weight:normal;text-transform:uppercase;letter-spacing:1px;">{ctx.text(b["price_label"])}</th></tr>'
    )
    name_cell = f"<strong>{ctx.text(_field_tag(item, b['name_field']))}</strong>"
    if b["detail_field"]:
        name_cell += (
            f'<br /><span style="color:{escape_attr(theme.colors["muted"])};font-size:{px(theme.sizes["small"])};">'
            f"{ctx.text(_field_tag(item, b['detail_field']))}</span>"
        )
    if b["image_field"]:
        img = (
            f'<img src="{escape_attr(ctx.protect(_field_tag(item, b["image_field"])))}" alt="" width="56" height="56" '
            f'style="display:block;width:56px;height:56px;border-radius:6px;object-fit:cover;" />'
        )
        name_cell = (
            f'<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>'
            f'<td style="padding-right:12px;vertical-align:top;">{img}</td>'
            f'<td style="vertical-align:top;">{name_cell}</td></tr></table>'
        )
    row = (
        f'<tr style="border-bottom:1px solid {border};">'
        f'<td align="left" style="{cell}">{name_cell}</td>'
        f'<td align="center" style="{cell}">{ctx.text(_field_tag(item, b["quantity_field"]))}</td>'
        f'<td align="right" style="{cell}white-space:nowrap;">{ctx.text(_field_tag(item, b["price_field"]))}</td></tr>'
    )
    loop_open = ctx.text(f"<% for {item} in {b['items_path']} %>")
    loop_close = ctx.text("<% endfor %>")
    totals = []
    for t in b["totals"] or ():
        t = t if isinstance(t, dict) else t.model_dump()
        weight = "bold" if t.get("strong") else "normal"
        size = px(theme.sizes["body"] + (2 if t.get("strong") else 0))
        totals.append(
            f'<tr><td colspan="2" align="right" style="padding:6px 12px 0 0;font-weight:{weight};font-size:{size};">{ctx.text(t.get("label") or "")}</td>'
            f'<td align="right" style="padding:6px 0 0;font-weight:{weight};font-size:{size};white-space:nowrap;">{ctx.text(t.get("value") or "")}</td></tr>'
        )
    attrs = ctx.attrs(
        {
            "color": b["color"],
            "font-size": px(theme.sizes["body"] - 1),
            "line-height": "1.4",
            "cellpadding": "0",
            "padding": pad(b["padding_y"], b["padding_x"]),
            "css-class": ctx.css_class("mw-line-items"),
        }
    )
    return f"<mj-table{attrs}>{head}{loop_open}{row}{loop_close}{''.join(totals)}</mj-table>"


SPEC = BlockSpec(
    type="line_items",
    label="Line items",
    icon="table",
    category="Commerce",
    description="An order table with one row per item of a list field, and totals.",
    fields=FIELDS,
    render=render,
    uses_repeat=True,
)
