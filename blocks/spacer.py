"""Spacer: empty vertical space."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, px

FIELDS = (Field("height", "number", "Height", default=24, min=1, max=400, unit="px", integer=True),)


def render(b: BlockData, ctx: Ctx) -> str:
    attrs = ctx.attrs({"height": px(b["height"]), "css-class": ctx.css_class("mw-spacer")})
    return f"<mj-spacer{attrs} />"


SPEC = BlockSpec(
    type="spacer",
    label="Spacer",
    icon="spacer",
    category="Layout",
    description="Empty vertical space of a fixed height.",
    fields=FIELDS,
    render=render,
)
