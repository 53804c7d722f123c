"""SendGrid Dynamic Templates (Handlebars subset; docs: "Using Handlebars", sendgrid/docs).

* `{{firstname}}`; in the plain-text part and subject `{{{firstname}}}` (SendGrid: use three
  brackets in a subject with `'`, `"` or `&`).
* Default: `{{insert firstname "default=there"}}` (in an HTML attribute `'default=there'`);
  a default holding quotes, braces, `&`, `<` or `>` uses `{{#if}}…{{else}}there{{/if}}` instead.
* Conditions: `{{#if}}`, `{{else if}}`, `{{#unless}}`; `{{#equals a "x"}}`, `{{#notEquals}}`,
  `{{#greaterThan}}`, `{{#lessThan}}`, `{{#and a b}}`, `{{#or a b}}` (all documented).
  `>=`, `<=` and `in` are refused (no helper; `not <` is not `>=` for a missing field).
* Loops: `{{#each items}}{{this.name}}{{/each}}`; recipient fields inside `{{@root.x}}`
  (documented "If with a root").
* Unsubscribe: `<%asm_group_unsubscribe_raw_url%>` (needs an unsubscribe group on the send);
  preferences: `<%asm_preferences_raw_url%>`. View online is refused: `{{Weblink}}` exists
  only in Marketing Campaigns, not in dynamic templates.
* No filters (no documented helper for them).
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

from ..ast import BoolOp, Output, Ref
from ._handlebarslike import HandlebarsLike, helper_string
from ._tagdialect import XContext


class SendGrid(NestBoolOps, HandlebarsLike):
    name = "sendgrid"
    label = "SendGrid"
    description = (
        'SendGrid dynamic templates: {{field}}, {{insert field "default=…"}}, {{#if}}, '
        "{{#equals}}/{{#greaterThan}}/{{#lessThan}}, {{#each}}; group unsubscribe link"
    )
    compare_helpers = {"==": "equals", "!=": "notEquals", ">": "greaterThan", "<": "lessThan"}
    bool_helpers = {"and": "and", "or": "or"}
    helper_names = HandlebarsLike.helper_names | {
        "insert",
        "equals",
        "notEquals",
        "greaterThan",
        "lessThan",
        "and",
        "or",
        "length",
        "formatDate",
    }
    link_literals = {"unsubscribe": "<%asm_group_unsubscribe_raw_url%>", "preferences": "<%asm_preferences_raw_url%>"}
    link_hints = {
        "view_online": "its web-version tag {{Weblink}} works in Marketing Campaigns only, not in "
        "dynamic templates; link to your own hosted copy with a field instead "
        "(<< data:web_version_url >>)"
    }
    compare_hint = "use ==, !=, > or <"

    def keeps(self, e: BoolOp) -> bool:
        return isinstance(e.left, Ref) and isinstance(e.right, Ref)  # {{#and a b}}, {{#or a b}}

    def inline_default(self, path: str, fallback: str, n: Output, ctx: XContext) -> str | None:
        if not self.plain_default(fallback):
            return None
        arg = helper_string(self, f"default={fallback}", n, ctx)
        return None if arg is None else self.mustache(f"insert {path} {arg}", ctx)


DIALECT = SendGrid()
