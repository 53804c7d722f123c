"""Rich text between Qt's QTextEdit and the document (issue 4, item 3: the rich-text field).

:func:`clean_rich_html` turns what ``QTextEdit.toHtml()`` produces (a full HTML 4 document
with a ``<style>`` head, ``<p style="margin-top:0px; … -qt-block-indent:0; …">`` paragraphs
and ``<span style=" font-weight:700;">`` runs) into the document's compact rich text::

    <p>, <br>, <strong>, <em>, <u>, <s>, <sup>, <sub>, <a href>, <ul>/<ol>/<li>,
    <span style="color:#…;background-color:#…;font-size:…px">, and text-align on p/li
    when it is not left.

:func:`rich_to_qt` goes the other way, for ``QTextEdit.setHtml``.

Merge tags: the document stores them raw inside the HTML (``<p>Hi << data:x >></p>``,
``<a href="<< link:unsubscribe >>">``), because that is the form the pipeline turns into
tokens (``TokenTable.protect(markup=True)`` matches a literal ``<<``; an entity-escaped
``&lt;&lt; data:x &gt;&gt;`` would render as literal text and never be personalised).
Qt needs them escaped (it drops a raw ``<<``), so ``rich_to_qt`` escapes them and
``clean_rich_html`` writes them back raw. A tag that Qt split over differently formatted
runs is joined into one run, so it is never broken by markup.

Pure functions, no Qt: the GUI calls them around ``toHtml()``/``setHtml()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Union

import lxml.html
from lxml import etree

from .markup import _safe_href
from .tokens import TAG_RE, TokenTable, choose_prefix

__all__ = ["QT_LINK_COLOR", "clean_rich_html", "rich_to_qt"]

# The colour Qt paints links in (QPalette.Link of the default palette). toHtml() writes
# it into every link's span; the GUI may pass its palette's colour instead.
QT_LINK_COLOR = "#0000ff"

_DROP = {
    "head",
    "title",
    "style",
    "script",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "img",
    "hr",
    "video",
    "audio",
    "canvas",
}
_LISTS = {"ul", "ol"}
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "center",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "address",
    "figure",
    "figcaption",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "dl",
    "dt",
    "dd",
    "li",
    "body",
    "html",
    "ul",
    "ol",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ALIGNS = {"center", "right", "justify"}
_CSS_DECL = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]*)")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([\d.]+)\s*)?\)$")
_PX = re.compile(r"^(\d{1,3}(?:\.\d+)?)px$")
_TAG_IN_SOURCE = re.compile(r"<[A-Za-z][^<>]*>")
_STYLE_ATTR = re.compile(r"\sstyle\s*=\s*\"([^\"]*)\"", re.I)


# --- the model: paragraphs and lists of formatted runs ------------------------------------------


@dataclass(frozen=True)
class _Fmt:
    href: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    valign: str | None = None  # "super" | "sub"
    color: str | None = None
    background: str | None = None
    size: str | None = None  # "14px" (only px sizes: pt sizes are Qt's/Word's, not ours)
    in_link: bool = False  # inside an <a>, even one whose href was refused


class _Br:
    """A line break inside a paragraph."""


BR = _Br()


@dataclass
class _Run:
    text: Union[str, _Br]
    fmt: _Fmt


@dataclass
class _Para:
    align: str | None
    runs: list[_Run] = field(default_factory=list)


@dataclass
class _List:
    tag: str
    items: list["_Item"] = field(default_factory=list)


@dataclass
class _Item:
    align: str | None
    content: list[Union[_Run, _List]] = field(default_factory=list)


_Block = Union[_Para, _List]


# --- CSS and attributes -----------------------------------------------------------------------


def _color(value: str) -> str | None:
    value = value.strip().lower()
    if _HEX.match(value):
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        return value
    m = _RGB.match(value)
    if m:
        if m.group(4) is not None and float(m.group(4)) == 0:
            return None  # fully transparent
        r, g, b = (min(255, int(x)) for x in m.groups()[:3])
        return f"#{r:02x}{g:02x}{b:02x}"
    return None


def _style(el: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _CSS_DECL.finditer(el.get("style") or ""):
        out[m.group(1).lower()] = m.group(2).strip()
    return out


def _apply(el: etree._Element, fmt: _Fmt, tag: str) -> _Fmt:
    """The formatting inside `el`: its tag's meaning, then its inline style (CSS wins)."""
    if tag in ("strong", "b") or tag in _HEADINGS or tag == "th":
        fmt = replace(fmt, bold=True)
    elif tag in ("em", "i", "cite", "var", "dfn"):
        fmt = replace(fmt, italic=True)
    elif tag in ("u", "ins"):
        fmt = replace(fmt, underline=True)
    elif tag in ("s", "strike", "del"):
        fmt = replace(fmt, strike=True)
    elif tag in ("sup", "sub"):
        fmt = replace(fmt, valign="super" if tag == "sup" else "sub")
    elif tag == "font" and el.get("color"):
        fmt = replace(fmt, color=_color(el.get("color", "")) or fmt.color)
    css = _style(el)
    weight = css.get("font-weight", "").lower()
    if weight:
        if weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600):
            fmt = replace(fmt, bold=True)
        elif weight in ("normal", "lighter") or weight.isdigit():
            fmt = replace(fmt, bold=False)
    style = css.get("font-style", "").lower()
    if style:
        fmt = replace(fmt, italic=style in ("italic", "oblique"))
    deco = (css.get("text-decoration") or css.get("text-decoration-line") or "").lower()
    if deco:
        if "none" in deco:
            fmt = replace(fmt, underline=False, strike=False)
        if "underline" in deco:
            fmt = replace(fmt, underline=True)
        if "line-through" in deco:
            fmt = replace(fmt, strike=True)
    valign = css.get("vertical-align", "").lower()
    if valign in ("super", "sub"):
        fmt = replace(fmt, valign=valign)
    elif valign == "baseline":
        fmt = replace(fmt, valign=None)
    if "color" in css:
        fmt = replace(fmt, color=_color(css["color"]))
    if "background-color" in css or "background" in css:
        fmt = replace(fmt, background=_color(css.get("background-color") or css.get("background", "")))
    if "font-size" in css:
        m = _PX.match(css["font-size"].strip().lower())
        fmt = replace(fmt, size=f"{m.group(1)}px" if m else None)
    return fmt


