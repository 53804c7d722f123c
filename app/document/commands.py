"""Every document change is a command with an inverse, applied through one history (DESIGN.md §6).

Commands address nodes by id and carry plain JSON (dicts) for inserted nodes, so a command can
be applied to any document with those ids, and `apply` returns the exact inverse. Views
never change the document themselves: they push commands and listen to one notification.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import ValidationError

from ...blocks import REGISTRY
from .model import BLOCK_MODELS, BlockBase, Column, Document, Row, Settings
from ..messages import ShortMessage


class CommandError(ShortMessage, ValueError):
    """A command that cannot apply (unknown id, invalid value); the document is unchanged."""


# --- finding nodes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    row: Row
    column: Column | None = None
    block: BlockBase | None = None
    row_index: int = 0
    column_index: int = 0
    block_index: int = 0


def locate(doc: Document, node_id: str) -> Location:
    for ri, row in enumerate(doc.rows):
        if row.id == node_id:
            return Location(row, row_index=ri)
        for ci, column in enumerate(row.columns):
            if column.id == node_id:
                return Location(row, column, row_index=ri, column_index=ci)
            for bi, block in enumerate(column.blocks):
                if block.id == node_id:
                    return Location(row, column, block, ri, ci, bi)
    raise CommandError(f"no row, column or block with id {node_id!r}")


def node_kind(doc: Document, node_id: str) -> str:
    loc = locate(doc, node_id)
    return "block" if loc.block else "column" if loc.column else "row"


def block_from_json(data: dict[str, Any]) -> BlockBase:
    try:
        return BLOCK_MODELS[data["type"]].model_validate(data)
    except KeyError:
        raise CommandError(f"unknown block type {data.get('type')!r}") from None
    except ValidationError as e:
        raise CommandError(f"invalid block: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None


def row_from_json(data: dict[str, Any]) -> Row:
    try:
        return Row.model_validate(data)
    except ValidationError as e:
        raise CommandError(e.errors()[0]["msg"].removeprefix("Value error, ")) from None


def dump(node: Any) -> dict[str, Any]:
    return node.model_dump(mode="json")


# --- commands -------------------------------------------------------------------------------


class Command:
    """Apply to a document in place and return the inverse command."""

    label = "Edit"
    # Consecutive commands with the same non-None key merge into one undo step.
    merge_key: tuple | None = None

    def apply(self, doc: Document) -> "Command":
        raise NotImplementedError


_NODE_ATTRS = {"condition", "repeat", "width"}


@dataclass
class SetProp(Command):
    """Set (or with None, clear) one prop override of a row, column or block."""

    node_id: str
    name: str
    value: Any
    label: str = "Change property"
    mergeable: bool = True

    @property
    def merge_key(self) -> tuple | None:  # type: ignore[override]  # a property over the base's plain attribute
        return ("prop", self.node_id, self.name) if self.mergeable else None

    def apply(self, doc: Document) -> Command:
        loc = locate(doc, self.node_id)
        node = loc.block or loc.column or loc.row
        props = node.props
        data = props.model_dump()
        old = data.get(self.name)
        if self.value is None:
            data.pop(self.name, None)
        else:
            data[self.name] = self.value
        try:
            new_props = type(props).model_validate(data)
        except ValidationError as e:
            raise CommandError(f"{self.name}: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
        node.props = new_props
        if loc.block is None or self.name == "fills_row":
            _revalidate_row(doc, loc.row_index, lambda: setattr(node, "props", props))
        return SetProp(self.node_id, self.name, old, self.label, self.mergeable)


def _revalidate_row(doc: Document, index: int, undo: Callable[[], object]) -> None:
    try:
        Row.model_validate(doc.rows[index].model_dump())
    except ValidationError as e:
        undo()
        raise CommandError(e.errors()[0]["msg"].removeprefix("Value error, ")) from None


@dataclass
class SetNodeAttr(Command):
    """Set a node's own attribute: `condition`, `repeat` (rows, blocks) or a column's `width`."""

    node_id: str
    name: str
    value: Any
    label: str = "Change property"

    @property
    def merge_key(self) -> tuple | None:  # type: ignore[override]  # a property over the base's plain attribute
        return ("attr", self.node_id, self.name)

    def apply(self, doc: Document) -> Command:
        if self.name not in _NODE_ATTRS:
            raise CommandError(f"{self.name!r} is not a node attribute")
        loc = locate(doc, self.node_id)
        node = loc.block or loc.column or loc.row
        if not hasattr(node, self.name):
            raise CommandError(f"a {node_kind(doc, self.node_id)} has no {self.name}")
        old = getattr(node, self.name)
        value = self.value
        if self.name in ("condition", "repeat") and isinstance(value, str) and not value.strip():
            value = None
        setattr(node, self.name, value)
        return SetNodeAttr(self.node_id, self.name, old, self.label)


_DOC_FIELDS = {"subject", "preheader"}


@dataclass
class SetDocField(Command):
    """Set the subject, the preheader, a setting (`settings.theme`) or a variable (`variables.x`)."""

    path: str
    value: Any
    label: str = "Change email settings"

    @property
    def merge_key(self) -> tuple | None:  # type: ignore[override]  # a property over the base's plain attribute
        return ("doc", self.path)

    def apply(self, doc: Document) -> Command:
        head, _, name = self.path.partition(".")
        if head in _DOC_FIELDS and not name:
            old = getattr(doc, head)
            setattr(doc, head, self.value if self.value is not None else "")
            return SetDocField(self.path, old, self.label)
        if head == "settings" and name:
            data = doc.settings.model_dump()
            old = data.get(name)
            if self.value is None:
                data.pop(name, None)
            else:
                data[name] = self.value
            try:
                doc.settings = Settings.model_validate(data)
            except ValidationError as e:
                raise CommandError(f"{name}: {e.errors()[0]['msg'].removeprefix('Value error, ')}") from None
            return SetDocField(self.path, old, self.label)
        if head == "variables" and name:
            old = doc.variables.get(name)
            if not name.isidentifier():
                raise CommandError(f"variable names are letters, digits and _, not {name!r}")
            if self.value is None:
                doc.variables.pop(name, None)
            else:
                doc.variables[name] = str(self.value)
            return SetDocField(self.path, old, self.label)
        raise CommandError(f"unknown document field {self.path!r}")


@dataclass
class InsertBlock(Command):
    column_id: str
    index: int
    block: dict[str, Any]
    label: str = "Insert block"

    def apply(self, doc: Document) -> Command:
        loc = locate(doc, self.column_id)
        column = loc.column
        if column is None or loc.block is not None:
            raise CommandError(f"{self.column_id!r} is not a column")
        block = block_from_json(self.block)
        if doc.find(block.id) is not None:
            raise CommandError(f"id {block.id!r} is already used")
        index = max(0, min(self.index, len(column.blocks)))
        column.blocks.insert(index, block)
        _revalidate_row(doc, loc.row_index, lambda: column.blocks.pop(index))
        return RemoveNode(block.id, self.label)


@dataclass
class InsertRow(Command):
    index: int
    row: dict[str, Any]
    label: str = "Insert row"

    def apply(self, doc: Document) -> Command:
        row = row_from_json(self.row)
        ids = {n.id for n in doc.iter_nodes()}
        nodes: list[Row | Column | BlockBase] = [row, *row.columns, *[b for c in row.columns for b in c.blocks]]
        clash = [n.id for n in nodes if n.id in ids]
        if clash:
            raise CommandError(f"id {clash[0]!r} is already used")
        index = max(0, min(self.index, len(doc.rows)))
        doc.rows.insert(index, row)
        return RemoveNode(row.id, self.label)


@dataclass
class RemoveNode(Command):
    """Remove a block or a row (columns change through SetColumns)."""

    node_id: str
    label: str = "Delete"

    def apply(self, doc: Document) -> Command:
        loc = locate(doc, self.node_id)
        if loc.block is not None:
            assert loc.column is not None  # a block is always located in its column
            data = dump(loc.block)
            loc.column.blocks.pop(loc.block_index)
            return InsertBlock(loc.column.id, loc.block_index, data, self.label)
        if loc.column is not None:
            raise CommandError("a column is removed by changing the row's column count")
        data = dump(loc.row)
        doc.rows.pop(loc.row_index)
        return InsertRow(loc.row_index, data, self.label)


@dataclass
class MoveBlock(Command):
    block_id: str
    column_id: str
    index: int  # position in the target column after the block was taken out
    label: str = "Move block"

    def apply(self, doc: Document) -> Command:
        src = locate(doc, self.block_id)
        src_column = src.column
        if src.block is None or src_column is None:
            raise CommandError(f"{self.block_id!r} is not a block")
        dst = locate(doc, self.column_id)
        dst_column = dst.column
        if dst_column is None or dst.block is not None:
            raise CommandError(f"{self.column_id!r} is not a column")
        block = src_column.blocks.pop(src.block_index)
        index = max(0, min(self.index, len(dst_column.blocks)))
        dst_column.blocks.insert(index, block)

        def undo() -> None:
            dst_column.blocks.pop(index)
            src_column.blocks.insert(src.block_index, block)

        try:
            _revalidate_row(doc, dst.row_index, undo)
        except CommandError:
            raise
        return MoveBlock(self.block_id, src_column.id, src.block_index, self.label)


@dataclass
class MoveRow(Command):
    row_id: str
    index: int  # position after the row was taken out
    label: str = "Move row"

    def apply(self, doc: Document) -> Command:
        loc = locate(doc, self.row_id)
        if loc.column is not None:
            raise CommandError(f"{self.row_id!r} is not a row")
        row = doc.rows.pop(loc.row_index)
        index = max(0, min(self.index, len(doc.rows)))
        doc.rows.insert(index, row)
        return MoveRow(self.row_id, loc.row_index, self.label)


@dataclass
class ReplaceRow(Command):
    """Swap a whole row for another version of it (column count and ratios, paste over)."""

    row_id: str
    row: dict[str, Any]
    label: str = "Change layout"

    def apply(self, doc: Document) -> Command:
        loc = locate(doc, self.row_id)
        if loc.column is not None:
            raise CommandError(f"{self.row_id!r} is not a row")
        new = row_from_json(self.row)
        old = dump(loc.row)
        others = {n.id for n in doc.iter_nodes()} - {n.id for n in _row_nodes(loc.row)}
        clash = [n.id for n in _row_nodes(new) if n.id in others]
        if clash:
            raise CommandError(f"id {clash[0]!r} is already used")
        doc.rows[loc.row_index] = new
        return ReplaceRow(new.id, old, self.label)


def _row_nodes(row: Row) -> list:
    return [row, *row.columns, *[b for c in row.columns for b in c.blocks]]


@dataclass
class Batch(Command):
    """Several commands as one undo step."""

    commands: list[Command] = field(default_factory=list)
    label: str = "Edit"

    def apply(self, doc: Document) -> Command:
        inverses: list[Command] = []
        try:
            for command in self.commands:
                inverses.append(command.apply(doc))
        except CommandError:
            for inverse in reversed(inverses):
                inverse.apply(doc)
            raise
        return Batch(list(reversed(inverses)), self.label)


# --- building blocks of common edits ----------------------------------------------------------


def _id_taker(taken: set[str]) -> Callable[[str], str]:
    def take(prefix: str) -> str:
        numbers = [int(t[len(prefix) :]) for t in taken if t.startswith(prefix) and t[len(prefix) :].isdigit()]
        ident = f"{prefix}{max(numbers, default=0) + 1}"
        taken.add(ident)
        return ident

    return take


def fresh_ids(doc: Document, node: dict[str, Any], taken: set[str] | None = None) -> dict[str, Any]:
    """A copy of a row/column/block JSON with new ids not used in the document (for paste,
    duplicate, saved blocks)."""
    take = _id_taker(set(taken or ()) | {n.id for n in doc.iter_nodes()})
    node = copy.deepcopy(node)

    def walk(n: dict[str, Any]) -> None:
        if "columns" in n:
            n["id"] = take("r")
            for c in n["columns"]:
                walk(c)
        elif "blocks" in n:
            n["id"] = take("c")
            for b in n["blocks"]:
                walk(b)
        else:
            n["id"] = take("b")

    walk(node)
    return node


def new_block_json(doc: Document, block_type: str, **props: Any) -> dict[str, Any]:
    """A fresh block of a type, with a new id and only the given overrides."""
    from .model import make_block, new_id

    if block_type not in REGISTRY:
        raise CommandError(f"unknown block type {block_type!r}")
    return dump(make_block(block_type, new_id(doc, "b"), **props))


def new_row_json(
    doc: Document, widths: list[float], blocks: list[list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """A row with columns of the given widths (percent), optionally holding blocks."""
    take = _id_taker({n.id for n in doc.iter_nodes()})
    row_id = take("r")
    columns = []
    for i, w in enumerate(widths):
        columns.append({"id": take("c"), "width": w, "props": {}, "blocks": (blocks or [[]] * len(widths))[i]})
    return {"id": row_id, "props": {}, "condition": None, "repeat": None, "columns": columns}


def split_widths(count: int) -> list[float]:
    """Equal column widths adding up to exactly 100 (33.33 + 33.33 + 33.34)."""
    base = round(100 / count, 2)
    widths = [base] * count
    widths[-1] = round(100 - base * (count - 1), 2)
    return [int(w) if float(w).is_integer() else w for w in widths]


def set_columns(doc: Document, row_id: str, widths: list[float]) -> ReplaceRow:
    """A command giving a row these column widths; blocks of removed columns move to the last
    remaining column, so nothing is lost."""
    loc = locate(doc, row_id)
    if loc.column is not None:
        raise CommandError(f"{row_id!r} is not a row")
    if not 1 <= len(widths) <= 4:
        raise CommandError("a row has 1 to 4 columns")
    row = dump(loc.row)
    columns = row["columns"]
    take = _id_taker({n.id for n in doc.iter_nodes()})
    while len(columns) < len(widths):
        columns.append({"id": take("c"), "width": 1, "props": {}, "blocks": []})
    while len(columns) > len(widths):
        extra = columns.pop()
        columns[-1]["blocks"].extend(extra["blocks"])
    for column, width in zip(columns, widths):
        column["width"] = width
    return ReplaceRow(row_id, row, "Change columns")


# --- history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The one notification views listen to."""

    kind: str  # "do" | "undo" | "redo" | "reset"
    label: str


