"""Generic Jinja2: `{{ firstname | default('there', true) | escape }}`.

Fields are top-level variables; the special links are the variables `unsubscribe_url`,
`view_online_url` and `preferences_url`. Values in the HTML part end with `| escape`: with
autoescaping off it escapes, with it on `escape` returns markup that is not escaped again, so
the output is right either way (a bare `{{ x }}` would be right only with autoescaping on).
Everything in conditions is expressible (not, in, parentheses). Refused: the filter `number`.
"""

from __future__ import annotations

from ..ast import Output, Ref
from ._liquidlike import JinjaFamily
from .base import ExportContext, describe

LINKS = {"unsubscribe": "unsubscribe_url", "view_online": "view_online_url", "preferences": "preferences_url"}


class Jinja(JinjaFamily):
    name = "jinja"
    label = "Jinja"
    description = "generic Jinja2: {{ firstname | default('there', true) }}, {% if %}{% elif %}, {% for %}"
    # Jinja's lexer reads string literals as tokens, so `}}` inside one is harmless, and it
    # knows Python escapes: a `"` in an attribute can stay exact as \x22.
    literal_breakers = ()
    attr_double_quote = "\\x22"

    def access(self, base: str, segments: list[str], ref: Ref) -> str:
        # Real Jinja raises UndefinedError on `order.number` when the recipient has no
        # `order` (a CSV row), where the preview shows a missing field: each step into a data
        # field starts from `(x|default({}))`, so a missing step is undefined and prints nothing.
        if ref.ns != "data" or not segments:
            return super().access(base, segments, ref)
        out = base
        for seg in segments:
            out = super().access(f"({out}|default({{}}))", [seg], ref)
        return out

    def default_code(self, text: str, n: Output, ctx: ExportContext, *, escaped: bool) -> str:
        # Jinja escapes the default with the value at render time. In the HTML part the
        # HTML-special characters of the literal are written as Python escapes (\x26 for &…),
        # so no raw `<`, `&` or `"` sits in the HTML that an editor or inliner sees.
        hex_chars = '&<>"' if ctx.part == "html" else ""
        lit = self.lit(text, attr=n.in_attr, pos=n.pos, what=describe(n), hex_chars=hex_chars)
        return f"default({lit}, true)"

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        return "{{ " + LINKS[which] + " }}"


DIALECT = Jinja()