def _align(el: etree._Element) -> str | None:
    value = (_style(el).get("text-align") or el.get("align") or "").strip().lower()
    return value if value in _ALIGNS else None


# --- HTML → model -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, restore: Callable[[str], str]) -> None:
        self.restore = restore  # puts raw merge tags back into text and hrefs

    # inline content: runs, with nested blocks as line breaks
    def inline(self, el: etree._Element, fmt: _Fmt, out: list) -> None:
        if el.text:
            self.text(el.text, fmt, out)
        for child in el:
            self.inline_child(child, fmt, out)
            if child.tail:
                self.text(child.tail, fmt, out)

    def text(self, text: str, fmt: _Fmt, out: list) -> None:
        # Source newlines are layout, not content (Qt writes line breaks as <br />).
        text = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", self.restore(text))
        if text:
            out.append(_Run(text, fmt))

    def inline_child(self, child: etree._Element, fmt: _Fmt, out: list) -> None:
        if not isinstance(child.tag, str):
            return
        tag = child.tag.lower()
        if tag in _DROP:
            return
        if tag == "br":
            out.append(_Run(BR, fmt))
            return
        inner = _apply(child, fmt, tag)
        if tag == "a":
            href = child.get("href")
            href = _safe_href(self.restore(href)) if href is not None else None
            inner = replace(inner, href=href or fmt.href, in_link=True)
        if tag in _BLOCKS:
            # A block inside inline content (a <p> in a <li>, a <div> in a <span>): a line.
            if out and not (isinstance(out[-1], _Run) and out[-1].text is BR):
                out.append(_Run(BR, fmt))
            self.inline(child, inner, out)
            return
        self.inline(child, inner, out)

    # block content
    def blocks(self, el: etree._Element, fmt: _Fmt, align: str | None, out: list[_Block]) -> None:
        pending: list = []

        def flush() -> None:
            if any(isinstance(r.text, str) and r.text.strip() for r in pending) or any(r.text is BR for r in pending):
                out.append(_Para(align, pending[:]))
            pending.clear()

        if el.text:
            self.text(el.text, fmt, pending)
        for child in el:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                if tag in _DROP:
                    pass
                elif tag in _LISTS:
                    flush()
                    out.append(self.list(child, _apply(child, fmt, tag)))
                elif tag == "li":  # a list item outside a list
                    flush()
                    lst = _List("ul")
                    lst.items.append(self.item(child, _apply(child, fmt, tag)))
                    out.append(lst)
                elif tag in _BLOCKS:
                    flush()
                    inner = _apply(child, fmt, tag)
                    inner_align = _align(child) or align
                    if self._has_blocks(child):
                        self.blocks(child, inner, inner_align, out)
                    else:
                        runs: list = []
                        self.inline(child, inner, runs)
                        out.append(_Para(inner_align, runs))
                else:
                    self.inline_child(child, fmt, pending)
            if child.tail:
                self.text(child.tail, fmt, pending)
        flush()

    @staticmethod
    def _has_blocks(el: etree._Element) -> bool:
        return any(isinstance(c.tag, str) and c.tag.lower() in _BLOCKS for c in el.iter() if c is not el)

    def list(self, el: etree._Element, fmt: _Fmt) -> _List:
        lst = _List(el.tag.lower())
        loose: list = []  # text directly in the list (bad HTML): its own item
        for child in el:
            if isinstance(child.tag, str) and child.tag.lower() == "li":
                if loose:
                    lst.items.append(_Item(None, loose))
                    loose = []
                lst.items.append(self.item(child, _apply(child, fmt, "li")))
            elif isinstance(child.tag, str) and child.tag.lower() in _LISTS and lst.items:
                lst.items[-1].content.append(self.list(child, _apply(child, fmt, child.tag.lower())))
            elif isinstance(child.tag, str):
                self.inline_child(child, fmt, loose)
            if child.tail and child.tail.strip():
                self.text(child.tail, fmt, loose)
        if loose:
            lst.items.append(_Item(None, loose))
        return lst

    def item(self, el: etree._Element, fmt: _Fmt) -> _Item:
        item = _Item(_align(el))
        if el.text:
            self.text(el.text, fmt, item.content)
        for child in el:
            if isinstance(child.tag, str) and child.tag.lower() in _LISTS:
                _strip_end(item.content)
                item.content.append(self.list(child, _apply(child, fmt, child.tag.lower())))
            else:
                self.inline_child(child, fmt, item.content)
            if child.tail:
                self.text(child.tail, fmt, item.content)
        return item


