"""Generic Handlebars (handlebarsjs.com): for an ESP or a sending pipeline of your own.

* `{{firstname}}`; in the plain-text part and subject `{{{firstname}}}` (no HTML escaping there).
* Default: `{{#if firstname}}{{firstname}}{{else}}there{{/if}}` (no default helper built in).
* Conditions on truthiness only (`{{#if}}`, `{{#unless}}`, `{{else if}}`): Handlebars has no
  comparison helpers built in, so comparisons and and/or are refused.
* Loops: `{{#each items}}{{this.name}}{{/each}}`; recipient fields inside a loop `{{@root.x}}`.
* Special links are recipient fields the sender fills in: `{{unsubscribe_url}}`,
  `{{view_online_url}}`, `{{preferences_url}}`.
* No filters (none are built in). Literal `{{` is written `\\{{`.
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

from ._handlebarslike import HandlebarsLike


class Handlebars(NestBoolOps, HandlebarsLike):
    name = "handlebars"
    label = "Handlebars"
    description = (
        "Generic Handlebars: {{field}}, {{#if}}/{{else}}, {{#each}}; links as the fields "
        "unsubscribe_url, view_online_url, preferences_url"
    )
    link_fields = {"unsubscribe": "unsubscribe_url", "view_online": "view_online_url", "preferences": "preferences_url"}


DIALECT = Handlebars()
