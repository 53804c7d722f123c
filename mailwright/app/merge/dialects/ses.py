"""Amazon SES templates (Handlebars; AWS "Advanced email personalization").

* `{{firstname}}` everywhere. **SES does not escape HTML** ("SES doesn't escape HTML content
  when rendering the HTML template"): a recipient value with `<` or `&` lands in the HTML as
  is. Clean or escape values before sending them (defaults written here are escaped already).
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

from ._handlebarslike import HandlebarsLike


class SES(HandlebarsLike):
    name = "ses"
    label = "Amazon SES"
    description = ("Amazon SES templates (Handlebars): {{field}}, {{#if}}/{{else}}, {{#each}}, "
                   "{{amazonSESUnsubscribeUrl}}; note: SES does not HTML-escape values")
    raw_in_text = False
    root_in_loop = "../"
    link_vars = {"unsubscribe": "amazonSESUnsubscribeUrl"}
    link_hints = {
        "view_online": "SES has no hosted web version; link to your own copy with a field instead "
                       "(<< data:web_version_url >>)",
        "preferences": "SES's own unsubscribe page is where recipients manage topics: use << link:unsubscribe >>",
    }


DIALECT = SES()
