"""HTML inside blocks: the rich-text allow-list, and raw HTML normalised for MRML.

Both take text whose merge tags are already tokens (app/build/tokens.py), so lxml and MRML only
ever see plain markup.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Callable

from ...blocks.base import escape_attr, escape_text

if TYPE_CHECKING:
    from lxml import etree

# --- rich text ------------------------------------------------------------------------------

_KEEP = {"p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "span", "sup", "sub"}
_DROP = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "head",
    "title",
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
}
_SPAN_CSS = {"color", "background-color", "font-weight", "font-style", "text-decoration", "font-size"}
_ALIGN_CSS = {"text-align"}
_LINK_CSS = {"color", "text-decoration", "font-weight"}  # a link's own colour beats the theme's
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.I)
_CSS_DECL = re.compile(r"\s*([a-zA-Z-]+)\s*:\s*([^;]+)")
_CSS_VALUE_OK = re.compile(r"^[#\w\s.,%()'-]+$")


# Markup kept as written (a Text block imported from MJML, `markup_as_written`): headings and
# divs too, each element's own CSS from this list, and no paragraph margins of ours.
_KEEP_WRITTEN = _KEEP | {"h1", "h2", "h3", "h4", "h5", "h6", "div"}
_WRITTEN_CSS = (
    _SPAN_CSS
    | _ALIGN_CSS
    | {
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "line-height",
        "font-family",
        "letter-spacing",
        "text-transform",
        "display",
        "vertical-align",
        "white-space",
        "word-break",
    }
)


def _filter_css(style: str, allowed: set[str]) -> str:
    out = []
    for m in _CSS_DECL.finditer(style or ""):
        prop, value = m.group(1).lower(), m.group(2).strip()
        if prop in allowed and _CSS_VALUE_OK.match(value) and "url(" not in value.lower():
            out.append(f"{prop}:{value}")
    return ";".join(out)


_HREF_SPACES = re.compile(r"[\x00-\x20]+")


def _safe_href(href: str) -> str | None:
    href = _HREF_SPACES.sub(" ", href or "").strip()
    if not href or _BAD_SCHEME.match(href):
        return None
    return href


def sanitize_rich_text(html: str, *, paragraph_gap: int = 12, as_written: bool = False) -> str:
    """Keep the rich-text subset (p, br, strong, em, u, a, lists, coloured spans) as MJML-safe
    markup. Unknown tags are unwrapped (their text stays), dangerous ones dropped with content,
    `javascript:` links unlinked. Paragraph and list margins are written inline so every client
    spaces them alike; the last one gets no bottom margin.

    Cached: the editor rebuilds the whole document on every edit, and all but the edited
    text come back unchanged (a third of document → MJML on a large document). Long texts
    are not kept, so the cache stays a few megabytes at most.
    """
    if as_written:
        return _sanitize_written(html)
    if len(html) > _CACHE_MAX_CHARS:
        return _sanitize(html, paragraph_gap)
    return _sanitize_cached(html, paragraph_gap)


def _sanitize_written(html: str) -> str:
    """The same allow-list idea for markup kept as written: safe tags and CSS only, dangerous
    ones dropped, `javascript:` links unlinked, but each element keeps its own spacing."""
    if not html.strip():
        return ""
    root = _html_fragment(drop_page_tags(html))
    parts: list = []
    _emit_children(root, parts, _emit_written)
    return "".join(parts)


def _emit_written(el: etree._Element, parts: list) -> None:
    if not isinstance(el.tag, str):
        return
    tag = el.tag.lower()
    if tag in _DROP:
        return
    if tag not in _KEEP_WRITTEN:
        _emit_children(el, parts, _emit_written)
        return
    if tag == "br":
        parts.append("<br />")
        return
    attrs = _link_attrs(el) if tag == "a" else ""
    if attrs is None:
        _emit_children(el, parts, _emit_written)
        return
    css = _filter_css(el.get("style", ""), _WRITTEN_CSS)
    if css:
        attrs += f' style="{escape_attr(css)}"'
    parts.append(f"<{tag}{attrs}>")
    _emit_children(el, parts, _emit_written)
    parts.append(f"</{tag}>")


_CACHE_MAX_CHARS = 8_000


def _sanitize(html: str, paragraph_gap: int) -> str:
    if not html.strip():
        return ""
    parts = _simple_parts(html)
    if parts is None:  # anything outside the plain subset: lxml reads it
        parts = []
        _emit_children(fragment_root(html), parts)
    # Spacing between blocks: margins on every paragraph/list but the last one.
    openers = [i for i, p in enumerate(parts) if isinstance(p, tuple)]
    for n, i in enumerate(openers):
        tag, css = parts[i]
        gap = "0" if n == len(openers) - 1 else f"0 0 {paragraph_gap}px"
        style = f"margin:{gap};" + ("padding-left:24px;" if tag != "p" else "") + (f"{css};" if css else "")
        parts[i] = f'<{tag} style="{escape_attr(style)}">'
    return "".join(parts)


# --- the plain subset, without lxml --------------------------------------------------------
#
# Most rich text is a few paragraphs of text with emphasis, links and coloured spans, written
# by this editor. Parsing each with lxml was a fifth of document -> MJML on a starter, so text
# in that subset is read with one regex instead: paragraphs at the top, inside them the inline
# tags below, each closed in order, attributes double-quoted with nothing to decode, text
# without a white-space-only run (libxml2 drops some of those) and with only the entities
# below. Anything else, however small, goes to lxml; the parts are what _emit_children gives
# for lxml's tree of the same text (tests/unit/test_rich_text_fast_path.py compares them).

_SIMPLE_INLINE = frozenset({"strong", "b", "em", "i", "u", "s", "sup", "sub", "a", "span"})
# An "&" in an attribute value only as a query string's "&name=", which libxml2 keeps as written
# (a link's "?a=1&utm_source=x"); any other "&" may be an entity to it ("a&gt" ends "a>").
_SIMPLE_TOKEN = re.compile(
    r'<(/?)([a-z]+)((?: +[a-z][a-z-]*="(?:[^"&<>\r\n\t]|&[A-Za-z][A-Za-z0-9_-]*=)*")*) *(/?)>|[^<]+|<'
)
_SIMPLE_ATTR = re.compile(r' +([a-z][a-z-]*)="([^"]*)"')
_SIMPLE_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|nbsp)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "nbsp": "\u00a0"}
# Characters libxml2 might treat its own way (controls, CR, C1, surrogates, non-characters).
_NOT_SIMPLE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _entity(m: re.Match[str]) -> str:
    name, dec, hexa = m.groups()
    if name:
        return _NAMED[name]
    code = int(dec) if dec else int(hexa, 16)
    if 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800 or 0xE000 <= code < 0xFDD0 or 0xFDF0 <= code < 0xFFFE:
        return chr(code)
    raise ValueError  # not simple


def _simple_text(run: str) -> str | None:
    """A text run's characters as lxml reads them, or None when it is not in the subset."""
    if _NOT_SIMPLE_CHAR.search(run):
        return None
    if "&" not in run:
        return run  # white space too: inside an element libxml2 keeps it (the parser keeps blanks)
    try:
        text = _SIMPLE_ENTITY.sub(_entity, run)
    except ValueError:
        return None
    if "&" in _SIMPLE_ENTITY.sub("", run) or text.isspace():  # a "&" starting no entity of the list
        return None
    return text


