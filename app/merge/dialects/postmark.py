"""Postmark templates (Mustachio: postmarkapp.com "Template syntax", ActiveCampaign/mustachio).

Mustachio is Mustache with `each` blocks and `../` paths. What matters for the export, read from
its source (Parser.cs, ContextObject.cs, Tokenizer.cs):

* A section `{{#x}}…{{/x}}` and an inverted section `{{^x}}…{{/x}}` both make `x` the scope
  of their content, and names are looked up in the scope only (no walking up as in Mustache):
  inside `{{#vip}}`, a recipient field is `{{../firstname}}`. Each path segment is one scope
  level, `{{#each items}}` adds one more for the item; `../` goes up one. A section opened
  with `../` hangs off the scope it reached, so a loop item is out of reach inside a section
  on a recipient field: that is refused, with the place.
* There is no else keyword: if/else is a section plus an inverted section; elif nests in the
  inverted section. No comparisons, no and/or: refused.
* Defaults: `{{#firstname}}{{../firstname}}{{/firstname}}{{^firstname}}there{{/firstname}}`.
* Loops: `{{#each items}}{{name}}{{/each}}`.
* `{{x}}` HTML-escapes; the plain-text part and subject use `{{{x}}}`.
* Paths allow letters, digits and `_` only; other field names need a field map.
* Unsubscribe: `{{{ pm:unsubscribe }}}` (Broadcast streams). View online and preferences are
  refused (Postmark has neither).
* Literal `{{…}}` in text is written `&#123;{…` in the HTML part (Mustachio has no escape);
  in the plain-text part it is refused.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

import re

from ..ast import BoolOp, Compare, Expr, For, If, Not, Output, Pos, Ref
from .base import ExportContext, ExportError, describe, expr_pos
from ._tagdialect import TagDialect, XContext

_TOKEN = re.compile(r"\{\{[^{}]+?\}\}")
_SEGMENT = re.compile(r"\w+\Z")


class Postmark(NestBoolOps, TagDialect):
    name = "postmark"
    label = "Postmark"
    description = (
        "Postmark templates (Mustachio): {{field}}, sections {{#x}}/{{^x}} for if/else and "
        "defaults, {{#each}}, {{{ pm:unsubscribe }}}"
    )

    def text(self, value: str, ctx: ExportContext) -> str:
        if not _TOKEN.search(value):
            return value
        if ctx.part != "html":
            m = _TOKEN.search(value)
            assert m is not None  # searched for just above
            raise ExportError(
                self.label,
                f"the text {m.group(0)!r} in the {'plain-text part' if ctx.part == 'text' else 'subject or preheader'}",
                None,
                "Mustachio would read it as a tag and has no way to escape it; reword it",
            )
        return re.sub(r"\{(?=\{)", "&#123;", value)

    def mustache(self, path: str, ctx: ExportContext) -> str:
        return "{{{" + path + "}}}" if ctx.part != "html" else "{{" + path + "}}"

    # --- scope ------------------------------------------------------------------------------
    def resolve(self, ref: Ref, ctx: XContext, pos: Pos | None = None) -> tuple[str, tuple[str, ...]]:
        """The Mustachio path of a field from the current scope, and where the value sits
        (its scope path from the root)."""
        if ref.ns in ctx.loops:
            base, segs = ctx.loop_chains[ref.ns], tuple(ref.path)
        else:
            base, segs = (), tuple(self.field_path(ref, ctx))
        for seg in segs:
            if not _SEGMENT.match(seg):
                raise ExportError(
                    self.label,
                    f"the field name {seg!r} in {ref.name}",
                    ref.pos,
                    "Mustachio paths take letters, digits and _ only; map the field to such a "
                    "name with a field map (--field-map)",
                )
        if ctx.chain[: len(base)] != base:
            raise ExportError(
                self.label,
                f"{ref.name} inside the section {{{{#{ctx.sections[-1]}}}}}",
                pos or ref.pos,
                "in Mustachio a section on another field changes the scope and the loop item is "
                "out of reach there; test a field of the loop item instead, or move the "
                "condition outside the loop",
            )
        return "../" * (len(ctx.chain) - len(base)) + ".".join(segs), base + segs

    def section(
        self, ctx: XContext, where: tuple[str, ...], token: str, truth: bool | None, what: str, pos: Pos | None
    ) -> XContext:
        if ctx.sections and ctx.sections[-1] == token:
            # Mustachio reads {{#x}} (or {{^x}}) inside an open {{#x}} as "close it, open a new one".
            raise ExportError(
                self.label,
                what,
                pos,
                f"it would open a second {{{{#{token}}}}} right inside the first, which Mustachio "
                "reads as closing it; restructure the conditions",
            )
        known = dict(ctx.known)
        if truth is not None:
            known[where] = truth
        return ctx.with_(chain=where, known=known, sections=ctx.sections + (token,))

    # --- outputs ----------------------------------------------------------------------------
    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext) and isinstance(n.expr, Ref)
        self.value_filters(n, {}, max_count=0)
        path, where = self.resolve(n.expr, ctx, n.pos)
        fallback = self.fallback_text(n)
        known = ctx.known.get(where)
        if not fallback or known is True:
            return self.mustache(path, ctx)
        if known is False:
            return self.escape_value(fallback, ctx)
        inside = self.section(ctx, where, path, True, describe(n), n.pos)
        inner_path, _ = self.resolve(n.expr, inside, n.pos)
        self.section(ctx, where, path, False, describe(n), n.pos)
        return self.cat(
            [
                "{{#" + path + "}}",
                self.mustache(inner_path, ctx),
                "{{/" + path + "}}",
                "{{^" + path + "}}",
                self.escape_value(fallback, ctx),
                "{{/" + path + "}}",
            ],
            ctx,
        )

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        return self.link_tag(
            which,
            n,
            {"unsubscribe": "{{{ pm:unsubscribe }}}"},
            {
                "view_online": "Postmark has no hosted web version; link to your own copy with a field instead "
                "(<< data:web_version_url >>)",
                "preferences": "Postmark manages only unsubscribes (Broadcast streams): use << link:unsubscribe >>",
            },
        )

    # --- conditions -------------------------------------------------------------------------
    def truth_test(self, e: Expr, n: If) -> tuple[Ref, bool]:
        if isinstance(e, Ref):
            return e, True
        if isinstance(e, Not):
            ref, positive = self.truth_test(e.operand, n)
            return ref, not positive
        if isinstance(e, Compare):
            raise self.cond_error(
                e,
                n,
                "Mustachio tests whether a field has a value, it cannot compare; "
                "send a boolean field for the test instead",
            )
        if isinstance(e, BoolOp):
            raise self.cond_error(e, n, "nest two conditions instead (<% if a %><% if b %>…)")
        raise self.cond_error(e, n, "a condition tests a field")

    def if_node(self, n: If, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        if (nested := self.nest(n)) is not n:
            return self.nested_if(n, nested, ctx)
        return self.chain(list(n.branches), n.else_body, ctx, n)

    def chain(self, branches: list, else_body, ctx: XContext, n: If) -> str:
        cond, body = branches[0]
        rest = branches[1:]
        ref, positive = self.truth_test(cond, n)
        what, pos = f"the condition <% if {describe(cond)} %>", expr_pos(cond) or n.pos
        path, where = self.resolve(ref, ctx, pos)

        def main(c: XContext) -> str | None:
            return self.body(body, c)

        def tail(c: XContext) -> str | None:
            if rest:
                return self.chain(rest, else_body, c, n)
            return self.body(else_body, c) if else_body is not None else None

        yes, no = (main, tail) if positive else (tail, main)
        known = ctx.known.get(where)
        if known is not None:  # inside a section on the same value: Postmark's answer is known
            return (yes if known else no)(ctx) or ""
        pieces: list[str] = []
        inner = yes(self.section(ctx, where, path, True, what, pos))
        if inner:
            pieces += ["{{#" + path + "}}", inner, "{{/" + path + "}}"]
        inner = no(self.section(ctx, where, path, False, what, pos))
        if inner:
            pieces += ["{{^" + path + "}}", inner, "{{/" + path + "}}"]
        return self.cat(pieces, ctx)

    # --- loops ------------------------------------------------------------------------------
    def for_node(self, n: For, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        path, where = self.resolve(n.iterable, ctx, n.pos)
        item = where + ("[]",)
        inner = ctx.enter_loop(n).with_(
            chain=item, loop_chains={**ctx.loop_chains, n.var: item}, sections=ctx.sections + ("each " + path,)
        )
        return self.cat(["{{#each " + path + "}}", self.body(n.body, inner), "{{/each}}"], ctx)


DIALECT = Postmark()
