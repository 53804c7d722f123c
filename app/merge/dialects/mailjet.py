"""Mailjet template language (transactional: `TemplateLanguage: true`; dev.mailjet.com reference).

* Recipient fields are Send API variables: `{{var:firstname:""}}`. A default is ALWAYS
  written: without one, a missing variable is a template error and the message is blocked.
  A field map value `data:FIRSTNAME` selects a stored contact property instead
  (`{{data:FIRSTNAME:""}}`).
* Default: `{% if var:firstname:false %}{{var:firstname}}{% else %}there{% endif %}` (the
  `:false` default is from Mailjet's own truth table). Not `{{var:firstname:"there"}}`: that
  default is documented for a variable that is not defined, and `default` also covers a blank
  value and 0. The test needs no quotes: inside an HTML attribute, where a `"` would end the
  attribute, a value without a default is written the same way.
* Conditions: `{% if var:vip:false %}…{% elseif … %}…{% else %}…{% endif %}` with `==`, `!=`,
  `<`, `<=`, `>`, `>=`, `and`, `or`, `not` (all documented). Compared fields get a default of
  the constant's type (`""`, `0`, `false`). A comparison with a number is guarded:
  `(var:seats:"" != "" and var:seats:0 < 5)`, so a blank or missing field is no number (false,
  `!=` true) as in the preview. `in` is refused; a string comparison, and so a comparison with
  a number, inside an HTML attribute is refused (it needs double quotes).
* Loops: `{% for item in var:items %}{{item.name}}{% endfor %}`. Loop items take no default
  (none is documented for them): a default on one is refused.
* Filters: urlencode → `UrlEncode(…)`; the others are refused.
* Escaping: the reference documents no automatic escaping of printed values and offers the
  function `Escape()` for HTML (dev.mailjet.com "Template language reference", Functions), so
  values in the HTML part are written `{{Escape(var:firstname:"")}}`.
* A loop over a Send API variable runs inside `{% if var:items:false %}`: a list the recipient
  lacks would otherwise be a template error.
* Unsubscribe: `{{mj:unsub_link}}`. View online is refused: `[[PERMALINK]]` belongs to campaigns
  and is reported stripped from transactional sends, and `var:` exists only in those. No
  preferences link.
* Literal `{{` / `{%` in text: `&#123;` in the HTML part; refused in the plain-text part.
"""

from __future__ import annotations

import re

from ..ast import BoolOp, Compare, Const, Expr, For, If, Not, Output, Ref
from .base import ExportContext, ExportError, describe, expr_pos
from ._tagdialect import FLIP, TagDialect, XContext

_DANGER = re.compile(r"\{(?=[{%])")
_SEGMENT = re.compile(r"[A-Za-z0-9_]+\Z")
_UNSAFE_IN_STRING = set('"{}%\\\n\r')