def _simple_parts(html: str) -> list | None:
    """The parts `_emit_children` makes of this text, when it is in the plain subset."""
    if not html.startswith("<p") or not html.endswith("</p>"):
        return None
    parts: list = []
    stack: list[str] = []  # open elements, innermost last
    emitted: list[str] = []  # what each open element closes with ("" when unwrapped)
    pos, end = 0, len(html)
    match = _SIMPLE_TOKEN.match
    while pos < end:
        m = match(html, pos)
        if m is None:  # cannot happen: the pattern matches any character
            return None
        pos = m.end()
        token = m.group(0)
        if token[0] != "<":
            if not stack:
                return None  # text at the top level
            text = _simple_text(token)
            if text is None:
                return None
            parts.append(escape_text(text))
            continue
        if m.group(2) is None:
            return None  # a "<" that starts no simple tag
        close, tag, attr_text, self_close = m.groups()
        if close:
            if attr_text or self_close or not stack or stack[-1] != tag:
                return None
            stack.pop()
            closing = emitted.pop()
            if closing:
                parts.append(closing)
            continue
        if tag == "br":
            if not stack or attr_text or self_close and not token.endswith(("<br/>", "<br />")):
                return None
            parts.append("<br />")
            continue
        if self_close:
            return None
        attrs: dict[str, str] = {}
        for a in _SIMPLE_ATTR.finditer(attr_text):
            if a.group(1) in attrs:
                return None  # a repeated attribute: lxml's choice, not ours
            attrs[a.group(1)] = a.group(2)
        if tag == "p":
            if stack:
                return None  # a paragraph inside another element
            parts.append((tag, _filter_css(attrs.get("style", ""), _ALIGN_CSS)))
            opened = "</p>"
        elif tag in _SIMPLE_INLINE and stack and tag not in stack:
            opened = f"</{tag}>"
            if tag == "a":
                out = _link_attrs(attrs)
                if out is None:
                    opened = ""
                else:
                    css = _filter_css(attrs.get("style", ""), _LINK_CSS)
                    if css:
                        out += f' style="{escape_attr(css)}"'
                    parts.append(f"<a{out}>")
            elif tag == "span":
                css = _filter_css(attrs.get("style", ""), _SPAN_CSS)
                if css:
                    parts.append(f'<span style="{escape_attr(css)}">')
                else:
                    opened = ""
            else:
                parts.append(f"<{tag}>")
        else:
            return None
        stack.append(tag)
        emitted.append(opened)
    return None if stack else parts


