"""The editable fields of rows and columns (blocks declare theirs in blocks/)."""

from __future__ import annotations

from ...blocks.base import Field

ROW_FIELDS = (
    Field("background_color", "color", "Background colour", theme="colors.content"),
    Field("background_image", "image", "Background image", default=""),
    Field("background_size", "choice", "Background size", default="cover", choices=("cover", "contain", "auto")),
    Field(
        "background_position",
        "choice",
        "Background position",
        default="center center",
        choices=("center center", "top center", "bottom center"),
    ),
    Field("padding_top", "number", "Padding top", theme="spacing.row", min=0, max=200, unit="px"),
    Field("padding_bottom", "number", "Padding bottom", theme="spacing.row", min=0, max=200, unit="px"),
    Field("padding_x", "number", "Padding left/right", default=0, min=0, max=200, unit="px"),
    Field("full_width", "bool", "Full width background", default=False),
    Field("border_radius", "number", "Corner radius", default=0, min=0, max=60, unit="px"),
    Field("text_align", "choice", "Alignment", default="center", choices=("left", "center", "right")),
    Field("stack_on_mobile", "bool", "Stack columns on mobile", default=True),
    Field("reverse_on_mobile", "bool", "Reverse column order when stacked", default=False),
    Field("hide_on_mobile", "bool", "Hide on mobile", default=False),
    Field("hide_on_desktop", "bool", "Hide on desktop", default=False),
    # Finer styling, empty by default (imported emails use them; the row writes what it always did).
    Field(
        "radius_top",
        "number",
        "Corner radius top",
        min=0,
        max=60,
        unit="px",
        advanced=True,
        hint="the top corners only; empty: the corner radius",
    ),
    Field(
        "radius_bottom",
        "number",
        "Corner radius bottom",
        min=0,
        max=60,
        unit="px",
        advanced=True,
        hint="the bottom corners only; empty: the corner radius",
    ),
    *(
        Field(
            f"border_{side}",
            "text",
            f"Border {side}",
            default="",
            advanced=True,
            hint="CSS border, e.g. 2px solid #e5e5e6",
        )
        for side in ("top", "right", "bottom", "left")
    ),
    Field(
        "css_class",
        "text",
        "CSS class",
        default="",
        advanced=True,
        hint="class names for the email's own styles (head MJML)",
    ),
)

COLUMN_FIELDS = (
    Field("background_color", "color", "Background colour", default=""),
    Field("vertical_align", "choice", "Vertical alignment", default="top", choices=("top", "middle", "bottom")),
    Field("padding", "number", "Padding", default=0, min=0, max=120, unit="px"),
    Field("border_radius", "number", "Corner radius", default=0, min=0, max=60, unit="px"),
    Field("border_color", "color", "Border colour", default=""),
    Field("border_width", "number", "Border width", default=0, min=0, max=20, unit="px"),
)