class Mailjet(TagDialect):
    name = "mailjet"
    label = "Mailjet"
    description = (
        'Mailjet template language (transactional): {{var:field:"default"}}, {% if %}/{% elseif %}, '
        "{% for %}, {{mj:unsub_link}}"
    )

    # --- literal text -----------------------------------------------------------------------
    def text(self, value: str, ctx: ExportContext) -> str:
        if not _DANGER.search(value):
            return value
        if ctx.part != "html":
            m = _DANGER.search(value)
            assert m is not None  # searched for just above
            raise ExportError(
                self.label,
                f"the text {value[m.start() : m.start() + 2]!r} in the "
                f"{'plain-text part' if ctx.part == 'text' else 'subject or preheader'}",
                None,
                "Mailjet would read it as the start of a tag and documents no escape; reword it",
            )
        return _DANGER.sub("&#123;", value)

    def boundary(self, left: str, right: str, ctx: ExportContext) -> tuple[str, str]:
        if left.endswith("{") and right.startswith("{"):
            if ctx.part != "html":
                raise ExportError(
                    self.label,
                    "a '{' right before a merge tag",
                    None,
                    "Mailjet would read them as one tag; put a space between them",
                )
            left = left[:-1] + "&#123;"
        return left, right

    # --- names ------------------------------------------------------------------------------
    def var_name(self, ref: Ref, ctx: XContext) -> tuple[str, bool]:
        """(`var:firstname` / `data:X` / `item.name`, whether it takes a `:default`)."""
        if ref.ns in ctx.loops:
            segs, prefix, takes_default = list(ref.path), ref.ns + ".", False
        else:
            segs = self.field_path(ref, ctx)
            ns = "var"
            if ":" in segs[0]:
                ns, segs[0] = segs[0].split(":", 1)
                if ns not in ("var", "data"):
                    raise ExportError(
                        self.label,
                        f"the field map entry {ns}:{segs[0]} for {ref.name}",
                        ref.pos,
                        "map fields to a name, var:name or data:name",
                    )
            prefix, takes_default = ns + ":", True
        for seg in segs:
            if not _SEGMENT.match(seg):
                raise ExportError(
                    self.label,
                    f"the field name {seg!r} in {ref.name}",
                    ref.pos,
                    "Mailjet variable names take letters, digits and _; map the field to such "
                    "a name with a field map (--field-map)",
                )
        return prefix + ".".join(segs), takes_default

    # --- outputs ----------------------------------------------------------------------------
    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext) and isinstance(n.expr, Ref)
        func = "UrlEncode" if self.value_filters(n, {"urlencode": "UrlEncode"}) else None
        if func is None and ctx.part == "html":
            # The reference documents no automatic escaping and offers Escape() "to escape HTML":
            # values in the HTML part go through it (a URL-encoded value has nothing to escape).
            func = "Escape"
        name, takes_default = self.var_name(n.expr, ctx)
        fallback = self.fallback_text(n)

        def wrap(x: str) -> str:
            return f"{func}({x})" if func else x

        if not takes_default:
            if fallback:
                raise ExportError(
                    self.label,
                    f"the default in {describe(n)}",
                    n.pos,
                    "Mailjet documents no default for a loop item's field; leave it out or "
                    "give the field a value in every item",
                )
            return "{{" + wrap(name) + "}}"
        if not fallback and self.state_of(n, ctx) is None:
            return "{{" + wrap(f'{name}:""') + "}}"
        # A default is written as a test, not as `{{var:x:"there"}}`: that default is for a
        # variable that is not defined, and `default` covers a blank value and 0 too. Inside an
        # HTML attribute the test also stands in for `:""` (it needs no quotes).
        pieces = ["{% if " + name + ":false %}", "{{" + wrap(name) + "}}"]
        if fallback:
            pieces += ["{% else %}", self.escape_value(fallback, ctx)]
        pieces.append("{% endif %}")
        return self.cat(pieces, ctx)

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        return self.link_tag(
            which,
            n,
            {"unsubscribe": "{{mj:unsub_link}}"},
            {
                "view_online": "[[PERMALINK]] works in Mailjet campaigns only (it is stripped from transactional "
                "sends, where the template language's var: fields live); link to your own copy with "
                "a field instead (<< data:web_version_url >>)",
                "preferences": "Mailjet's template language has no preference-centre link; use << link:unsubscribe >>",
            },
        )

    # --- conditions -------------------------------------------------------------------------
    def operand(self, e: Expr, other: Expr | None, ctx: XContext, cond: Expr, n: If) -> str:
        if isinstance(e, Ref):
            name, takes_default = self.var_name(e, ctx)
            if not takes_default:
                return name
            if other is None or (isinstance(other, Const) and isinstance(other.value, bool)):
                return name + ":false"
            if isinstance(other, Const) and isinstance(other.value, (int, float)):
                return name + ":0"
            return name + ':""'
        if isinstance(e, Const):
            v = e.value
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, (int, float)):
                return repr(v)
            s = str(v)
            if _UNSAFE_IN_STRING & set(s):
                raise self.cond_error(
                    cond,
                    n,
                    "Mailjet documents no escape for quotes, braces, % or line "
                    "breaks in a string; compare with a plainer value",
                )
            return f'"{s}"'
        return "(" + self.expr(e, ctx, cond, n) + ")"

    def expr(self, e: Expr, ctx: XContext, cond: Expr, n: If) -> str:
        if isinstance(e, Ref):
            return self.operand(e, None, ctx, cond, n)
        if isinstance(e, Not):
            inner = e.operand
            return "not " + (
                self.operand(inner, None, ctx, cond, n)
                if isinstance(inner, Ref)
                else "(" + self.expr(inner, ctx, cond, n) + ")"
            )
        if isinstance(e, Compare):
            if e.op in ("in", "not in"):
                raise self.cond_error(cond, n, f"Mailjet has no '{e.op}' operator; compare with == … or == … instead")
            left, right, op = e.left, e.right, e.op
            if isinstance(left, Const) and isinstance(right, Ref):
                left, right, op = right, left, FLIP[op]
            test = f"{self.operand(left, right, ctx, cond, n)} {op} {self.operand(right, left, ctx, cond, n)}"
            if (
                isinstance(left, Ref)
                and isinstance(right, Const)
                and isinstance(right.value, (int, float))
                and not isinstance(right.value, bool)
                and self.var_name(left, ctx)[1]
            ):
                # A blank or missing field is no number: the comparison is false (`!=` true),
                # where Mailjet would compare the `:0` default (or "") with the number.
                name = self.var_name(left, ctx)[0]
                return f'({name}:"" == "" or {test})' if op == "!=" else f'({name}:"" != "" and {test})'
            return test
        if isinstance(e, BoolOp):
            parts = []
            for side in (e.left, e.right):
                s = self.expr(side, ctx, cond, n)
                parts.append(f"({s})" if isinstance(side, BoolOp) and side.op != e.op else s)
            return f" {e.op} ".join(parts)
        raise self.cond_error(cond, n, "a condition tests a field")

    def if_node(self, n: If, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        state = self.state_of(n, ctx)
        pieces = []
        for i, (cond, body) in enumerate(n.branches):
            word = "if" if i == 0 else "elseif"
            tag = "{% " + word + " " + self.expr(cond, ctx, cond, n) + " %}"
            pieces += [
                self.guard(
                    tag,
                    state,
                    f"the condition <% {'if' if i == 0 else 'elif'} {describe(cond)} %>",
                    expr_pos(cond) or n.pos,
                ),
                self.body(body, ctx),
            ]
        if n.else_body is not None:
            pieces += ["{% else %}", self.body(n.else_body, ctx)]
        pieces.append("{% endif %}")
        return self.cat(pieces, ctx)

    # --- loops ------------------------------------------------------------------------------
    def for_node(self, n: For, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        name, takes_default = self.var_name(n.iterable, ctx)
        loop = ["{% for " + n.var + " in " + name + " %}", self.body(n.body, ctx.enter_loop(n)), "{% endfor %}"]
        if takes_default:
            # A missing variable without a default is a template error that blocks the message:
            # the loop runs only when the list is there (`:false`, the reference's truth table).
            loop = ["{% if " + name + ":false %}"] + loop + ["{% endif %}"]
        return self.cat(loop, ctx)


DIALECT = Mailjet()
