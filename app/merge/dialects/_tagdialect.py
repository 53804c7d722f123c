"""What the Handlebars-family, Mailjet, Mailchimp and Campaign Monitor dialects share.

`TagDialect` adds to `base.Dialect`:

* `var:` refs in conditions are folded to constants: they are known at export time, like
  `<< var:x >>` outputs (which the base class writes). A condition that becomes constant picks
  its branch at export; nothing of it reaches the ESP.
* A pre-pass over the literal HTML tells, for every tag, whether it sits inside an HTML tag or
  attribute value (`attr_state`): a condition inside `href="…"` must not contain a `"` either,
  and outputs get the parser's `in_attr` refined to the quote actually used.
* `guard`: every tag written inside an attribute is checked for the attribute's quote, so no
  dialect can ever end an attribute early (a safety net under each dialect's own quoting).
* Literal values (template variables, constants, default strings) are HTML-escaped in the HTML
  part and then escaped like literal text, so a value can never open one of the ESP's tags.
* `cat` joins rendered pieces through a `boundary` hook, for ESPs where a literal character
  next to a generated tag changes its meaning (Handlebars: `{` + `{{x}}` is `{{{x}}`).
* Loops: the per-export context (`XContext`) knows the open loops, innermost last.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any

from ..ast import BoolOp, Compare, Const, Expr, For, If, Node, Not, Output, Pos, Ref, Text
from ..semantics import number_written
from .base import Dialect, ExportContext, ExportError, describe, expr_pos

# Where a tag sits in the HTML: outside any tag, in a tag between attributes, in a "…" or '…'
# attribute value, or in a comment (conditional comments for Outlook).
DATA, TAG, DQ, SQ, COMMENT = "data", "tag", "dq", "sq", "comment"
FLIP = {"==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
NEGATE = {"==": "!=", "!=": "==", "in": "not in", "not in": "in"}


def _runtime():
    from ..render import Runtime

    return Runtime({}, {}, {}, [], "text", False)


def truthy(value: Any) -> bool:
    """Our language's truthiness (render.Runtime), for constants folded at export."""
    return _runtime().truthy(value)


@dataclass
class XContext(ExportContext):
    """ExportContext plus what these dialects track while walking the tree."""

    attr: dict[int, str] = field(default_factory=dict)  # id(node) -> HTML state at the node
    loop_order: tuple[str, ...] = ()  # open loop variables, innermost last
    chain: tuple[str, ...] = ()  # Postmark: the scope, as a path from the root
    loop_chains: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Postmark: loop var -> item scope
    known: dict[tuple[str, ...], bool] = field(default_factory=dict)  # Postmark: values known (in)side a section
    sections: tuple[str, ...] = ()  # Postmark: open section tokens, innermost last

    def with_(self, **changes: Any) -> "XContext":
        return dataclasses.replace(self, **changes)

    def enter_loop(self, n: For) -> "XContext":
        return self.with_(loops={**self.loops, n.var: n.iterable}, loop_order=self.loop_order + (n.var,))


def scan_html(text: str, state: str) -> str:
    """The HTML state after `text`, starting in `state` (a small tokenizer, enough for tags,
    quoted attribute values and comments)."""
    i, n = 0, len(text)
    while i < n:
        if state == DATA:
            j = text.find("<", i)
            if j < 0:
                return DATA
            if text.startswith("<!--", j):
                state, i = COMMENT, j + 4
            elif j + 1 < n and (text[j + 1].isalpha() or text[j + 1] in "/!?"):
                state, i = TAG, j + 1
            else:
                i = j + 1
        elif state == COMMENT:
            j = text.find("-->", i)
            if j < 0:
                return COMMENT
            state, i = DATA, j + 3
        elif state == TAG:
            while i < n and text[i] not in "\"'>":
                i += 1
            if i >= n:
                return TAG
            c = text[i]
            state = DQ if c == '"' else SQ if c == "'" else DATA
            i += 1
        else:  # inside a quoted attribute value
            j = text.find('"' if state == DQ else "'", i)
            if j < 0:
                return state
            state, i = TAG, j + 1
    return state


def scan_states(nodes: tuple[Node, ...], state: str = DATA, out: dict[int, str] | None = None) -> dict[int, str]:
    """id(node) -> HTML state where each tag (output, condition, loop) is written."""
    out = {} if out is None else out

    def walk(nodes: tuple[Node, ...], state: str) -> str:
        for node in nodes:
            if isinstance(node, Text):
                state = scan_html(node.value, state)
            elif isinstance(node, Output):
                out[id(node)] = state
            elif isinstance(node, If):
                out[id(node)] = state
                end = None
                for _, body in node.branches:
                    e = walk(body, state)
                    end = end or e
                if node.else_body is not None:
                    e = walk(node.else_body, state)
                    end = end or e
                state = end or state
            elif isinstance(node, For):
                out[id(node)] = state
                state = walk(node.body, state)
        return state

    walk(nodes, state)
    return out


