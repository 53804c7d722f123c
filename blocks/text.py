"""Text: rich paragraphs (bold, italic, underline, links, lists, coloured spans)."""

from __future__ import annotations

from .base import (
    CSS_CLASS,
    TEXT_STYLE_FIELDS,
    BlockData,
    BlockSpec,
    Ctx,
    Field,
    px,
    side_fields,
    side_padding,
    line_height_attr,
    text_style_attrs,
)

FIELDS = (
    Field(
        "html", "richtext", "Text", default="<p>Write something your readers will want to read.</p>", hint="merge-aware"
    ),
    Field("align", "choice", "Alignment", default="left", choices=("left", "center", "right", "justify")),
    Field("color", "color", "Colour", theme="colors.text"),
    Field("font_size", "number", "Font size", theme="sizes.body", min=8, max=48, unit="px", integer=True),
    Field("line_height", "number", "Line height", theme="sizes.line_height", min=1, max=3),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
    Field(
        "markup_as_written",
        "bool",
        "Keep the text's own spacing",
        default=False,
        advanced=True,
        hint="on: paragraphs keep the margins and styles they were written with (imported text); "
        "off: even spacing between paragraphs",
    ),
    *TEXT_STYLE_FIELDS,
    *side_fields(),
    CSS_CLASS,
)


def render(b: BlockData, ctx: Ctx) -> str:
    attrs = ctx.attrs(
        {
            "align": b["align"],
            "color": b["color"],
            "font-size": px(b["font_size"]),
            "line-height": line_height_attr(b, f"{b['line_height']}"),
            **text_style_attrs(b),
            "padding": side_padding(b),
            "css-class": ctx.css_class("mw-text", b["css_class"]),
        }
    )
    return f"<mj-text{attrs}>{ctx.rich(b['html'], as_written=b['markup_as_written'])}</mj-text>"


SPEC = BlockSpec(
    type="text",
    label="Text",
    icon="text",
    category="Text",
    description="Paragraphs with bold, italic, links and lists.",
    fields=FIELDS,
    render=render,
)
