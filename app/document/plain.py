"""A pydantic-free reader for documents that are valid as written, for the command line.

Importing pydantic and building the document models is most of a `mailwright build`'s start
(issue #16 point 4). A file the editor saved is valid and needs none of pydantic's conversions,
so this reader checks it against the same rules (DESIGN.md §2) in plain Python and gives light
nodes with the attributes the build reads. It accepts a strict subset of what the model accepts:
anything it is not sure of (a wrong type, a value pydantic would convert, a broken rule) makes
it answer None, and the caller validates with the pydantic model, which then gives the message
or the converted document. tests/property/test_plain_reader.py holds the two readers to the
same result.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from ...blocks import REGISTRY
from ...blocks.base import BlockSpec, Field
from .layout_fields import COLUMN_FIELDS, ROW_FIELDS

FORMAT: Final = "mailwright"
CURRENT_VERSION = 1
MAX_TEXT = 2_000_000  # characters in one prop; a guard against absurd files, not a style rule

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,31}$"
COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|transparent|<<.*>>)$", re.S)
MERGE = re.compile(r"^<<.*>>$", re.S)

# pydantic checks patterns with Rust's regex, where `$` is the end of the text (Python's `$`
# also matches before a final newline): fullmatch without the anchors is the same test.
_ID = re.compile(ID_PATTERN[1:-1])
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
# pydantic refuses a string holding a lone surrogate (JSON allows "\ud800"): leave it to it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_KINDS = frozenset(("text", "multiline", "richtext", "code", "url", "image"))
_MISSING = object()  # a key the file leaves out, told from an explicit null


class Unsure(Exception):
    """Raised inside the reader: this input is for the pydantic model to judge."""


def resolve_fields(fields: tuple[Field, ...], props: Any, theme: Any) -> dict[str, Any]:
    """Every field's value: the override if set, else the theme's value, else the default."""
    # The model's own field storage, not model_dump(): a dump per node was a tenth of a
    # large build (pydantic v2 keeps declared fields in __dict__, extras elsewhere; so do the
    # light props below).
    values = props if isinstance(props, dict) else props.__dict__
    out: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.name)
        if value is None:
            value = theme.get(f.theme) if f.theme else f.default
        if f.kind == "items":
            value = [resolve_fields(f.item_fields, item, theme) for item in (value or ())]
        out[f.name] = value
    return out


def color_value(v: Any) -> Any:
    """The colour rule of every colour field: #rgb/#rrggbb/transparent/a merge tag, lower-cased."""
    if isinstance(v, str) and v != "" and not COLOR.match(v):
        raise ValueError(f"must be a colour like #1a2b3c (or transparent), not {v!r}")
    return v.lower() if isinstance(v, str) and not MERGE.match(v) else v


# --- what a block, a row and a document answer, for the pydantic model and the light nodes ---


class BlockWays:
    # Declared for mypy only: at run time an annotation here would become a pydantic field.
    if TYPE_CHECKING:
        type: str
        props: Any

    @property
    def spec(self) -> BlockSpec:
        return REGISTRY[self.type]

    @property
    def fills_row(self) -> bool:
        """Rendered instead of its row's section: a hero, or raw MJML written at body level."""
        return self.spec.placement == "row" or bool(getattr(self.props, "fills_row", None))


class RowWays:
    if TYPE_CHECKING:
        columns: Any

    @property
    def hero(self) -> Any:
        """The row-level block this row holds, if any."""
        blocks = self.columns[0].blocks
        if len(self.columns) == 1 and len(blocks) == 1 and blocks[0].fills_row:
            return blocks[0]
        return None


class DocumentWays:
    if TYPE_CHECKING:
        rows: Any

    def iter_node_paths(self) -> Iterator[tuple[str, Any]]:
        """(JSON path, node) for every row, column and block, in document order."""
        for r, row in enumerate(self.rows):
            yield f"rows[{r}]", row
            for c, column in enumerate(row.columns):
                yield f"rows[{r}].columns[{c}]", column
                for b, block in enumerate(column.blocks):
                    yield f"rows[{r}].columns[{c}].blocks[{b}]", block

    def iter_nodes(self) -> Iterator[Any]:
        for row in self.rows:
            yield row
            for column in row.columns:
                yield column
                yield from column.blocks

    def iter_blocks(self) -> Iterator[Any]:
        for row in self.rows:
            for column in row.columns:
                yield from column.blocks

    def find(self, node_id: str) -> Any:
        for node in self.iter_nodes():
            if node.id == node_id:
                return node
        return None


# --- light nodes --------------------------------------------------------------------------


