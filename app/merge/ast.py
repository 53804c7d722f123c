"""The merge language's syntax tree (DESIGN.md §5): immutable value records, no behaviour.

Records (app/records.py), not dataclasses: `import dataclasses` cost ~10 ms on every CLI start
(issue #16); not NamedTuples, so a node is never a tuple and equals only a node of its type.
"""

from __future__ import annotations

from typing import Union
from ..messages import ShortMessage, shorten_values
from ..records import Record, set_field

NAMESPACES = ("data", "var", "link")
LINKS = ("unsubscribe", "view_online", "preferences")


class Pos(Record):
    """Where a tag is: the source (file, or file and field) and 1-based line and column."""

    __slots__ = ("source", "line", "col")
    source: str
    line: int
    col: int

    def __init__(self, source: str, line: int = 1, col: int = 1) -> None:
        set_field(self, "source", source)
        set_field(self, "line", line)
        set_field(self, "col", col)

    def __str__(self) -> str:
        # line 0: the place is known only as a whole (e.g. a block), not to the character.
        return f"{self.source}:{self.line}:{self.col}" if self.line else self.source


class MergeSyntaxError(ShortMessage, ValueError):
    """A tag the language does not accept; the message starts with the position."""

    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(f"{pos}: {message}")
        self.pos = pos
        self.reason = shorten_values(message)


# --- expressions ----------------------------------------------------------------------------


class Ref(Record):
    __slots__ = ("ns", "path", "pos")
    ns: str  # data, var, link, or a loop variable's name
    path: tuple[str, ...]  # dotted path segments
    pos: Pos

    def __init__(self, ns: str, path: tuple[str, ...], pos: Pos) -> None:
        set_field(self, "ns", ns)
        set_field(self, "path", path)
        set_field(self, "pos", pos)

    @property
    def name(self) -> str:
        """`data:order.total` as written (quoted segments shown quoted)."""
        parts = [p if p.replace("_", "a").isalnum() else '"' + p.replace('"', '\\"') + '"' for p in self.path]
        return f"{self.ns}:{'.'.join(parts)}"


class Const(Record):
    __slots__ = ("value",)
    value: Union[str, int, float, bool]

    def __init__(self, value: Union[str, int, float, bool]) -> None:
        set_field(self, "value", value)


class Compare(Record):
    __slots__ = ("op", "left", "right")
    op: str  # == != < <= > >= in "not in"
    left: "Expr"
    right: "Expr"

    def __init__(self, op: str, left: "Expr", right: "Expr") -> None:
        set_field(self, "op", op)
        set_field(self, "left", left)
        set_field(self, "right", right)


class BoolOp(Record):
    __slots__ = ("op", "left", "right")
    op: str  # and / or
    left: "Expr"
    right: "Expr"

    def __init__(self, op: str, left: "Expr", right: "Expr") -> None:
        set_field(self, "op", op)
        set_field(self, "left", left)
        set_field(self, "right", right)


class Not(Record):
    __slots__ = ("operand",)
    operand: "Expr"

    def __init__(self, operand: "Expr") -> None:
        set_field(self, "operand", operand)


Expr = Union[Ref, Const, Compare, BoolOp, Not]


# --- template nodes -------------------------------------------------------------------------


class Text(Record):
    """Literal output, already in the target format (HTML in the HTML part)."""

    __slots__ = ("value",)
    value: str

    def __init__(self, value: str) -> None:
        set_field(self, "value", value)


class Filter(Record):
    __slots__ = ("name", "args", "pos")
    name: str
    args: tuple[Union[str, int, float, bool], ...]
    pos: Pos

    def __init__(self, name: str, args: tuple[Union[str, int, float, bool], ...], pos: Pos) -> None:
        set_field(self, "name", name)
        set_field(self, "args", args)
        set_field(self, "pos", pos)


class Output(Record):
    __slots__ = ("expr", "filters", "pos", "in_attr")
    expr: Union[Ref, Const]
    filters: tuple[Filter, ...]
    pos: Pos
    in_attr: bool  # the tag sits inside an HTML attribute value

    def __init__(self, expr: Union[Ref, Const], filters: tuple[Filter, ...], pos: Pos, in_attr: bool = False) -> None:
        set_field(self, "expr", expr)
        set_field(self, "filters", filters)
        set_field(self, "pos", pos)
        set_field(self, "in_attr", in_attr)


class If(Record):
    __slots__ = ("branches", "else_body", "pos")
    branches: tuple[tuple[Expr, tuple["Node", ...]], ...]  # if + elifs
    else_body: tuple["Node", ...] | None
    pos: Pos

    def __init__(
        self, branches: tuple[tuple[Expr, tuple["Node", ...]], ...], else_body: tuple["Node", ...] | None, pos: Pos
    ) -> None:
        set_field(self, "branches", branches)
        set_field(self, "else_body", else_body)
        set_field(self, "pos", pos)


class For(Record):
    __slots__ = ("var", "iterable", "body", "pos")
    var: str
    iterable: Ref
    body: tuple["Node", ...]
    pos: Pos

    def __init__(self, var: str, iterable: Ref, body: tuple["Node", ...], pos: Pos) -> None:
        set_field(self, "var", var)
        set_field(self, "iterable", iterable)
        set_field(self, "body", body)
        set_field(self, "pos", pos)


Node = Union[Text, Output, If, For]


def iter_refs(nodes: tuple[Node, ...]):
    """Every field reference in a tree (outputs, conditions, loops), in document order."""

    def expr_refs(e: Expr):
        if isinstance(e, Ref):
            yield e
        elif isinstance(e, Compare) or isinstance(e, BoolOp):
            yield from expr_refs(e.left)
            yield from expr_refs(e.right)
        elif isinstance(e, Not):
            yield from expr_refs(e.operand)

    for node in nodes:
        if isinstance(node, Output):
            yield from expr_refs(node.expr)
        elif isinstance(node, If):
            for cond, body in node.branches:
                yield from expr_refs(cond)
                yield from iter_refs(body)
            if node.else_body:
                yield from iter_refs(node.else_body)
        elif isinstance(node, For):
            yield node.iterable
            yield from iter_refs(node.body)
