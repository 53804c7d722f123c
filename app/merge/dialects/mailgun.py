"""Mailgun stored templates (Handlebars; "Template substitutions look like {{ name }}").

* `{{firstname}}`; in the plain-text part and subject `{{{firstname}}}`.
* Default: `{{#if firstname}}{{firstname}}{{else}}there{{/if}}` (no inline default).
* Conditions on truthiness only; comparisons and and/or are refused (no documented helpers).
* Loops: `{{#each items}}{{this.name}}{{/each}}` - only on single-recipient sends: a batch send
  cannot pass lists as template variables.
* Unsubscribe: `%unsubscribe_url%` (Mailgun's own variable, replaced outside Handlebars).
  View online and preferences are refused (Mailgun has neither).
* No filters.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

from ._handlebarslike import HandlebarsLike


class Mailgun(NestBoolOps, HandlebarsLike):
    name = "mailgun"
    label = "Mailgun"
    description = (
        "Mailgun stored templates (Handlebars): {{field}}, {{#if}}/{{else}}, {{#each}} "
        "(single-recipient sends), %unsubscribe_url%"
    )
    link_literals = {"unsubscribe": "%unsubscribe_url%"}
    link_hints = {
        "view_online": "Mailgun has no hosted web version; link to your own copy with a field instead "
        "(<< data:web_version_url >>)",
        "preferences": "Mailgun has no preference page; use << link:unsubscribe >> or a field with your own page",
    }


DIALECT = Mailgun()
