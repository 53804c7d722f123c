"""Iterable (Handlebars with Iterable's helpers; Handlebars.java underneath).

* `{{firstName}}`: field names as given (or as the field map says).
* Default: `{{defaultIfEmpty firstName "there"}}` (single quotes inside an HTML attribute); a
  default holding quotes, braces, `&`, `<` or `>` uses `{{#if}}…{{else}}…{{/if}}` instead.
* Conditions: `{{#if}}`, `{{else if}}`, `{{#unless}}`, `{{#ifEq a "x"}}`, `{{#ifGt}}`,
  `{{#ifGte}}`, `{{#ifLt}}`, `{{#ifLte}}`; `!=` is `{{#ifEq}}` with the branches swapped.
  and/or and `in` are refused.
* Filters: upper → `{{upper x}}`, lower → `{{lower x}}`, capitalize → `{{capitalizeFirst x}}`,
  title → `{{capitalize x}}` (Handlebars.java string helpers), urlencode →
  `{{#urlEncode}}{{{x}}}{{/urlEncode}}`. Others are refused.
* Loops: `{{#each items}}{{this.name}}{{/each}}`; recipient fields inside `{{../x}}`.
* Links: `{{unsubscribeUrl}}`, `{{viewInBrowserUrl}}`, preferences `{{hostedUnsubscribeUrl}}`
  (Iterable's hosted subscription page).
"""

from __future__ import annotations

from ._boolnest import NestBoolOps

from ..ast import Output
from ._handlebarslike import HandlebarsLike, helper_string
from ._tagdialect import XContext
from ..semantics import Rules


class Iterable(NestBoolOps, HandlebarsLike):
    name = "iterable"
    label = "Iterable"
    description = (
        'Iterable (Handlebars): {{field}}, {{defaultIfEmpty field "…"}}, {{#if}}, {{#ifEq}}/{{#ifGt}}…, '
        "{{#each}}, {{unsubscribeUrl}}, {{viewInBrowserUrl}}"
    )
    root_in_loop = "../"
    compare_helpers = {"==": "ifEq", ">": "ifGt", ">=": "ifGte", "<": "ifLt", "<=": "ifLte"}
    filter_helpers = {"upper": "upper", "lower": "lower", "capitalize": "capitalizeFirst", "title": "capitalize"}
    # Handlebars.java's capitalizeFirst and capitalize (fully=false) keep the rest of each word
    # as written: the preview as Iterable does too.
    # urlEncode: Iterable documents the helper, not its character set; read as JavaScript's
    # encodeURIComponent (keeps ! * ' ( ), encodes "/"), as the matrix's shim does.
    rules = Rules(name="Iterable", capitalize="keep", title="words-keep", urlencode_safe="!*'()")
    block_filters = {"urlencode": "urlEncode"}
    helper_names = HandlebarsLike.helper_names | {
        "defaultIfEmpty",
        "ifEq",
        "ifGt",
        "ifGte",
        "ifLt",
        "ifLte",
        "upper",
        "lower",
        "capitalize",
        "capitalizeFirst",
        "urlEncode",
    }
    link_vars = {
        "unsubscribe": "unsubscribeUrl",
        "view_online": "viewInBrowserUrl",
        "preferences": "hostedUnsubscribeUrl",
    }
    compare_hint = "use ==, !=, >, >=, < or <="

    def inline_default(self, path: str, fallback: str, n: Output, ctx: XContext) -> str | None:
        if not self.plain_default(fallback):
            return None
        arg = helper_string(self, fallback, n, ctx)
        return None if arg is None else self.mustache(f"defaultIfEmpty {path} {arg}", ctx)


DIALECT = Iterable()
