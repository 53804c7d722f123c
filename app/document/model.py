"""The document model: email > rows > columns > blocks (DESIGN.md §2), validated with pydantic.

Props store only overrides: every prop is optional and `None` means "the block's default or
the theme's value". Unknown keys anywhere survive a load/save round trip (`extra="allow"`).
"""

from __future__ import annotations

import functools
import gc
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Union

# Importing pydantic and building the models below make tens of thousands of objects that all
# live on: the collector would walk them again and again, meanwhile and in every later full
# collection. It is off until the end of this module, which then moves them out of its reach
# (gc.freeze; ~8 ms of a start).
_COLLECTING = gc.isenabled()
gc.disable()

from pydantic import (  # noqa: E402 - after the collector is paused
    BaseModel,
    ConfigDict,
    Discriminator,
    Field as PField,
    StrictBool,
    StrictInt,
    create_model,
    field_validator,
    model_serializer,
    model_validator,
)

from ...blocks import REGISTRY  # noqa: E402
from ...blocks.base import BlockSpec, Field  # noqa: E402
from .layout_fields import COLUMN_FIELDS, ROW_FIELDS  # noqa: E402

# The format's constants, the colour rule and resolve_fields live in the pydantic-free reader
# (plain.py), so the two readers share one copy of each.
from .plain import (  # noqa: E402
    BlockWays,
    DocumentWays,
    RowWays,
    CURRENT_VERSION,
    FORMAT,
    ID_PATTERN,
    MAX_TEXT,
    color_value as _color_check,
    resolve_fields,
)

__all__ = ["CURRENT_VERSION", "FORMAT", "ID_PATTERN", "MAX_TEXT", "resolve_fields"]


# --- props models generated from field declarations ---------------------------------------


class Props(BaseModel):
    """Base of generated props models: None-valued fields are not written (only overrides)."""

    model_config = ConfigDict(extra="allow")

    if TYPE_CHECKING:
        # The fields are made at run time from the block's declarations: mypy cannot see them.
        def __getattr__(self, name: str) -> Any: ...

    @model_serializer(mode="wrap")
    def _drop_unset(self, handler: Any) -> dict[str, Any]:
        # Only declared fields are dropped when unset; an unknown key keeps even a null value.
        declared = type(self).model_fields
        return {k: v for k, v in handler(self).items() if v is not None or k not in declared}


def _annotation(f: Field) -> Any:
    if f.kind == "items":
        return list[props_model(f"Item_{f.name}", f.item_fields)]  # type: ignore[misc]  # a model made at run time
    return _plain_annotation(f.kind, f.choices, f.integer, f.min, f.max)


@functools.lru_cache(maxsize=None)
def _plain_annotation(kind: str, choices: tuple[str, ...], integer: bool, low: float | None, high: float | None) -> Any:
    # Made once per distinct field shape (~20 for ~180 fields): typing objects are slow to make.
    if kind in ("text", "multiline", "richtext", "code", "url", "image"):
        return Annotated[str, PField(max_length=MAX_TEXT)]
    if kind == "color":
        return str
    if kind == "bool":
        return StrictBool
    if kind == "choice":
        return Literal[choices]
    if kind == "number":
        # int | float keeps a hand-written 50 as 50 in the file (no "50.0" diff noise).
        base = int if integer else Union[StrictInt, float]
        return Annotated[base, PField(ge=low, le=high)]
    raise ValueError(f"unknown field kind {kind!r}")


def props_model(name: str, fields: tuple[Field, ...]) -> type[Props]:
    """A pydantic model for a set of fields, every field optional (None = not overridden)."""
    definitions: dict[str, Any] = {f.name: (Optional[_annotation(f)], None) for f in fields}
    validators = {}
    colors = [f.name for f in fields if f.kind == "color"]
    if colors:
        validators["_colors"] = field_validator(*colors)(_color_check)
    return create_model(name, __base__=Props, __validators__=validators, **definitions)


# --- nodes ----------------------------------------------------------------------------------


class Node(BaseModel):
    model_config = ConfigDict(extra="allow")


NodeId = Annotated[str, PField(pattern=ID_PATTERN)]


class BlockBase(BlockWays, Node):
    id: NodeId
    type: str
    props: Props
    condition: Optional[str] = None
    repeat: Optional[str] = None


def _block_model(spec: BlockSpec) -> type[BlockBase]:
    props = props_model(f"{spec.type.title().replace('_', '')}Props", spec.fields)
    return create_model(
        f"{spec.type.title().replace('_', '')}Block",
        __base__=BlockBase,
        type=(Literal[spec.type], ...),  # type: ignore[arg-type]  # a Literal built at run time
        props=(props, PField(default_factory=props)),
    )


