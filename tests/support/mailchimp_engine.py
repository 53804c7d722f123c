"""A Mailchimp merge-tag interpreter for the tests (Mailchimp has no public renderer).

Each rule is from Mailchimp's own documentation:
* `*|FNAME|*` is replaced with the audience field's value ("Each merge field has a corresponding
  merge tag, a string of text like *|FNAME|*", Mailchimp Marketing API docs). Values show as
  text: `*|HTML:FNAME|*` is the documented way to insert a value as HTML ("All the Merge Tags
  Cheat Sheet"), so a plain tag is HTML-escaped in the HTML part.
* Modifiers (Cheat Sheet, "Merge tag modifiers"): `*|UPPER:X|*`, `*|LOWER:X|*`, `*|TITLE:X|*`
  (title case), `*|URL:X|*` (URL-encoded).
* Conditions ("Use Conditional Merge Tag Blocks"; Mailchimp Transactional "About Dynamic and
  Conditional Merge Tags"): `*|IF:MERGE|*` "content to display if a value for MERGE is
  provided", `*|IF:MERGE=x|*` / `*|IF:MERGE!=x|*` ("When using a condition like *|IF:MERGE=x|*,
  and no value for MERGE is provided, the condition will evaluate as false"), `*|IFNOT:MERGE|*`,
  `*|ELSEIF:…|*`, `*|ELSE:|*`, `*|END:IF|*`.
* Links: `*|UNSUB|*`, `*|ARCHIVE|*`, `*|UPDATE_PROFILE|*` (Cheat Sheet).
Audience fields hold text: a JSON number or boolean is stored as its text.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

from .esp_values import Branches, esp_text

LINKS = {
    "UNSUB": "https://example.com/u",
    "ARCHIVE": "https://example.com/v",
    "UPDATE_PROFILE": "https://example.com/p",
}
_TAG = re.compile(r"\*\|(.*?)\|\*", re.S)


def _test(cond: str, fields: dict[str, str]) -> bool:
    m = re.fullmatch(r"([A-Za-z0-9_]+)(?:(!=|=)(.*))?", cond, re.S)
    if not m:
        raise ValueError(f"bad condition {cond!r}")
    name, op, value = m.groups()
    have = fields.get(name.upper(), "")
    if op is None:
        return have != ""
    if have == "":
        return False
    return (have == value) if op == "=" else (have != value)


def render(template: str, data: dict[str, Any], part: str = "html") -> str:
    fields = {k.upper(): esp_text(v) for k, v in data.items()}
    pieces = _TAG.split(template)  # text, tag, text, tag, …
    out: list[str] = []
    blocks = Branches()
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            if blocks.showing():
                out.append(piece)
            continue
        tag = piece.strip()
        if tag.startswith("IF:") or tag.startswith("IFNOT:"):
            t = _test(tag.split(":", 1)[1], fields)
            blocks.open(not t if tag.startswith("IFNOT:") else t)
        elif tag.startswith("ELSEIF:"):
            blocks.elseif(lambda tag=tag: _test(tag[7:], fields))
        elif tag == "ELSE:":
            blocks.else_()
        elif tag == "END:IF":
            blocks.close()
        elif not blocks.showing():
            continue
        elif tag in LINKS:
            out.append(LINKS[tag])
        else:
            mod, _, name = tag.rpartition(":")
            value = fields.get(name.upper(), "")
            if mod == "UPPER":
                value = value.upper()
            elif mod == "LOWER":
                value = value.lower()
            elif mod == "TITLE":
                value = value.title()
            elif mod == "URL":
                value = urllib.parse.quote(value, safe="")
            elif mod:
                raise ValueError(f"unknown modifier {mod!r}")
            out.append(html.escape(value, quote=True) if part == "html" else value)
    blocks.check_closed("*|IF:…|*")
    return "".join(out)
