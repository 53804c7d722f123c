"""Reading MJML as node's MJML (and a browser) reads it, where mjml-python refuses it.

Loaded only after a compile failed (pipeline.compile_mjml) or to place its error: MJML that
compiles is never rewritten. Each leniency is one node accepts and every browser reads the same
way: a bare '<' in text, an unquoted attribute value, an ending tag's HTML left unclosed, a "--"
in a comment. And what to say of a file that is not MJML from its first tag.
"""

from __future__ import annotations

import html
import re

# A '<' that cannot open markup (HTML reads it as text): not before a letter, '/', '!' or '?'.
BARE_LT = re.compile(r"<(?![A-Za-z/!?])")
# The elements whose content is HTML, kept as written (MRML parses it as markup all the same).
_ENDING_TAG = re.compile(
    r"(?P<open><(?P<tag>mj-(?:text|button|table|navbar-link|accordion-title|accordion-text|social-element))"
    r"(?=[\s/>])[^>]*>)(?P<content>.*?)(?P<close></(?P=tag)\s*>)",
    re.S | re.I,
)
LITERAL_SPANS = re.compile(
    r"<!--.*?-->|(?P<open><(?P<tag>mj-style|style)\b[^>]*>)(?P<css>.*?)(?P<close></(?P=tag)\s*>)", re.S | re.I
)


def as_node_reads_it(mjml: str) -> str | None:
    """The HTML of MJML that MRML refused, when markup node's MJML (and every browser) reads was
    why: a bare '<' (`a < b`, `<5 items`), written &lt;, and an unquoted attribute value
    (`<a href=https://…>`, `width=100px`), quoted. None when there is neither, or the MJML still
    does not compile (its error is reported as it was)."""
    from mjml import mjml2html

    from .markup import requote_tags

    def lenient(text: str) -> str:  # a '<' that opens no tag as &lt;, every value double-quoted
        return requote_tags(BARE_LT.sub("&lt;", text))

    # In CSS (`width < 600px`, a media range) MRML refuses a '<' too, and an entity would mean
    # nothing there: a placeholder it copies, put back after. Comments keep theirs as written.
    mark = "MWLESSTHAN"
    while mark in mjml:
        mark += "Q"

    pieces, last = [], 0
    for m in LITERAL_SPANS.finditer(mjml):
        pieces.append(lenient(mjml[last : m.start()]))
        css = m.group("css")
        if css is None:  # a comment: XML refuses a "--" in one, HTML does not
            pieces.append("<!--" + m.group(0)[4:-3].replace("--", "- -") + "-->")
        else:
            pieces += [lenient(m.group("open")), css.replace("<", mark), m.group("close")]
        last = m.end()
    pieces.append(lenient(mjml[last:]))
    escaped = _ENDING_TAG.sub(_balanced, "".join(pieces))
    if escaped == mjml:
        return None
    try:
        compiled = mjml2html(escaped, fonts={})
    except Exception:
        return None
    return compiled.replace(mark, "<")


def _balanced(element: re.Match[str]) -> str:
    """An ending tag's HTML content as a browser builds it (node's MJML copies it as written):
    unclosed <p>, <li> and <b> closed, a stray </b> dropped. MRML refused the whole file over any
    of them."""
    content = element.group("content")
    if "<" not in content:
        return element.group(0)
    from lxml import etree

    from .markup import fragment_root

    root = fragment_root(content)
    lead = html.escape(root.text or "", quote=False)
    inner = lead + "".join(etree.tostring(child, method="html", encoding="unicode") for child in root)
    return element.group("open") + inner + element.group("close")


_LEADING = re.compile(r"\A(?:\s+|<!--.*?-->|<\?xml\b.*?\?>)*", re.S | re.I)


def root_hint(text: str, offset: int) -> str:
    """What to do with a file that is not MJML from its first tag, when MRML's error is at
    `offset` (MRML: "unexpected token in root template"; node: "Malformed MJML"), naming what it
    starts with; "" for an error further on."""
    lead = _LEADING.match(text)
    start = lead.end() if lead else 0
    if offset > start:
        return ""
    rest = text[start:][:200]
    if rest[:5].lower() == "<mjml":
        return ""
    first = re.match(r"<[^<>]{1,40}>", rest)
    what = first.group(0) if first else repr(rest[:20])
    if rest[:9].lower() == "<!doctype" or rest[:5].lower() == "<html":
        return (
            f"this is an HTML page, not MJML (it starts with {what}); to edit it, rename it .html and run "
            "`mailwright import NAME.html -o NAME.mwt` (or open it in the editor)"
        )
    inner = "…" if rest[:8].lower() in ("<mj-body", "<mj-head") else "<mj-body>…</mj-body>"
    return f"MJML starts with <mjml> and this starts with {what}: wrap it in <mjml>{inner}</mjml>"
