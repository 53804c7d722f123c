"""`and`/`or` for ESPs whose conditions test one thing at a time (Handlebars `{{#if}}`, Mustachio
sections, Mailchimp `*|IF:|*`, Campaign Monitor `[if:]`): written as nested conditions, which
give the same answer (issue 12 item 7: SendGrid/Handlebars `or` via nested `{{else}}`).

* `<% if a or b %>X<% else %>Y` is `if a: X, elif b: X, else Y` (X written twice).
* `<% if a and b %>X<% else %>Y` is `if a: (if b: X else Y) else Y` (Y written twice).
* `not (a or b)` is `not a and not b`, `not (a and b)` is `not a or not b` (De Morgan).
"""

from __future__ import annotations

from ..ast import BoolOp, Expr, If, Node, Not
from .base import ExportContext


def _demorgan(e: Expr) -> Expr:
    if isinstance(e, Not) and isinstance(e.operand, BoolOp):
        flip = "and" if e.operand.op == "or" else "or"
        return BoolOp(flip, Not(e.operand.left), Not(e.operand.right))
    if isinstance(e, Not) and isinstance(e.operand, Not):
        return _demorgan(e.operand.operand)
    return e


class NestBoolOps:
    """Mixin (before the dialect's base class): and/or conditions become nested ones."""

    def keeps(self, e: BoolOp) -> bool:
        """True where the ESP writes this and/or itself (e.g. SendGrid's {{#or a b}})."""
        return False

    def if_node(self, n: If, ctx: ExportContext) -> str:
        nested = self.nest(n)
        if nested is n:
            return super().if_node(n, ctx)  # type: ignore[misc]  # a mixin: the dialect after it has if_node
        return self.nested_if(n, nested, ctx)

    def nested_if(self, n: If, nested: If, ctx: ExportContext) -> str:
        """`nested` (from `nest(n)`) written in place of `n`. Dialects whose own if_node comes
        before this mixin's call it first: `if (m := self.nest(n)) is not n: return …`."""
        attr = getattr(ctx, "attr", None)
        if attr is not None and id(n) in attr:
            _copy_state(nested, attr, attr[id(n)])
        return self.node(nested, ctx)  # type: ignore[attr-defined]  # a mixin: the dialect has node()

    def nest(self, n: If) -> If:
        for i, (cond, body) in enumerate(n.branches):
            e = _demorgan(cond)
            if not isinstance(e, BoolOp) or self.keeps(e):
                continue
            before, after = n.branches[:i], n.branches[i + 1 :]
            if e.op == "or":
                return If(before + ((e.left, body), (e.right, body)) + after, n.else_body, n.pos)
            tail: tuple[Node, ...] | None = (If(after, n.else_body, n.pos),) if after else n.else_body
            inner = If(((e.right, body),), tail, n.pos)
            return If(before + ((e.left, (inner,)),), tail, n.pos)
        return n


def _copy_state(node: If, attr: dict[int, str], state: str) -> None:
    """The HTML state of the condition, for the conditions it became (attribute checks)."""
    attr[id(node)] = state
    for _, body in node.branches:
        for child in body:
            if isinstance(child, If) and id(child) not in attr:
                _copy_state(child, attr, state)
    for child in node.else_body or ():
        if isinstance(child, If) and id(child) not in attr:
            _copy_state(child, attr, state)
