"""What the `{{ … }}` / `{% … %}` template languages share: Liquid, Jinja (and HubL), Django.

Three families, and every ESP module subclasses one of them:

* `LiquidFamily` (generic Liquid, Customer.io, Braze): `{{ x | default: 'a' }}`, filters with
  `name: arg`, `{% if %}{% elsif %}`, `contains`. Liquid has no parentheses, no `not`, and reads
  `and`/`or` from right to left without precedence: a condition that mixes them is refused,
  never silently regrouped; a whole condition `not X` (or `a not in b`) is written as
  `{% unless X %}`, or, with elif branches, as `{% if X %}` with the branches swapped.
  Liquid does not autoescape: values in the HTML part are piped through `escape`. Liquid's
  truth (only nil and false are false) and its comparisons of text with numbers (an error)
  differ from ours (semantics.py): such tests are captured as flags before the `{% if %}`.
* `JinjaFamily` (generic Jinja, HubSpot HubL): `{{ x | default('a', true) }}`, filters with
  `name(args)`, full expressions (`not`, `in`, parentheses); a field compared with a written
  number is read with `|float` (NaN when it is none, so the comparison is false).
* `DjangoFamily` (Klaviyo, Brevo): `{{ x|default:'a' }}`, one-argument filters `name:arg`,
  `and`/`or`/`not`/`in` with Django's precedence but no parentheses (`not (a and b)` is
  rewritten as `not a or not b`; other groupings are refused).

Shared rules:

* Literal text containing the language's own delimiters (`{{`, `{%`, and `{#` where that starts
  a comment) is protected: the delimiter is wrapped in `{% raw %}…{% endraw %}` (Liquid, Jinja,
  HubL); in the Django family's HTML it is written `&#123;`. A `{` at the very end of a text run
  is protected too, since the next tag would otherwise start with `{{{`. Template-variable
  values written at export time are literal text as well.
* String literals are single-quoted; a literal inside an HTML attribute (and any literal in a
  condition, which may sit in one) never contains a `"`. Liquid strings have no escapes: a
  string holding both quote marks gets a typographic apostrophe (’).
* Defaults in the HTML part are shown HTML-escaped exactly once:
  - Liquid: `x | escape | default: '<escaped default>'` (escape keeps nil as nil, so the
    default still applies, and is not escaped twice); filters written after the default are
    applied to it at export time so it can come last.
  - Jinja: the default is escaped at render time with the value (`| escape` last); in the
    source its `& < > "` are written as `\x26`-style escapes.
  - Django: string literals are output as they are ("safe"), so the default is written
    HTML-escaped (and last, when later filters would otherwise escape it again).
  - HubL: see hubspot.py.
* `var:` refs are known at export time: the base class writes outputs; in conditions they
  become constants, and a comparison of two constants is decided (`true`/`false`).
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
from typing import Any

from ..ast import BoolOp, Compare, Const, Expr, Filter, For, If, Node, Not, Output, Pos, Ref
from ..semantics import Rules, is_number, number_written
from .base import Dialect, ExportContext, ExportError, apply_static_filter, describe, expr_pos

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ROOT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_ident(name: str) -> bool:
    return bool(_IDENT.match(name))


def show(e: Expr) -> str:
    """A condition as the user could have written it (parentheses where the grouping needs them)."""
    if isinstance(e, BoolOp):
        parts = []
        for child in (e.left, e.right):
            text = show(child)
            if isinstance(child, BoolOp) and child.op != e.op and e.op == "and":
                text = f"({text})"
            parts.append(text)
        return f" {e.op} ".join(parts)
    if isinstance(e, Not):
        return f"not ({show(e.operand)})" if isinstance(e.operand, BoolOp) else f"not {show(e.operand)}"
    if isinstance(e, Compare):
        sides = [show(x) if isinstance(x, (Ref, Const)) else f"({show(x)})" for x in (e.left, e.right)]
        return f"{sides[0]} {e.op} {sides[1]}"
    return describe(e)


def _runtime():
    from ..render import Runtime

    return Runtime({}, {}, {}, [], "text", False)


class CurlyDialect(Dialect):
    """The machinery shared by the three families; subclasses set the knobs."""

    # Output tag spelling: `{{ x }}` or `{{x}}`.
    out_open, out_close = "{{ ", " }}"
    # `{#` starts a comment (Jinja, Django, HubL), so it is a delimiter to protect too.
    comment_delimiter = False
    # Filter appended to values in the HTML part (None: the ESP escapes by itself).
    html_escape_filter: str | None = None
    # String literals: "plain" has no escapes at all (Liquid); "backslash" knows \' and \\.
    literal_style = "backslash"
    # A `"` in a literal inside an HTML attribute is written as this (never a `"`).
    attr_double_quote = "\u201d"
    # Text the ESP's tokenizer would take as the end of the tag inside a string literal, in an
    # output tag `{{ … }}` and in a statement `{% … %}`.
    literal_breakers: tuple[str, ...] = ()
    literal_breakers_tag: tuple[str, ...] = ()
    true_false_none = ("true", "false", "nil")
    # Names a loop variable must not shadow (the ESP's own objects); renamed with a "_".
    reserved_names: frozenset[str] = frozenset()
    # The filters of our language, mapped (see `filter_code`).
    filter_names: dict[str, str] = {}

    # --- literal text ---------------------------------------------------------------------
    def _danger(self) -> re.Pattern:
        marks = "%#" if self.comment_delimiter else "%"
        return re.compile(r"\{(?:\{+[" + marks + r"]?|[" + marks + r"]|\Z)")

    def text(self, value: str, ctx: ExportContext) -> str:
        return self.protect(value, ctx)

    def escape_value(self, value: str, ctx: ExportContext) -> str:
        # Values written at export time (template variables, constants) are literal text too.
        return self.protect(super().escape_value(value, ctx), ctx)

    def protect(self, value: str, ctx: ExportContext) -> str:
        pattern = self._danger()
        if "{" not in value or not pattern.search(value):
            return value
        return pattern.sub(
            lambda m: self.escape_delimiter(m.group(0), ctx, value[max(0, m.start() - 30) : m.end() + 30].strip()),
            value,
        )

    def escape_delimiter(self, run: str, ctx: ExportContext, around: str = "") -> str:
        """A run of text such as `{{` or `{%` written so the ESP shows it as it is (`around`:
        the text about it, for messages)."""
        return "{% raw %}" + run + "{% endraw %}"

    # --- literals -------------------------------------------------------------------------
    def lit(
        self, value: Any, *, attr: bool, pos: Pos | None, what: str, hex_chars: str = "", in_tag: bool = False
    ) -> str:
        """A literal for the ESP's expression syntax (string, number, boolean, nothing).

        Strings are single-quoted where possible. `attr`: the literal sits inside a
        double-quoted HTML attribute, so it never contains a `"`. `hex_chars`: characters to
        write as `\\xNN` (for languages that decode Python escapes).
        """
        if value is None:
            return self.true_false_none[2]
        if isinstance(value, bool):
            return self.true_false_none[0] if value else self.true_false_none[1]
        if isinstance(value, (int, float)):
            return repr(value)
        s = str(value)
        for bad in self.literal_breakers_tag if in_tag else self.literal_breakers:
            if bad in s:
                raise ExportError(
                    self.label,
                    f"the text {s!r} in {what}",
                    pos,
                    f"its template language would end the tag at {bad!r} inside a string; leave that out of the text",
                )
        if "\n" in s or "\r" in s:
            raise ExportError(
                self.label, f"a line break inside the string in {what}", pos, "write the text on one line"
            )
        q = "'"
        if self.literal_style == "plain":
            # No escape sequences at all: switch quotes, or use a typographic apostrophe.
            if "'" in s:
                if not attr and '"' not in s:
                    q = '"'
                else:
                    s = s.replace("'", "\u2019")
        else:
            s = s.replace("\\", "\\\\")
            if "'" in s:
                if not attr and '"' not in s and '"' not in hex_chars:
                    q = '"'
                else:
                    s = s.replace("'", "\\'")
            for ch in hex_chars:
                s = s.replace(ch, "\\x%02x" % ord(ch))
        if attr and '"' in s:
            s = s.replace('"', self.attr_double_quote)
        return f"{q}{s}{q}"

    # --- names ----------------------------------------------------------------------------
    def loop_name(self, var: str) -> str:
        return var + "_" if var in self.reserved_names else var

    def access(self, base: str, segments: list[str], ref: Ref) -> str:
        """`base.seg.seg`, list indices as `[0]`; a segment that is no identifier is refused."""
        out = base
        for seg in segments:
            if seg.isdigit():
                out += f"[{seg}]"
            elif is_ident(seg):
                out += "." + seg
            else:
                raise ExportError(
                    self.label,
                    f"the field name {seg!r} in {ref.name}",
                    ref.pos,
                    "its template language takes letters, digits and '_' in names; "
                    'rename the field with a field map (e.g. {"' + seg + '": "' + _suggest(seg) + '"})',
                )
        return out

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        """A data field as the ESP writes it (without filters)."""
        path = self.field_path(ref, ctx)
        if not is_ident(path[0]):
            raise ExportError(
                self.label,
                f"the field name {path[0]!r} in {ref.name}",
                ref.pos,
                "its template language takes letters, digits and '_' in names; rename the "
                'field with a field map (e.g. {"' + path[0] + '": "' + _suggest(path[0]) + '"})',
            )
        return self.access(path[0], path[1:], ref)

    def ref_code(self, ref: Ref, ctx: ExportContext) -> str:
        if ref.ns in ctx.loops:
            return self.access(self.loop_name(ref.ns), list(ref.path), ref)
        if ref.ns == "link":
            raise ExportError(
                self.label,
                f"{ref.name} inside a condition or loop",
                ref.pos,
                "a link always has a value; use it in an output tag only",
            )
        code = self.field_code(ref, ctx)
        # A data field must not be hidden by a loop variable of the same name.
        m = _ROOT.match(code)
        active = {self.loop_name(v) for v in ctx.loops}
        if m and m.group(0) in active:
            raise ExportError(
                self.label,
                f"{ref.name} inside the loop over '{m.group(0)}'",
                ref.pos,
                f"the loop variable '{m.group(0)}' hides that field here; rename the loop variable",
            )
        return code

    # --- outputs --------------------------------------------------------------------------
    def filter_code(self, f: Filter, n: Output, ctx: ExportContext) -> str:
        """One of our filters (not default) in the ESP's syntax, without the separator."""
        raise NotImplementedError

    def default_code(self, text: str, n: Output, ctx: ExportContext, *, escaped: bool) -> str:
        raise NotImplementedError

    def refuse_filter(self, f: Filter, n: Output, hint: str = "") -> ExportError:
        known = ", ".join(sorted(set(self.filter_names) | {"default"}))
        return ExportError(
            self.label,
            f"the filter '{f.name}' in {describe(n)}",
            f.pos,
            hint or f"remove it (filters it can write: {known}), or prepare the value in your data",
        )

    def filter_sep(self) -> str:
        return " | "

    def value_filters(self, n: Output, ctx: ExportContext) -> list[str]:
        """The output's filters in order, the default written by `default_code`."""
        out = []
        for f in n.filters:
            if f.name == "default":
                out.append(self.default_code(str(f.args[0]), n, ctx, escaped=False))
            else:
                out.append(self.filter_code(f, n, ctx))
        return out

    def filter_chain(self, n: Output, ctx: ExportContext) -> list[str]:
        """All the filters written after the value, the HTML escape included."""
        parts = self.value_filters(n, ctx)
        if ctx.part == "html" and self.html_escape_filter:
            parts.append(self.html_escape_filter)
        return parts

    def default_last(self, n: Output, ctx: ExportContext) -> tuple[list[str], str] | None:
        """For a tag with a default: its other filters, and the default with every filter
        written after it already applied (the default can then come last, after the escape)."""
        names = [f.name for f in n.filters]
        if "default" not in names:
            return None
        i = names.index("default")
        fallback: Any = str(n.filters[i].args[0])
        for f in n.filters[i + 1 :]:
            fallback = apply_static_filter(f.name, fallback, f.args)
        return [self.filter_code(f, n, ctx) for f in n.filters if f.name != "default"], str(fallback)

    def prepare(self, n: Output, ctx: ExportContext) -> Output:
        """A hook to adjust an output tag before it is written (e.g. add a default)."""
        return n

    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(n.expr, Ref)
        n = self.prepare(n, ctx)
        assert isinstance(n.expr, Ref)  # prepare keeps the field
        code = self.ref_code(n.expr, ctx)
        parts = self.filter_chain(n, ctx)
        return self.out_open + code + "".join(self.filter_sep() + p for p in parts) + self.out_close

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        code = self.link_code(which, n, ctx)
        if n.filters:
            raise ExportError(
                self.label,
                f"filters on a link in {describe(n)}",
                n.filters[0].pos,
                f"write << link:{which} >> without filters",
            )
        return code

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        raise ExportError(self.label, f"<< link:{which} >>", n.pos)

    # --- conditions -----------------------------------------------------------------------
    def fold(self, e: Expr, ctx: ExportContext) -> Expr:
        """`var:` refs become their (known) values; comparisons of two constants are decided."""
        if isinstance(e, Ref):
            if e.ns == "var" and e.ns not in ctx.loops:
                value: Any = ctx.variables
                for seg in e.path:
                    value = value.get(seg) if isinstance(value, dict) else None
                return Const(value)
            return e
        if isinstance(e, Compare):
            left, right = self.fold(e.left, ctx), self.fold(e.right, ctx)
            if isinstance(left, Const) and isinstance(right, Const):
                rt = _runtime()
                a = left.value if left.value is not None else ""
                b = right.value if right.value is not None else ""
                return Const(rt.cmp(e.op, a, b, number_written(left.value, right.value)))
            return Compare(e.op, left, right)
        if isinstance(e, BoolOp):
            return BoolOp(e.op, self.fold(e.left, ctx), self.fold(e.right, ctx))
        if isinstance(e, Not):
            return Not(self.fold(e.operand, ctx))
        return e

    def bool_const(self, c: Const) -> str:
        """A constant used as a condition: our truthiness, decided now."""
        return self.true_false_none[0] if _runtime().truthy(c.value) else self.true_false_none[1]

    def operand(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        if isinstance(e, Ref):
            return self.ref_code(e, ctx)
        if isinstance(e, Const):
            return self.lit(e.value, attr=True, pos=n.pos, what=where, in_tag=True)
        raise ExportError(
            self.label,
            f"the condition '{show(e)}' used as a value in {where}",
            expr_pos(e) or n.pos,
            "compare fields or strings only",
        )

    def cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        raise NotImplementedError

    def tag(self, body: str) -> str:
        return "{% " + body + " %}"

    def if_node(self, n: If, ctx: ExportContext) -> str:
        out = []
        for i, (cond, body) in enumerate(n.branches):
            word = "if" if i == 0 else self.elif_word
            where = f"<% {'if' if i == 0 else 'elif'} {show(cond)} %>"
            out.append(self.tag(f"{word} {self.cond(self.fold(cond, ctx), ctx, n, where)}") + self.export(body, ctx))
        if n.else_body is not None:
            out.append(self.tag("else") + self.export(n.else_body, ctx))
        out.append(self.tag("endif"))
        return "".join(out)

    elif_word = "elif"

    # --- loops ----------------------------------------------------------------------------
    def iterable_code(self, n: For, ctx: ExportContext) -> str:
        # The loop's own variable is already in ctx.loops: resolve the list outside it.
        outer = ExportContext(
            ctx.part,
            ctx.field_map,
            ctx.variables,
            {k: v for k, v in ctx.loops.items() if k != n.var or n.iterable.ns == n.var},
        )
        if n.iterable.ns == "var":
            raise ExportError(
                self.label,
                f"the loop over {n.iterable.name}",
                n.iterable.pos,
                "template variables are written at export time; loop over a data: field",
            )
        return self.ref_code(n.iterable, outer)

    def for_node(self, n: For, ctx: ExportContext) -> str:
        return (
            self.tag(f"for {self.loop_name(n.var)} in {self.iterable_code(n, ctx)}")
            + self.export(n.body, ctx)
            + self.tag("endfor")
        )


def _suggest(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "field"
    return s if not s[0].isdigit() else "f_" + s


# --- Liquid ---------------------------------------------------------------------------------


class LiquidFamily(CurlyDialect):
    html_escape_filter = "escape"
    literal_style = "plain"  # Liquid strings have no escape sequences
    literal_breakers = ("}",)  # `{{ … }}` ends at the first `}` in Liquid's tokenizer
    literal_breakers_tag = ("%}",)
    filter_names = {
        "upper": "upcase",
        "lower": "downcase",
        "capitalize": "capitalize",
        "trim": "strip",
        "truncate": "truncate",
        "urlencode": "url_encode",
    }
    elif_word = "elsif"
    # Liquid's `default` keeps the number 0 (it replaces nil, false and empty strings/lists).
    rules = Rules(name="Liquid", default_replaces_zero=False)
    reserved_names = frozenset({"forloop", "tablerowloop", "empty", "blank", "nil", "true", "false"})

    def filter_code(self, f: Filter, n: Output, ctx: ExportContext) -> str:
        name = self.filter_names.get(f.name)
        if name is None:
            raise self.refuse_filter(f, n)
        if f.name == "truncate":
            # Ours counts the ellipsis in the length and uses "…": so does `truncate: n, '…'`.
            return f"truncate: {int(f.args[0])}, '\u2026'"
        if f.name == "urlencode":
            # url_encode writes a space as + and / as %2F; ours: %20 and / (as Jinja, Django).
            return "url_encode | replace: '+', '%20' | replace: '%2F', '/'"
        return name

    def default_code(self, text: str, n: Output, ctx: ExportContext, *, escaped: bool) -> str:
        return "default: " + self.lit(text, attr=n.in_attr, pos=n.pos, what=describe(n))

    def filter_chain(self, n: Output, ctx: ExportContext) -> list[str]:
        # HTML part: `x | … | escape | default: '<escaped default>'`. `escape` keeps nil as nil,
        # so the default still applies; the default is written HTML-escaped (no quote marks
        # left to clash with the literal's or the attribute's) and is not escaped twice.
        split = self.default_last(n, ctx) if ctx.part == "html" else None
        if split is None:
            return super().filter_chain(n, ctx)
        others, fallback = split
        return others + [
            self.html_escape_filter or "escape",
            self.default_code(htmllib.escape(fallback, quote=True), n, ctx, escaped=True),
        ]

    # Conditions: no parentheses, no `not`, `and`/`or` right to left.
    def cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        return self._cond(e, ctx, n, where)

    def _chain(self, e: Expr, op: str) -> list[Expr]:
        if isinstance(e, BoolOp) and e.op == op:
            return self._chain(e.left, op) + self._chain(e.right, op)
        return [e]

    def _cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        if isinstance(e, BoolOp):
            items = self._chain(e, e.op)
            for item in items:
                if isinstance(item, BoolOp):
                    raise ExportError(
                        self.label,
                        f"'and' mixed with 'or' in {where}",
                        expr_pos(e) or n.pos,
                        "Liquid has no parentheses and reads and/or from right to left; use only 'and' or only "
                        "'or' in one condition, and nest <% if %> tags for the rest",
                    )
            return f" {e.op} ".join(self._cond(item, ctx, n, where) for item in items)
        if isinstance(e, Not):
            inner = e.operand
            if isinstance(inner, Not):
                return self._cond(inner.operand, ctx, n, where)
            if isinstance(inner, Compare) and inner.op in ("==", "!="):
                return self._cond(Compare("!=" if inner.op == "==" else "==", inner.left, inner.right), ctx, n, where)
            raise ExportError(
                self.label,
                f"'not' in {where}",
                expr_pos(e) or n.pos,
                "Liquid has no 'not' inside a condition: make 'not …' the whole condition "
                "(it is then written as {% unless %} or with the branches swapped), or use '!='",
            )
        if isinstance(e, Compare):
            if e.op == "not in":
                raise ExportError(
                    self.label,
                    f"'not in' in {where}",
                    expr_pos(e) or n.pos,
                    "Liquid has no 'not in' inside a condition: make it the whole condition "
                    "(it is then written as {% unless … contains … %})",
                )
            numbers = [isinstance(x, Const) and is_number(x.value) for x in (e.left, e.right)]
            if e.op != "in" and any(numbers) and not all(numbers):
                return self.number_test(e, ctx, n, where)
            left, right = self.operand(e.left, ctx, n, where), self.operand(e.right, ctx, n, where)
            if e.op == "in":
                return f"{right} contains {left}"
            return f"{left} {e.op} {right}"
        if isinstance(e, Const):
            return self.bool_const(e)
        if isinstance(e, Ref):
            return self.truth_test(e, ctx, n, where)
        return self.operand(e, ctx, n, where)

    # Liquid's own truth (only nil and false are false) and comparisons (text with a number is
    # an error) differ from ours: such a test is captured before the `{% if %}` as a flag that
    # holds '1' when ours holds, and the condition tests the flag.
    def flag(self, ctx: ExportContext, body: str) -> str:
        name = f"_mw{len(ctx.prelude) + 1}"
        ctx.prelude.append(self.tag(f"capture {name}") + body + self.tag("endcapture"))
        return f"{name} == '1'"

    def truth_test(self, e: Ref, ctx: ExportContext, n: If, where: str) -> str:
        """`x` as a condition: false for nil, false, '', an empty list and 0, as ours."""
        x = self.operand(e, ctx, n, where)
        return self.flag(
            ctx, self.tag(f"if {x} == 0 or {x} == empty") + self.tag(f"elsif {x}") + "1" + self.tag("endif")
        )

    def number_test(self, e: Compare, ctx: ExportContext, n: If, where: str) -> str:
        """`x > 5`: x read as a number when it is one or text of digits ('7', '-2.5'); else the
        comparison is false ('!=' true). `| plus: 0` alone would read any text as 0."""
        ref, const, op = e.left, e.right, e.op
        if isinstance(ref, Const):
            ref, const, op = const, ref, {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        x = self.operand(ref, ctx, n, where)
        c = self.operand(const, ctx, n, where)
        rest = "".join(f" | remove: '{ch}'" for ch in "0123456789.-")
        number = (
            self.tag(f"assign _mws = {x} | strip")
            + self.tag(f"assign _mwc = _mws{rest}")
            + self.tag("if _mws != '' and _mwc == ''")
            + self.tag("assign _mwn = _mws | plus: 0")
            + self.tag(f"if _mwn {op} {c}")
            + "1"
            + self.tag("endif")
        )
        return self.flag(ctx, number + (self.tag("else") + "1" if op == "!=" else "") + self.tag("endif"))

    def _negated(self, cond: Expr, ctx: ExportContext) -> Expr | None:
        """For a condition that is a whole negation, the condition it negates."""
        e = self.fold(cond, ctx)
        if (
            isinstance(e, Not)
            and not isinstance(e.operand, Not)
            and not (isinstance(e.operand, Compare) and e.operand.op in ("==", "!="))
        ):
            return e.operand
        if isinstance(e, Compare) and e.op == "not in":
            return Compare("in", e.left, e.right)
        return None

    def if_node(self, n: If, ctx: ExportContext) -> str:
        # The flags the conditions need are captured first, then the if tags test them.
        inner = dataclasses.replace(ctx, prelude=[])
        out = self.if_tags(n, inner)
        return "".join(inner.prelude) + out

    def if_tags(self, n: If, ctx: ExportContext) -> str:
        # A branch whose whole condition is `not X` (or `a not in b`) is written with X and the
        # branches swapped: `{% unless X %}` alone, `{% if X %}<the rest>{% else %}…` with elifs.
        for i, (cond, body) in enumerate(n.branches):
            negated = self._negated(cond, ctx)
            if negated is None:
                continue
            if i > 0:
                rest = If(n.branches[i:], n.else_body, n.pos)
                return super().if_node(If(n.branches[:i], (rest,), n.pos), ctx)
            test = self._cond(negated, ctx, n, f"<% if {show(cond)} %>")
            if len(n.branches) == 1:
                out = self.tag(f"unless {test}") + self.export(body, ctx)
                if n.else_body is not None:
                    out += self.tag("else") + self.export(n.else_body, ctx)
                return out + self.tag("endunless")
            if len(n.branches) > 1:
                rest_nodes: tuple[Node, ...] = (If(n.branches[1:], n.else_body, n.pos),)
            else:
                rest_nodes = n.else_body or ()
            return (
                self.tag(f"if {test}")
                + self.export(rest_nodes, ctx)
                + self.tag("else")
                + self.export(body, ctx)
                + self.tag("endif")
            )
        return super().if_node(n, ctx)


# --- Jinja ----------------------------------------------------------------------------------


class JinjaFamily(CurlyDialect):
    comment_delimiter = True
    html_escape_filter = "escape"
    true_false_none = ("true", "false", "none")
    filter_names = {
        "upper": "upper",
        "lower": "lower",
        "capitalize": "capitalize",
        "title": "title",
        "trim": "trim",
        "truncate": "truncate",
        "urlencode": "urlencode",
    }
    reserved_names = frozenset({"loop", "true", "false", "none", "self", "super", "varargs", "kwargs"})
    # Jinja prints a value with str(): None, True, 7.0, ['a'].
    rules = Rules(name="Jinja", text_style="python", bool_is_number=True)
    # Jinja's `a.b` tries the attribute first: `order.items` is dict.items, a method, and a loop
    # over it raises TypeError. Names that are attributes of the values data holds are written
    # as `order['items']`, which tries the key first.
    attribute_names = frozenset(n for t in (dict, list, str, int, float) for n in dir(t) if not n.startswith("_"))

    def access(self, base: str, segments: list[str], ref: Ref) -> str:
        out = base
        for seg in segments:
            if seg in self.attribute_names:
                out += f"['{seg}']"
            else:
                out = super().access(out, [seg], ref)
        return out

    def for_node(self, n: For, ctx: ExportContext) -> str:
        # Real Jinja iterates a text by characters and a dict by its keys (and `order['items']`
        # of an order without items is dict.items): the preview loops over a list only.
        code = self.iterable_code(n, ctx)
        test = f"{code} is iterable and {code} is not string and {code} is not mapping"
        return (
            self.tag(f"for {self.loop_name(n.var)} in ({code} if {test} else [])")
            + self.export(n.body, ctx)
            + self.tag("endfor")
        )

    def truncate_args(self, n: int) -> str:
        # killwords=true (cut mid-word like ours), end '…', leeway 0 (Jinja 2.9+); `string`
        # first: Jinja's truncate takes the len() of its value, a TypeError for a number.
        return f"string | truncate({n}, true, '\u2026', 0)"

    def filter_code(self, f: Filter, n: Output, ctx: ExportContext) -> str:
        name = self.filter_names.get(f.name)
        if name is None:
            raise self.refuse_filter(f, n)
        if f.name == "truncate":
            return self.truncate_args(int(f.args[0]))
        return name

    def default_code(self, text: str, n: Output, ctx: ExportContext, *, escaped: bool) -> str:
        # boolean=true: an empty string takes the default too, as in our language.
        return f"default({self.lit(text, attr=n.in_attr, pos=n.pos, what=describe(n))}, true)"

    # Conditions: everything, parenthesised where precedence would otherwise regroup.
    _PREC = {"or": 1, "and": 2, "not": 3}

    def cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        return self._cond(e, ctx, n, where)

    def _cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        if isinstance(e, BoolOp):
            parts = []
            for child in (e.left, e.right):
                text = self._cond(child, ctx, n, where)
                if isinstance(child, BoolOp) and child.op != e.op:
                    text = f"({text})"
                parts.append(text)
            return f" {e.op} ".join(parts)
        if isinstance(e, Not):
            inner = self._cond(e.operand, ctx, n, where)
            return f"not ({inner})" if isinstance(e.operand, (BoolOp, Compare)) else f"not {inner}"
        if isinstance(e, Compare):
            # A number written on one side: the other is read as a number ("7" > 5); what is
            # no number becomes NaN, so the comparison is false ('!=' true), as ours. `in` on a
            # value that holds no items (a number, null) is false, not a TypeError.
            numeric = e.op not in ("in", "not in") and any(
                isinstance(x, Const) and is_number(x.value) for x in (e.left, e.right)
            )
            sides = []
            for side in (e.left, e.right):
                if isinstance(side, (Ref, Const)):
                    code = self.operand(side, ctx, n, where)
                    if numeric and isinstance(side, Ref):
                        # (NaN by a second |float: Jinja would fold a constant 'NaN'|float into
                        # its Python source as `nan`, a NameError.)
                        code += "|default('')|float('NaN')|float"
                    if e.op in ("in", "not in") and side is e.right and isinstance(side, Ref):
                        code = f"({code} if {code} is iterable else '')"
                    sides.append(code)
                else:
                    sides.append(f"({self._cond(side, ctx, n, where)})")
            return f"{sides[0]} {e.op} {sides[1]}"
        if isinstance(e, Const):
            return self.bool_const(e)
        return self.operand(e, ctx, n, where)


# --- Django ---------------------------------------------------------------------------------


class DjangoFamily(CurlyDialect):
    """Django templates autoescape values; string literals are output as they are ("safe")."""

    out_open, out_close = "{{ ", " }}"
    comment_delimiter = True
    html_escape_filter = None
    true_false_none = ("True", "False", "None")
    literal_breakers = ("}}",)  # Django's tokenizer is a regex over the raw text
    literal_breakers_tag = ("%}",)
    filter_names = {
        "upper": "upper",
        "lower": "lower",
        "capitalize": "capfirst",
        "title": "title",
        "truncate": "truncatechars",
        "urlencode": "urlencode",
        "number": "floatformat",
    }
    reserved_names = frozenset({"forloop", "block", "True", "False", "None"})
    # Django's title is Python's str.title with two fixes ("O'Neil", "Jean.Paul"); text is never
    # a number in its comparisons ("7" > 5 is false), and no filter of it reads decimals.
    rules = Rules(name="Django", title="django", text_compares_as_number=False, text_style="python")

    def filter_sep(self) -> str:
        return "|"

    _RAW_OPEN = re.compile(r"<(style|script)\b|<!--", re.I)

    def protect(self, value: str, ctx: ExportContext) -> str:
        if ctx.part != "html" or "{" not in value:
            return super().protect(value, ctx)
        # In HTML the brace is written as `&#123;`, except where entities are not decoded
        # (inside <style>, <script> and comments): there the plain-text way is used.
        pattern = self._danger()

        def repl(m: re.Match) -> str:
            around = value[max(0, m.start() - 30) : m.end() + 30].strip()
            if self._in_raw_html(value, m.start()):
                return self.escape_delimiter_plain(m.group(0), ctx, around)
            return m.group(0).replace("{", "&#123;")

        return pattern.sub(repl, value)

    def _in_raw_html(self, value: str, index: int) -> bool:
        before = value[:index].lower()
        for opener, closer in (("<style", "</style"), ("<script", "</script"), ("<!--", "-->")):
            if before.rfind(opener) > before.rfind(closer):
                return True
        return False

    def escape_delimiter(self, run: str, ctx: ExportContext, around: str = "") -> str:
        if ctx.part == "html":
            return run.replace("{", "&#123;")
        return self.escape_delimiter_plain(run, ctx, around)

    def escape_delimiter_plain(self, run: str, ctx: ExportContext, around: str = "") -> str:
        part = {"header": "subject or preheader", "text": "plain-text part"}.get(
            ctx.part, "HTML's styles, scripts or comments"
        )
        raise ExportError(
            self.label,
            f"the text {run!r} in the {part} (in {around!r})",
            None,
            "its template language would read it as the start of a tag and documents no way "
            "to escape it; rephrase the text",
        )

    def filter_code(self, f: Filter, n: Output, ctx: ExportContext) -> str:
        name = self.filter_names.get(f.name)
        if name is None:
            raise self.refuse_filter(f, n)
        if f.name == "truncate":
            return f"truncatechars:{int(f.args[0])}"
        if f.name == "number":
            # floatformat:d rounds half up to d decimals, without thousands separators: ours.
            return f"floatformat:{int(f.args[0]) if f.args else 0}"
        if f.name == "capitalize":
            # capfirst keeps the rest as written; ours (Liquid's, Jinja's) lower-cases it.
            return "lower" + self.filter_sep() + "capfirst"
        return name

    def default_code(self, text: str, n: Output, ctx: ExportContext, *, escaped: bool) -> str:
        if ctx.part == "html" and not escaped:
            text = htmllib.escape(text, quote=True)
        return "default:" + self.lit(text, attr=n.in_attr, pos=n.pos, what=describe(n))

    def value_filters(self, n: Output, ctx: ExportContext) -> list[str]:
        names = [f.name for f in n.filters]
        if "default" in names and ctx.part == "html":
            i = names.index("default")
            raw = str(n.filters[i].args[0])
            if i + 1 < len(names) and htmllib.escape(raw, quote=True) != raw:
                # The escaped literal is output as it is only as the last step (a later filter
                # would make it a plain string, escaped again): apply the later filters to the
                # default now and put it last.
                split = self.default_last(n, ctx)
                assert split is not None
                others, fallback = split
                return others + [self.default_code(htmllib.escape(fallback, quote=True), n, ctx, escaped=True)]
        return super().value_filters(n, ctx)

    # Conditions: precedence or < and < not < comparisons; no parentheses at all.
    def cond(self, e: Expr, ctx: ExportContext, n: If, where: str) -> str:
        return self._cond(e, ctx, n, where, 0)

    @staticmethod
    def _prec(e: Expr) -> int:
        if isinstance(e, BoolOp):
            return 1 if e.op == "or" else 2
        if isinstance(e, Not):
            return 3
        if isinstance(e, Compare):
            return 4
        return 5

    def _cond(self, e: Expr, ctx: ExportContext, n: If, where: str, need: int) -> str:
        if isinstance(e, Not) and isinstance(e.operand, BoolOp):
            # not (a and b) == not a or not b: De Morgan instead of parentheses.
            flip = "or" if e.operand.op == "and" else "and"
            e = BoolOp(flip, Not(e.operand.left), Not(e.operand.right))
        if isinstance(e, Not) and isinstance(e.operand, Not):
            return self._cond(e.operand.operand, ctx, n, where, need)
        if self._prec(e) < need:
            raise ExportError(
                self.label,
                f"the grouping in {where}",
                expr_pos(e) or n.pos,
                "its {% if %} takes no parentheses (and binds tighter than or); reorder the "
                "condition or nest <% if %> tags",
            )
        if isinstance(e, BoolOp):
            p = self._prec(e)
            return f"{self._cond(e.left, ctx, n, where, p)} {e.op} {self._cond(e.right, ctx, n, where, p)}"
        if isinstance(e, Not):
            return f"not {self._cond(e.operand, ctx, n, where, 3)}"
        if isinstance(e, Compare):
            for side in (e.left, e.right):
                if not isinstance(side, (Ref, Const)):
                    raise ExportError(
                        self.label,
                        f"the grouping in {where}",
                        expr_pos(e) or n.pos,
                        "its {% if %} takes no parentheses; compare fields or strings only",
                    )
            return f"{self.operand(e.left, ctx, n, where)} {e.op} {self.operand(e.right, ctx, n, where)}"
        if isinstance(e, Const):
            return self.bool_const(e)
        return self.operand(e, ctx, n, where)
