"""Reading and writing `.mwt` files: strict JSON, migrations, located errors, atomic saves."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, cast

from ...blocks import REGISTRY
from ..messages import ShortMessage
from .plain import CURRENT_VERSION, FORMAT, read_plain

if TYPE_CHECKING:
    from .model import Document

# pydantic and the models are imported when a document needs them (the editor, a file the plain
# reader is unsure of): most of a command's start is imports (issue #16 point 4).

MAX_FILE_BYTES = 20 * 1024 * 1024
# A real template nests about 12 levels; deeper JSON loads but cannot be saved again
# (pydantic's serializer gives up near 300 levels), and ~1,000 levels overflow `json`.
MAX_JSON_DEPTH = 100
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class DocumentError(ShortMessage, ValueError):
    """A document that cannot be loaded; the message names the file and the place in it."""


# One pure function per format step: MIGRATIONS[n] turns a version-n dict into version n+1.
Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}


def migrate(
    data: dict[str, Any], source: str, migrations: dict[int, Migration] | None = None, current: int = CURRENT_VERSION
) -> dict[str, Any]:
    """Bring a document dict to the current format version, step by step."""
    steps = MIGRATIONS if migrations is None else migrations
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DocumentError(f"{source}: version: must be a whole number from 1 (found {version!r})")
    if version > current:
        raise DocumentError(
            f"{source}: this file was saved by a newer Mailwright (format version {version}; this one "
            f"reads up to {current}). Update Mailwright to open it; the file was not changed."
        )
    while version < current:
        step = steps.get(version)
        if step is None:
            raise DocumentError(f"{source}: no migration from format version {version}")
        data = step(dict(data))
        version += 1
        data["version"] = version
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a Mailwright file (JSON has no {name})")


def _check_depth(text: str, source: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit`, with a position, without recursing."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        c = m.group()
        if c == "[" or c == "{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                raise DocumentError(
                    f"{source}:{line}:{col}: invalid JSON: nested too deeply (more than {limit} levels)"
                )
        elif c == "]" or c == "}":
            depth -= 1


def parse_json(text: str, source: str) -> Any:
    """Strict JSON: duplicate keys, NaN/Infinity and absurd nesting are errors with a position."""
    _check_depth(text, source)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as e:
        raise DocumentError(f"{source}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except RecursionError:
        raise DocumentError(f"{source}: invalid JSON: nested too deeply") from None
    except ValueError as e:
        raise DocumentError(f"{source}: invalid JSON: {e}") from None


def json_path(loc: tuple[Any, ...]) -> str:
    """pydantic's error location as `rows[2].columns[0].blocks[1].props.width`."""
    out = ""
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = parts[i]
        if part == "[key]":  # a bad key of a dict (e.g. a variable name): the path already names it
            pass
        elif isinstance(part, int):
            out += f"[{part}]"
            # A discriminated union adds the block type to the location; users never wrote it.
            if i + 1 < len(parts) and parts[i + 1] in REGISTRY and i > 0 and parts[i - 1] == "blocks":
                i += 1
        elif part not in ("function-after", "function-before", "function-wrap") and not str(part).startswith(
            "function-"
        ):
            out += ("." if out else "") + str(part)
        i += 1
    return out


