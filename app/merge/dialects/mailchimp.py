"""Mailchimp merge tags (Marketing; the same language as Mailchimp Transactional's default).

* Fields are audience merge tags, UPPERCASE: `*|FNAME|*`. Without a field map: firstname/
  first_name → FNAME, lastname/last_name → LNAME, email → EMAIL, phone → PHONE, address →
  ADDRESS, birthday → BIRTHDAY; any other name is upper-cased with characters other than
  letters, digits and `_` removed (Mailchimp: "Merge tags can be composed of alphanumeric
  characters and underscores"). Audience fields are flat: a dotted path needs a field map.
* Default: there is no inline default (Mailchimp's defaults are set per audience field), so
  `*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*`.
* Conditions: `*|IF:FNAME|*` (has a value), `*|IFNOT:FNAME|*`, `*|IF:PLAN=pro|*`; `!=` is
  written `*|IF:PLAN=pro|*` with the branches swapped (Mailchimp: with no value for the field
  the condition "will evaluate as false", which for `!=` would show the wrong branch), `*|ELSEIF:…|*`, `*|ELSE:|*`, `*|END:IF|*`. `<`, `>`, `<=`, `>=`, `in`,
  and/or, and comparing two fields are refused.
* No loops (refused with the loop's position).
* Filters: upper → `*|UPPER:FNAME|*`, lower → `*|LOWER:…|*`, title → `*|TITLE:…|*`,
  urlencode → `*|URL:…|*` (Mailchimp's merge-tag modifiers); the others are refused.
* Links: `*|UNSUB|*`, `*|ARCHIVE|*`, `*|UPDATE_PROFILE|*`.
* Literal `*|` in text: `*&#124;` in the HTML part; refused in the plain-text part.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

import re

from ..ast import BoolOp, Compare, Const, Expr, If, Not, Output, Ref
from .base import ExportContext, ExportError, describe, expr_pos
from ._tagdialect import XContext, TagDialect
from ..semantics import Rules

DEFAULT_NAMES = {
    "firstname": "FNAME",
    "first_name": "FNAME",
    "lastname": "LNAME",
    "last_name": "LNAME",
    "email": "EMAIL",
    "email_address": "EMAIL",
    "phone": "PHONE",
    "address": "ADDRESS",
    "birthday": "BIRTHDAY",
}
MODIFIERS = {"upper": "UPPER", "lower": "LOWER", "title": "TITLE", "urlencode": "URL"}
_NAME = re.compile(r"[A-Za-z0-9_]+\Z")


class Mailchimp(NestBoolOps, TagDialect):
    name = "mailchimp"
    label = "Mailchimp"
    description = (
        "Mailchimp merge tags: *|FNAME|*, *|IF:…|*…*|ELSE:|*…*|END:IF|*, *|UNSUB|*; "
        "no loops; field names UPPERCASE (firstname → FNAME)"
    )
    supports_loops = False
    # Audience fields hold text: JSON false and 0 arrive as "false" and "0", which have a value
    # (`*|IF:VIP|*` shows its branch); the preview as Mailchimp reads them so too.
    rules = Rules(name="Mailchimp", stored_as_text=True)
    loop_hint = (
        "Mailchimp merge tags have no loops (only RSS/feed blocks); render per recipient instead "
        "(build --data), or send the list as one ready-made field"
    )

    def default_field_name(self, name: str) -> str:
        return DEFAULT_NAMES.get(name.lower(), re.sub(r"[^A-Za-z0-9_]", "", name).upper())

    def tag_name(self, ref: Ref, ctx: ExportContext) -> str:
        segs = self.field_path(ref, ctx)
        if len(segs) != 1:
            raise ExportError(
                self.label,
                f"the field path {ref.name}",
                ref.pos,
                "Mailchimp audience fields are flat; map it to one merge tag with a field map "
                f'(--field-map, e.g. {{"{".".join(ref.path)}": "TOTAL"}})',
            )
        if not _NAME.match(segs[0]):
            raise ExportError(
                self.label,
                f"the merge tag name {segs[0]!r} for {ref.name}",
                ref.pos,
                "merge tags take letters, digits and _ only; map the field with --field-map",
            )
        return segs[0]

    # --- literal text -----------------------------------------------------------------------
    def text(self, value: str, ctx: ExportContext) -> str:
        if "*|" not in value:
            return value
        if ctx.part != "html":
            raise ExportError(
                self.label,
                f"the text '*|' in the {'plain-text part' if ctx.part == 'text' else 'subject or preheader'}",
                None,
                "Mailchimp would read it as the start of a merge tag; reword it",
            )
        return value.replace("*|", "*&#124;")

    # --- outputs ----------------------------------------------------------------------------
    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(n.expr, Ref)
        fs = self.value_filters(n, MODIFIERS)
        tag = self.tag_name(n.expr, ctx)
        value = f"*|{MODIFIERS[fs[0].name]}:{tag}|*" if fs else f"*|{tag}|*"
        fallback = self.fallback_text(n)
        if not fallback:
            return value
        return self.cat([f"*|IF:{tag}|*", value, "*|ELSE:|*", self.escape_value(fallback, ctx), "*|END:IF|*"], ctx)

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        return self.link_tag(
            which,
            n,
            {"unsubscribe": "*|UNSUB|*", "view_online": "*|ARCHIVE|*", "preferences": "*|UPDATE_PROFILE|*"},
            {},
        )

    # --- conditions -------------------------------------------------------------------------
    def test(self, e: Expr, ctx: XContext, n: If) -> str:
        """`IF:FNAME`, `IFNOT:FNAME`, `IF:PLAN=pro` or `IF:PLAN!=pro`."""
        neg = False
        while isinstance(e, Not):
            e, neg = e.operand, not neg
        if isinstance(e, Ref):
            return f"{'IFNOT' if neg else 'IF'}:{self.tag_name(e, ctx)}"
        if isinstance(e, Compare) and e.op in ("==", "!="):
            left, right = e.left, e.right
            if isinstance(left, Const):
                left, right = right, left
            if isinstance(left, Ref) and isinstance(right, Const):
                op = e.op if not neg else ("!=" if e.op == "==" else "==")
                return f"IF:{self.tag_name(left, ctx)}{'=' if op == '==' else '!='}{self.value(right, e, n)}"
            raise self.cond_error(e, n, "Mailchimp compares a merge tag with a written value, not two fields")
        if isinstance(e, Compare):
            raise self.cond_error(
                e,
                n,
                f"Mailchimp conditions test = and != only, not '{e.op}'; send a field that holds the answer instead",
            )
        if isinstance(e, BoolOp):
            raise self.cond_error(
                e, n, "Mailchimp conditions test one merge tag; nest two conditions instead (<% if a %><% if b %>…)"
            )
        raise self.cond_error(e, n, "a condition tests a field")

    def value(self, c: Const, e: Expr, n: If) -> str:
        v = c.value
        s = ("true" if v else "false") if isinstance(v, bool) else repr(v) if isinstance(v, float) else str(v)
        if any(ch in s for ch in "|*\n\r"):
            raise self.cond_error(e, n, "the value holds '|', '*' or a line break, which end a Mailchimp merge tag")
        return s

    def if_node(self, n: If, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        if (nested := self.nest(n)) is not n:
            return self.nested_if(n, nested, ctx)
        return self.chain(list(n.branches), n.else_body, ctx, n)

    def chain(self, branches: list, else_body, ctx: XContext, n: If) -> str:
        state = self.state_of(n, ctx)
        cond, body = branches[0]
        head = self.test(cond, ctx, n)
        if "!=" in head:
            # "When using a condition like *|IF:MERGE=x|*, and no value for MERGE is provided,
            # the condition will evaluate as false" - so would IF:MERGE!=x, where ours is true:
            # written as IF:MERGE=x with the branches swapped.
            tail = (
                self.chain(branches[1:], else_body, ctx, n)
                if branches[1:]
                else (self.body(else_body, ctx) if else_body is not None else None)
            )
            pieces = [
                self._tag(f"*|{head.replace('!=', '=', 1)}|*", cond, state, n),
                tail or "",
                "*|ELSE:|*",
                self.body(body, ctx),
                "*|END:IF|*",
            ]
            return self.cat(pieces, ctx)
        pieces = [self._tag(f"*|{head}|*", cond, state, n), self.body(body, ctx)]
        rest = branches[1:]
        while rest:
            head = self.test(rest[0][0], ctx, n)
            if head.startswith("IFNOT:") or "!=" in head:
                break  # no ELSEIFNOT, and != must swap: nest it in the ELSE
            pieces += [self._tag(f"*|ELSE{head}|*", rest[0][0], state, n), self.body(rest[0][1], ctx)]
            rest = rest[1:]
        tail = (
            self.chain(rest, else_body, ctx, n)
            if rest
            else (self.body(else_body, ctx) if else_body is not None else None)
        )
        if tail:
            pieces += ["*|ELSE:|*", tail]
        pieces.append("*|END:IF|*")
        return self.cat(pieces, ctx)

    def _tag(self, tag: str, cond: Expr, state: str | None, n: If) -> str:
        return self.guard(tag, state, f"the condition <% if {describe(cond)} %>", expr_pos(cond) or n.pos)


DIALECT = Mailchimp()
