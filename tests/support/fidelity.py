"""How alike two built emails are, as a reader and a mail client see them (lxml).

Used by `make corpus` (bench/corpus.py) and the public-corpus tests. Every measure reads the
<body> only: the head differs legitimately (fonts, media queries) and is not what anyone sees.

- visible_text: the body's text, comments (Outlook conditional content too), <style> and <script>
  left out, whitespace runs collapsed to one space.
- tag_sequence: the element names of the body in document order; what sits inside a conditional
  comment is a comment to every client but Outlook, so it is not counted.
- style_agreement: per element in document order (the two tag sequences aligned), whether the
  parsed `style` declarations are the same.
- literal_breaks: attribute values holding the two characters backslash + n, which a browser
  reads as text (a style written that way loses its declarations). Read from the raw HTML, so
  the attributes inside conditional comments count too.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree, html as lxml_html

__all__ = ["StyleAgreement", "body", "literal_breaks", "parse_style", "style_agreement", "tag_sequence", "visible_text"]

_NOT_SHOWN = {"style", "script", "title", "head"}


def body(html: str) -> etree._Element:
    """The <body> element of an HTML document (the whole tree when it has none)."""
    root = lxml_html.document_fromstring(html or "<html></html>")
    found = root.find("body")
    return found if found is not None else root


def visible_text(html: str) -> str:
    parts: list[str] = []
    for el in body(html).iter():
        if isinstance(el.tag, str) and el.tag.lower() not in _NOT_SHOWN and el.text:
            parts.append(el.text)
        # An element's tail belongs to its parent; a comment's tail is real text too.
        if el.tail:
            parts.append(el.tail)
    return " ".join(" ".join(parts).split())


def tag_sequence(html: str) -> list[str]:
    return [el.tag.lower() for el in body(html).iter() if isinstance(el.tag, str)]


def _declarations(style: str) -> list[str]:
    """`a:b;c:url(x;y)` → ["a:b", "c:url(x;y)"]: a `;` inside brackets or quotes does not end one."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(style):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            out.append(style[start:i])
            start = i + 1
    out.append(style[start:])
    return [d for d in out if d.strip()]


_SPACED_PUNCT = re.compile(r"\s*([,!])\s*")
_SHORT_HEX = re.compile(r"#([0-9a-f])([0-9a-f])([0-9a-f])\b")


def parse_style(style: str | None) -> dict[str, str]:
    """A style attribute as {property: value}; the last declaration of a property wins, case,
    whitespace, the spacing around commas and `!important`, and `#fff` for `#ffffff` do not
    count (a browser computes the same style from both)."""
    out: dict[str, str] = {}
    for decl in _declarations(style or ""):
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        value = _SPACED_PUNCT.sub(r"\1", " ".join(value.split())).lower()
        value = _SHORT_HEX.sub(r"#\1\1\2\2\3\3", value)
        out[name.strip().lower()] = value
    return out


def _styles(html: str) -> list[tuple[str, dict[str, str]]]:
    return [(el.tag.lower(), parse_style(el.get("style"))) for el in body(html).iter() if isinstance(el.tag, str)]


@dataclass
class StyleAgreement:
    equal: int = 0
    total: int = 0
    # property name → how many aligned elements differ in it (the figures' explanation)
    properties: Counter = field(default_factory=Counter)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.equal / self.total


def style_agreement(reference: str, candidate: str) -> StyleAgreement:
    """Elements whose inline style equals the reference's, of all elements of the longer body.

    The two tag sequences are aligned first (difflib), so one extra element shifts nothing; an
    element without a partner counts as unequal."""
    a, b = _styles(reference), _styles(candidate)
    result = StyleAgreement(total=max(len(a), len(b)))
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            sa, sb = a[block.a + k][1], b[block.b + k][1]
            if sa == sb:
                result.equal += 1
            else:
                result.properties.update(p for p in sa.keys() | sb.keys() if sa.get(p) != sb.get(p))
    return result


_START_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ATTR_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


def literal_breaks(html: str) -> int:
    """How many attribute values hold a literal `\\n` (backslash, n)."""
    count = 0
    for tag in _START_TAG.finditer(html):
        if "\\n" not in tag.group(0):
            continue
        count += sum(1 for m in _ATTR_VALUE.finditer(tag.group(0)) if "\\n" in (m.group(1) or m.group(2) or ""))
    return count