def _friendly(err: Mapping[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']}"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind == "missing":
        return "is required"
    if kind in ("string_type",):
        return "must be text"
    if kind == "string_unicode":
        # JSON lets a file write half of a character ("\\ud800"); no email can carry it.
        return "holds a broken character escape (a lone \\ud800–\\udfff); remove it or write the whole character"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind == "bool_type":
        return "must be true or false"
    if kind == "list_type":
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be an object"
    if kind == "string_pattern_mismatch":
        return f"has an invalid form (expected {ctx.get('pattern')})"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    if kind == "union_tag_invalid":
        return f"unknown block type {ctx.get('tag')!r}; known types: {', '.join(REGISTRY)}"
    if kind == "union_tag_not_found":
        return f'needs a "type" (one of: {", ".join(REGISTRY)})'
    return err["msg"].removeprefix("Value error, ")


def document_from_data(data: Any, source: str, *, plain: bool = False) -> Document:
    """The document in `data`, or DocumentError naming the JSON path of the first problem.

    `plain=True` is for readers that only build (the command line): a valid file comes back as
    the light nodes of plain.py, with no pydantic imported; the editor needs the real model."""
    if not isinstance(data, dict):
        raise DocumentError(f"{source}: not a Mailwright template (the file must hold a JSON object)")
    if data.get("format") != FORMAT:
        raise DocumentError(f'{source}: format: not a Mailwright template (expected "format": "{FORMAT}")')
    data = migrate(data, source)
    if plain:
        light = read_plain(data)
        if light is not None:
            # Duck-typed: the same attributes, model_dump and model_copy the build reads.
            return cast("Document", light)
    from pydantic import ValidationError

    from .model import Document

    try:
        return Document.model_validate(data)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        first = errors[0]
        path = json_path(first["loc"])
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        return_msg = f"{source}: {path + ': ' if path else ''}{_friendly(first)}{more}"
        raise DocumentError(return_msg) from None


def loads_document(text: str, source: str = "<document>", *, plain: bool = False) -> Document:
    if text.startswith("\ufeff"):
        text = text[1:]
    data = parse_json(text, source)
    if not isinstance(data, dict):
        from ..textpos import line_col

        line, col = line_col(text, len(text) - len(text.lstrip()))
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(type(data), "a number")
        raise DocumentError(
            f"{source}:{line}:{col}: not a Mailwright template: the file holds {kind}, "
            'and a template is a JSON object ({"format": "mailwright", …})'
        )
    return document_from_data(data, source, plain=plain)


def read_text_capped(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A text file's content, refusing files over the cap before reading them."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block for ever and /dev/zero never ends; stat says nothing of their size.
            raise DocumentError(f"{path}: not a regular file (a device, pipe or socket)")
        size = info.st_size
        if size > limit:
            raise DocumentError(f"{path}: the file is {size / 1_048_576:.1f} MB; the limit is {limit // 1_048_576} MB")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # the file may have grown since stat
        if len(data) > limit:
            raise DocumentError(f"{path}: the file is over the {limit // 1_048_576} MB limit")
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{path}: permission denied") from None
    except OSError as e:
        raise DocumentError(f"{path}: cannot be read ({e.strerror or e})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from ..encodings import EncodingError, decode_file

    try:
        return decode_file(data, str(path))
    except EncodingError as e:
        raise DocumentError(str(e)) from None


def load_document(path: str | Path, *, plain: bool = False) -> Document:
    """The document in a `.mwt` file (`plain`: see document_from_data)."""
    p = Path(path)
    try:
        return loads_document(read_text_capped(p), str(p), plain=plain)
    except DocumentError as e:
        # A damaged file: point at the previous version kept by the last save, when it loads
        # (bad-inputs.md row 34). A newer-version refusal is not damage: no hint then.
        bak = p.with_name(p.name + ".bak")
        if "newer Mailwright" in str(e) or not bak.is_file():
            raise
        try:
            loads_document(read_text_capped(bak), str(bak))
        except DocumentError:
            raise e from None
        raise DocumentError(f"{e} The previous version was kept as {bak}: open it to get your work back.") from None


def _whole_numbers(value: Any) -> Any:
    """Write 100.0 as 100: files stay as a person would write them and diff cleanly."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def dumps_document(doc: Document) -> str:
    """Pretty JSON with sorted keys, so files diff cleanly in git."""
    data = _whole_numbers(doc.model_dump(mode="json"))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def save_document(doc: Document, path: str | Path) -> None:
    """Atomic save with a `.bak` of the previous version (app/document/atomic.py)."""
    from .atomic import atomic_write_text

    text = dumps_document(doc)  # serialise fully before touching the disk
    atomic_write_text(path, text, backup=True)
