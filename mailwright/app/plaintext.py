"""Plain-text alternative part of a multipart email, derived from the final HTML.

``html_to_text`` is pure and deterministic. It understands what mjml-python emits
(nested role="presentation" layout tables, MSO conditional comments, a hidden
preheader div, buttons as inline-block links, dividers as empty bordered <p>) and
keeps merge tags (``<< … >>``, ``<% … %>``, ``<# … #>``, ``\\<<``) verbatim so the
text part can be rendered per recipient exactly like the HTML part.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

from lxml import etree

__all__ = ["html_to_text"]

# Preheader padding hacks use zero-width characters; &nbsp; should read as a space.
_TRANSLATE = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u034f")), 0xA0: " "}
_WS = re.compile(r"[ \t\n\r\f]+")  # what a browser collapses (not Unicode spaces)
_MARKUP = re.compile(r"<[/!]?[A-Za-z]")

_SKIP = frozenset({"head", "title", "style", "script", "template"})
_PARA = frozenset({"p", "h3", "h4", "h5", "h6", "blockquote", "pre"})  # blank line around
_BLOCK = frozenset({"div", "section", "article", "header", "footer", "main", "nav", "aside",
                    "center", "table", "tr", "dl", "dt", "dd", "figure", "figcaption",
                    "address", "form", "fieldset"})  # line break around
# Content that makes a table row "block" (cells on their own lines, not joined by spaces).
_ROW_BLOCKS = tuple(_PARA | _BLOCK | {"h1", "h2", "ul", "ol", "li", "br", "hr"})

# Merge tags: the escaped literal first so `\<<` never opens a tag. Raw or HTML-escaped,
# because the pipeline may hand us either (and serializers may escape only one side).
_OPENER = re.compile(r"\\(?:<<|&lt;&lt;)|<<|<%|<#|&lt;&lt;|&lt;%|&lt;#")
_CLOSERS = {"<<": (">>", "&gt;&gt;"), "<%": ("%>", "%&gt;"), "<#": ("#>", "#&gt;")}


def html_to_text(html: str) -> str:
    """Return the plain-text rendering of *html*, ending with one newline ("" if empty)."""
    if not html or not html.strip():
        return ""
    protected, restore = _protect(html)
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True,
                              no_network=True, encoding="utf-8")
    # Bytes + explicit encoding: a <meta charset> in the document must not re-decode it.
    root = etree.HTML(protected.encode("utf-8", "replace"), parser)
    if root is None:
        return ""
    walker = _Walker(restore)
    walker.run(root)
    lines = walker.out[0].done()
    return restore("\n".join(lines)) + "\n" if lines else ""


def _protect(html: str) -> tuple[str, Callable[[str], str]]:
    """Swap merge tags for uppercase alphanumeric tokens lxml and .upper() leave intact."""
    prefix = "MWTAG"
    upper = html.upper()
    while prefix in upper:  # case-insensitive: headings are uppercased before restoring
        prefix += "Q"
    tags: list[str] = []
    index: dict[str, int] = {}
    nearest: dict[str, int] = {}  # closer -> last position found (-1: none left); keeps it linear

    def find(closer: str, start: int) -> int:
        i = nearest.get(closer)
        if i is None or (i != -1 and i < start):
            i = nearest[closer] = html.find(closer, start)
        return i

    out: list[str] = []
    pos = 0
    while m := _OPENER.search(html, pos):
        if m.group().startswith("\\"):
            end, tag = m.end(), "\\<<"
        else:
            hits = [(i, c) for c in _CLOSERS[_html.unescape(m.group())]
                    if (i := find(c, m.end())) != -1]
            # A "tag" spanning HTML markup is a stray << / >> pair, not a merge tag.
            if not hits or _MARKUP.search(html, m.end(), min(hits)[0]):
                out.append(html[pos:m.end()])
                pos = m.end()
                continue
            i, closer = min(hits)
            end = i + len(closer)
            tag = _html.unescape(html[m.start():end])
        n = index.setdefault(tag, len(tags))
        if n == len(tags):
            tags.append(tag)
        out.append(f"{html[pos:m.start()]}{prefix}{n}E")
        pos = end
    out.append(html[pos:])

    token = re.compile(re.escape(prefix) + r"(\d+)E")

    def restore(text: str) -> str:
        return token.sub(lambda t: tags[int(t.group(1))], text) if tags else text

    return "".join(out), restore


class _Writer:
    """Accumulates lines; breaks are requested, merged, and applied before the next text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur = ""
        self.pending = 0  # 1: newline, 2: blank line
        self.indent: list[str] = []
        self.marker: str | None = None  # list bullet for the next line

    def text(self, s: str) -> None:
        if not self.cur:
            s = s.lstrip()
            if not s:
                return
            if self.pending > 1 and self.lines and self.lines[-1]:
                self.lines.append("")
            self.pending = 0
            prefix = self.marker if self.marker is not None else "".join(self.indent)
            self.marker = None
            self.cur = prefix + s
        elif self.cur.endswith(" ") and s.startswith(" "):
            self.cur += s[1:]
        else:
            self.cur += s

    def brk(self, n: int = 1) -> None:
        if self.cur:
            self.lines.append(self.cur.rstrip())
            self.cur = ""
        self.pending = max(self.pending, n)

    def sep(self, s: str) -> None:
        if self.cur:
            self.cur = self.cur.rstrip() + s

    def done(self) -> list[str]:
        self.brk()
        return self.lines


