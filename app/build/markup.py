"""HTML inside blocks: the rich-text allow-list, and raw HTML normalised for MRML.

Both take text whose merge tags are already tokens (app/build/tokens.py), so lxml and MRML only
ever see plain markup.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from lxml import etree

from ...blocks.base import escape_attr, escape_text

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
    root = fragment_root(html)
    parts: list = []
    _emit_children(root, parts)
    # Spacing between blocks: margins on every paragraph/list but the last one.
    openers = [i for i, p in enumerate(parts) if isinstance(p, tuple)]
    for n, i in enumerate(openers):
        tag, css = parts[i]
        gap = "0" if n == len(openers) - 1 else f"0 0 {paragraph_gap}px"
        style = f"margin:{gap};" + ("padding-left:24px;" if tag != "p" else "") + (f"{css};" if css else "")
        parts[i] = f'<{tag} style="{escape_attr(style)}">'
    return "".join(parts)


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


def fragment_root(html: str) -> etree._Element:
    """The tree `lxml.html.fragment_fromstring(html, create_parent="div")` gives, of plain lxml
    elements: lxml.html looks up its element class in Python for every element, 15% of a
    starter's document -> MJML step (the sanitiser reads only tags, attributes and text)."""
    if _FULL_PAGE.match(html):  # lxml.html treats a whole page its own way: let it
        return _html_fragment(html)
    html = drop_page_tags(html)
    doc = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser(huge_tree=True))
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


def _link_attrs(el: etree._Element) -> str | None:
    """A link's href, title and target attributes; None when its href is unsafe (unlinked)."""
    href = _safe_href(el.get("href", ""))
    if href is None:
        return None
    attrs = f' href="{escape_attr(href)}"'
    if el.get("title"):
        attrs += f' title="{escape_attr(el.get("title"))}"'
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


# --- raw HTML -----------------------------------------------------------------------------

# An attribute (name, optional value in any quoting) and a run of them: shared with the MJML
# importer (importer/_source.py), which reads tags the same way.
ATTR_PATTERN = r"[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
ATTRS_PATTERN = rf"((?:\s+{ATTR_PATTERN})*)"
ATTR_RE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?", re.S)
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
