"""The merge language's syntax tree (DESIGN.md §5). Plain frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union
from ..messages import ShortMessage, shorten_values

NAMESPACES = ("data", "var", "link")
LINKS = ("unsubscribe", "view_online", "preferences")


@dataclass(frozen=True)
class Pos:
    """Where a tag is: the source (file, or file and field) and 1-based line and column."""

    source: str
    line: int = 1
    col: int = 1

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


@dataclass(frozen=True)
class Ref:
    ns: str  # data, var, link, or a loop variable's name
    path: tuple[str, ...]  # dotted path segments
    pos: Pos

    @property
    def name(self) -> str:
        """`data:order.total` as written (quoted segments shown quoted)."""
        parts = [p if p.replace("_", "a").isalnum() else '"' + p.replace('"', '\\"') + '"' for p in self.path]
        return f"{self.ns}:{'.'.join(parts)}"


@dataclass(frozen=True)
class Const:
    value: Union[str, int, float, bool]


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in "not in"
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class BoolOp:
    op: str  # and / or
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Not:
    operand: "Expr"


Expr = Union[Ref, Const, Compare, BoolOp, Not]


# --- template nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Literal output, already in the target format (HTML in the HTML part)."""

    value: str


@dataclass(frozen=True)
class Filter:
    name: str
    args: tuple[Union[str, int, float, bool], ...]
    pos: Pos


@dataclass(frozen=True)
class Output:
    expr: Union[Ref, Const]
    filters: tuple[Filter, ...]
    pos: Pos
    in_attr: bool = False  # the tag sits inside an HTML attribute value


@dataclass(frozen=True)
class If:
    branches: tuple[tuple[Expr, tuple["Node", ...]], ...]  # if + elifs
    else_body: tuple["Node", ...] | None
    pos: Pos


@dataclass(frozen=True)
class For:
    var: str
    iterable: Ref
    body: tuple["Node", ...]
    pos: Pos


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