_FULL_PAGE = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def _html_fragment(html: str) -> etree._Element:
    import lxml.html  # only for the rare fragments plain lxml cannot read (~3 ms of a start)

    return lxml.html.fragment_fromstring(html, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True))


# Page-structure tags inside a fragment: lxml.html asserts on a second <body> ("too many
# bodies", an internal error) and libxml2 drops the text after a stray </html><html>.
_PAGE_TAG = re.compile(r"</?(?:html|body)\b[^>]*>", re.I)


def drop_page_tags(html: str) -> str:
    """A text's stray <html>/<body> tags removed, their content kept (a fragment has no page)."""
    if "<" not in html or _FULL_PAGE.match(html) or not _PAGE_TAG.search(html):
        return html
    return _PAGE_TAG.sub("", html)


_PARSERS = threading.local()


def _fragment_parser() -> etree.HTMLParser:
    """This thread's parser for fragments: a new parser per text cost a quarter of the parse
    (a starter sanitises a dozen texts per build). It keeps no state between parses that could
    change a tree; one per thread, as lxml asks of a parser shared between calls."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        from lxml import etree  # only for text outside the plain subset (~9 ms of a start)

        parser = _PARSERS.parser = etree.HTMLParser(huge_tree=True)
    return parser


def fragment_root(html: str) -> etree._Element:
    """The tree `lxml.html.fragment_fromstring(html, create_parent="div")` gives, of plain lxml
    elements: lxml.html looks up its element class in Python for every element, 15% of a
    starter's document -> MJML step (the sanitiser reads only tags, attributes and text)."""
    if _FULL_PAGE.match(html):  # lxml.html treats a whole page its own way: let it
        return _html_fragment(html)
    html = drop_page_tags(html)
    from lxml import etree

    doc = etree.fromstring(f"<html><body>{html}</body></html>", _fragment_parser())
    bodies = [] if doc is None else [e for e in doc if e.tag == "body"]
    if len(bodies) != 1:  # what lxml.html refuses, refused with its own error
        return _html_fragment(html)
    body = bodies[0]
    root = etree.Element("div")
    if body.text and body.text.strip():  # leading white space is dropped, as lxml.html does
        root.text = body.text
    root.extend(list(body))
    return root


_sanitize_cached = functools.lru_cache(maxsize=1024)(_sanitize)


def clear_cache() -> None:
    """Forget the sanitised texts kept so far."""
    _sanitize_cached.cache_clear()


def _emit_children(el: etree._Element, parts: list, emit: Callable[[etree._Element, list], None] | None = None) -> None:
    emit = emit or _emit
    if el.text:
        parts.append(escape_text(el.text))
    for child in el:
        emit(child, parts)
        if child.tail:
            parts.append(escape_text(child.tail))


def _link_attrs(el: etree._Element | dict[str, str]) -> str | None:
    """A link's href, title and target attributes; None when its href is unsafe (unlinked).
    `el` is the element, or its attributes (the plain subset's reader)."""
    href = _safe_href(el.get("href", ""))
    if href is None:
        return None
    attrs = f' href="{escape_attr(href)}"'
    title = el.get("title")
    if title:
        attrs += f' title="{escape_attr(title)}"'
    if el.get("target") == "_blank":
        attrs += ' target="_blank"'
    return attrs


