"""Copy, cut, paste and duplicate of blocks and rows (issue 4, item 6), without Qt.

The clipboard carries three forms of the same selection:

* our JSON under :data:`MIME_TYPE` (``{"format": "mailwright-nodes", "version": 1,
  "kind": "blocks"|"rows", "nodes": [...]}``), which pastes back into any open document;
* MJML of the nodes, rendered with the source document's theme, for other apps (a code
  editor gets `<mj-section>…`/`<mj-text>…`; merge tags are written as the user wrote them);
* a readable plain-text summary (the texts of the blocks).

Pasting builds one :class:`Batch` of InsertBlock/InsertRow with fresh ids, so one undo
removes the whole paste. MJML or HTML from other apps is not parsed here (that is import).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ...blocks import REGISTRY
from .commands import (
    Batch,
    Command,
    CommandError,
    InsertBlock,
    InsertRow,
    RemoveNode,
    block_from_json,
    dump,
    fresh_ids,
    locate,
    row_from_json,
)
from .model import BlockBase, Document, Row, resolve_fields
from .layout_fields import COLUMN_FIELDS, ROW_FIELDS
from ..build.mjml_render import RenderContext, _column_content_width, render_block, render_row, resolved_theme
from .storage import DocumentError, parse_json
from ..build.tokens import TokenError, TokenTable, choose_prefix

__all__ = [
    "CLIPBOARD_FORMAT",
    "CLIPBOARD_VERSION",
    "MIME_TYPE",
    "ClipboardData",
    "copy_nodes",
    "cut_commands",
    "duplicate_command",
    "inserted_ids",
    "paste_commands",
    "read_clipboard",
    "remove_command",
]

MIME_TYPE = "application/x-mailwright-nodes+json"
CLIPBOARD_FORMAT = "mailwright-nodes"
CLIPBOARD_VERSION = 1
# A pasted selection is part of a document; documents are capped at 20 MB (storage.py).
MAX_CLIPBOARD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ClipboardData:
    """What Copy puts on the clipboard."""

    json_text: str  # under MIME_TYPE: what Paste reads
    mjml_text: str  # MJML of the nodes, for other apps
    plain_text: str  # the blocks' texts, readable anywhere
    kind: str = "blocks"  # "blocks" | "rows"
    ids: tuple[str, ...] = ()  # the copied nodes' ids in the source document

    def mime_items(self) -> dict[str, str]:
        """MIME type → text for a QMimeData. Other apps receive the MJML as text/plain
        (issue 4: "MJML text for other apps"); `plain_text` stays available for callers
        that want prose (status bar, drag label, a text-only field)."""
        return {MIME_TYPE: self.json_text, "text/plain": self.mjml_text}


# --- copying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    kind: str  # "blocks" | "rows"
    nodes: list[Any]  # Block or Row models, in document order
    remove_ids: list[str]  # what Cut removes


def _select(doc: Document, ids: Iterable[str]) -> _Selection:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise CommandError("nothing is selected: select blocks or rows to copy")
    rows: set[str] = set()
    blocks: set[str] = set()
    for node_id in wanted:
        loc = locate(doc, node_id)
        if loc.block is not None:
            if loc.block.fills_row:
                rows.add(loc.row.id)  # a hero fills its row: it travels as that row
            else:
                blocks.add(node_id)
        elif loc.column is not None:
            raise CommandError("a column cannot be copied on its own: select its blocks or its row")
        else:
            rows.add(node_id)
    if not rows:
        ordered = [b for b in doc.iter_blocks() if b.id in blocks]
        return _Selection("blocks", ordered, [b.id for b in ordered])
    # Rows selected (maybe with blocks elsewhere): rows, in document order; a block outside
    # the selected rows is carried in a one-column row of its own so nothing is dropped.
    nodes: list[Any] = []
    remove: list[str] = []
    for row in doc.rows:
        if row.id in rows:
            nodes.append(row)
            remove.append(row.id)
            continue
        for column in row.columns:
            for block in column.blocks:
                if block.id in blocks:
                    nodes.append(block)
                    remove.append(block.id)
    return _Selection("rows", nodes, remove)


def _row_json_for_block(block_json: dict[str, Any] | None) -> dict[str, Any]:
    """A one-column row holding the block (or nothing); ids are placeholders."""
    return {
        "id": "r1",
        "props": {},
        "condition": None,
        "repeat": None,
        "columns": [{"id": "c1", "width": 100, "props": {}, "blocks": [block_json] if block_json is not None else []}],
    }


def _nodes_json(sel: _Selection) -> list[dict[str, Any]]:
    out = []
    for node in sel.nodes:
        data = dump(node)
        if sel.kind == "rows" and isinstance(node, BlockBase):
            data = _row_json_for_block(data)
        out.append(data)
    return out


def _mjml_of(doc: Document, sel: _Selection) -> str:
    theme = resolved_theme(doc)
    tokens = TokenTable(choose_prefix(doc.model_dump_json()))
    ctx = RenderContext(theme=theme, tokens=tokens)
    width = doc.settings.width
    parts: list[str] = []
    for node in sel.nodes:
        if isinstance(node, Row):
            parts.append(render_row(node, width, ctx))
            continue
        loc = locate(doc, node.id)
        if sel.kind == "rows":  # a lone block carried as a one-column row
            row = row_from_json(_row_json_for_block(dump(node)))
            parts.append(render_row(row, width, ctx))
            continue
        # The block as it renders in its own column (image widths depend on it).
        assert loc.column is not None  # a selected block is always in its column
        row_props = resolve_fields(ROW_FIELDS, loc.row.props, theme)
        col_props = resolve_fields(COLUMN_FIELDS, loc.column.props, theme)
        ctx.column_width = _column_content_width(width - 2 * row_props["padding_x"], loc.column, col_props)
        parts.append(render_block(node, ctx))
    mjml = "\n".join(parts) + "\n"
    # Merge tags as the user wrote them (attribute values stay well-formed): the MJML reads
    # like an .mjml source file, which Mailwright's own MJML import accepts with tags.
    try:
        return tokens.restore(mjml)
    except TokenError:  # a renderer protected a value it did not write: restore what is there
        return tokens.restore_plain(mjml)


def _block_text(block: BlockBase) -> str:
    from ..build.plaintext import html_to_text

    spec = REGISTRY[block.type]
    values = block.props.model_dump()
    texts: list[str] = []
    links: list[str] = []
    for f in spec.fields:
        value = values.get(f.name)
        if value in (None, "") and f.kind in ("text", "multiline", "richtext"):
            value = f.default
        if not isinstance(value, str) or not value.strip():
            continue
        if f.kind == "richtext":
            texts.append(html_to_text(value).strip())
        elif (
            f.kind in ("text", "multiline")
            and f.name not in ("alt", "image_alt")
            and not f.name.endswith("_field")
            and f.name not in ("items_path", "item_name")
        ):
            texts.append(value.strip())
        elif f.kind == "url":
            links.append(value.strip())
    text = "\n".join(t for t in texts if t)
    if links and text:
        text += " (" + ", ".join(links) + ")"
    if not text:
        alt = values.get("alt") or values.get("image_alt")
        text = f"[{spec.label}{': ' + alt if alt else ''}]"
    return text


def _plain_of(sel: _Selection) -> str:
    chunks: list[str] = []
    for node in sel.nodes:
        blocks = [b for c in node.columns for b in c.blocks] if isinstance(node, Row) else [node]
        chunks.extend(_block_text(b) for b in blocks)
    return "\n\n".join(c for c in chunks if c) + "\n"


def copy_nodes(doc: Document, ids: Iterable[str]) -> ClipboardData:
    """The selected blocks and/or rows as clipboard data (the document is not changed).

    Blocks alone copy as `kind: "blocks"`; any selected row makes it `kind: "rows"` (blocks
    selected outside those rows come along as one-column rows). A hero block copies as its
    row. A column alone is refused.
    """
    sel = _select(doc, ids)
    payload = {"format": CLIPBOARD_FORMAT, "version": CLIPBOARD_VERSION, "kind": sel.kind, "nodes": _nodes_json(sel)}
    json_text = json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=1)
    return ClipboardData(
        json_text=json_text,
        mjml_text=_mjml_of(doc, sel),
        plain_text=_plain_of(sel),
        kind=sel.kind,
        ids=tuple(n.id for n in sel.nodes),
    )


# --- pasting ------------------------------------------------------------------------------------


def read_clipboard(json_text: str) -> tuple[str, list[dict[str, Any]]]:
    """Check clipboard JSON and return (kind, nodes); CommandError says what is wrong."""
    if not isinstance(json_text, str):
        raise CommandError("Cannot paste: the clipboard does not hold Mailwright blocks")
    if len(json_text) > MAX_CLIPBOARD_BYTES:
        raise CommandError("Cannot paste: the clipboard content is too large (over 20 MB)")
    try:
        data = parse_json(json_text.lstrip("\ufeff"), "clipboard")
    except DocumentError as e:
        raise CommandError(f"Cannot paste: the clipboard does not hold Mailwright blocks ({e})") from None
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        raise CommandError(
            f'Cannot paste: the clipboard does not hold Mailwright blocks (expected "format": "{CLIPBOARD_FORMAT}")'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CommandError(f"Cannot paste: the clipboard data has no valid version (found {version!r})")
    if version > CLIPBOARD_VERSION:
        raise CommandError(
            "Cannot paste: these blocks were copied from a newer Mailwright "
            f"(clipboard version {version}; this one reads up to {CLIPBOARD_VERSION})"
        )
    kind = data.get("kind")
    if kind not in ("blocks", "rows"):
        raise CommandError(f'Cannot paste: "kind" must be "blocks" or "rows" (found {kind!r})')
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise CommandError("Cannot paste: the clipboard holds no blocks or rows")
    for i, node in enumerate(nodes):
        if not isinstance(node, dict):
            raise CommandError(f"Cannot paste: nodes[{i}] is not an object")
        try:
            if kind == "blocks":
                if "columns" in node or "blocks" in node:
                    raise CommandError("a row or column where a block was expected")
                block_from_json({**node, "id": "b1"})
            else:
                row_from_json(fresh_ids(Document(), node))
        except CommandError as e:
            raise CommandError(f"Cannot paste: nodes[{i}]: {e}") from None
        except (KeyError, TypeError, AttributeError):
            raise CommandError(f"Cannot paste: nodes[{i}] is not a valid {kind[:-1]}") from None
    return kind, nodes


def _ids_in(node: dict[str, Any]) -> set[str]:
    ids = {node["id"]}
    for column in node.get("columns", ()):
        ids.add(column["id"])
        ids.update(b["id"] for b in column.get("blocks", ()))
    for block in node.get("blocks", ()):
        ids.add(block["id"])
    return ids


class _Fresh:
    """Gives each pasted node new ids, unique in the document and among each other."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.taken: set[str] = set()

    def __call__(self, node: dict[str, Any]) -> dict[str, Any]:
        fresh = fresh_ids(self.doc, node, self.taken)
        self.taken |= _ids_in(fresh)
        return fresh

    def row(self, blocks: list[dict[str, Any]]) -> dict[str, Any]:
        """A new one-column row around already-fresh blocks."""
        row = fresh_ids(self.doc, _row_json_for_block(None), self.taken)
        row["columns"][0]["blocks"] = blocks
        self.taken |= _ids_in(row)
        return row


