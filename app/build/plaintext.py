"""Plain-text alternative part of a multipart email, derived from the final HTML.

``html_to_text`` is pure and deterministic. It understands what mjml-python emits
(nested role="presentation" layout tables, MSO conditional comments, a hidden
preheader div, buttons as inline-block links, dividers as empty bordered <p>) and
keeps merge tags (``<< … >>``, ``<% … %>``, ``<# … #>``, ``\\<<``) verbatim so the
text part can be rendered per recipient exactly like the HTML part.

It runs on every build and was the largest single cost of one, so the walk is written for
speed: one pass over lxml's C-level ``iter()``, the common elements handled inline in that
loop, per-call caches for the values an MJML page repeats (tag names, style attributes,
whitespace between tags), and no per-row scan in lxml's tag matcher. Each trick has a
comment saying why; the output is byte for byte that of the plain walk it replaced
(tests/unit/test_plaintext_speed_equivalence.py pins it where the fast code differs most).
"""

from __future__ import annotations

import html as _html
import re
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from lxml import etree

__all__ = ["html_to_text"]

# Preheader padding hacks use zero-width characters; &nbsp; should read as a space.
_TRANSLATE = {**dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u034f")), 0xA0: " "}
_WS = re.compile(r"[ \t\n\r\f]+")  # what a browser collapses (not Unicode spaces)
_MARKUP = re.compile(r"<[/!]?[A-Za-z]")

_SKIP = frozenset({"head", "title", "style", "script", "template"})
_PARA = frozenset({"p", "h3", "h4", "h5", "h6", "blockquote", "pre"})  # blank line around
_BLOCK = frozenset(
    {
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "center",
        "table",
        "tr",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "address",
        "form",
        "fieldset",
    }
)  # line break around
# Content that makes a table row "block" (cells on their own lines, not joined by spaces).
_ROW_BLOCKS = tuple(_PARA | _BLOCK | {"h1", "h2", "ul", "ol", "li", "br", "hr"})
_ROW_BLOCK_SET = frozenset(_ROW_BLOCKS)

# Merge tags: the escaped literal first so `\<<` never opens a tag. Raw or HTML-escaped,
# because the pipeline may hand us either (and serializers may escape only one side).
_OPENER = re.compile(r"\\(?:<<|&lt;&lt;)|<<|<%|<#|&lt;&lt;|&lt;%|&lt;#")
_CLOSERS = {"<<": (">>", "&gt;&gt;"), "<%": ("%>", "%&gt;"), "<#": ("#>", "#&gt;")}
# Every opener starts with one of these. Each has a literal first part, which `re` finds with a
# fast scan; _OPENER has to stop at every "<" and "&" of the page (most of a build's HTML has
# merge tags as tokens, so no opener at all).
_MAYBE_OPENER = (re.compile(r"<[<%#]"), re.compile(r"&lt;[&%#]"))


def html_to_text(html: str) -> str:
    """Return the plain-text rendering of *html*, ending with one newline ("" if empty)."""
    if not html or html.isspace():  # isspace() is strip()'s test without copying the page
        return ""
    protected, restore = _protect(html)
    # Bytes + explicit encoding: a <meta charset> in the document must not re-decode it.
    root = etree.HTML(protected.encode("utf-8", "replace"), _parser())
    if root is None:
        return ""
    lines = _Walker(restore).run(root)
    return restore("\n".join(lines)) + "\n" if lines else ""


_PARSERS = threading.local()


def _parser() -> etree.HTMLParser:
    """This thread's page parser, made once (lxml asks for one parser per thread)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        # collect_ids=False: no table of id attributes, which nothing here looks up.
        parser = _PARSERS.parser = etree.HTMLParser(
            huge_tree=True, remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8", collect_ids=False
        )
    return parser


def _unchanged(text: str) -> str:
    return text


def _protect(html: str) -> tuple[str, Callable[[str], str]]:
    """Swap merge tags for uppercase alphanumeric tokens lxml and .upper() leave intact."""
    if not any(hint.search(html) for hint in _MAYBE_OPENER):
        return html, _unchanged  # what the loop below returns when it finds no tag
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
            hits = [(i, c) for c in _CLOSERS[_html.unescape(m.group())] if (i := find(c, m.end())) != -1]
            # A "tag" spanning HTML markup is a stray << / >> pair, not a merge tag.
            if not hits or _MARKUP.search(html, m.end(), min(hits)[0]):
                out.append(html[pos : m.end()])
                pos = m.end()
                continue
            i, closer = min(hits)
            end = i + len(closer)
            tag = _html.unescape(html[m.start() : end])
        n = index.setdefault(tag, len(tags))
        if n == len(tags):
            tags.append(tag)
        out.append(f"{html[pos : m.start()]}{prefix}{n}E")
        pos = end
    out.append(html[pos:])

    token = re.compile(re.escape(prefix) + r"(\d+)E")

    def restore(text: str) -> str:
        return token.sub(lambda t: tags[int(t.group(1))], text) if tags else text

    return "".join(out), restore


class _Writer:
    """Accumulates lines; breaks are requested, merged, and applied before the next text."""

    __slots__ = ("lines", "parts", "pending", "indent", "marker")

    def __init__(self) -> None:
        self.lines: list[str] = []
        # The current line in pieces, joined at the break: `str +=` on an attribute copies the
        # whole line each time (quadratic on a long paragraph). Pieces are never empty.
        self.parts: list[str] = []
        self.pending = 0  # 1: newline, 2: blank line
        self.indent: list[str] = []
        self.marker: str | None = None  # list bullet for the next line

    def text(self, s: str) -> None:
        parts = self.parts
        if parts:
            if s[:1] == " " and parts[-1][-1] == " ":
                s = s[1:]
            if s:
                parts.append(s)
            return
        s = s.lstrip()
        if not s:
            return
        if self.pending > 1 and self.lines and self.lines[-1]:
            self.lines.append("")
        self.pending = 0
        prefix = self.marker if self.marker is not None else "".join(self.indent)
        self.marker = None
        parts.append(prefix + s)

    def brk(self, n: int = 1) -> None:
        if self.parts:
            self.lines.append("".join(self.parts).rstrip())
            self.parts = []
        if n > self.pending:
            self.pending = n

    def sep(self, s: str) -> None:
        if self.parts:
            self.parts = ["".join(self.parts).rstrip() + s]

    def done(self) -> list[str]:
        self.brk()
        return self.lines


def _normal_style(style: str) -> str:
    # split() drops exactly what `\s` matches (str.isspace), at a fifth of a regex's cost.
    return "".join(style.lower().split())


def _style_hides(style: str) -> bool:
    normal = _normal_style(style)
    return "display:none" in normal or "mso-hide:all" in normal


def _flag_hides(el: etree._Element) -> bool:
    return el.get("hidden") is not None or "mw-hide-desktop" in (el.get("class") or "").split()


def _useful_href(el: etree._Element) -> str | None:
    href = (el.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return None
    return href


def _layout_table(parent: etree._Element | None, grandparent: etree._Element | None) -> bool:
    """Whether a row with this parent and grandparent is in a role="presentation" table."""
    table = parent
    if table is not None and table.tag in ("tbody", "thead", "tfoot"):
        table = grandparent
    return table is not None and table.get("role") == "presentation"


def _block_row(tr: etree._Element) -> bool:
    """Whether the row holds block content (anywhere below it, hidden or not)."""
    # `iterdescendants(*_ROW_BLOCKS)` parses its 33 tag names again on every call: 5 of the
    # 28 ms the plain walk took on a 200-row page. MJML rows are <tr><td><div or table>: look
    # there first, then at the next few nodes in Python; only a long run of inline content
    # is left to that C scan.
    if len(tr):
        cell = tr[0]
        if cell.tag in _ROW_BLOCK_SET or (len(cell) and cell[0].tag in _ROW_BLOCK_SET):
            return True
    seen = 0
    for node in tr.iterdescendants():
        if node.tag in _ROW_BLOCK_SET:
            return True
        seen += 1
        if seen > 16:
            return next(tr.iterdescendants(*_ROW_BLOCKS), None) is not None
    return False


def _cell_break(tr: etree._Element, parent: etree._Element | None, grandparent: etree._Element | None) -> int:
    """The break around each cell of a row: 0 (cells share a line: a data table), 1, or 2
    (MJML components in a layout table read as paragraphs)."""
    if not _block_row(tr):
        return 0
    return 2 if _layout_table(parent, grandparent) else 1


# Element kinds. INLINE, BLOCK and PARA are also the break they ask for before and after
# (none, a line break, a blank line), which the walk's fast path relies on.
# SKIP: not entered (its content is not walked; its tail is).
INLINE, BLOCK, PARA, CELL, P, DIV, TR, A, IMG, BR, HR, HEADING, LIST, LI, SKIP = range(15)

# By lower-case tag name; a tag not listed is inline. (p and div are PARA and BLOCK unless
# they are dividers; tr is in _BLOCK but has its own kind.)
_KINDS: dict[str, int] = {
    **dict.fromkeys(_BLOCK, BLOCK),
    **dict.fromkeys(_PARA, PARA),
    **dict.fromkeys(_SKIP, SKIP),
    "p": P,
    "div": DIV,
    "tr": TR,
    "td": CELL,
    "th": CELL,
    "a": A,
    "img": IMG,
    "br": BR,
    "hr": HR,
    "h1": HEADING,
    "h2": HEADING,
    "ul": LIST,
    "ol": LIST,
    "li": LI,
}

# Elements the `hidden` attribute or the mw-hide-desktop class may hide: one XPath in C,
# usually empty, instead of two attribute reads per element. A superset; _flag_hides decides.
# (lxml serialises calls of one XPath object with a lock, so sharing it across threads is safe.)
_FLAGGED = etree.XPath("//@hidden/.. | //@class[contains(., 'mw-hide-desktop')]/..")


class _EndMark:
    """Follows the last node: its parent is above the root, so every element closes."""

    def getparent(self) -> None:
        return None


_END = _EndMark()


def _kind(tag: object) -> int:
    if not isinstance(tag, str):
        return SKIP  # a comment or processing instruction (the parser drops them)
    return _KINDS.get(tag.lower(), INLINE)


class _Walker:
    """Iterative (not recursive) walk, so deep nesting cannot hit the recursion limit.

    What an element does at its opening and closing is the same as the plain walk's: hidden
    elements and _SKIP ones are passed over (their tail text kept), and otherwise by kind."""

    def __init__(self, restore: Callable[[str], str]) -> None:
        self.restore = restore
        self.writers = [_Writer()]  # links and h1/h2 capture their text into a nested writer
        self.w = self.writers[0]  # the innermost writer
        self.lists: list[list[int] | None] = []  # ol counter, or None for ul
        self.rows: list[int] = []  # _cell_break() of each open table row
        self.links: list[tuple[bool, str | None]] = []  # (button, useful href) of open links
        # Per-call caches: an MJML page repeats a few dozen tag names, style attributes and
        # whitespace runs thousands of times, so each is worked out once.
        self.kinds: dict[object, int] = {}
        self.hiding: dict[str, bool] = {}  # style attribute -> it hides the element
        self.styles: dict[str, str] = {}  # style attribute -> lower case, without whitespace
        self.texts: dict[str, str] = {}  # text node -> collapsed text

    def run(self, root: etree._Element) -> list[str]:
        """Walk the tree; return the lines of text."""
        flagged = set(_FLAGGED(root))  # holding the proxies keeps `in` an identity test
        kinds, hiding, rows, texts = self.kinds, self.hiding, self.rows, self.texts
        w = self.w  # the innermost writer; read again after _enter and _leave
        # lxml's iter() lists the nodes in document order from C, much faster than iterwalk's
        # (event, element) pairs. An element ends where a node that is not its descendant
        # comes: each turn of the loop below closes the innermost open element if it is not
        # the next node's parent (at _END, which has no parent, all of them close), else
        # opens that node. Then comes the break the closing or opening asks for, and the
        # text that follows it (a tail, or the element's own text).
        nodes = root.iter()
        # The open elements, innermost last, above two Nones: a row reads its grandparent
        # as open_els[-2], and the root's parent is None.
        open_els: list[Any] = [None, None]  # lxml elements (untyped) above the two Nones
        open_kinds: list[int] = [INLINE, INLINE]
        # This loop runs twice for every element of the page, so the common ones (inline,
        # block, para, table rows and cells) are handled here rather than in _enter/_leave,
        # and a break is applied in place (`n`) rather than by a w.brk() call each time.
        end = _END
        el, parent = root, None
        next(nodes)  # the root
        while True:
            if open_els[-1] is not parent:  # the innermost open element ends before el
                done = open_els.pop()
                kind = open_kinds.pop()
                if kind <= PARA:
                    n = kind
                elif kind == CELL:
                    n = rows[-1] if rows else 1
                elif kind == TR:
                    rows.pop()
                    n = 1
                elif kind == SKIP:
                    n = 0
                else:
                    self._leave(done, kind)
                    w = self.w
                    n = 0
                text = done.tail
            elif el is end:
                break
            else:  # el opens
                tag = el.tag
                known = kinds.get(tag)
                if known is None:
                    known = kinds[tag] = _kind(tag)
                kind = known
                if kind != SKIP:
                    style = el.get("style")
                    if style:
                        hides = hiding.get(style)
                        if hides is None:
                            hides = hiding[style] = _style_hides(style)
                        if hides:
                            kind = SKIP
                    if flagged and el in flagged and _flag_hides(el):
                        kind = SKIP
                if kind <= PARA:
                    n = kind
                elif kind == CELL:
                    n = rows[-1] if rows else 1
                    if not n:
                        w.sep("  ")  # the cells of a data row share a line
                elif kind == TR:
                    rows.append(_cell_break(el, parent, open_els[-2]))
                    n = 1
                elif (kind == P or kind == DIV) and not self._divider(el):
                    kind = n = PARA if kind == P else BLOCK
                else:
                    if kind != SKIP:
                        kind = self._enter(el, kind)  # a divider is an HR there
                    w = self.w
                    n = 0
                    if kind == SKIP and len(el):  # pass over its descendants, listed next
                        deque(zip(el.iterdescendants(), nodes), maxlen=0)
                open_els.append(el)  # a SKIP one too: its tail counts when it closes
                open_kinds.append(kind)
                text = el.text if kind != SKIP else None
                el = next(nodes, end)
                parent = el.getparent()
            if n:  # w.brk(n), without the call when no line is open
                if w.parts:
                    w.brk(n)
                elif n > w.pending:
                    w.pending = n
            if text:  # self._text(text), its cached step inline
                collapsed = texts.get(text)
                w.text(self._collapse(text) if collapsed is None else collapsed)
        return self.writers[0].done()

    def _text(self, s: str) -> None:
        # Headings keep their case: a merge tag inside one is filled in later, per recipient.
        self.w.text(self._collapse(s))

    def _collapse(self, s: str) -> str:
        """Zero-width characters out, &nbsp; a space, whitespace runs one space."""
        t = self.texts.get(s)
        if t is None:
            # str.translate looks up every character; the ones it changes are not ASCII.
            t = self.texts[s] = _WS.sub(" ", s if s.isascii() else s.translate(_TRANSLATE))
        return t

    def _style(self, el: etree._Element) -> str:
        style = el.get("style")
        if not style:
            return ""
        normal = self.styles.get(style)
        if normal is None:
            normal = self.styles[style] = _normal_style(style)
        return normal

    def _divider(self, el: etree._Element) -> bool:
        """Whether a p or div is a divider: mj-divider renders as an empty <p> with a
        border-top, not as <hr>."""
        return len(el) == 0 and not (el.text or "").strip() and "border-top" in self._style(el)

    def _push_writer(self) -> None:
        self.w = _Writer()
        self.writers.append(self.w)

    def _pop_writer(self) -> _Writer:
        done = self.writers.pop()
        self.w = self.writers[-1]
        return done

    def _enter(self, el: etree._Element, kind: int) -> int:
        """Handle an opening tag the loop does not. Returns the kind to close it with, SKIP
        when its content is not to be walked."""
        w = self.w
        if kind == A:
            button = "display:inline-block" in self._style(el) or "mw-button" in (el.get("class") or "").split()
            href = _useful_href(el)
            if not (button or href):
                return INLINE
            if len(el) == 0:  # only text, the usual link: its label is that text, collapsed
                self._link(el, self._collapse(el.text or "").strip(), href, button)
                return SKIP
            self.links.append((button, href))
            self._push_writer()
        elif kind == IMG:
            alt = self._collapse(el.get("alt") or "").strip()
            if alt:
                w.text(f"[{alt}]")  # already what _text() would make of it
            return SKIP
        elif kind == HR or kind == P or kind == DIV:  # p and div come here as dividers
            w.brk(2)
            w.text("-" * 20)
            w.brk(2)
            return SKIP
        elif kind == BR:
            w.brk(1 if w.parts else 2)  # a second <br> in a row makes a blank line
            return SKIP
        elif kind == HEADING:
            w.brk(2)
            self._push_writer()
        elif kind == LIST:
            w.brk(1 if self.lists else 2)
            start = (el.get("start") or "").strip()
            # isdecimal, not isdigit: int() refuses "²", which isdigit() accepts.
            is_ol = el.tag.lower() == "ol"
            self.lists.append([int(start) if start.isdecimal() else 1] if is_ol else None)
        elif kind == LI:
            w.brk(1)
            counter = self.lists[-1] if self.lists else None
            bullet = "- " if counter is None else f"{counter[0]}. "
            if counter is not None:
                counter[0] += 1
            w.marker = "".join(w.indent) + bullet
            w.indent.append("  ")  # continuation lines and nested lists
        return kind

    def _leave(self, el: etree._Element, kind: int) -> None:
        """Handle a closing tag the loop does not."""
        w = self.w
        if kind == A:
            button, href = self.links.pop()
            self._link(el, _joined(self._pop_writer()), href, button)
        elif kind == HEADING:
            title = _joined(self._pop_writer())
            w = self.w
            if title:
                w.text(title)
                w.brk(1)
                w.text(("=" if el.tag.lower() == "h1" else "-") * len(self.restore(title)))
            w.brk(2)
        elif kind == LIST:
            self.lists.pop()
            w.brk(1 if self.lists else 2)
        elif kind == LI:
            w.indent.pop()
            w.marker = None
            w.brk(1)

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
        w.text(lead + (shown if same and shown is not None else f"{label} ({shown})") + trail)


def _joined(writer: _Writer) -> str:
    return " ".join([stripped for line in writer.done() if (stripped := line.strip())])
