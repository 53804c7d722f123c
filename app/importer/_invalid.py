"""An imported document the model refuses, said in Mailwright's words rather than pydantic's.

Importers build a document's data and validate it at the end. What fails there is nearly
always a size limit the source went over (a 4 MB HTML email in one block): the user needs the
place, the size, the limit and what to do, not "String should have at most 2000000 characters".
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ...blocks import REGISTRY
from ._source import ImportFailed

# what a text holds, by the name of the prop or setting, for "would hold 4.1 MB of HTML"
_CONTENT = {"html": "HTML", "mjml": "MJML", "inline_css": "CSS", "head_mjml": "MJML"}
_SETTINGS = {
    "inline_css": "the style sheet carried from the head",
    "head_mjml": "the MJML head (styles and attributes)",
}


def _mb(chars: int) -> str:
    return f"{chars / 1_000_000:.1f}".removesuffix(".0") + " MB"


def _place(data: Any, loc: tuple[Any, ...]) -> tuple[str, str, str]:
    """(what holds the value, e.g. "the HTML block 'b1'", what it holds, e.g. "HTML", and what
    the limit is for, e.g. "a block")."""
    name = str(loc[-1]) if loc else ""
    current, block = data, None
    for part in loc:
        if isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            continue  # a step pydantic adds (a union's tag) that the data does not have
        if isinstance(current, dict) and current.get("type") in REGISTRY and "id" in current:
            block = current
    content = _CONTENT.get(name, "text")
    if block is not None:
        return f"the {REGISTRY[block['type']].label} block {block['id']!r}", content, "a block"
    if loc[:1] == ("settings",) and name in _SETTINGS:
        return _SETTINGS[name], content, "it"
    return f"the {name or 'document'}", content, "it"


def invalid_document(error: ValidationError, data: Any, source: str) -> ImportFailed:
    """The first problem of an imported document's data, with its place and what to do."""
    from ..document.storage import _friendly, json_path

    first = error.errors(include_url=False)[0]
    loc, value = tuple(first["loc"]), first.get("input")
    if first["type"] == "string_too_long" and isinstance(value, str):
        limit = int(first.get("ctx", {}).get("max_length", 0))
        holder, content, per = _place(data, loc)
        if limit >= 1_000_000:
            return ImportFailed(
                f"{source}: {holder} would hold {_mb(len(value))} of {content} ({len(value):,} characters); "
                f"{per} holds at most {_mb(limit)} ({limit:,} characters): split the email into smaller "
                "files and import each, or remove what it does not need (inline images, comments)"
            )
        return ImportFailed(
            f"{source}: {holder} would hold {len(value):,} characters; at most {limit:,} "
            "are allowed: shorten it in the source and import again"
        )
    path = json_path(loc)
    return ImportFailed(
        f"{source}: the imported document is not valid at {path or 'its top level'}: "
        f"{_friendly(first)} (please report this: an import should always give a valid document)"
    )


def props_problem(error: ValidationError) -> str:
    """`props.width: must be at most 600` for a block's props an importer tried to fill."""
    from ..document.storage import _friendly, json_path

    first = error.errors(include_url=False)[0]
    path = json_path(tuple(first["loc"]))
    return f"{path}: {_friendly(first)}" if path else _friendly(first)