class TagDialect(Dialect):
    """Base of the Handlebars family, Mailjet, Mailchimp and Campaign Monitor."""

    loop_hint = "it has no loops; render per recipient instead (build --data)"

    # --- the walk ---------------------------------------------------------------------------
    def export(self, nodes: tuple[Node, ...], ctx: ExportContext) -> str:
        x = XContext(
            ctx.part,
            ctx.field_map,
            ctx.variables,
            dict(ctx.loops),
            attr=scan_states(nodes) if ctx.part == "html" else {},
        )
        return self.body(nodes, x)

    def body(self, nodes: tuple[Node, ...] | None, ctx: XContext) -> str:
        return self.cat([self.node(n, ctx) for n in nodes or ()], ctx)

    def cat(self, pieces: list[str], ctx: ExportContext) -> str:
        pieces = [p for p in pieces if p]
        for i in range(len(pieces) - 1):
            pieces[i], pieces[i + 1] = self.boundary(pieces[i], pieces[i + 1], ctx)
        return "".join(pieces)

    def boundary(self, left: str, right: str, ctx: ExportContext) -> tuple[str, str]:
        """Two adjacent pieces; override where a literal next to a tag changes the tag."""
        return left, right

    def node(self, n: Node, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        if isinstance(n, Text):
            return self.text(n.value, ctx)
        if isinstance(n, Output):
            out = self.output_node(n, ctx)
            self.guard(out, self.state_of(n, ctx), describe(n), n.pos, literal_ok=self.is_literal(n))
            return out
        if isinstance(n, If):
            return self.static_if(n, ctx)
        if isinstance(n, For):
            where = f"the loop <% for {n.var} in {n.iterable.name} %>"
            if not self.supports_loops:
                raise ExportError(self.label, where, n.pos, self.loop_hint)
            if n.iterable.ns == "var":
                raise ExportError(
                    self.label,
                    f"{where} over a template variable",
                    n.pos,
                    "template variables are written at export; loop over a recipient field (data:…)",
                )
            return self.for_node(n, ctx)
        raise TypeError(n)

    @staticmethod
    def is_literal(n: Output) -> bool:
        return isinstance(n.expr, Const) or n.expr.ns == "var"

    # --- HTML attribute context -----------------------------------------------------------
    def state_of(self, n: Node, ctx: ExportContext) -> str | None:
        """TAG/DQ/SQ when the node is written inside an HTML tag, else None."""
        if ctx.part != "html":
            return None
        state = getattr(ctx, "attr", {}).get(id(n))
        if state is None:
            return DQ if isinstance(n, Output) and n.in_attr else None
        return state if state in (TAG, DQ, SQ) else None

    @staticmethod
    def forbidden(state: str | None) -> str:
        """Quote characters that would end the attribute (or the tag) where a tag is written."""
        return {DQ: '"', SQ: "'", TAG: "\"'"}.get(state or "", "")

    def guard(self, tag: str, state: str | None, what: str, pos: Pos | None, *, literal_ok: bool = False) -> str:
        """Refuse a generated tag that contains the quote of the attribute it sits in."""
        if literal_ok:  # literal values are HTML-escaped: a quote in them is an entity already
            return tag
        bad = self.forbidden(state)
        hit = next((c for c in bad if c in tag), None)
        if hit:
            raise ExportError(
                self.label,
                f"{what} inside an HTML attribute",
                pos,
                f"its {self.label} form needs a {hit} there, which would end the attribute; "
                "move the tag out of the attribute (or leave out the part that needs quotes)",
            )
        return tag

    def quote_char(
        self, state: str | None, value: str, what: str, pos: Pos | None, prefer: str = '"', allowed: str = "\"'"
    ) -> str:
        """The quote for a string literal written where `state` says: not the attribute's own
        quote, and not one that occurs in the value."""
        bad = self.forbidden(state)
        order = [prefer] + [q for q in allowed if q != prefer]
        for q in order:
            if q in allowed and q not in bad and q not in value:
                return q
        raise ExportError(
            self.label,
            f"the string {value!r} in {what}",
            pos,
            "it contains the only quote this place allows; rephrase it without quotes",
        )

    # --- literals -------------------------------------------------------------------------
    def escape_value(self, value: str, ctx: ExportContext) -> str:
        escaped = htmllib.escape(value, quote=True) if ctx.part == "html" else value
        return self.text(escaped, ctx)

    def fallback_text(self, n: Output) -> str | None:
        """The default string as the email should show it: filters written after `default`
        apply to it too (`default("x") | upper` shows "X"), filters before it do not."""
        from .base import apply_static_filter

        seen = False
        value: Any = None
        for f in n.filters:
            if f.name == "default":
                seen, value = True, f.args[0]
            elif seen:
                value = apply_static_filter(f.name, value, f.args)
        return None if not seen else ("" if value is None else str(value))

    def value_filters(self, n: Output, allowed: dict[str, Any], *, max_count: int = 1) -> list:
        """The non-default filters, refused unless in `allowed` and at most `max_count`."""
        self.refuse_filters(n, set(allowed))
        fs = self.other_filters(n)
        if len(fs) > max_count:
            raise ExportError(
                self.label,
                f"the filter chain in {describe(n)}",
                fs[max_count].pos,
                f"it can apply {'no filter' if not max_count else 'one filter'} to a field here",
            )
        return fs

    # --- conditions -----------------------------------------------------------------------
    def fold(self, e: Expr, ctx: ExportContext, n: If) -> Expr:
        """Template variables become constants; constant parts are computed."""
        rt = _runtime()
        if isinstance(e, Ref):
            if e.ns == "link":
                raise ExportError(
                    self.label,
                    f"{e.name} in the condition <% if {describe(e)} %>",
                    e.pos,
                    "a special link is not a value to test",
                )
            if e.ns == "var":
                from ..semantics import MISSING

                value: Any = ctx.variables
                for seg in e.path:
                    value = value.get(seg) if isinstance(value, dict) else None
                return Const(MISSING if value is None else value)  # type: ignore[arg-type]  # any variable value, or the MISSING sentinel
            return e
        if isinstance(e, Const):
            return e
        if isinstance(e, Not):
            inner = self.fold(e.operand, ctx, n)
            if isinstance(inner, Const):
                return Const(not rt.truthy(inner.value))
            if isinstance(inner, Not):
                return inner.operand
            return Not(inner)
        if isinstance(e, Compare):
            left, right = self.fold(e.left, ctx, n), self.fold(e.right, ctx, n)
            if isinstance(left, Const) and isinstance(right, Const):
                return Const(rt.cmp(e.op, left.value, right.value, number_written(left.value, right.value)))
            from ..semantics import MISSING

            for side in (left, right):
                if isinstance(side, Const) and side.value is MISSING:
                    raise ExportError(
                        self.label,
                        f"the condition <% if {describe(e)} %>",
                        expr_pos(e) or n.pos,
                        "a template variable in it has no value; set it in the template's variables",
                    )
            return Compare(e.op, left, right)
        if isinstance(e, BoolOp):
            left, right = self.fold(e.left, ctx, n), self.fold(e.right, ctx, n)
            for a, b in ((left, right), (right, left)):
                if isinstance(a, Const):
                    t = rt.truthy(a.value)
                    if e.op == "and":
                        return b if t else Const(False)
                    return Const(True) if t else b
            return BoolOp(e.op, left, right)
        raise TypeError(e)

    def static_if(self, n: If, ctx: XContext) -> str:
        """Fold the conditions; constant ones choose their branch at export."""
        branches: list[tuple[Expr, tuple[Node, ...]]] = []
        for cond, body in n.branches:
            c = self.fold(cond, ctx, n)
            if isinstance(c, Const):
                if truthy(c.value):
                    if not branches:
                        return self.body(body, ctx)
                    return self._lowered(n, tuple(branches), body, ctx)
                continue
            branches.append((c, body))
        if not branches:
            return self.body(n.else_body, ctx)
        if len(branches) == len(n.branches) and all(a is b for (a, _), (b, _) in zip(branches, n.branches)):
            return self.if_node(n, ctx)
        return self._lowered(n, tuple(branches), n.else_body, ctx)

    def _lowered(self, n: If, branches, else_body, ctx: XContext) -> str:
        new = If(branches, else_body, n.pos)
        if id(n) in ctx.attr:
            ctx.attr[id(new)] = ctx.attr[id(n)]
        try:
            return self.if_node(new, ctx)
        finally:
            ctx.attr.pop(id(new), None)

    def cond_error(self, e: Expr, n: If, hint: str, what: str | None = None) -> ExportError:
        return ExportError(self.label, what or f"the condition <% if {describe(e)} %>", expr_pos(e) or n.pos, hint)

    # --- links ----------------------------------------------------------------------------
    def link_tag(self, which: str, n: Output, table: Mapping[str, str | None], hints: Mapping[str, str]) -> str:
        """A special link from the dialect's table; None there means the ESP has none."""
        if self.other_filters(n):
            f = self.other_filters(n)[0]
            raise ExportError(
                self.label,
                f"the filter '{f.name}' on {describe(n)}",
                f.pos,
                "special links are written by the ESP; they take no filters",
            )
        tag = table.get(which)
        if tag is None:
            raise ExportError(self.label, f"<< link:{which} >>", n.pos, hints.get(which, "it has no such link"))
        return tag
