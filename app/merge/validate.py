"""Check every merge tag of a document where the user wrote it, before anything is compiled.

Errors name the file, the node and field, and the line and column inside the field, e.g.
`welcome.mwt: b7.props.text:1:12: unknown filter 'Next'`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...blocks import REGISTRY
from ...blocks.base import Field
from ..document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from .parser import parse, parse_expression, parse_repeat

if TYPE_CHECKING:
    from ..document.model import Document

_MARKUP_KINDS = ("richtext", "code")


def _check_value(value: Any, field: Field, where: str, scope: tuple[str, ...]) -> None:
    if isinstance(value, str):
        if "<<" not in value and "<%" not in value and "<#" not in value:
            return  # no tag, and no broken one: nothing the parser could object to
        parse(value, where, scope=scope, markup=field.kind in _MARKUP_KINDS)
    elif field.kind == "items" and isinstance(value, list):
        for i, item in enumerate(value):
            for sub in field.item_fields:
                sub_value = item.get(sub.name) if isinstance(item, dict) else getattr(item, sub.name, None)
                _check_value(sub_value, sub, f"{where}[{i}].{sub.name}", scope)


def _check_props(props: Any, fields: tuple[Field, ...], where: str, scope: tuple[str, ...]) -> None:
    for f in fields:
        value = getattr(props, f.name, None)
        # Most values are unset, or text without a tag: passed over before their JSON path is
        # written out (that string per field was most of this check on a large document).
        if value is None or (isinstance(value, str) and "<" not in value):
            continue
        _check_value(value, f, f"{where}.props.{f.name}", scope)


def validate_document(doc: Document, source: str) -> None:
    """Raise MergeSyntaxError for the first tag, condition or repeat outside the language."""
    for name, text in (("subject", doc.subject), ("preheader", doc.preheader)):
        parse(text, f"{source}: {name}")
    for row in doc.rows:
        scope: tuple[str, ...] = ()
        if row.condition:
            parse_expression(row.condition, f"{source}: {row.id}.condition")
        if row.repeat:
            var, _ = parse_repeat(row.repeat, f"{source}: {row.id}.repeat")
            scope += (var,)
        _check_props(row.props, ROW_FIELDS, f"{source}: {row.id}", scope)
        for column in row.columns:
            _check_props(column.props, COLUMN_FIELDS, f"{source}: {column.id}", scope)
            for block in column.blocks:
                block_scope = scope
                if block.condition:
                    parse_expression(block.condition, f"{source}: {block.id}.condition", scope=scope)
                if block.repeat:
                    var, _ = parse_repeat(block.repeat, f"{source}: {block.id}.repeat", scope=scope)
                    block_scope += (var,)
                if block.type == "line_items":
                    item = block.props.model_dump().get("item_name") or "item"
                    block_scope += (item,)
                _check_props(block.props, REGISTRY[block.type].fields, f"{source}: {block.id}", block_scope)
