"""Raw HTML: markup written by hand, placed in the column as written (attributes normalised)."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, pad

FIELDS = (
    Field("html", "code", "HTML", default='<p style="margin:0;">Custom <strong>HTML</strong> goes here.</p>'),
    Field("padding_y", "number", "Padding top/bottom", default=0, min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", default=0, min=0, max=120, unit="px"),
)


def render(b: BlockData, ctx: Ctx) -> str:
    # Inside mj-text rather than mj-raw: MRML puts mj-raw straight into a <tbody>, where
    # browsers move it out of the table.
    attrs = ctx.attrs({"padding": pad(b["padding_y"], b["padding_x"]), "css-class": ctx.css_class("mw-html")})
    return f"<mj-text{attrs}>{ctx.raw_html(b['html'])}</mj-text>"


SPEC = BlockSpec(
    type="html",
    label="HTML",
    icon="code",
    category="Advanced",
    description="Hand-written HTML placed as is.",
    fields=FIELDS,
    render=render,
)