# --- tidying the model ------------------------------------------------------------------------


def _is_br(run: object) -> bool:
    return isinstance(run, _Run) and run.text is BR


def _strip_end(content: list) -> None:
    """Drop what shows nowhere at the end of inline content: spaces, and one line break
    (a browser ignores a <br> that ends a paragraph)."""

    def strip_spaces() -> None:
        while content and isinstance(content[-1], _Run) and isinstance(content[-1].text, str):
            stripped = content[-1].text.rstrip()
            if stripped:
                content[-1].text = stripped
                return
            content.pop()

    strip_spaces()
    if content and _is_br(content[-1]):
        content.pop()
        strip_spaces()


def _tidy_runs(runs: list) -> list:
    """Outside links, Qt's link styling goes; adjacent runs with one format are joined;
    a merge tag split over runs is joined into the first run's format; edges trimmed."""
    merged: list = []
    for run in runs:
        if isinstance(run, _List):
            merged.append(run)
            continue
        if (
            merged
            and isinstance(merged[-1], _Run)
            and isinstance(merged[-1].text, str)
            and isinstance(run.text, str)
            and merged[-1].fmt == run.fmt
        ):
            merged[-1] = _Run(merged[-1].text + run.text, run.fmt)
        else:
            merged.append(_Run(run.text, run.fmt))
    merged = _join_split_tags(merged)
    # Leading/trailing spaces of a paragraph show nowhere in email; a trailing <br> neither.
    while merged and isinstance(merged[0], _Run) and isinstance(merged[0].text, str):
        merged[0].text = merged[0].text.lstrip()
        if merged[0].text:
            break
        merged.pop(0)
    _strip_end(merged)
    return merged


def _join_split_tags(runs: list) -> list:
    """A merge tag Qt split over runs (the user bolded half of it) becomes one run."""
    out: list = []
    i = 0
    while i < len(runs):
        # a stretch of text runs
        if not (isinstance(runs[i], _Run) and isinstance(runs[i].text, str)):
            out.append(runs[i])
            i += 1
            continue
        j = i
        while j < len(runs) and isinstance(runs[j], _Run) and isinstance(runs[j].text, str):
            j += 1
        stretch = runs[i:j]
        if len(stretch) > 1:
            stretch = _join_stretch(stretch)
        out.extend(stretch)
        i = j
    return out