BLOCK_MODELS: dict[str, type[BlockBase]] = {t: _block_model(s) for t, s in REGISTRY.items()}
if TYPE_CHECKING:
    # Models built at run time: mypy sees their common bases.
    AnyBlock = BlockBase
    RowProps = Props
    ColumnProps = Props
else:
    AnyBlock = Annotated[Union[tuple(BLOCK_MODELS.values())], Discriminator("type")]
    RowProps = props_model("RowProps", ROW_FIELDS)
    ColumnProps = props_model("ColumnProps", COLUMN_FIELDS)


class Column(Node):
    id: NodeId
    width: Annotated[Union[StrictInt, float], PField(gt=0, le=100)] = 100
    props: ColumnProps = PField(default_factory=ColumnProps)
    blocks: list[AnyBlock] = PField(default_factory=list)


class Row(RowWays, Node):
    id: NodeId
    props: RowProps = PField(default_factory=RowProps)
    condition: Optional[str] = None
    repeat: Optional[str] = None
    columns: Annotated[list[Column], PField(min_length=1, max_length=4)]

    @model_validator(mode="after")
    def _layout_rules(self) -> "Row":
        total = sum(c.width for c in self.columns)
        if abs(total - 100) > 0.5:
            raise ValueError(f"column widths must add up to 100 (they add up to {total:g})")
        for column in self.columns:
            for block in column.blocks:
                if block.fills_row and (len(self.columns) > 1 or len(column.blocks) > 1):
                    raise ValueError(
                        f"block {block.id!r} ({block.spec.label}) fills its row: it must be the only "
                        "block in a one-column row"
                    )
        return self


class Settings(Node):
    width: Annotated[int, PField(ge=320, le=1200)] = 600
    theme: str = "classic"
    lang: Annotated[str, PField(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    dir: Literal["ltr", "rtl"] = "ltr"
    # Theme overrides (None: the theme's value). Keys match themes.OVERRIDES.
    primary_color: Optional[str] = None
    text_color: Optional[str] = None
    heading_color: Optional[str] = None
    link_color: Optional[str] = None
    background_color: Optional[str] = None
    content_background: Optional[str] = None
    font_family: Optional[Annotated[str, PField(max_length=300)]] = None
    heading_font_family: Optional[Annotated[str, PField(max_length=300)]] = None
    font_size: Optional[Annotated[int, PField(ge=8, le=32)]] = None
    # CSS the author wants inlined into the HTML (premailer runs only when there is some).
    inline_css: Optional[Annotated[str, PField(max_length=MAX_TEXT)]] = None
    # A transactional email needs no unsubscribe link (used by checks).
    transactional: StrictBool = False
    # Raw MJML kept for mj-head (from an imported file: mj-attributes, mj-class, mj-style,
    # mj-font, mj-breakpoint); written after the theme's own head elements.
    head_mjml: Optional[Annotated[str, PField(max_length=MAX_TEXT)]] = None

    _colors = field_validator(
        "primary_color", "text_color", "heading_color", "link_color", "background_color", "content_background"
    )(_color_check)

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, v: str) -> str:
        from ...themes import available_themes

        if v not in available_themes():
            raise ValueError(f"unknown theme {v!r}; available themes: {', '.join(available_themes())}")
        return v

    @model_serializer(mode="wrap")
    def _drop_unset(self, handler: Any) -> dict[str, Any]:
        declared = type(self).model_fields
        return {k: v for k, v in handler(self).items() if v is not None or k not in declared}


class Document(DocumentWays, Node):
    format: Literal["mailwright"] = FORMAT
    version: int = CURRENT_VERSION
    subject: Annotated[str, PField(max_length=2000)] = ""
    preheader: Annotated[str, PField(max_length=2000)] = ""
    settings: Settings = PField(default_factory=Settings)
    variables: dict[Annotated[str, PField(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], str] = PField(default_factory=dict)
    rows: list[Row] = PField(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Document":
        seen: dict[str, str] = {}
        for path, node in self.iter_node_paths():
            if node.id in seen:
                raise ValueError(
                    f"{path}.id: id {node.id!r} is used twice (also at {seen[node.id]}.id); "
                    "every row, column and block needs its own id"
                )
            seen[node.id] = path
        return self


gc.freeze()
if _COLLECTING:
    gc.enable()


def new_id(doc: Document, prefix: str) -> str:
    """A short id (`b7`, `r3`, …) not yet used in the document; stable once assigned."""
    used = {n.id for n in doc.iter_nodes()}
    n = 1 + max((int(i[len(prefix) :]) for i in used if i.startswith(prefix) and i[len(prefix) :].isdigit()), default=0)
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def make_block(block_type: str, block_id: str, **props: Any) -> BlockBase:
    """A block of a registered type with the given prop overrides."""
    return BLOCK_MODELS[block_type].model_validate({"id": block_id, "type": block_type, "props": props})
