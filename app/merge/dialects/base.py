"""What every ESP dialect shares: walking the tree, field names, quoting, refusals.

A dialect turns the merge-language tree (app/merge/ast.py) into one ESP's own syntax. Literal
text passes through (escaped where the ESP has a way to escape its own delimiters); tags
become the ESP's variables, defaults, conditions, loops and special links. A construct the
ESP cannot express is an ExportError naming the tag and where it was written — never silent
garbage.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..ast import BoolOp, Compare, Const, Expr, For, If, Node, Not, Output, Pos, Ref, Text
from ...messages import ShortMessage
from ..semantics import MAILWRIGHT, Rules

Part = Literal["html", "text", "header"]


class ExportError(ShortMessage, ValueError):
    """The dialect cannot express a construct; the message names the tag and its position."""

    def __init__(self, dialect: str, what: str, pos: Pos | None, hint: str = "") -> None:
        where = f"{pos}: " if pos and pos.source != "<compiled>" else ""
        super().__init__(f"{where}{dialect} cannot express {what}" + (f"; {hint}" if hint else ""))


@dataclass
class ExportContext:
    """Per-export settings: which part is written, the field-name map, template variables."""

    part: Part = "html"
    field_map: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    loops: dict[str, Ref] = field(default_factory=dict)  # loop variable -> the list it walks
    # An ESP that does not HTML-escape values (SES) refuses them in the HTML part. Set by
    # export_for_esp unless the user vouches for the data (build --allow-raw-values).
    refuse_raw_values: bool = False
    # Tags a condition needs written before its `{% if %}` (Liquid: tests captured as flags).
    prelude: list[str] = field(default_factory=list)


def describe(node: Output | Ref | Expr) -> str:
    """A tag as the user wrote it, for messages."""
    if isinstance(node, Output):
        inner = describe(node.expr)
        for f in node.filters:
            args = ", ".join(f'"{a}"' if isinstance(a, str) else str(a) for a in f.args)
            inner += f" | {f.name}" + (f"({args})" if f.args else "")
        return f"<< {inner} >>"
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Const):
        return f'"{node.value}"' if isinstance(node.value, str) else str(node.value).lower()
    if isinstance(node, Compare):
        return f"{describe(node.left)} {node.op} {describe(node.right)}"
    if isinstance(node, BoolOp):
        return f"{describe(node.left)} {node.op} {describe(node.right)}"
    if isinstance(node, Not):
        return f"not {describe(node.operand)}"
    return repr(node)


def expr_pos(e: Expr) -> Pos | None:
    if isinstance(e, Ref):
        return e.pos
    if isinstance(e, (Compare, BoolOp)):
        return expr_pos(e.left) or expr_pos(e.right)
    if isinstance(e, Not):
        return expr_pos(e.operand)
    return None


class Dialect:
    """Base class: subclasses set the names and override the hooks they need."""

    name = "base"
    label = "Base"
    description = ""
    supports_loops = True
    # Said after `build --esp NAME` exports (e.g. what the user must do before sending).
    export_note = ""
    # How the ESP's engine reads values where its export cannot reproduce ours (semantics.py):
    # the preview "as this ESP" follows them and `check --esp` warns about data they change.
    rules: Rules = MAILWRIGHT

    # --- entry point --------------------------------------------------------------------
    def export(self, nodes: tuple[Node, ...], ctx: ExportContext) -> str:
        return "".join(self.node(n, ctx) for n in nodes)

    def finish_part(self, code: str, ctx: ExportContext) -> str:
        """A whole exported part, last step (Django dialects: unescaped outside the HTML)."""
        return code

    def node(self, n: Node, ctx: ExportContext) -> str:
        if isinstance(n, Text):
            return self.text(n.value, ctx)
        if isinstance(n, Output):
            return self.output_node(n, ctx)
        if isinstance(n, If):
            return self.if_node(n, ctx)
        if isinstance(n, For):
            if not self.supports_loops:
                raise ExportError(
                    self.label,
                    f"the loop <% for {n.var} in {n.iterable.name} %>",
                    n.pos,
                    "it has no loops; render per recipient instead (build --data)",
                )
            inner = ExportContext(ctx.part, ctx.field_map, ctx.variables, {**ctx.loops, n.var: n.iterable})
            return self.for_node(n, inner)
        raise TypeError(n)

    def output_node(self, n: Output, ctx: ExportContext) -> str:
        if isinstance(n.expr, Const):
            value = str(n.expr.value)
            return self.escape_value(value, ctx) if not n.filters else self.const_output(n, ctx)
        if n.expr.ns == "var":
            return self.var_output(n, ctx)
        if n.expr.ns == "link":
            return self.link(n.expr.path[0], n, ctx)
        return self.output(n, ctx)

    # --- hooks for subclasses -------------------------------------------------------------
    def text(self, value: str, ctx: ExportContext) -> str:
        """Literal text; escape the ESP's own delimiters where it has a way to."""
        return value

    def output(self, n: Output, ctx: ExportContext) -> str:
        raise NotImplementedError

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        raise ExportError(self.label, f"<< link:{which} >>", n.pos)

    def if_node(self, n: If, ctx: ExportContext) -> str:
        raise ExportError(self.label, "conditions", n.pos)

    def for_node(self, n: For, ctx: ExportContext) -> str:
        raise ExportError(self.label, f"the loop <% for {n.var} in {n.iterable.name} %>", n.pos)

    # --- shared helpers -------------------------------------------------------------------
    def var_output(self, n: Output, ctx: ExportContext) -> str:
        """Template variables are known at export time: their value is written in place."""
        ref = n.expr
        assert isinstance(ref, Ref)
        value: Any = ctx.variables
        for seg in ref.path:
            value = value.get(seg) if isinstance(value, dict) else None
        if value is None or value == "":
            fallback = next((f.args[0] for f in n.filters if f.name == "default"), None)
            if fallback is None:
                raise ExportError(
                    self.label,
                    f"{describe(n)} without a value",
                    n.pos,
                    "set the variable in the template's variables or give it a default",
                )
            value = fallback
        for f in n.filters:
            if f.name != "default":
                value = apply_static_filter(f.name, value, f.args)
        return self.escape_value(str(value), ctx)

    def const_output(self, n: Output, ctx: ExportContext) -> str:
        value: Any = n.expr.value  # type: ignore[union-attr]  # called for a Const output only
        for f in n.filters:
            if f.name != "default":
                value = apply_static_filter(f.name, value, f.args)
        return self.escape_value(str(value), ctx)

    def escape_value(self, value: str, ctx: ExportContext) -> str:
        """A fixed string written into the part (HTML-escaped in the HTML part)."""
        return htmllib.escape(value, quote=True) if ctx.part == "html" else value

    def field_path(self, ref: Ref, ctx: ExportContext) -> list[str]:
        """The path of a data or loop field, after the field-name map.

        The map is looked up with the whole dotted path first (`order.total`), then with the
        first segment (`order`).
        """
        if ref.ns in ctx.loops:
            return list(ref.path)
        dotted = ".".join(ref.path)
        if dotted in ctx.field_map:
            return ctx.field_map[dotted].split(".")
        first, rest = ref.path[0], list(ref.path[1:])
        mapped = ctx.field_map.get(first)
        if mapped is None:
            mapped = self.default_field_name(first)
        return mapped.split(".") + rest

    def default_field_name(self, name: str) -> str:
        return name

    def default_of(self, n: Output) -> str | None:
        for f in n.filters:
            if f.name == "default":
                return str(f.args[0])
        return None

    def other_filters(self, n: Output) -> list:
        return [f for f in n.filters if f.name != "default"]

    def refuse_filters(self, n: Output, allowed: set[str]) -> None:
        for f in n.filters:
            if f.name != "default" and f.name not in allowed:
                raise ExportError(
                    self.label,
                    f"the filter '{f.name}' in {describe(n)}",
                    f.pos,
                    f"it supports: {', '.join(sorted(allowed | {'default'})) or 'default only'}",
                )

    def quote(self, value: str, ctx_in_attr: bool, *, prefer: str = '"') -> str:
        """A string literal for the ESP's syntax that is safe where it lands: never a `"`
        inside a double-quoted HTML attribute (single quotes there)."""
        q = "'" if ctx_in_attr else prefer
        other = '"' if q == "'" else "'"
        if q in value:
            if other in value or ctx_in_attr and other == '"':
                value = value.replace(q, "\u2019" if q == "'" else "\u201d")
            else:
                q = other
        return f"{q}{value}{q}"


def apply_static_filter(name: str, value: Any, args: tuple) -> Any:
    """Filters applied at export time to values known then (template variables, strings)."""
    from ..render import Runtime

    runtime = Runtime({}, {}, {}, [], "text", False)
    fn = getattr(runtime, f"f_{name}")
    return fn(value, *args)


_IDENT = re.compile(r"[^A-Za-z0-9_]")


def ident(name: str) -> str:
    """A name reduced to letters, digits and underscores (for ESPs that accept only those)."""
    return _IDENT.sub("_", name)
