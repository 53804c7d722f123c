"""Two things Liquid can say that LiquidFamily refused (issue 12 item 7), for Liquid and Customer.io.

* Field names that are not identifiers: Liquid reads a quoted name in brackets, `["first name"]`
  at the top level and `customer["first name"]` below it (Shopify Liquid and python-liquid).
  A name holding both quote marks, a bracket or a brace is still refused.
* `and` mixed with `or`: Liquid has no parentheses and reads a chain from the right,
  `a and b or c` as `a and (b or c)`. A condition whose every `and`/`or` has a single test on its
  left can be written as such a chain; `or` and `and` are commutative and associative, so
  `(a and b) or c` is written `c or a and b`. Only a condition with groups on both sides of a
  different operator, `(a and b) or (c and d)`, is refused.
"""

from __future__ import annotations

from ..ast import BoolOp, Expr, If, Ref
from ._liquidlike import LiquidFamily, is_ident
from .base import ExportContext, ExportError, expr_pos


def right_chain(e: Expr) -> Expr | None:
    """`e` with every and/or's left side a single test (Liquid's right-to-left reading gives
    the same answer), or None when that needs parentheses."""
    if not isinstance(e, BoolOp):
        return e
    left, right = right_chain(e.left), right_chain(e.right)
    if left is None or right is None:
        return None
    if not isinstance(left, BoolOp):
        return BoolOp(e.op, left, right)
    if not isinstance(right, BoolOp):
        return BoolOp(e.op, right, left)
    for first, second in ((left, right), (right, left)):
        if first.op == e.op:  # (a op x) op y == a op (x op y)
            rest = right_chain(BoolOp(e.op, first.right, second))
            return None if rest is None else BoolOp(e.op, first.left, rest)
    return None


class LiquidExact(LiquidFamily):
    def access(self, base: str, segments: list[str], ref: Ref) -> str:
        out = base
        for seg in segments:
            out = super().access(out, [seg], ref) if seg.isdigit() or is_ident(seg) else out + self.key(seg, ref)
        return out

    def key(self, name: str, ref: Ref) -> str:
        """`["first name"]`: a name Liquid reads only quoted."""
        quote = '"' if '"' not in name else "'"
        if (quote in name) or any(c in name for c in "[]{}\n\r") or not name.strip():
            raise ExportError(
                self.label,
                f"the field name {name!r} in {ref.name}",
                ref.pos,
                "Liquid writes such a name quoted in brackets, which cannot hold both quote "
                "marks, brackets or braces; rename the field with a field map",
            )
        return f"[{quote}{name}{quote}]"

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        path = self.field_path(ref, ctx)
        if is_ident(path[0]):
            return super().field_code(ref, ctx)
        return self.access(self.key(path[0], ref), path[1:], ref)

    def _cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        if not isinstance(e, BoolOp):
            return super()._cond(e, ctx, n, where)
        chain = right_chain(e)
        if chain is None:
            raise ExportError(
                self.label,
                f"the grouping in {where}",
                expr_pos(e) or n.pos,
                "Liquid reads and/or from right to left without parentheses, and this condition "
                "has groups on both sides; nest <% if %> tags for one of them",
            )
        assert isinstance(chain, BoolOp)
        return f"{super()._cond(chain.left, ctx, n, where)} {chain.op} {self._cond(chain.right, ctx, n, where)}"