_SPACES = re.compile(r"\s+")


def _style(el: etree._Element) -> str:
    style = el.get("style")
    return _SPACES.sub("", style.lower()) if style else ""


def _hidden(el: etree._Element) -> bool:
    style = _style(el)
    return ("display:none" in style or "mso-hide:all" in style or el.get("hidden") is not None
            or "mw-hide-desktop" in (el.get("class") or "").split())


def _useful_href(el: etree._Element) -> str | None:
    href = (el.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return None
    return href


def _is_button(el: etree._Element) -> bool:
    return "display:inline-block" in _style(el) or "mw-button" in (el.get("class") or "").split()


def _is_divider(el: etree._Element, tag: str) -> bool:
    # mj-divider renders as an empty <p> with a border-top, not as <hr>.
    return (tag in ("p", "div") and len(el) == 0 and not (el.text or "").strip()
            and "border-top" in _style(el))


def _layout_table(tr: etree._Element) -> bool:
    table = tr.getparent()
    if table is not None and table.tag in ("tbody", "thead", "tfoot"):
        table = table.getparent()
    return table is not None and table.get("role") == "presentation"


class _Walker:
    """Iterative (not recursive) walk, so deep nesting cannot hit the recursion limit."""

    def __init__(self, restore: Callable[[str], str]) -> None:
        self.restore = restore
        self.out = [_Writer()]  # links and h1/h2 capture their text into a nested writer
        self.upper = 0
        self.lists: list[list[int] | None] = []  # ol counter, or None for ul
        self.rows: list[tuple[bool, bool]] = []  # (block row, layout table)

    @property
    def w(self) -> _Writer:
        return self.out[-1]

    def run(self, root: etree._Element) -> None:
        stack: list[tuple[str, etree._Element | str]] = [("el", root)]
        while stack:
            kind, item = stack.pop()
            if kind == "txt":
                self._text(item)  # type: ignore[arg-type]
                continue
            el: etree._Element = item  # type: ignore[assignment]
            if kind == "end":
                self._leave(el, el.tag.lower())
                continue
            if el.tail:
                stack.append(("txt", el.tail))  # tails survive skipped elements
            if isinstance(el.tag, str) and self._enter(el, el.tag.lower()):
                stack.append(("end", el))
                stack.extend(("el", child) for child in reversed(el))
                if el.text:
                    stack.append(("txt", el.text))

    def _text(self, s: str) -> None:
        s = _WS.sub(" ", s.translate(_TRANSLATE))
        # Headings keep their case: a merge tag inside one is filled in later, per recipient.
        self.w.text(s)

    def _enter(self, el: etree._Element, tag: str) -> bool:
        """Handle an opening tag; False means: do not descend."""
        w = self.w
        if tag in _SKIP or _hidden(el):
            return False
        if tag == "img":
            alt = _WS.sub(" ", (el.get("alt") or "").translate(_TRANSLATE)).strip()
            if alt:
                self._text(f"[{alt}]")
            return False
        if tag == "br":
            w.brk(1 if w.cur else 2)  # a second <br> in a row makes a blank line
            return False
        if tag == "hr" or _is_divider(el, tag):
            w.brk(2)
            w.text("-" * 20)
            w.brk(2)
            return False
        if tag in ("h1", "h2"):
            w.brk(2)
            self.upper += 1
            self.out.append(_Writer())
        elif tag == "a":
            if _is_button(el) or _useful_href(el):
                self.out.append(_Writer())
        elif tag in ("ul", "ol"):
            w.brk(1 if self.lists else 2)
            start = (el.get("start") or "").strip()
            self.lists.append([int(start) if start.isdigit() else 1] if tag == "ol" else None)
        elif tag == "li":
            w.brk(1)
            counter = self.lists[-1] if self.lists else None
            bullet = "- " if counter is None else f"{counter[0]}. "
            if counter is not None:
                counter[0] += 1
            w.marker = "".join(w.indent) + bullet
            w.indent.append("  ")  # continuation lines and nested lists
        elif tag == "tr":
            block = next(el.iterdescendants(*_ROW_BLOCKS), None) is not None
            self.rows.append((block, _layout_table(el)))
            w.brk(1)
        elif tag in ("td", "th"):
            block, layout = self.rows[-1] if self.rows else (True, False)
            if block:
                w.brk(2 if layout else 1)  # MJML components read as paragraphs
            else:
                w.sep("  ")
        elif tag in _PARA:
            w.brk(2)
        elif tag in _BLOCK:
            w.brk(1)
        return True

    def _leave(self, el: etree._Element, tag: str) -> None:
        if tag in ("h1", "h2"):
            self.upper -= 1
            title = _joined(self.out.pop())
            w = self.w
            if title:
                w.text(title)
                w.brk(1)
                w.text(("=" if tag == "h1" else "-") * len(self.restore(title)))
            w.brk(2)
        elif tag == "a":
            button, href = _is_button(el), _useful_href(el)
            if button or href:
                self._link(el, _joined(self.out.pop()), href, button)
        elif tag in ("ul", "ol"):
            self.lists.pop()
            self.w.brk(1 if self.lists else 2)
        elif tag == "li":
            self.w.indent.pop()
            self.w.marker = None
            self.w.brk(1)
        elif tag == "tr":
            self.rows.pop()
            self.w.brk(1)
        elif tag in ("td", "th"):
            block, layout = self.rows[-1] if self.rows else (True, False)
            if block:
                self.w.brk(2 if layout else 1)
        elif tag in _PARA:
            self.w.brk(2)
        elif tag in _BLOCK:
            self.w.brk(1)

    def _link(self, el: etree._Element, label: str, href: str | None, button: bool) -> None:
        w = self.w
        shown = href[7:] if href and href.lower().startswith("mailto:") else href
        same = href is not None and label.casefold() in (href.casefold(), (shown or "").casefold())
        if button:
            w.brk(2)
            w.text(f"{label}: {shown}" if label and shown and not same else shown or label)
            w.brk(2)
            return
        if not label:
            return  # e.g. a linked image without alt: a bare URL would be noise
        # Keep the whitespace that surrounded the link text inside <a>.
        last = el[-1].tail if len(el) else el.text
        lead = " " if (el.text or "")[:1].isspace() else ""
        trail = " " if (last or "")[-1:].isspace() else ""
        w.text(lead + (shown if same else f"{label} ({shown})") + trail)


def _joined(writer: _Writer) -> str:
    return " ".join(line.strip() for line in writer.done() if line.strip())
