"""What the Handlebars dialects share: generic Handlebars, SendGrid, Amazon SES, Mailgun, Iterable.

Each ESP module subclasses `HandlebarsLike` and sets the knobs (helpers, links, escaping).

* Values: `{{field}}`; in the plain-text part and the subject, where Handlebars' HTML escaping
  would turn `&` into `&amp;`, `{{{field}}}` (unless the ESP does not escape at all: SES).
* Defaults: the ESP's inline helper where it has one and the default is plain text (SendGrid
  `insert`, Iterable `defaultIfEmpty`), else `{{#if x}}{{x}}{{else}}there{{/if}}` with the
  default written as literal text (HTML-escaped in the HTML part).
* Conditions: `{{#if}}` / `{{#unless}}` on truthiness, `{{else if}}` chains, comparison and
  and/or helpers only where the ESP documents them; `!=` becomes the `==` helper with its
  branches swapped. Anything else is refused with the position.
* Loops: `{{#each list}}…{{/each}}`; the loop item is `this.field`, an outer loop's item
  `../field`, a recipient field inside a loop `@root.field` (Handlebars.js) or `../field` per
  open loop (Handlebars.java: SES, Iterable).
* Field names that are not plain identifiers are written as segment literals: `[first name]`.
* Literal `{{` is written `\\{{`; a backslash, `{` or `}` next to a generated tag is protected
  (Handlebars would read `\\{{x}}` as escaped, `{` + `{{x}}` as `{{{x}}`, `{{x}}` + `}` as `}}}`).
"""

from __future__ import annotations

import re

from ..ast import BoolOp, Compare, Const, Expr, For, If, Not, Output, Ref
from .base import ExportContext, ExportError, describe, expr_pos
from ._tagdialect import FLIP, NEGATE, TagDialect, XContext
from ..semantics import Rules

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_OPEN = re.compile(r"(\\*)\{\{")