def _dump(value: Any) -> Any:
    if isinstance(value, _Light):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


class _Light:
    """What the build uses of a pydantic node: attributes, model_dump() and model_copy()."""

    _declared: tuple[str, ...] = ()
    _drop_none = False  # Settings and props write only what is set

    def __init__(self, values: dict[str, Any], extra: dict[str, Any]) -> None:
        self.__dict__.update(values)
        object.__setattr__(self, "_mw_extra", extra)

    def __getattr__(self, name: str) -> Any:
        # Only reached when the attribute is not declared: an unknown key of the file.
        extra = self.__dict__.get("_mw_extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    def _names(self) -> tuple[str, ...]:
        return self._declared

    def model_dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self._names():
            value = self.__dict__[name]
            if value is None and self._drop_none:
                continue
            out[name] = _dump(value)
        for key, value in self._mw_extra.items():
            out[key] = _dump(value)
        return out

    def model_dump_json(self) -> str:
        return json.dumps(self.model_dump(), ensure_ascii=False, separators=(",", ":"))

    def model_copy(self, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        clone = copy.deepcopy(self) if deep else copy.copy(self)
        clone.__dict__.update(update or {})
        return clone


class LightProps(_Light):
    _drop_none = True

    def __init__(self, names: tuple[str, ...], values: dict[str, Any], extra: dict[str, Any]) -> None:
        super().__init__(values, extra)
        object.__setattr__(self, "_mw_names", names)

    def _names(self) -> tuple[str, ...]:
        return self._mw_names


class LightSettings(_Light):
    _drop_none = True
    _declared = (
        "width",
        "theme",
        "lang",
        "dir",
        "primary_color",
        "text_color",
        "heading_color",
        "link_color",
        "background_color",
        "content_background",
        "font_family",
        "heading_font_family",
        "font_size",
        "inline_css",
        "transactional",
        "head_mjml",
    )


class LightBlock(BlockWays, _Light):
    _declared = ("id", "type", "props", "condition", "repeat")


class LightColumn(_Light):
    _declared = ("id", "width", "props", "blocks")


class LightRow(RowWays, _Light):
    _declared = ("id", "props", "condition", "repeat", "columns")


class LightDocument(DocumentWays, _Light):
    _declared = ("format", "version", "subject", "preheader", "settings", "variables", "rows")


# --- the checks ---------------------------------------------------------------------------


def _text(value: Any, limit: int | None) -> str:
    if type(value) is not str or (limit is not None and len(value) > limit) or _SURROGATE.search(value):
        raise Unsure
    return value


def _optional_text(value: Any, limit: int | None = MAX_TEXT) -> str | None:
    return None if value is None else _text(value, limit)


def _color(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return color_value(_text(value, MAX_TEXT))
    except ValueError:
        raise Unsure from None


def _number(value: Any, f: Field) -> Any:
    kind = type(value)
    if kind is int:
        if not (-(2**63) <= value < 2**63):  # pydantic's int is 64-bit unless it must be bigger
            raise Unsure
    elif kind is not float or f.integer or not math.isfinite(value):
        raise Unsure
    if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
        raise Unsure
    return value


def _field_value(value: Any, f: Field) -> Any:
    if value is None:
        return None
    kind = f.kind
    if kind in _TEXT_KINDS:
        return _text(value, MAX_TEXT)
    if kind == "color":
        return _color(value)
    if kind == "bool":
        if type(value) is not bool:
            raise Unsure
        return value
    if kind == "choice":
        if type(value) is not str or value not in f.choices:
            raise Unsure
        return value
    if kind == "number":
        return _number(value, f)
    if kind == "items":
        if type(value) is not list:
            raise Unsure
        return [_props(item, f.item_fields) for item in value]
    raise Unsure


def _props(data: Any, fields: tuple[Field, ...]) -> LightProps:
    if type(data) is not dict:
        raise Unsure  # a null props or item too: pydantic refuses it
    values: dict[str, Any] = {}
    for f in fields:
        values[f.name] = _field_value(data.get(f.name), f)
    names = tuple(f.name for f in fields)
    extra = {k: v for k, v in data.items() if k not in values}
    return LightProps(names, values, extra)


def _split(data: Any, declared: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    if type(data) is not dict:
        raise Unsure
    return data, {k: v for k, v in data.items() if k not in declared}


def _node_id(value: Any) -> str:
    if type(value) is not str or not _ID.fullmatch(value):
        raise Unsure
    return value


def _block(data: Any) -> LightBlock:
    data, extra = _split(data, LightBlock._declared)
    block_type = data.get("type")
    if type(block_type) is not str or block_type not in REGISTRY:
        raise Unsure
    values = {
        "id": _node_id(data.get("id")),
        "type": block_type,
        "props": _props(data.get("props", {}), REGISTRY[block_type].fields),
        "condition": _optional_text(data.get("condition"), None),
        "repeat": _optional_text(data.get("repeat"), None),
    }
    return LightBlock(values, extra)


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise Unsure
    return value


def _column(data: Any) -> LightColumn:
    data, extra = _split(data, LightColumn._declared)
    width = data.get("width", 100)
    if type(width) not in (int, float) or not (0 < width <= 100):
        raise Unsure
    values = {
        "id": _node_id(data.get("id")),
        "width": width,
        "props": _props(data.get("props", {}), COLUMN_FIELDS),
        "blocks": [_block(b) for b in _list(data.get("blocks", []))],
    }
    return LightColumn(values, extra)


def _row(data: Any) -> LightRow:
    data, extra = _split(data, LightRow._declared)
    columns = [_column(c) for c in _list(data.get("columns"))]
    if not 1 <= len(columns) <= 4 or abs(sum(c.width for c in columns) - 100) > 0.5:
        raise Unsure
    for column in columns:
        for block in column.blocks:
            if block.fills_row and (len(columns) > 1 or len(column.blocks) > 1):
                raise Unsure
    values = {
        "id": _node_id(data.get("id")),
        "props": _props(data.get("props", {}), ROW_FIELDS),
        "condition": _optional_text(data.get("condition"), None),
        "repeat": _optional_text(data.get("repeat"), None),
        "columns": columns,
    }
    return LightRow(values, extra)


def _settings(data: Any) -> LightSettings:
    from ...themes import available_themes

    data, extra = _split({} if data is _MISSING else data, LightSettings._declared)
    width = data.get("width", 600)
    theme = data.get("theme", "classic")
    lang = data.get("lang", "en")
    direction = data.get("dir", "ltr")
    font_size = data.get("font_size")
    transactional = data.get("transactional", False)
    if type(width) is not int or not 320 <= width <= 1200:
        raise Unsure
    if type(theme) is not str or theme not in available_themes():
        raise Unsure
    if type(lang) is not str or not _LANG.fullmatch(lang):
        raise Unsure
    if direction not in ("ltr", "rtl") or type(direction) is not str:
        raise Unsure
    if font_size is not None and (type(font_size) is not int or not 8 <= font_size <= 32):
        raise Unsure
    if type(transactional) is not bool:
        raise Unsure
    values = {
        "width": width,
        "theme": theme,
        "lang": lang,
        "dir": direction,
        "primary_color": _color(data.get("primary_color")),
        "text_color": _color(data.get("text_color")),
        "heading_color": _color(data.get("heading_color")),
        "link_color": _color(data.get("link_color")),
        "background_color": _color(data.get("background_color")),
        "content_background": _color(data.get("content_background")),
        "font_family": _optional_text(data.get("font_family"), 300),
        "heading_font_family": _optional_text(data.get("heading_font_family"), 300),
        "font_size": font_size,
        "inline_css": _optional_text(data.get("inline_css")),
        "transactional": transactional,
        "head_mjml": _optional_text(data.get("head_mjml")),
    }
    return LightSettings(values, extra)


def read_plain(data: dict[str, Any]) -> LightDocument | None:
    """The document, when `data` (migrated) is valid as written; None means "ask pydantic"."""
    try:
        return _document(data)
    except (Unsure, RecursionError):
        return None


def _document(data: dict[str, Any]) -> LightDocument:
    data, extra = _split(data, LightDocument._declared)
    version = data.get("version", CURRENT_VERSION)
    if data.get("format", FORMAT) != FORMAT or type(version) is not int:
        raise Unsure
    variables = data.get("variables", {})
    if type(variables) is not dict:
        raise Unsure
    for name, value in variables.items():
        if not _VARIABLE.fullmatch(name) or type(value) is not str or _SURROGATE.search(value + name):
            raise Unsure
    settings = data.get("settings", _MISSING)
    if settings is None:
        raise Unsure
    values = {
        "format": FORMAT,
        "version": version,
        "subject": _text(data.get("subject", ""), 2000),
        "preheader": _text(data.get("preheader", ""), 2000),
        "settings": _settings(settings),
        "variables": variables,
        "rows": [_row(r) for r in _list(data.get("rows", []))],
    }
    doc = LightDocument(values, extra)
    seen: set[str] = set()
    for node in doc.iter_nodes():
        if node.id in seen:
            raise Unsure
        seen.add(node.id)
    return doc