def _emit(el: etree._Element, parts: list) -> None:
    if not isinstance(el.tag, str):  # comments, processing instructions
        return
    tag = el.tag.lower()
    if tag in _DROP:
        return
    if tag not in _KEEP:
        _emit_children(el, parts)
        if tag in {"div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"} and parts and parts[-1] != "<br />":
            parts.append("<br />")
        return
    if tag == "br":
        parts.append("<br />")
        return
    attrs = ""
    if tag == "a":
        link = _link_attrs(el)
        if link is None:
            _emit_children(el, parts)
            return
        attrs += link
        css = _filter_css(el.get("style", ""), _LINK_CSS)
        if css:
            attrs += f' style="{escape_attr(css)}"'
    elif tag == "span":
        css = _filter_css(el.get("style", ""), _SPAN_CSS)
        if not css:
            _emit_children(el, parts)
            return
        attrs += f' style="{escape_attr(css)}"'
    if tag in ("p", "ul", "ol") and el.getparent() is not None and el.getparent().getparent() is None:
        # Top-level block: its margin depends on whether it is last (see sanitize_rich_text).
        parts.append((tag, _filter_css(el.get("style", ""), _ALIGN_CSS)))
        _emit_children(el, parts)
        parts.append(f"</{tag}>")
        return
    if tag in ("p", "ul", "ol"):
        attrs = ' style="margin:0;' + ("padding-left:24px;" if tag != "p" else "") + '"'
    if tag == "li":
        css = _filter_css(el.get("style", ""), _ALIGN_CSS)
        attrs = ' style="margin:0 0 4px;' + (escape_attr(css) + ";" if css else "") + '"'
    parts.append(f"<{tag}{attrs}>")
    _emit_children(el, parts)
    parts.append(f"</{tag}>")


# A comment, or an MJML tag: (closing "/", name, self-closing "/"). Quoted attribute values may
# hold ">". How the pipeline's source fixes and mjml_elements read an MJML file's elements.
COMMENT_OR_MJ_TAG = re.compile(r"""<!--.*?-->|<(/?)(mj-[\w-]+)\b(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""", re.S)


# --- raw HTML -----------------------------------------------------------------------------

# An attribute (name, optional value in any quoting) and a run of them: shared with the MJML
# importer (importer/_source.py), which reads tags the same way. An unquoted value is read as a
# browser (and node's MJML) reads it, "=" included after its first character
# (`href=https://x.test/?a=1`): stopped at the "=", the whole tag was taken for text.
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`][^\s"'<>`]*)"""
ATTR_PATTERN = rf"""[^\s"'>/=]+(?:\s*=\s*{_VALUE})?"""
ATTRS_PATTERN = rf"((?:\s+{ATTR_PATTERN})*)"
ATTR_RE = re.compile(rf"""([^\s"'>/=]+)(?:\s*=\s*({_VALUE}))?""", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)" + ATTRS_PATTERN + r"\s*(/?)>", re.S)
_RAWTEXT = {"style", "script"}


def _normalise_tag(m: re.Match[str]) -> str:
    close, name, attrs, selfclose = m.groups()
    if close:
        return f"</{name}>"
    out = []
    for a in ATTR_RE.finditer(attrs):
        key, value = a.group(1), a.group(2)
        if value is None:
            out.append(f" {key}")
            continue
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        # Re-quote with double quotes, no raw newlines: MRML's attribute writer breaks on
        # both (hardening.md §10.1 point 6). Existing entities are kept as written.
        value = re.sub(r"[\r\n\t]+", " ", value).replace('"', "&quot;").replace("<", "&lt;")
        out.append(f' {key}="{value}"')
    return f"<{name}{''.join(out)}{' /' if selfclose else ''}>"


def requote_tags(html: str) -> str:
    """Every tag's attribute values double-quoted, as normalise_raw_html writes them (an unquoted
    `width=100px` is what MRML refuses); a bare `<` and what is not a tag are left as they are."""
    return _TAG.sub(_normalise_tag, html)


def normalise_raw_html(html: str) -> str:
    """Raw HTML kept as written, except what MRML cannot take: attribute values with newlines
    or embedded double quotes, and a bare `<` that starts no tag (written as `&lt;`)."""
    out: list[str] = []
    i, n = 0, len(html)
    while i < n:
        j = html.find("<", i)
        if j < 0:
            out.append(html[i:])
            break
        out.append(html[i:j])
        if html.startswith("<!--", j):
            end = html.find("-->", j + 4)
            end = n if end < 0 else end + 3
            out.append(html[j:end])
            i = end
            continue
        m = _TAG.match(html, j)
        if m:
            out.append(_normalise_tag(m))
            i = m.end()
            name = m.group(2).lower()
            if name in _RAWTEXT and not m.group(1) and not m.group(4):
                # A pattern, not html.lower().find(): lower() can change the text's length
                # ("İ" becomes two characters), which shifts the offset.
                close = re.compile(f"</{name}", re.I).search(html, i)
                end = n if close is None else close.start()
                out.append(html[i:end])
                i = end
            continue
        if html.startswith("<!", j) or html.startswith("<?", j):
            end = html.find(">", j)
            end = n if end < 0 else end + 1
            out.append(html[j:end])
            i = end
            continue
        out.append("&lt;")
        i = j + 1
    return "".join(out)