def _join_stretch(stretch: list[_Run]) -> list[_Run]:
    text = "".join(r.text for r in stretch)  # type: ignore[misc]  # a stretch holds str runs only
    bounds = []
    pos = 0
    for r in stretch:
        bounds.append((pos, pos + len(r.text)))  # type: ignore[arg-type]  # str runs only
        pos += len(r.text)  # type: ignore[arg-type]  # str runs only
    spans = [(m.start(), m.end()) for m in TAG_RE.finditer(text)]
    crossing = [(s, e) for s, e in spans if not any(a <= s and e <= b for a, b in bounds)]
    if not crossing:
        return stretch
    # Rebuild: each character takes its run's format, except inside a crossing tag, where
    # it takes the format at the tag's first character.
    fmts = []
    for r in stretch:
        fmts.extend([r.fmt] * len(r.text))  # type: ignore[arg-type]  # str runs only
    for s, e in crossing:
        for k in range(s, e):
            fmts[k] = fmts[s]
    out: list[_Run] = []
    for k, ch in enumerate(text):
        if out and out[-1].fmt == fmts[k]:
            out[-1].text += ch  # type: ignore[operator]  # str runs only
        else:
            out.append(_Run(ch, fmts[k]))
    return out


def _drop_link_styling(runs: list, link_color: str | None) -> None:
    for k, run in enumerate(runs):
        if isinstance(run, _Run) and run.fmt.in_link:
            fmt = replace(run.fmt, underline=False, in_link=False)
            if link_color and fmt.color == link_color:
                fmt = replace(fmt, color=None)
            runs[k] = _Run(run.text, fmt)
        elif isinstance(run, _List):
            for item in run.items:
                _drop_link_styling(item.content, link_color)


def _tidy(blocks: list[_Block], link_color: str | None) -> list[_Block]:
    for block in blocks:
        if isinstance(block, _Para):
            _drop_link_styling(block.runs, link_color)
            block.runs = _tidy_runs(block.runs)
        else:
            _tidy_list(block, link_color)
    # Empty paragraphs at the start and the end are Qt's (an empty editor is one empty <p>).
    while blocks and _empty(blocks[0]):
        blocks.pop(0)
    while blocks and _empty(blocks[-1]):
        blocks.pop()
    return blocks


def _tidy_list(lst: _List, link_color: str | None) -> None:
    for item in lst.items:
        _drop_link_styling(item.content, link_color)
        for sub in item.content:
            if isinstance(sub, _List):
                _tidy_list(sub, link_color)
        item.content = _tidy_runs(item.content)


def _empty(block: _Block) -> bool:
    if isinstance(block, _List):
        return not block.items
    return not any(isinstance(r, _Run) and isinstance(r.text, str) and r.text.strip() for r in block.runs)


# --- model → HTML -----------------------------------------------------------------------------


def _escape_text(text: str, raw_tags: bool) -> str:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    if not raw_tags:
        return esc(text)
    out: list[str] = []
    last = 0
    for m in TAG_RE.finditer(text):
        out.append(esc(text[last : m.start()]))
        out.append(m.group(0))  # merge tags stay as written: the pipeline tokenises them
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def _escape_attr(value: str, raw_tags: bool) -> str:
    value = re.sub(r"[\r\n\t]+", " ", value).replace("&", "&amp;").replace('"', "&quot;")
    if raw_tags:
        return value  # `<<` stays literal so the pipeline's tokeniser finds the tag
    return value.replace("<", "&lt;").replace(">", "&gt;")


def _wrappers(fmt: _Fmt, raw_tags: bool) -> list[tuple[str, str]]:
    """(open tag, close tag) pairs from outermost to innermost, in one canonical order."""
    out: list[tuple[str, str]] = []
    if fmt.href:
        out.append((f'<a href="{_escape_attr(fmt.href, raw_tags)}">', "</a>"))
    if fmt.bold:
        out.append(("<strong>", "</strong>"))
    if fmt.italic:
        out.append(("<em>", "</em>"))
    if fmt.underline:
        out.append(("<u>", "</u>"))
    if fmt.strike:
        out.append(("<s>", "</s>"))
    if fmt.valign:
        tag = "sup" if fmt.valign == "super" else "sub"
        out.append((f"<{tag}>", f"</{tag}>"))
    css = [
        f"{k}:{v}"
        for k, v in (("color", fmt.color), ("background-color", fmt.background), ("font-size", fmt.size))
        if v
    ]
    if css:
        out.append((f'<span style="{";".join(css)}">', "</span>"))
    return out


