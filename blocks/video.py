"""Video: a thumbnail with a play button that links out to the video page.

Email clients do not play video; every major builder links a thumbnail instead.
"""

from __future__ import annotations

from .base import BlockData, BlockSpec, Ctx, Field, escape_attr, pad, px

FIELDS = (
    Field("video_url", "url", "Video link", default="https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    Field("thumbnail", "image", "Thumbnail", default="https://placehold.co/1200x675/111827/9ca3af.png?text=Video"),
    Field("title", "text", "Title", default="Watch the video", hint="link text under the thumbnail, and the alt text"),
    Field("aspect", "choice", "Aspect ratio", default="16:9", choices=("16:9", "4:3", "1:1")),
    Field("play_color", "color", "Play button colour", default="#111827"),
    Field("border_radius", "number", "Corner radius", default=0, min=0, max=60, unit="px"),
    Field("padding_y", "number", "Padding top/bottom", theme="spacing.block_y", min=0, max=120, unit="px"),
    Field("padding_x", "number", "Padding left/right", theme="spacing.block_x", min=0, max=120, unit="px"),
)

_RATIO = {"16:9": 9 / 16, "4:3": 3 / 4, "1:1": 1.0}


def render(b: BlockData, ctx: Ctx) -> str:
    width = max(1.0, ctx.column_width - 2 * b["padding_x"])
    height = round(width * _RATIO.get(b["aspect"], 9 / 16))
    url = escape_attr(ctx.protect(b["video_url"]))
    thumb = escape_attr(ctx.protect(b["thumbnail"]))
    title = ctx.text(b["title"])
    radius = px(b["border_radius"])
    play = escape_attr(b["play_color"])
    # A table cell with the thumbnail as background holds the play button, so the button sits
    # on the picture in every client that shows background images; the others (Outlook on
    # Windows, images off) show the dark cell, the button and the caption link below.
    cell_style = (
        f"height:{px(height)};background-color:{play};background-image:url('{thumb}');"
        f"background-size:cover;background-position:center center;background-repeat:no-repeat;"
        f"border-radius:{radius};"
    )
    html = (
        f'<a href="{url}" target="_blank" title="{escape_attr(ctx.protect(b["title"]))}" style="display:block;text-decoration:none;">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>'
        f'<td background="{thumb}" bgcolor="{play}" height="{height}" align="center" valign="middle" style="{cell_style}">'
        f'<span role="img" aria-label="{escape_attr(ctx.protect(b["title"]))}" style="display:inline-block;width:68px;height:68px;line-height:68px;border-radius:34px;'
        f'background-color:{play};color:#ffffff;font-size:26px;text-align:center;">&#9654;</span>'
        f"</td></tr></table></a>"
        f'<p style="margin:8px 0 0;text-align:center;"><a href="{url}" target="_blank">&#9654;&#160;{title}</a></p>'
    )
    attrs = ctx.attrs({"padding": pad(b["padding_y"], b["padding_x"]), "css-class": ctx.css_class("mw-video")})
    return f"<mj-text{attrs}>{html}</mj-text>"


SPEC = BlockSpec(
    type="video",
    label="Video",
    icon="video",
    category="Media",
    description="A video thumbnail with a play button that opens the video.",
    fields=FIELDS,
    render=render,
)
