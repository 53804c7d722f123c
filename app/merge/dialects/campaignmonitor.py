"""Campaign Monitor personalization tags.

* `[firstname]`; default `[firstname,fallback=there]` (the fallback HTML-escaped in the HTML
  part; one holding `[` or `]` is refused). Field names are the custom field names without
  spaces (`Date of birth` → `[Dateofbirth]`); fields are flat, a dotted path needs a field map.
* Conditions: `[if:plan=pro]…[elseif:plan=team]…[else]…[endif]`: equality with a written value
  only. A single `!=` (or `not … ==`) test is written with the branches swapped
  (`[if:plan=pro][else]…[endif]`). Tests of a field having a value, `<`, `>`, `in`, and/or are
  refused (none is documented). A condition around literal text holding `[endif]` or `[else]`
  (Outlook's `<![endif]-->` comments, i.e. around whole MJML sections) is refused: Campaign
  Monitor would close its condition there.
* No loops (repeaters are an editor feature, not data loops): refused.
* No filters.
* Two fields that become one tag (`data:firstname` and `data:"first name"` are both
  `[firstname]`) are refused, and so is literal text Campaign Monitor would read as a tag: a
  `[field]` of the email's own fields, `[unsubscribe]`, `[webversion]`, `[if:…]`, `[elseif:…]`
  (it documents no escape). Outlook's `<![endif]-->` comments are left alone.
* Links: unsubscribe `[unsubscribe]` (the URL form, for an href; Campaign Monitor's
  `<unsubscribe>…</unsubscribe>` element wraps link text), view online `[webversion]`.
  Preferences is refused: only a `<preferences>` element is documented, no URL tag.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

import re

from ..ast import Compare, Const, Expr, For, If, Node, Not, Output, Ref, Text, iter_refs
from .base import ExportContext, ExportError, describe, expr_pos
from ._tagdialect import TagDialect, XContext

_BAD_NAME = re.compile(r"[\[\],=:\s]")
_LITERAL_TAG = re.compile(r"\[((?:if|elseif):[^\]]*|[^\[\]\s,]+(?:,fallback=[^\]]*)?)\]", re.I)
_LINK_TAGS = {"unsubscribe", "webversion"}
_CM_TAG = re.compile(r"\[(?:endif|else|elseif:[^\]]*|if:[^\]]*)\]", re.I)


def _texts(nodes):
    """The literal text in a tree, nested conditions included."""
    for node in nodes:
        if isinstance(node, Text):
            yield node.value
        elif isinstance(node, If):
            for _, body in node.branches:
                yield from _texts(body)
            yield from _texts(node.else_body or ())
        elif isinstance(node, For):
            yield from _texts(node.body)


class CampaignMonitor(NestBoolOps, TagDialect):
    name = "campaignmonitor"
    label = "Campaign Monitor"
    description = (
        "Campaign Monitor: [field], [field,fallback=…], [if:field=value]…[elseif:…]…[else]…[endif], "
        "[unsubscribe], [webversion]; no loops"
    )
    supports_loops = False
    loop_hint = (
        "Campaign Monitor has no data loops (repeaters are an editor feature); render per recipient "
        "instead (build --data), or send the list as one ready-made field"
    )

    def default_field_name(self, name: str) -> str:
        return re.sub(r"\s+", "", name)

    def export(self, nodes: tuple[Node, ...], ctx: ExportContext) -> str:
        # Two fields written as one tag would show one subscriber value for both: refused.
        # Tags are compared without case, as Campaign Monitor matches them.
        seen: dict[str, Ref] = {}
        for ref in iter_refs(nodes):
            if ref.ns != "data":
                continue
            segs = self.field_path(ref, ctx)
            if len(segs) != 1:
                continue  # refused where it is written
            other = seen.setdefault(segs[0].lower(), ref)
            if other.path != ref.path:
                raise ExportError(
                    self.label,
                    f"both {other.name} and {ref.name} as [{segs[0]}]",
                    ref.pos,
                    "Campaign Monitor field tags have no spaces, so the two fields would show the "
                    "same value; rename one, or map them to different names with --field-map",
                )
        fields = {k for k in seen}
        for text in _texts(nodes):
            for m in _LITERAL_TAG.finditer(text):
                name = m.group(1).lower()
                if name.startswith(("if:", "elseif:")) or name.split(",")[0] in fields | _LINK_TAGS:
                    raise ExportError(
                        self.label,
                        f"the text {m.group(0)!r}",
                        None,
                        "Campaign Monitor would read it as its own tag and documents no way to "
                        "escape it; reword it (e.g. without the square brackets)",
                    )
        return super().export(nodes, ctx)

    def tag_name(self, ref: Ref, ctx: ExportContext) -> str:
        segs = self.field_path(ref, ctx)
        if len(segs) != 1:
            raise ExportError(
                self.label,
                f"the field path {ref.name}",
                ref.pos,
                "Campaign Monitor fields are flat; map it to one field name with a field map (--field-map)",
            )
        if not segs[0] or _BAD_NAME.search(segs[0]):
            raise ExportError(
                self.label,
                f"the field name {segs[0]!r} for {ref.name}",
                ref.pos,
                "brackets, commas, '=' and ':' end a Campaign Monitor tag; map the field with --field-map",
            )
        return segs[0]

    def output(self, n: Output, ctx: ExportContext) -> str:
        assert isinstance(n.expr, Ref)
        self.value_filters(n, {}, max_count=0)
        tag = self.tag_name(n.expr, ctx)
        fallback = self.fallback_text(n)
        if not fallback:
            return f"[{tag}]"
        shown = self.escape_value(fallback, ctx)
        if any(c in shown for c in "[]\n\r"):
            raise ExportError(
                self.label,
                f"the default in {describe(n)}",
                n.filters[0].pos,
                "a fallback cannot hold '[', ']' or a line break; reword it",
            )
        return f"[{tag},fallback={shown}]"

    def link(self, which: str, n: Output, ctx: ExportContext) -> str:
        return self.link_tag(
            which,
            n,
            {"unsubscribe": "[unsubscribe]", "view_online": "[webversion]"},
            {
                "preferences": "Campaign Monitor documents only a <preferences>…</preferences> element (wrapping the "
                "link text) and no URL tag; write that element in an HTML block instead",
            },
        )

    # --- conditions -------------------------------------------------------------------------
    def test(self, e: Expr, ctx: XContext, n: If) -> tuple[str, bool]:
        """(`plan=pro`, negated)."""
        neg = False
        while isinstance(e, Not):
            e, neg = e.operand, not neg
        if isinstance(e, Compare) and e.op in ("==", "!="):
            left, right = e.left, e.right
            if isinstance(left, Const):
                left, right = right, left
            if isinstance(left, Ref) and isinstance(right, Const):
                v = right.value
                s = ("true" if v else "false") if isinstance(v, bool) else str(v)
                if any(c in s for c in "[]\n\r"):
                    raise self.cond_error(e, n, "the value holds '[', ']' or a line break, which end the tag")
                return f"{self.tag_name(left, ctx)}={s}", neg != (e.op == "!=")
            raise self.cond_error(e, n, "Campaign Monitor compares a field with a written value, not two fields")
        if isinstance(e, Ref):
            raise self.cond_error(
                e,
                n,
                "Campaign Monitor documents equality tests only ([if:field=value]); "
                f'compare with the value instead, e.g. <% if {e.name} == "yes" %>',
            )
        if isinstance(e, Compare):
            raise self.cond_error(e, n, f"Campaign Monitor documents equality tests only, not '{e.op}'")
        raise self.cond_error(e, n, "Campaign Monitor tests one field against one value; nest two conditions instead")

    def if_node(self, n: If, ctx: ExportContext) -> str:
        assert isinstance(ctx, XContext)
        if (nested := self.nest(n)) is not n:
            return self.nested_if(n, nested, ctx)
        clash = next(
            (
                m.group(0)
                for body in [b for _, b in n.branches] + [n.else_body or ()]
                for t in _texts(body)
                for m in [_CM_TAG.search(t)]
                if m
            ),
            None,
        )
        if clash:
            raise ExportError(
                self.label,
                f"the condition <% if {describe(n.branches[0][0])} %> around the text {clash!r}",
                n.pos,
                "Campaign Monitor would read that text as its own [endif]/[else] and close the "
                "condition early (Outlook's <![endif]--> comments contain it); put the condition "
                "inside the block's text instead of around the block",
            )
        state = self.state_of(n, ctx)
        tests = [self.test(c, ctx, n) for c, _ in n.branches]
        pos = [expr_pos(c) or n.pos for c, _ in n.branches]

        def tag(t: str, i: int) -> str:
            return self.guard(t, state, f"the condition <% if {describe(n.branches[i][0])} %>", pos[i])

        if len(tests) == 1 and tests[0][1]:  # a single "not equal": the branches swap
            pieces = [tag(f"[if:{tests[0][0]}]", 0)]
            if n.else_body is not None:
                pieces.append(self.body(n.else_body, ctx))
            pieces += ["[else]", self.body(n.branches[0][1], ctx), "[endif]"]
            return self.cat(pieces, ctx)
        for i, (_, neg) in enumerate(tests):
            if neg:
                raise self.cond_error(
                    n.branches[i][0],
                    n,
                    "a '!=' test works here only as a lone if/else (Campaign Monitor has no 'not equal')",
                )
        pieces = []
        for i, ((test, _), (_, body)) in enumerate(zip(tests, n.branches)):
            pieces += [tag(f"[{'if' if i == 0 else 'elseif'}:{test}]", i), self.body(body, ctx)]
        if n.else_body is not None:
            pieces += ["[else]", self.body(n.else_body, ctx)]
        pieces.append("[endif]")
        return self.cat(pieces, ctx)


DIALECT = CampaignMonitor()
