"""HTML email → document: one row holding a raw HTML block with the email's body.

An HTML email is kept as written (it is somebody's tested markup), so the document has one
row, one column and one `html` block holding the body's inner HTML. What the document models
separately is taken out of the HTML:

- `<title>` → subject; `lang`/`dir` of `<html>` → settings; the body's background colour →
  the email background.
- The preheader: the first hidden element before any visible text (`display:none`, or a class
  such as `preheader`/`preview`/`mcnPreviewText` anywhere) → `preheader`, and the element is
  removed from the body, since the document writes its own hidden preheader.
- `<style>` blocks (and Outlook conditional comments) from `<head>` move into the block, in
  order, so the build inlines them with premailer as the original relied on its `<head>`.
- The body's own `style` attribute becomes a wrapper `<div>` so its fonts and colours apply.
- The width: the widest fixed-width table/cell/div (320–1200px), else 600px.

Merge tags are allowed anywhere, attributes included.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from typing import Any

import lxml.html
from lxml import etree

from ..document.model import Document
from ._source import ImportFailed, TaggedText, _OPEN
from ._values import NAMED_COLORS
from .mjml_import import ImportReport

_ZERO_WIDTH = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u034f\u00ad"}
_PREHEADER_CLASS = re.compile(r"preheader|preview", re.I)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Plain text styles of the wrapper Mailwright puts around the HTML (the HTML's own styles win).
_NEUTRAL_TEXT = '<mj-attributes><mj-text color="#000000" font-size="16px" line-height="normal" /></mj-attributes>'


def _style_of(el: Any) -> str:
    return re.sub(r"\s+", "", (el.get("style") or "")).lower()


def _hidden(el: Any) -> bool:
    style = _style_of(el)
    return "display:none" in style or el.get("hidden") is not None


def _color(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    if _HEX.match(v):
        return v
    return NAMED_COLORS.get(v)


def _find_preheader(body: Any) -> Any | None:
    """The first hidden element holding text before any visible text, or a preheader class."""
    seen_text = False

    def walk(el: Any, hidden: bool) -> Any | None:
        nonlocal seen_text
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail and child.tail.strip() and not hidden:
                    seen_text = True
                continue
            tag = child.tag.lower()
            if tag in ("style", "script", "title", "head"):
                continue
            text = " ".join(child.text_content().translate(_ZERO_WIDTH).split())
            classes = child.get("class") or ""
            is_hidden = hidden or _hidden(child)
            if (
                text
                and not hidden
                and (_PREHEADER_CLASS.search(classes) and is_hidden or _hidden(child) and not seen_text)
            ):
                return child
            if child.text and child.text.strip() and not is_hidden:
                seen_text = True
            found = walk(child, is_hidden)
            if found is not None:
                return found
            if child.tail and child.tail.strip() and not hidden:
                seen_text = True
        return None

    return walk(body, False)


def _element_span(source: str, tag: str, index: int) -> tuple[int, int] | None:
    """Offsets of the `index`-th `<tag>` element (0-based) in HTML source, comments skipped."""
    opener = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)\b", re.S)
    count = -1
    pos = 0
    while True:
        m = opener.search(source, pos)
        if m is None:
            return None
        if m.group(0).startswith("<!--"):
            pos = m.end()
            continue
        name = m.group(2).lower()
        if m.group(1) or name != tag:
            pos = m.end()
            continue
        count += 1
        om = _OPEN.match(source, m.start())
        if om is None:
            return None
        if count < index:
            pos = om.end()
            continue
        if om.group(3) or tag in ("br", "img", "hr", "meta", "input"):
            return m.start(), om.end()
        depth, j = 1, om.end()
        while depth:
            n = opener.search(source, j)
            if n is None:
                return None
            j = n.end()
            if n.group(0).startswith("<!--") or n.group(2).lower() != tag:
                continue
            if n.group(1):
                depth -= 1
                if depth == 0:
                    close = source.find(">", n.end())
                    return (m.start(), close + 1) if close >= 0 else None
            else:
                inner = _OPEN.match(source, n.start())
                if inner is not None and not inner.group(3):
                    depth += 1


# A comment (skipped: Outlook's conditional comments are kept as written) or a script's tag.
_SCRIPT_TAG = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)script\b", re.I | re.S)
# HTML ends a script at the first `</script` however the code reads (a `<` in it included).
_SCRIPT_CLOSE = re.compile(r"</script\b[^>]*>", re.I)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.I | re.S)
# In a style sheet: a merge tag (kept), `<!--` (allowed in CSS) or a lone `<` (escaped).
_STYLE_LT = re.compile(r"<<.*?>>|<!--|<", re.S)


def _drop_scripts(html: str) -> tuple[str, int]:
    """The HTML without its `<script>` elements (and stray `</script>`), and how many.

    Email clients never run scripts, and a script's code (`if (a < b)`) is not markup, so
    the build could not read the block it sat in. An unclosed `<script>` loses its tag only:
    the content after it is the user's email, not code to throw away.
    """
    out: list[str] = []
    pos = count = 0
    search = 0
    while (m := _SCRIPT_TAG.search(html, search)) is not None:
        if m.group(0).startswith("<!--"):
            search = m.end()
            continue
        tag = _OPEN.match(html, m.start()) if not m.group(1) else None
        opened = tag.end() if tag is not None else (html.find(">", m.start()) + 1 or len(html))
        # `<script/>` is no empty element in HTML: its content runs to `</script>` all the same
        close = _SCRIPT_CLOSE.search(html, opened) if not m.group(1) else None
        out.append(html[pos : m.start()])
        pos = search = close.end() if close is not None else opened
        count += 1
    out.append(html[pos:])
    return "".join(out), count


def _escape_style_lt(html: str) -> tuple[str, int]:
    """`<` inside `<style>` written as the CSS escape `\\3c `, and how many: the build reads a
    `<` there as the start of a tag. Merge tags and `<!--` (valid in a style sheet) are kept."""
    count = 0

    def lone(m: re.Match[str]) -> str:
        nonlocal count
        if m.group(0) != "<":
            return m.group(0)
        count += 1
        return "\\3c "

    def sheet(m: re.Match[str]) -> str:
        return m.group(1) + _STYLE_LT.sub(lone, m.group(2)) + m.group(3)

    return _STYLE.sub(sheet, html), count


def _width(body: Any) -> int:
    widths = []
    for el in body.iter("table", "td", "div", "center"):
        w = el.get("width") or ""
        if re.fullmatch(r"\s*\d{3,4}\s*(px)?\s*", w):
            widths.append(int(re.sub(r"\D", "", w)))
        m = re.search(r"(?:^|;)(?:max-)?width:(\d{3,4})px", _style_of(el))
        if m:
            widths.append(int(m.group(1)))
    fitting = [w for w in widths if 320 <= w <= 1200]
    return max(fitting) if fitting else 600


def import_html(text: str, source: str = "<html>") -> ImportReport:
    """Import an HTML email as a document holding one raw HTML block."""
    t = TaggedText(text)
    tok = t.text
    if not re.search(r"<[A-Za-z!]", tok):
        raise ImportFailed(f"{source}: not HTML (no tags found)")
    # The size and nesting limits of the build, before parsing: the tree walks below recurse, and
    # 2,000 nested <div> raised RecursionError (bad-inputs.md row 1).
    from ..build.limits import LimitError, check_markup_limits

    try:
        check_markup_limits(t.original, source)
    except LimitError as e:
        raise ImportFailed(str(e)) from None
    try:
        root = lxml.html.document_fromstring(
            tok.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
        )
    except (etree.ParserError, ValueError) as e:
        raise ImportFailed(f"{source}: cannot be read as HTML ({e})") from None
    notes: list[str] = []
    body_open = re.search(r"<body\b", tok, re.I)
    body_tag = _OPEN.match(tok, body_open.start()) if body_open else None
    head_region = (
        tok[: body_open.start()]
        if body_open
        else (tok[: m.end()] if (m := re.search(r"</head\s*>", tok, re.I)) else "")
    )
    if body_tag is not None:
        start = body_tag.end()
        closes = [m.start() for m in re.finditer(r"</body\s*>", tok, re.I)]
        end = closes[-1] if closes else (m.start() if (m := re.search(r"</html\s*>", tok, re.I)) else len(tok))
    else:
        start = len(head_region)
        end = len(tok)
    inner = tok[start:end]
    body = root.body if root.find("body") is not None else root

    # Preheader: taken out of the body (the document writes its own).
    preheader = ""
    cut: tuple[int, int] | None = None
    found = _find_preheader(body)
    if found is not None:
        preheader = " ".join(t.plain(found.text_content().translate(_ZERO_WIDTH)).split())
        span = _element_span(inner, found.tag.lower(), list(body.iter(found.tag)).index(found))
        if span is not None:
            piece = lxml.html.fragment_fromstring(inner[span[0] : span[1]], create_parent="div")
            if " ".join(piece.text_content().translate(_ZERO_WIDTH).split()) == " ".join(
                found.text_content().translate(_ZERO_WIDTH).split()
            ):
                cut = (start + span[0], start + span[1])
        if cut is None:
            notes.append(f"{source}: the preheader was found but also left in the HTML (hidden)")
    # The body as written (merge tags included), without the preheader element.
    if cut is None:
        written = t.span(start, end)
    else:
        written = t.span(start, cut[0]) + t.span(cut[1], end)
    if body_tag is None:
        written = re.sub(r"<!doctype[^>]*>|</?html\b[^>]*>|<head\b.*?</head\s*>", "", written, flags=re.I | re.S)
    # Scripts: dropped from the body; the head's were never carried (only styles are).
    written, scripts = _drop_scripts(written)
    scripts += _drop_scripts(head_region)[1]
    if scripts:
        notes.append(
            f"{source}: dropped {scripts} <script> element{'s' * (scripts != 1)}: email clients never run them"
        )

    # Styles and Outlook conditional comments from <head>, in order.
    carried = []
    for m in re.finditer(r"<!--.*?-->|<style\b[^>]*>.*?</style\s*>|<link\b[^>]*>", head_region, re.S | re.I):
        piece = m.group(0)
        if piece.lower().startswith("<style") or piece.startswith("<!--[if"):
            carried.append(t.span(m.start(), m.end()))
        elif piece.lower().startswith("<link") and "stylesheet" in piece.lower():
            notes.append(f"{source}: a linked stylesheet is not kept (an email cannot load it): {piece[:120]}")
    body_style = body.get("style") if body is not root else None
    if body_style and body_style.strip():
        written = f'<div style="{htmllib.escape(t.plain(body_style), quote=True)}">{written}</div>'
    html = "\n".join(carried + [written.strip("\n")])
    html, escaped = _escape_style_lt(html)
    if escaped:
        notes.append(f"{source}: {escaped} '<' in <style> written as the CSS escape \\3c (a '<' there cannot be built)")

    title = root.find(".//title")
    subject = " ".join(t.plain(title.text_content()).split()) if title is not None else ""
    settings: dict[str, Any] = {"width": _width(body), "content_background": "transparent", "head_mjml": _NEUTRAL_TEXT}
    background = None
    if body is not root:
        background = _color(body.get("bgcolor"))
        m = re.search(r"background(?:-color)?:([^;]+)", _style_of(body))
        background = background or (_color(m.group(1)) if m else None)
    settings["background_color"] = background or "transparent"
    html_el = root if root.tag == "html" else root.getroottree().getroot()
    lang, direction = html_el.get("lang"), html_el.get("dir")
    if lang and re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
        settings["lang"] = lang
    if direction and direction.lower() in ("ltr", "rtl"):
        settings["dir"] = direction.lower()
    data = {
        "subject": subject[:2000],
        "preheader": preheader[:2000],
        "settings": settings,
        "rows": [
            {
                "id": "r1",
                "props": {"padding_top": 0, "padding_bottom": 0},
                "columns": [
                    {"id": "c1", "width": 100, "blocks": [{"id": "b1", "type": "html", "props": {"html": html}}]}
                ],
            }
        ],
    }
    from pydantic import ValidationError

    try:
        document = Document.model_validate(data)
    except ValidationError as e:
        from ._invalid import invalid_document

        raise invalid_document(e, data, source) from None
    return ImportReport(document, source, Counter(), [("b1", "html", "HTML is kept as written")], notes)
