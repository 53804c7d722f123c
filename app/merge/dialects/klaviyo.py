"""Klaviyo (Django template language): `{{ first_name|default:'there' }}`.

firstname, lastname and email are Klaviyo's profile variables `first_name`, `last_name`,
`email`; any other field is a custom property, `person|lookup:'name'` (nested: chained lookups).
Values are left to Django's autoescaping; default strings in the HTML part are HTML-escaped
here, because Django outputs string literals as they are.
Filters: upper, lower, capfirst (our capitalize), title, truncatechars, urlencode, floatformat
(our number: rounds, but adds no thousands separators). Refused: trim (Django has none).
Conditions: and/or/not/in as Django reads them, without parentheses.
Links: `{% unsubscribe_link %}`, `{% web_view_link %}`, `{% manage_preferences_link %}`.
Literal `{{`/`{%`/`{#` in text: `&#123;` in HTML, `{% templatetag openbrace %}` in plain text.
The plain-text part and the subject are wrapped in `{% autoescape off %}…{% endautoescape %}`:
Django autoescapes every part alike, which would show `Tom &amp; Jerry` in plain text.
"""

from __future__ import annotations

from ..ast import Output, Ref
from ._liquidlike import DjangoFamily
from .base import ExportContext

PROFILE = {"first_name", "last_name", "email"}
DEFAULT_NAMES = {"firstname": "first_name", "lastname": "last_name", "email": "email"}
LINKS = {
    "unsubscribe": "{% unsubscribe_link %}",
    "view_online": "{% web_view_link %}",
    "preferences": "{% manage_preferences_link %}",
}


def unescaped_outside_html(code: str, ctx: ExportContext) -> str:
    """A text part or subject as Django shows it: values unescaped (they are plain text there).

    A part without tags stays as it is."""
    if ctx.part == "html" or "{" not in code:
        return code
    return "{% autoescape off %}" + code + "{% endautoescape %}"


class Klaviyo(DjangoFamily):
    name = "klaviyo"
    label = "Klaviyo"
    description = "Klaviyo (Django): {{ first_name|default:'there' }}, {{ person|lookup:'name' }}"
    reserved_names = DjangoFamily.reserved_names | {
        "person",
        "event",
        "organization",
        "first_name",
        "last_name",
        "email",
    }

    def finish_part(self, code: str, ctx: ExportContext) -> str:
        return unescaped_outside_html(code, ctx)

    def default_field_name(self, name: str) -> str:
        return DEFAULT_NAMES.get(name, name)

    def field_code(self, ref: Ref, ctx: ExportContext) -> str:
        path = self.field_path(ref, ctx)
        if len(path) == 1 and path[0] in PROFILE:
            return path[0]
        return "person" + "".join("|lookup:" + self.lit(seg, attr=True, pos=ref.pos, what=ref.name) for seg in path)

    def escape_delimiter_plain(self, run: str, ctx: ExportContext, around: str = "") -> str:
        return run.replace("{", "{% templatetag openbrace %}")

    def link_code(self, which: str, n: Output, ctx: ExportContext) -> str:
        return LINKS[which]


DIALECT = Klaviyo()
