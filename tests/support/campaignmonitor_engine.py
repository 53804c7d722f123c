"""A Campaign Monitor personalization-tag interpreter for the tests (no public renderer exists).

Each rule is from Campaign Monitor's help ("Personalization tags", "Conditional content"):
* `[firstname]` inserts the subscriber's field; custom fields are written without spaces
  (`Date of birth` -> `[Dateofbirth]`); `[firstname,fallback=there]` shows the fallback when the
  field is empty.
* `[if:field=value]…[elseif:field=value]…[else]…[endif]`: equality with a written value.
* `[unsubscribe]`, `[webversion]`: the unsubscribe and web-version URLs.
Tag names are matched without regard to case, as the help's examples mix `[FirstName]` and
`[firstname]`. `list_fields`: the custom fields of the subscriber list; a bracketed word that
names none of them (`[Instagram]`, an image's alt text in the plain-text part) is left as
written (an assumption, stated: the help documents tags for the list's fields only). Without
it, every bracketed word is read as a field. Escaping of values is not documented: values are HTML-escaped in the HTML part,
the way its editor shows them (an assumption, stated).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .esp_values import Branches, esp_text

LINKS = {"unsubscribe": "https://example.com/u", "webversion": "https://example.com/v"}
# Not after "<!": `<![endif]-->` closes an Outlook conditional comment (MJML writes them), which
# Campaign Monitor's own templates carry through untouched.
_TAG = re.compile(r"(?<!<!)\[(if:[^\]]*|elseif:[^\]]*|else|endif|[^\[\],\s]+(?:,fallback=[^\]]*)?)\]", re.I)


def fields_of(data: dict[str, Any]) -> dict[str, str]:
    """A subscriber's fields as Campaign Monitor names them in tags (no spaces, any case)."""
    return {re.sub(r"\s+", "", k).lower(): esp_text(v) for k, v in data.items()}


def render(template: str, data: dict[str, Any], part: str = "html", list_fields: set[str] | None = None) -> str:
    fields = fields_of(data)
    known = None if list_fields is None else {re.sub(r"\s+", "", f).lower() for f in list_fields}
    out: list[str] = []
    blocks = Branches()
    pos = 0

    def test(cond: str) -> bool:
        name, _, value = cond.partition("=")
        return fields.get(name.strip().lower(), "") == value

    for m in _TAG.finditer(template):
        if blocks.showing():
            out.append(template[pos : m.start()])
        pos = m.end()
        tag = m.group(1)
        low = tag.lower()
        if low.startswith("if:"):
            blocks.open(test(tag[3:]))
        elif low.startswith("elseif:"):
            blocks.elseif(lambda tag=tag: test(tag[7:]))
        elif low == "else":
            blocks.else_()
        elif low == "endif":
            blocks.close()
        elif not blocks.showing():
            continue
        elif low in LINKS:
            out.append(LINKS[low])
        else:
            name, _, fallback = tag.partition(",fallback=")
            if known is not None and name.lower() not in known:
                out.append(m.group(0))  # no field of the list: text
                continue
            value = fields.get(name.lower(), "")
            if value:
                out.append(html.escape(value, quote=True) if part == "html" else value)
            else:
                out.append(fallback)  # written by the template author: already markup
    if blocks.showing():
        out.append(template[pos:])
    blocks.check_closed("[if:…]")
    return "".join(out)