class HandlebarsLike(TagDialect):
    # Handlebars.js prints 7.0 as 7 and a list as a,b.
    rules = Rules(name="Handlebars", text_style="js")
    # {{{x}}} in the text part and subject: the ESP HTML-escapes {{x}}.
    raw_in_text = True
    # How a recipient field is reached inside {{#each}}: "@root." or "../" (once per open loop).
    root_in_loop = "@root."
    # Block helpers for comparisons, by our operator; and/or helpers taking two fields.
    compare_helpers: dict[str, str] = {}
    bool_helpers: dict[str, str] = {}
    # Our filters as inline helpers ({{upper x}}) or block helpers ({{#urlEncode}}{{{x}}}{{/urlEncode}}).
    filter_helpers: dict[str, str] = {}
    block_filters: dict[str, str] = {}
    # Names that Handlebars would call as helpers: a field called so is written this.name.
    helper_names: frozenset[str] = frozenset({"if", "unless", "each", "with", "lookup", "log", "else", "this"})
    # Special links: written as a Handlebars variable, as literal text, or as a recipient field.
    link_vars: dict[str, str] = {}
    link_literals: dict[str, str] = {}
    link_fields: dict[str, str] = {}
    link_hints: dict[str, str] = {}
    # {{else if}} chains (else: nesting in {{else}}).
    else_if = True
    compare_hint = "it tests truthiness only ({{#if field}}); send a boolean field for the test instead"
    bool_hint = "nest two conditions instead (<% if a %><% if b %>…)"

    # --- literal text ---------------------------------------------------------------------
    def text(self, value: str, ctx: ExportContext) -> str:
        if "{{" not in value:
            return value

        def fix(m: re.Match[str]) -> str:
            slashes = m.group(1)
            if slashes:
                if ctx.part != "html":
                    raise ExportError(
                        self.label,
                        f"the text {m.group(0)!r} in the {_part(ctx)}",
                        None,
                        "Handlebars cannot write a backslash right before a literal '{{' there; "
                        "put a space between them",
                    )
                slashes = "&#92;" * len(slashes)
            return slashes + "\\{{"

        return _OPEN.sub(fix, value)

    def boundary(self, left: str, right: str, ctx: ExportContext) -> tuple[str, str]:
        if right.startswith("{{"):
            if left.endswith("{"):
                left = self._entity(left, -1, "&#123;", ctx, "'{' right before a merge tag")
            elif left.endswith("\\"):
                # Handlebars prints n-1 of n backslashes before a tag (one escapes it): write n+1.
                left += "\\"
        elif right.startswith("\\{{") and left.endswith("\\"):
            n = len(left) - len(left.rstrip("\\"))
            if ctx.part != "html":
                raise ExportError(
                    self.label,
                    f"a backslash right before a literal '{{{{' in the {_part(ctx)}",
                    None,
                    "put a space between them",
                )
            left = left[:-n] + "&#92;" * n
        if right.startswith("}") and left.endswith("}}") and not left.endswith("}}}"):
            right = self._entity(right, 0, "&#125;", ctx, "'}' right after a merge tag")
        return left, right

    def _entity(self, s: str, i: int, entity: str, ctx: ExportContext, what: str) -> str:
        if ctx.part != "html":
            raise ExportError(
                self.label,
                f"a {what} in the {_part(ctx)}",
                None,
                "Handlebars would read them as one tag; put a space between them",
            )
        return s[:-1] + entity if i == -1 else entity + s[1:]

    # --- fields ---------------------------------------------------------------------------
    def join_path(self, segs: list[str] | tuple[str, ...], ref: Ref) -> str:
        out = []
        for seg in segs:
            if _IDENT.match(seg):
                out.append(seg)
            elif seg and not any(c in seg for c in "[]{}\n"):
                out.append(f"[{seg}]")
            else:
                raise ExportError(
                    self.label,
                    f"the field name {seg!r} in {ref.name}",
                    ref.pos,
                    "rename the field, or map it to another name with a field map (--field-map)",
                )
        return ".".join(out)

    def ref_path(self, ref: Ref, ctx: XContext) -> str:
        if ref.ns in ctx.loops:
            depth = ctx.loop_order[::-1].index(ref.ns)
            return ("this." if depth == 0 else "../" * depth) + self.join_path(ref.path, ref)
        segs = self.field_path(ref, ctx)
        path = self.join_path(segs, ref)
        if ctx.loop_order:
            prefix = self.root_in_loop if self.root_in_loop == "@root." else "../" * len(ctx.loop_order)
            return prefix + path
        return ("this." + path) if segs[0] in self.helper_names else path

    def mustache(self, inner: str, ctx: ExportContext) -> str:
        if ctx.part != "html" and self.raw_in_text:
            return "{{{" + inner + "}}}"
        return "{{" + inner + "}}"

    # --- outputs --------------------------------------------------------------------------
    def value_tag(self, path: str, filt: str | None, ctx: ExportContext) -> str:
        if filt is None:
            return self.mustache(path, ctx)
        if filt in self.filter_helpers:
            return self.mustache(f"{self.filter_helpers[filt]} {path}", ctx)
        helper = self.block_filters[filt]
        return "{{#" + helper + "}}{{{" + path + "}}}{{/" + helper + "}}"

    def inline_default(self, path: str, fallback: str, n: Output, ctx: XContext) -> str | None:
        """The ESP's own default syntax, or None for {{#if}}…{{else}}…{{/if}}."""
        return None

    @staticmethod
    def plain_default(fallback: str) -> bool:
        """A default that can go into a helper's string argument as is."""
        return not any(c in fallback for c in "\"'{}\\&<>\n\r")

    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext) and isinstance(n.expr, Ref)
        fs = self.value_filters(n, {**self.filter_helpers, **self.block_filters})
        filt = fs[0].name if fs else None
        path = self.ref_path(n.expr, ctx)
        value = self.value_tag(path, filt, ctx)
        fallback = self.fallback_text(n)
        if not fallback:
            return value
        if filt is None:
            inline = self.inline_default(path, fallback, n, ctx)
            if inline is not None:
                return inline
        return self.cat(["{{#if " + path + "}}", value, "{{else}}", self.escape_value(fallback, ctx), "{{/if}}"], ctx)

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        if which in self.link_fields:
            self.link_tag(which, n, {which: "ok"}, {})  # refuses filters on links
            return self.mustache(self.ref_path(Ref("data", (self.link_fields[which],), n.pos), ctx), ctx)
        if which in self.link_vars:
            self.link_tag(which, n, {which: "ok"}, {})
            return self.mustache(self.link_vars[which], ctx)
        return self.link_tag(which, n, self.link_literals, self.link_hints)

    # --- conditions -----------------------------------------------------------------------
    def literal(self, value: object, state: str | None, e: Expr, n: If) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value)
        s = str(value)
        if "\n" in s or "\r" in s:
            raise self.cond_error(e, n, "a string in a condition cannot hold a line break")
        q = self.quote_char(state, s, f"the condition <% if {describe(e)} %>", expr_pos(e) or n.pos)
        return q + s + q

    def cond(self, e: Expr, ctx: XContext, state: str | None, n: If) -> tuple[str, str, bool]:
        """(block helper, its arguments, negated): negated swaps the branches."""
        if isinstance(e, Ref):
            return "if", self.ref_path(e, ctx), False
        if isinstance(e, Not):
            if isinstance(e.operand, Ref):
                return "unless", self.ref_path(e.operand, ctx), False
            helper, args, neg = self.cond(e.operand, ctx, state, n)
            return helper, args, not neg
        if isinstance(e, Compare):
            return self.compare(e, ctx, state, n)
        if isinstance(e, BoolOp):
            bool_helper = self.bool_helpers.get(e.op)
            if bool_helper and isinstance(e.left, Ref) and isinstance(e.right, Ref):
                return bool_helper, f"{self.ref_path(e.left, ctx)} {self.ref_path(e.right, ctx)}", False
            hint = (
                f"its '{bool_helper}' helper takes two fields, not conditions; nest the conditions instead"
                if bool_helper
                else self.bool_hint
            )
            raise self.cond_error(e, n, hint)
        raise self.cond_error(e, n, "a condition tests a field")

    def compare(self, e: Compare, ctx: XContext, state: str | None, n: If) -> tuple[str, str, bool]:
        op, left, right = e.op, e.left, e.right
        if op in ("in", "not in"):
            raise self.cond_error(e, n, f"{self.label} has no '{op}' test; send a boolean field for it instead")
        if not self.compare_helpers:
            raise self.cond_error(e, n, self.compare_hint)
        if isinstance(left, Const) and isinstance(right, Ref):
            left, right, op = right, left, FLIP[op]
        if not isinstance(left, Ref) or not isinstance(right, (Ref, Const)):
            raise self.cond_error(e, n, "a comparison here is between a field and a value or another field")
        other = self.ref_path(right, ctx) if isinstance(right, Ref) else self.literal(right.value, state, e, n)
        args = f"{self.ref_path(left, ctx)} {other}"
        if op in self.compare_helpers:
            return self.compare_helpers[op], args, False
        if NEGATE.get(op) in self.compare_helpers:
            return self.compare_helpers[NEGATE[op]], args, True
        have = ", ".join(f"{o} ({h})" for o, h in self.compare_helpers.items())
        raise self.cond_error(e, n, f"it has no helper for '{op}'; it has {have}")

    def if_node(self, n: If, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        return self.chain(list(n.branches), n.else_body, ctx, self.state_of(n, ctx), n)

    def _tag(self, text: str, cond: Expr, state: str | None, n: If) -> str:
        return self.guard(text, state, f"the condition <% if {describe(cond)} %>", expr_pos(cond) or n.pos)

    def chain(self, branches: list, else_body, ctx: XContext, state: str | None, n: If) -> str:
        cond, body = branches[0]
        rest = branches[1:]
        helper, args, neg = self.cond(cond, ctx, state, n)
        pieces = [self._tag("{{#" + helper + " " + args + "}}", cond, state, n)]
        if helper == "if" and not neg and self.else_if:
            pieces.append(self.body(body, ctx))
            while rest:
                h2, a2, neg2 = self.cond(rest[0][0], ctx, state, n)
                if h2 != "if" or neg2:
                    break
                pieces += [self._tag("{{else if " + a2 + "}}", rest[0][0], state, n), self.body(rest[0][1], ctx)]
                rest = rest[1:]
            tail = self._tail(rest, else_body, ctx, state, n)
            if tail:
                pieces += ["{{else}}", tail]
            pieces.append("{{/if}}")
            return self.cat(pieces, ctx)
        body_s = self.body(body, ctx)
        tail = self._tail(rest, else_body, ctx, state, n)
        then_s, else_s = (tail or "", body_s) if neg else (body_s, tail)
        pieces.append(then_s)
        if else_s:
            pieces += ["{{else}}", else_s]
        pieces.append("{{/" + helper + "}}")
        return self.cat(pieces, ctx)

    def _tail(self, rest: list, else_body, ctx: XContext, state: str | None, n: If) -> str | None:
        if rest:
            return self.chain(rest, else_body, ctx, state, n)
        return self.body(else_body, ctx) if else_body is not None else None

    # --- loops ----------------------------------------------------------------------------
    def for_node(self, n: For, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        state = self.state_of(n, ctx)
        path = self.ref_path(n.iterable, ctx)
        open_ = self.guard("{{#each " + path + "}}", state, f"the loop <% for {n.var} in {n.iterable.name} %>", n.pos)
        return self.cat([open_, self.body(n.body, ctx.enter_loop(n)), "{{/each}}"], ctx)


def _part(ctx: ExportContext) -> str:
    return {"html": "HTML part", "text": "plain-text part"}.get(ctx.part, "subject or preheader")


def helper_string(dialect: TagDialect, value: str, n: Output, ctx: ExportContext) -> str | None:
    """A helper's string argument where the output sits (single quotes inside a "…" attribute),
    or None when no quote fits."""
    try:
        q = dialect.quote_char(dialect.state_of(n, ctx), value, describe(n), n.pos)
    except ExportError:
        return None
    return q + value + q
