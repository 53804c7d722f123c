"""Every construct a dialect refuses in a part, not only the first (issue 12 item 7).

An export stops at its first ExportError. `all_refusals` exports the part's tags one by one
(and the contents of conditions, whose refusal may come from inside) and gathers each distinct
refusal in document order, so the user sees the whole list at once. The bodies of loops are not
exported alone: their fields need the loop around them.
"""

from __future__ import annotations

from typing import Callable

from ..ast import If, Node, Text
from .base import Dialect, ExportContext, ExportError

MAX_REFUSALS = 20  # more than this many are counted, not listed


def all_refusals(
    dialect: Dialect, nodes: tuple[Node, ...], context: Callable[[], ExportContext], first: ExportError
) -> list[str]:
    """The distinct refusal messages of `nodes`, `first` (the export's own) first."""
    found: dict[str, None] = {str(first): None}
    _walk(dialect, nodes, context, found)
    return list(found)


def _walk(
    dialect: Dialect, nodes: tuple[Node, ...], context: Callable[[], ExportContext], found: dict[str, None]
) -> None:
    for node in nodes:
        if isinstance(node, Text):
            continue  # literal text is refused, if at all, where it touches a tag; checked whole above
        try:
            ctx = context()
            dialect.finish_part(dialect.export((node,), ctx), ctx)
        except ExportError as e:
            if isinstance(node, If):
                inner = len(found)
                for _, body in node.branches:
                    _walk(dialect, body, context, found)
                _walk(dialect, node.else_body or (), context, found)
                if len(found) > inner:
                    continue  # the refusal came from inside (or is listed with those)
            found.setdefault(str(e), None)
        except Exception:  # noqa: BLE001 - a tag exported alone can fail for want of its context
            continue


def listed(messages: list[str], source: str) -> str:
    """One message per line, each naming the file; at most MAX_REFUSALS, then a count."""
    lines = [m if m.startswith(source) else f"{source}: {m}" for m in messages[:MAX_REFUSALS]]
    if len(messages) > MAX_REFUSALS:
        lines.append(f"{source}: … and {len(messages) - MAX_REFUSALS} more that it cannot express")
    return "\n".join(lines)