Listener = Callable[[Change], None]


class History:
    """Unlimited undo/redo of commands on one document, with merging of consecutive edits."""

    MERGE_SECONDS = 1.5

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._undo: list[tuple[Command, Command, float]] = []  # (command, inverse, time)
        self._redo: list[tuple[Command, Command]] = []
        self._redo_markers: list[object] = []
        self._listeners: list[Listener] = []
        self._seal = False
        self.revision = 0  # bumps on every change (views compare to skip work)
        self._saved_marker: object = None
        self._marker_for_state: list[object] = [object()]
        self.mark_saved()

    # listeners
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; the function returned removes it (calling it again does nothing)."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, change: Change) -> None:
        self.revision += 1
        for listener in list(self._listeners):
            listener(change)

    # state markers for "unsaved changes"
    def _state(self) -> object:
        return self._marker_for_state[-1]

    def mark_saved(self) -> None:
        self._saved_marker = self._state()

    @property
    def dirty(self) -> bool:
        return self._saved_marker is not self._state()

    def seal(self) -> None:
        """End merging: the next command starts a new undo step (focus left a field)."""
        self._seal = True

    # operations
    def push(self, command: Command) -> None:
        """Apply a command; CommandError leaves the document and the history unchanged."""
        inverse = command.apply(self.doc)
        now = time.monotonic()
        key = command.merge_key
        if (
            key is not None
            and self._undo
            and not self._seal
            and self._undo[-1][0].merge_key == key
            and now - self._undo[-1][2] < self.MERGE_SECONDS
        ):
            first_inverse = self._undo[-1][1]
            self._undo[-1] = (command, first_inverse, now)
            self._marker_for_state[-1] = object()
        else:
            self._undo.append((command, inverse, now))
            self._marker_for_state.append(object())
        self._seal = False
        self._redo.clear()
        self._redo_markers.clear()
        self._notify(Change("do", command.label))

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_label(self) -> str:
        return self._undo[-1][0].label if self._undo else ""

    def redo_label(self) -> str:
        return self._redo[-1][0].label if self._redo else ""

    def undo(self) -> None:
        if not self._undo:
            return
        command, inverse, _ = self._undo.pop()
        redo_again = inverse.apply(self.doc)
        marker = self._marker_for_state.pop()
        self._redo.append((command, redo_again))
        self._redo_markers.append(marker)
        self._seal = True
        self._notify(Change("undo", command.label))

    def redo(self) -> None:
        if not self._redo:
            return
        command, _ = self._redo.pop()
        inverse = command.apply(self.doc)
        self._undo.append((command, inverse, 0.0))
        self._marker_for_state.append(self._redo_markers.pop())
        self._seal = True
        self._notify(Change("redo", command.label))

    def reset(self, doc: Document) -> None:
        """A new document (open, new, reload): history cleared."""
        self.doc = doc
        self._undo.clear()
        self._redo.clear()
        self._redo_markers.clear()
        self._marker_for_state = [object()]
        self.mark_saved()
        self._notify(Change("reset", "Open"))