def _fills_row(block: dict[str, Any]) -> bool:
    return block_from_json(block).fills_row


def _group_rows(fresh: _Fresh, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks as new rows: consecutive ordinary blocks share one row; a hero gets its own."""
    rows: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []
    for block in blocks:
        if _fills_row(block):
            if run:
                rows.append(fresh.row(run))
                run = []
            rows.append(fresh.row([block]))
        else:
            run.append(block)
    if run:
        rows.append(fresh.row(run))
    return rows


def _paste(doc: Document, kind: str, nodes: Sequence[dict[str, Any]], target_id: str | None, label: str) -> Batch:
    fresh = _Fresh(doc)
    loc = locate(doc, target_id) if target_id else None
    commands: list[Command] = []
    after_row = loc.row_index + 1 if loc is not None else len(doc.rows)
    if kind == "rows":
        for i, node in enumerate(nodes):
            commands.append(InsertRow(after_row + i, fresh(node), label))
        return Batch(commands, label)
    blocks = [fresh(dict(node)) for node in nodes]
    into_column = (
        loc is not None
        and loc.column is not None
        and not (loc.block is not None and loc.block.fills_row)
        and not any(_fills_row(b) for b in blocks)
    )
    if into_column:
        assert loc is not None and loc.column is not None  # into_column says so
        column = loc.column
        start = loc.block_index + 1 if loc.block is not None else len(column.blocks)
        for i, block in enumerate(blocks):
            commands.append(InsertBlock(column.id, start + i, block, label))
        return Batch(commands, label)
    # A row is selected (or a hero, or nothing): the blocks go in a new one-column row after it.
    for i, row in enumerate(_group_rows(fresh, blocks)):
        commands.append(InsertRow(after_row + i, row, label))
    return Batch(commands, label)


def _label(verb: str, kind: str, count: int) -> str:
    noun = ("block" if kind == "blocks" else "row") + ("s" if count != 1 else "")
    return f"{verb} {count} {noun}" if count != 1 else f"{verb} {noun}"


def paste_commands(doc: Document, json_text: str, target_id: str | None = None) -> Command:
    """A command (one undo step) pasting clipboard JSON into `doc`, with fresh ids.

    Blocks go after the selected block, at the end of the selected column, or into a new
    one-column row after the selected row (at the end with no selection). Rows go after the
    selected row (or the row of the selected block/column), or at the end. Works for JSON
    copied from any document. Invalid clipboard content raises CommandError.
    """
    kind, nodes = read_clipboard(json_text)
    return _paste(doc, kind, nodes, target_id, _label("Paste", kind, len(nodes)))


def inserted_ids(command: Command) -> list[str]:
    """Ids of the top-level nodes a paste/duplicate/insert command adds, in order (to select
    them afterwards): the blocks when they went into a column, else the new rows."""
    out: list[str] = []
    commands = command.commands if isinstance(command, Batch) else [command]
    for c in commands:
        if isinstance(c, InsertBlock):
            out.append(c.block["id"])
        elif isinstance(c, InsertRow):
            out.append(c.row["id"])
        elif isinstance(c, Batch):
            out.extend(inserted_ids(c))
    return out


def duplicate_command(doc: Document, node_ids: str | Sequence[str]) -> Command:
    """Duplicate blocks (placed right after the last one) or rows (after the last one)."""
    ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
    data = copy_nodes(doc, ids)
    kind, nodes = read_clipboard(data.json_text)
    # After the last copied node in document order (for rows: after its row).
    target = data.ids[-1]
    return _paste(doc, kind, nodes, target, _label("Duplicate", kind, len(nodes)))


def remove_command(doc: Document, ids: Iterable[str], label: str | None = None) -> Command:
    """Delete the selected blocks and/or rows as one undo step (a hero deletes its row)."""
    sel = _select(doc, ids)
    return Batch(
        [RemoveNode(i, label or "Delete") for i in sel.remove_ids],
        label or _label("Delete", sel.kind, len(sel.remove_ids)),
    )


def cut_commands(doc: Document, ids: Iterable[str]) -> tuple[ClipboardData, Command]:
    """Copy the selection and return it with the command that removes it (one undo step)."""
    ids = list(ids)
    data = copy_nodes(doc, ids)
    sel = _select(doc, ids)
    return data, remove_command(doc, ids, _label("Cut", sel.kind, len(sel.remove_ids)))
