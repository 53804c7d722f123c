"""Where merge tags sit in text: the one pattern the parser, the token pass and the checks share."""

from __future__ import annotations

import re

# `\<<` is the escape for a literal "<<"; it is matched too, so MRML never sees a bare "<".
TAG_RE = re.compile(r"\\<<|<<.{0,2000}?>>|<%.{0,2000}?%>|<#.{0,2000}?#>", re.S)


def unescape_tag(tag: str) -> str:
    """A tag written inside HTML (`&quot;` for a quote) in its plain form. `html` is imported only
    for a tag holding an entity: its table of entities costs ~2 ms of every command's start."""
    if "&" not in tag:
        return tag
    from html import unescape

    return unescape(tag)