def _write_inline(content: Iterable, raw_tags: bool, parts: list[str]) -> None:
    stack: list[tuple[str, str]] = []
    for run in content:
        if isinstance(run, _List):
            while stack:
                parts.append(stack.pop()[1])
            _write_list(run, raw_tags, parts)
            continue
        want = _wrappers(run.fmt, raw_tags) if run.text is not BR else stack[:]
        common = 0
        while common < len(stack) and common < len(want) and stack[common] == want[common]:
            common += 1
        while len(stack) > common:
            parts.append(stack.pop()[1])
        for w in want[common:]:
            parts.append(w[0])
            stack.append(w)
        parts.append("<br>" if run.text is BR else _escape_text(run.text, raw_tags))
    while stack:
        parts.append(stack.pop()[1])


def _align_attr(align: str | None) -> str:
    return f' style="text-align:{align}"' if align else ""


def _write_list(lst: _List, raw_tags: bool, parts: list[str]) -> None:
    parts.append(f"<{lst.tag}>")
    for item in lst.items:
        parts.append(f"<li{_align_attr(item.align)}>")
        if item.content:
            _write_inline(item.content, raw_tags, parts)
        else:
            parts.append("<br>")
        parts.append("</li>")
    parts.append(f"</{lst.tag}>")


def _write(blocks: list[_Block], raw_tags: bool) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, _List):
            _write_list(block, raw_tags, parts)
            continue
        parts.append(f"<p{_align_attr(block.align)}>")
        if _empty(block):
            parts.append("<br>")
        else:
            _write_inline(block.runs, raw_tags, parts)
        parts.append("</p>")
    return "".join(parts)


# --- entry points -------------------------------------------------------------------------------


def _merge_duplicate_styles(html: str) -> str:
    """Qt writes two style attributes on a list item (`<li style=" font-weight:700;"
    style=" margin-top:0px; …">`); HTML parsers keep only one, so join them first."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        styles = _STYLE_ATTR.findall(tag)
        if len(styles) < 2:
            return tag
        first = True

        def keep_first(sm: re.Match[str]) -> str:
            nonlocal first
            if first:
                first = False
                return ' style="' + "; ".join(s.strip().rstrip(";") for s in styles) + '"'
            return ""

        return _STYLE_ATTR.sub(keep_first, tag)

    return _TAG_IN_SOURCE.sub(fix, html)


def _parse(html: str, link_color: str | None) -> list[_Block]:
    # Merge tags written raw (our stored form, or pasted) become tokens before lxml sees
    # them: `<<data:x>>` would otherwise parse as an element. Qt's escaped form is text.
    tokens = TokenTable(choose_prefix(html))
    protected = tokens.protect(html, markup=True)
    protected = _merge_duplicate_styles(protected)
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(protected, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    body = root.find("body")
    if body is None:
        body = root
    reader = _Reader(tokens.restore_plain)
    blocks: list[_Block] = []
    reader.blocks(body, _apply(body, _Fmt(), "body"), _align(body), blocks)
    return _tidy(blocks, _color(link_color) if link_color else None)


def clean_rich_html(html: str, *, link_color: str | None = QT_LINK_COLOR) -> str:
    """QTextEdit HTML (or any HTML) → the document's compact rich text ("" when empty).

    `link_color`: the colour Qt painted links with (the editor palette's QPalette.Link);
    that colour and the underline are dropped inside links, since the theme styles links.
    Merge tags come out raw (`<< data:x >>`), as the pipeline expects them.
    """
    if not html or not html.strip():
        return ""
    return _write(_parse(html, link_color), raw_tags=True)


# A space typed beside a merge-tag token on the canvas: Chromium writes it as a no-break space
# (the token is a non-editable element, where a plain space could collapse). Between a word and a
# tag a plain space never collapses, and a no-break one would keep "dear Zoe welcome" from
# wrapping on a phone, so those are plain again; one at a line's start or end, or doubled, stays.
_NBSP_BEFORE_TAG = re.compile(r"(?<=[^\s\xa0>])\xa0(?=<<)")
_NBSP_AFTER_TAG = re.compile(r"(?<=>>)\xa0(?=[^\s\xa0<]|<<)")


def plain_spaces_beside_tags(html: str) -> str:
    """The canvas's no-break spaces between a word and a merge tag, as the spaces they were typed as."""
    if "\xa0" not in html:
        return html
    return _NBSP_AFTER_TAG.sub(" ", _NBSP_BEFORE_TAG.sub(" ", html))


def rich_to_qt(html: str) -> str:
    """The document's rich text → HTML for `QTextEdit.setHtml` (merge tags escaped, so Qt
    shows them as typed; everything else is the same compact markup Qt understands)."""
    if not html or not html.strip():
        return ""
    return _write(_parse(html, None), raw_tags=False)
