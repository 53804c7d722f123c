"""Raw MJML: column content written in MJML (mj-text, mj-image, mj-table, ...), kept as written."""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field

FIELDS = (
    Field("mjml", "code", "MJML", default='<mj-text align="center">Raw <strong>MJML</strong> content</mj-text>'),
    Field(
        "fills_row",
        "bool",
        "Body-level MJML (sections or wrappers)",
        default=False,
        hint="on: the MJML replaces its row (alone in a one-column row)",
    ),
)


def render(b: BlockData, ctx: Ctx) -> str:
    return ctx.raw_mjml(b["mjml"])


SPEC = BlockSpec(
    type="mjml",
    label="MJML",
    icon="code",
    category="Advanced",
    description="Hand-written MJML column content, for what no block does yet.",
    fields=FIELDS,
    render=render,
)
