"""What every block type declares, and the small helpers their `render` functions share.

A block module declares one `BlockSpec`: its type name, palette entry, fields and a pure
`render(block, ctx) -> str` that returns MJML. No Qt here, and no I/O: rendering is a pure
function of the block's resolved props and the render context.

NamedTuples and a Record (app/records.py), not dataclasses: `import dataclasses` cost ~10 ms on
every CLI start (issue #16).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Literal, NamedTuple, Protocol

from ..app.records import Record, set_field

FieldKind = Literal[
    "text",  # one line of merge-aware text
    "multiline",  # several lines of merge-aware plain text
    "richtext",  # limited HTML: p, br, strong, em, u, a, ul/ol/li, span colour
    "code",  # raw HTML or raw MJML, kept as written
    "url",  # a link target (http(s), mailto, tel, cid or a merge tag)
    "image",  # an image URL
    "color",  # #rgb / #rrggbb / transparent
    "number",  # with min/max and a unit for the inspector
    "choice",  # one of `choices`
    "bool",
    "items",  # a list of small records (social networks, menu links, table columns)
]


class Field(NamedTuple):
    """One editable property of a block (or of a row/column).

    `default` applies when the document does not override the field. When `theme` names a
    theme value (e.g. "colors.primary"), that value is the default instead, so a theme change
    restyles every block that has no override.
    """

    name: str
    kind: FieldKind
    label: str
    default: Any = None
    theme: str | None = None
    hint: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str = ""
    item_fields: tuple["Field", ...] = ()
    integer: bool = False
    # Finer styling most emails leave alone (per-side padding, letter spacing, a CSS class):
    # the inspector shows these in a folded "More styling" section.
    advanced: bool = False


Placement = Literal["column", "row"]


class BlockSpec(NamedTuple):
    type: str
    label: str
    icon: str
    category: str
    description: str
    fields: tuple[Field, ...]
    render: Callable[["BlockData", "Ctx"], str]
    # "row": the block fills a one-column row and renders instead of the section (hero).
    placement: Placement = "column"
    # A merge-language loop the block renders around its repeated part (line items).
    uses_repeat: bool = False

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


class BlockData(Record):
    """A block as its renderer sees it: id and every field resolved (override, theme, default)."""

    __slots__ = ("id", "type", "props")
    id: str
    type: str
    props: dict[str, Any]

    def __init__(self, id: str, type: str, props: dict[str, Any]) -> None:
        set_field(self, "id", id)
        set_field(self, "type", type)
        set_field(self, "props", props)

    def __getitem__(self, key: str) -> Any:
        return self.props[key]


class Ctx(Protocol):
    """The part of the render context blocks use (implemented in app/build/mjml_render.py)."""

    theme: Any
    column_width: float  # usable width of the current column, in px
    design: bool
    row_classes: tuple[str, ...]  # classes of the row being rendered (a hero carries them itself)

    def attrs(self, pairs: dict[str, Any], keep_empty: tuple[str, ...] = ()) -> str: ...
    def text(self, value: str) -> str: ...
    def rich(self, html: str, as_written: bool = False) -> str: ...
    def raw_html(self, html: str) -> str: ...
    def raw_mjml(self, mjml: str) -> str: ...
    def protect(self, value: str) -> str: ...
    def css_class(self, *classes: str) -> str | None: ...


# --- small pure helpers -------------------------------------------------------------------

# C0 controls but tab, LF and CR, DEL, and the non-characters U+FFFE/U+FFFF: no email client
# shows them, XML forbids most of them (lxml raises "All strings must be XML compatible") and
# MRML cannot parse a template that holds one ("unable to parse next template"). Escaping for
# MJML leaves them out, so a label holding one still builds.
_CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff"
_CONTROLS = re.compile(f"[{_CONTROL_CHARS}]")


def strip_controls(text: str) -> str:
    """`text` without the characters above (the same string when it has none, the usual case)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def escape_text(value: str) -> str:
    """Escape text for XML content (MJML text nodes); control characters are left out."""
    return strip_controls(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_WS = re.compile(r"[\r\n\t]+")
_ATTR_SPECIAL = re.compile(f'[\\r\\n\\t&<>"{_CONTROL_CHARS}]')


def escape_attr(value: str) -> str:
    """Escape an XML attribute value for a double-quoted attribute.

    MRML writes attribute values of raw HTML with Rust debug formatting, which turns a newline
    into the two characters `\\n` and `"` into `\\"`; writing newlines as spaces and `"` as
    `&quot;` is the form that survives (reference/hardening.md §10.1).
    """
    if not _ATTR_SPECIAL.search(value):
        return value  # most values (sizes, colours, classes) need nothing
    value = _WS.sub(" ", strip_controls(value))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_EXACT_INT = 2**53  # ints a float holds exactly: the fast path below gives what float() would


def px(value: float | int) -> str:
    """A CSS pixel length without a trailing `.0`."""
    if value.__class__ is int and -_EXACT_INT < value < _EXACT_INT:  # the usual case (a bool goes on)
        return f"{value}px"
    number = float(value)
    if number.is_integer():
        return f"{int(number)}px"
    return f"{number:.2f}".rstrip("0").rstrip(".") + "px"


def pad(top: float, right: float | None = None, bottom: float | None = None, left: float | None = None) -> str:
    """CSS padding shorthand in px (one to four values)."""
    if bottom is None and left is None:  # the usual `y x` (or one value): no list, no generator
        return px(top) if right is None else f"{px(top)} {px(right)}"
    parts = [top] + [v for v in (right, bottom, left) if v is not None]
    return " ".join(px(v) for v in parts)


_NEEDS_QUOTES = re.compile(r"[^A-Za-z0-9-]")  # compiled once: font_stack runs per block


def font_stack(stack: str) -> str:
    """Font family list with single-quoted names.

    MJML writes the value into `style="…"` unescaped, so a double quote would end the style
    attribute (hardening.md §10.1 point 9).
    """
    parts = [p.strip().strip("'\"") for p in stack.split(",") if p.strip()]
    out = []
    for p in parts:
        out.append(f"'{p}'" if _NEEDS_QUOTES.search(p) else p)
    return ", ".join(out)


def items_of(value: Any) -> list[dict[str, Any]]:
    """The records of an `items` field as plain dicts (pydantic models or dicts)."""
    out = []
    for item in value or []:
        out.append(item if isinstance(item, dict) else item.model_dump())
    return out


# --- fields several blocks share (all empty by default: the block writes what it always did) ---

SIDES = ("top", "right", "bottom", "left")


def side_fields(prefix: str = "padding", label: str = "Padding", limit: float = 120) -> tuple[Field, ...]:
    """Per-side overrides of a block's `{prefix}_y`/`{prefix}_x` (empty: those values)."""
    return tuple(
        Field(
            f"{prefix}_{side}",
            "number",
            f"{label} {side}",
            min=0,
            max=limit,
            unit="px",
            advanced=True,
            hint=f"empty: {label.lower()} {'top/bottom' if side in ('top', 'bottom') else 'left/right'}",
        )
        for side in SIDES
    )


@functools.cache
def _side_keys(prefix: str) -> tuple[str, ...]:
    """The prop names `{prefix}_y`, `{prefix}_x` and one per side, written once per prefix."""
    return (f"{prefix}_y", f"{prefix}_x", *(f"{prefix}_{side}" for side in SIDES))


def side_values(b: "BlockData", prefix: str = "padding") -> tuple[float, float, float, float]:
    """(top, right, bottom, left): each side's own value, else the symmetric one."""
    ky, kx, *sides = _side_keys(prefix)
    y, x = b.props[ky], b.props[kx]
    own = [b.props.get(key) for key in sides]
    return tuple(v if v is not None else (y if i % 2 == 0 else x) for i, v in enumerate(own))


def side_padding(b: "BlockData", prefix: str = "padding") -> str:
    """The padding shorthand: `y x` as always, or four values when a side has its own."""
    props = b.props
    ky, kx, top, right, bottom, left = _side_keys(prefix)
    get = props.get
    if get(top) is None and get(right) is None and get(bottom) is None and get(left) is None:
        return pad(props[ky], props[kx])
    return pad(*side_values(b, prefix))


CSS_CLASS = Field(
    "css_class",
    "text",
    "CSS class",
    default="",
    advanced=True,
    hint="class names for the email's own styles (head MJML)",
)

FONT_WEIGHTS = ("", "normal", "bold", "100", "200", "300", "400", "500", "600", "700", "800", "900")

# A line height as imported MJML writes it ("120%"): text, heading and button hold it, and write
# it back as a percent (see line_height_attr).
LINE_HEIGHT_PERCENT = Field(
    "line_height_percent",
    "number",
    "Line height (%)",
    min=50,
    max=300,
    unit="%",
    advanced=True,
    hint="in percent of the font size, as imported (120%); empty: the other line height",
)

# Text styling MJML's mj-text carries (text and heading blocks); MJML writes each on the text's box.
TEXT_STYLE_FIELDS = (
    Field("font_family", "text", "Font", default="", advanced=True, hint="a font stack; empty: the email's font"),
    Field("font_weight", "choice", "Weight", default="", choices=FONT_WEIGHTS, advanced=True),
    Field("font_style", "choice", "Style", default="", choices=("", "normal", "italic"), advanced=True),
    Field(
        "line_height_px",
        "number",
        "Line height (px)",
        min=1,
        max=200,
        unit="px",
        advanced=True,
        hint="a fixed line height; empty: the relative line height",
    ),
    LINE_HEIGHT_PERCENT,
    Field("letter_spacing", "number", "Letter spacing", min=-10, max=50, unit="px", advanced=True),
    Field(
        "text_transform",
        "choice",
        "Letter case",
        default="",
        choices=("", "none", "uppercase", "lowercase", "capitalize"),
        advanced=True,
    ),
    Field(
        "text_decoration",
        "choice",
        "Decoration",
        default="",
        choices=("", "none", "underline", "line-through"),
        advanced=True,
    ),
    Field(
        "background_color",
        "color",
        "Background colour",
        default="",
        advanced=True,
        hint="behind the block (its padding included)",
    ),
)


def line_height_attr(b: "BlockData", relative: str | None) -> str | None:
    """The line-height attribute: the fixed px one (where the block has it), else the percent
    one, else `relative`.

    A percent is written as such, not as the factor it equals: CSS passes a percent on to
    nested text as the length it makes, and a factor as a factor, so a larger span inside
    reads differently."""
    fixed, percent = b.props.get("line_height_px"), b["line_height_percent"]
    if fixed is not None:
        return px(fixed)
    if percent is not None:
        return f"{percent:g}%"
    return relative


def text_style_attrs(b: "BlockData") -> dict[str, Any]:
    """The mj-text attributes of TEXT_STYLE_FIELDS (None where a field is empty)."""
    p = b.props
    return {
        "font-family": font_stack(p["font_family"]) if p["font_family"] else None,
        "font-weight": p["font_weight"] or None,
        "font-style": p["font_style"] or None,
        "letter-spacing": px(p["letter_spacing"]) if p["letter_spacing"] is not None else None,
        "text-transform": p["text_transform"] or None,
        "text-decoration": p["text_decoration"] or None,
        "container-background-color": p["background_color"] or None,
    }
