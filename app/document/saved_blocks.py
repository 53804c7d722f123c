"""Saved blocks: a block or row kept in the user data folder for reuse (issue 4, item 7).

Each saved item is one file, ``<data dir>/saved_blocks/<slug>.json``::

    {"format": "mailwright-saved-block", "version": 1,
     "name": "Footer with social links", "kind": "block" | "row",
     "created": "2025-05-01T09:30:00+00:00", "node": {...block or row JSON...}}

written atomically. Names are what the user sees (unique, compared without case); slugs
are derived from them, safe as file names on every OS. The palette lists :func:`list_saved`;
dropping one runs :func:`insert_command`, which gives the copy fresh ids.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text
from ..paths import data_dir
from .clipboard import _paste, _select
from .commands import Command, CommandError, block_from_json, dump, fresh_ids, row_from_json
from .model import BlockBase, Document
from .storage import DocumentError, parse_json
from ..messages import ShortMessage

__all__ = [
    "SAVED_FORMAT",
    "SAVED_VERSION",
    "SavedBlock",
    "SavedBlockError",
    "delete_saved",
    "get_saved",
    "insert_command",
    "list_saved",
    "rename",
    "rename_saved",
    "save_block",
    "saved_blocks_dir",
    "slugify",
    "validate_name",
]

SAVED_FORMAT = "mailwright-saved-block"
SAVED_VERSION = 1
MAX_NAME = 80
_MAX_FILE_BYTES = 20 * 1024 * 1024
_SLUG_MAX = 60
# File names Windows refuses whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class SavedBlockError(ShortMessage, ValueError):
    """A saved-block operation that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class SavedBlock:
    name: str
    kind: str  # "block" | "row"
    created: str  # ISO 8601, UTC
    node: dict[str, Any] = field(repr=False)
    path: Path | None = None

    @property
    def slug(self) -> str:
        return self.path.stem if self.path else slugify(self.name)

    @property
    def block_type(self) -> str | None:
        """The block's type (for the palette icon); None for a row."""
        return self.node.get("type") if self.kind == "block" else None

    def to_json(self) -> str:
        data = {
            "format": SAVED_FORMAT,
            "version": SAVED_VERSION,
            "name": self.name,
            "kind": self.kind,
            "created": self.created,
            "node": self.node,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def saved_blocks_dir() -> Path:
    return data_dir() / "saved_blocks"


# --- names ---------------------------------------------------------------------------------------


def validate_name(name: str) -> str:
    """The name as stored (trimmed, inner whitespace collapsed); SavedBlockError if unusable."""
    if not isinstance(name, str):
        raise SavedBlockError("a saved block needs a name")
    cleaned = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", name)).split())
    if not cleaned:
        raise SavedBlockError("a saved block needs a name")
    if len(cleaned) > MAX_NAME:
        raise SavedBlockError(f"the name is too long (at most {MAX_NAME} characters)")
    return cleaned


def slugify(name: str) -> str:
    """A file-name-safe slug: lowercase ASCII letters, digits and '-', never empty or reserved."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:_SLUG_MAX].strip("-")
    if not slug:
        # Names in scripts without an ASCII spelling: a stable hash keeps them apart.
        slug = "block-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    if slug in _RESERVED:
        slug += "-block"
    return slug


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _free_path(folder: Path, name: str) -> Path:
    base = slugify(name)
    path = folder / f"{base}.json"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.json"
        n += 1
    return path


# --- reading ------------------------------------------------------------------------------------


def _load(path: Path) -> SavedBlock:
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise SavedBlockError(f"{path.name}: the file is too large")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SavedBlockError(f"{path.name}: not UTF-8 text") from None
    except OSError as e:
        raise SavedBlockError(f"{path.name}: cannot be read ({e.strerror or e})") from None
    try:
        data = parse_json(text.lstrip("\ufeff"), path.name)
    except DocumentError as e:
        raise SavedBlockError(str(e)) from None
    if not isinstance(data, dict) or data.get("format") != SAVED_FORMAT:
        raise SavedBlockError(f"{path.name}: not a Mailwright saved block")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > SAVED_VERSION:
        raise SavedBlockError(f"{path.name}: saved by a newer Mailwright (version {version!r})")
    name, kind, created, node = data.get("name"), data.get("kind"), data.get("created"), data.get("node")
    if not isinstance(name, str) or not name.strip():
        raise SavedBlockError(f"{path.name}: name: is required")
    if kind not in ("block", "row"):
        raise SavedBlockError(f'{path.name}: kind: must be "block" or "row"')
    if not isinstance(node, dict):
        raise SavedBlockError(f"{path.name}: node: must be an object")
    try:
        _validate_node(kind, node)
    except CommandError as e:
        raise SavedBlockError(f"{path.name}: node: {e}") from None
    return SavedBlock(name=name, kind=kind, created=created if isinstance(created, str) else "", node=node, path=path)


def _validate_node(kind: str, node: dict[str, Any]) -> None:
    try:
        if kind == "block":
            if "columns" in node or "blocks" in node:
                raise CommandError("a row or column where a block was expected")
            block_from_json({**node, "id": "b1"})
        else:
            row_from_json(fresh_ids(Document(), node))
    except (KeyError, TypeError, AttributeError):
        raise CommandError(f"not a valid {kind}") from None


def list_saved(errors: list[str] | None = None) -> list[SavedBlock]:
    """Every saved block, sorted by name. Unreadable files are skipped; pass a list as
    `errors` to receive one message per skipped file."""
    folder = saved_blocks_dir()
    try:
        paths = sorted(p for p in folder.glob("*.json") if p.is_file())
    except OSError:
        return []
    out: list[SavedBlock] = []
    for path in paths:
        try:
            out.append(_load(path))
        except SavedBlockError as e:
            if errors is not None:
                errors.append(str(e))
    out.sort(key=lambda s: (_key(s.name), s.slug))
    return out


def get_saved(name: str) -> SavedBlock:
    key = _key(name.strip()) if isinstance(name, str) else None
    for saved in list_saved():
        if _key(saved.name) == key:
            return saved
    raise SavedBlockError(f"no saved block named {name!r}")


def _check_unique(name: str, ignore: Path | None = None) -> None:
    for saved in list_saved():
        if _key(saved.name) == _key(name) and saved.path != ignore:
            raise SavedBlockError(f"a saved block named {saved.name!r} already exists; choose another name")


# --- writing ------------------------------------------------------------------------------------


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def save_block(doc: Document, node_id: str, name: str) -> SavedBlock:
    """Save a block or a row of `doc` under `name` (a hero block is saved as its row)."""
    clean = validate_name(name)
    sel = _select(doc, [node_id])
    node = sel.nodes[0]
    kind = "block" if sel.kind == "blocks" and isinstance(node, BlockBase) else "row"
    folder = saved_blocks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _check_unique(clean)
    path = _free_path(folder, clean)
    saved = SavedBlock(name=clean, kind=kind, created=_now(), node=dump(node), path=path)
    atomic_write_text(path, saved.to_json(), backup=False)
    return saved


def _resolve(saved: SavedBlock | str) -> SavedBlock:
    if isinstance(saved, SavedBlock):
        if saved.path is not None and saved.path.exists():
            return saved
        return get_saved(saved.name)
    return get_saved(saved)


def delete_saved(name: SavedBlock | str) -> None:
    """Delete a saved block by name (or SavedBlock); SavedBlockError if there is none."""
    saved = _resolve(name)
    assert saved.path is not None  # a resolved block is one read from its file
    try:
        saved.path.unlink()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise SavedBlockError(f"could not delete {saved.name!r}: {e.strerror or e}") from None


def rename_saved(old: SavedBlock | str, new_name: str) -> SavedBlock:
    """Give a saved block a new name (its file gets the matching slug)."""
    saved = _resolve(old)
    assert saved.path is not None  # a resolved block is one read from its file
    clean = validate_name(new_name)
    _check_unique(clean, ignore=saved.path)
    folder = saved.path.parent
    target = saved.path if slugify(clean) == slugify(saved.name) else _free_path(folder, clean)
    renamed = SavedBlock(name=clean, kind=saved.kind, created=saved.created, node=saved.node, path=target)
    # The new file is complete before the old one goes: a failure never loses the block.
    atomic_write_text(target, renamed.to_json(), backup=False)
    if target != saved.path:
        try:
            saved.path.unlink()
        except FileNotFoundError:
            pass
    return renamed


rename = rename_saved


def insert_command(doc: Document, saved: SavedBlock | str, target_id: str | None = None) -> Command:
    """A command inserting a copy of a saved block or row (fresh ids), placed like Paste:
    a block after the selected block / at the end of the selected column / in a new row
    after the selected row; a row after the selected row or at the end."""
    item = saved if isinstance(saved, SavedBlock) else get_saved(saved)
    try:
        _validate_node(item.kind, item.node)
    except CommandError as e:
        raise CommandError(f"the saved block {item.name!r} is damaged: {e}") from None
    kind = "blocks" if item.kind == "block" else "rows"
    return _paste(doc, kind, [item.node], target_id, f"Insert {item.name}")
