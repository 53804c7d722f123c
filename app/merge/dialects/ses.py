"""Amazon SES templates (Handlebars; AWS "Advanced email personalization").

* `{{firstname}}` everywhere. **SES does not escape HTML** ("SES doesn't escape HTML content
  when rendering the HTML template", AWS "Advanced email personalization"), and offers no
  escaping helper: a value with `<`, `&` or `"` becomes markup or ends an attribute. So the HTML
  part refuses recipient values (ExportContext.refuse_raw_values, set by every export the user
  runs), listing every one, unless the user vouches for the data (`build --esp ses --allow-raw-values`: escape `<`, `&` and quotes in the
  template data before sending); `build --esp ses` says so. Defaults, template variables and
  links are written escaped here, and the text part and subject need no escaping.
* Default: `{{#if firstname}}{{firstname}}{{else}}there{{/if}}` (no inline default).
* Conditions on truthiness only (`{{#if}}`, `{{#unless}}`, `{{else if}}`); comparisons and
  and/or are refused (SES documents "basic conditional statements" only).
* Loops: `{{#each items}}{{this.name}}{{/each}}`; recipient fields inside a loop `{{../x}}`
  (once per open loop).
* Unsubscribe: `{{amazonSESUnsubscribeUrl}}` (needs SES subscription management: a contact
  list and topic on the send). View online and preferences are refused (SES has no hosted copy;
  its unsubscribe page is where topics are managed).
* No filters.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

from ..ast import For, If, Node, Output, Ref
from ._handlebarslike import HandlebarsLike
from .base import ExportContext, ExportError, describe


class SES(NestBoolOps, HandlebarsLike):
    name = "ses"
    label = "Amazon SES"
    description = (
        "Amazon SES templates (Handlebars): {{field}}, {{#if}}/{{else}}, {{#each}}, "
        "{{amazonSESUnsubscribeUrl}}; note: SES does not HTML-escape values"
    )
    raw_in_text = False
    root_in_loop = "../"
    export_note = (
        "Amazon SES inserts recipient values into the HTML unescaped: escape <, & and quotes "
        "in the template data you send (SES has no escaping of its own)"
    )
    link_vars = {"unsubscribe": "amazonSESUnsubscribeUrl"}
    link_hints = {
        "view_online": "SES has no hosted web version; link to your own copy with a field instead "
        "(<< data:web_version_url >>)",
        "preferences": "SES's own unsubscribe page is where recipients manage topics: use << link:unsubscribe >>",
    }

    def export(self, nodes: tuple[Node, ...], ctx: ExportContext) -> str:
        code = super().export(nodes, ctx)  # what SES cannot express at all is said first
        if ctx.part == "html" and ctx.refuse_raw_values:
            shown = _shown_values(nodes)
            if shown:
                tags = ", ".join(dict.fromkeys(describe(n) for n in shown))
                raise ExportError(
                    self.label,
                    f"recipient values in the HTML part ({tags})",
                    shown[0].pos,
                    "SES inserts them unescaped (a '<', '&' or '\"' in the data becomes markup "
                    "or ends an attribute) and has no escaping helper; escape <, & and quotes in "
                    "your template data and export with --allow-raw-values, or keep recipient "
                    "values out of the HTML",
                )
        return code


def _shown_values(nodes: tuple[Node, ...]) -> list[Output]:
    """The output tags that show a recipient value (data or loop fields, not links or variables)."""
    out: list[Output] = []
    for node in nodes:
        if isinstance(node, Output) and isinstance(node.expr, Ref) and node.expr.ns not in ("var", "link"):
            out.append(node)
        elif isinstance(node, If):
            for _, body in node.branches:
                out += _shown_values(body)
            out += _shown_values(node.else_body or ())
        elif isinstance(node, For):
            out += _shown_values(node.body)
    return out


DIALECT = SES()
