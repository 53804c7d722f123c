"""Comparing compiled HTML fragments up to differences no reader can see.

The MJML import decides whether a block reproduces an element by compiling both and comparing
the HTML each produces (app/importer/mjml_import.py). Only differences that cannot change what
a reader sees are ignored here:

- Mailwright's own `mw-*` classes (hooks for the canvas and the hide-on-device rules),
- CSS written differently with the same meaning: `padding` shorthand against longhands,
  `0` against `0px`, colour case, quotes around font names, 33.3333% against 33.33333333%,
- character references against the characters they stand for (`&#183;` and `·`),
- whitespace runs (one space) and whitespace at the start or end of a block box,
- a `transparent` background against none (rows without a colour are written transparent),
- a colour name against its hex value (`grey` and `#808080`), `border:none` against `border:0`,
- the order of an element's attributes.

(Every build gives an image without alt an empty one; the importer compares built HTML.)
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ._values import NAMED_COLORS, four_sides

_CLASS = re.compile(r"""(\s+)class=(["'])(.*?)\2""", re.S)
_STYLE = re.compile(r"""style=(["'])(.*?)\1""", re.S)
_DECIMAL = re.compile(r"(?<![\w.#])(\d+)\.(\d+)")
_HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
_SIDES = ("top", "right", "bottom", "left")
_BLOCKISH = frozenset(
    "div p td th tr table tbody thead tfoot li ul ol h1 h2 h3 h4 h5 h6 center "
    "blockquote section header footer body html".split()
)


def _classes(m: re.Match[str]) -> str:
    kept = [c for c in m.group(3).split() if not c.startswith("mw-")]
    if not kept:
        return ""
    return f"{m.group(1)}class={m.group(2)}{' '.join(kept)}{m.group(2)}"


def _length(value: str) -> str:
    value = value.strip()
    return "0px" if value in ("0", "0px", "0em", "0%") else value


def _expand(value: str) -> list[str] | None:
    parts = value.split()
    if not 1 <= len(parts) <= 4:
        return None
    return four_sides([_length(p) for p in parts])


def canonical_style(style: str) -> str:
    """A style attribute with padding folded into one shorthand and values normalised."""
    decls: list[tuple[str, str]] = []
    padding: list[str] | None = None
    padding_at = -1
    for chunk in style.split(";"):
        if ":" not in chunk:
            continue
        prop, value = chunk.split(":", 1)
        prop, value = prop.strip().lower(), " ".join(value.split())
        if prop == "padding" or prop.startswith("padding-") and prop[8:] in _SIDES:
            if padding_at < 0:
                padding_at = len(decls)
                decls.append(("padding", ""))
            if prop == "padding":
                padding = _expand(value) or [value] * 4
            else:
                padding = padding or ["0px"] * 4
                padding[_SIDES.index(prop[8:])] = _length(value)
            continue
        if prop in ("background", "background-color") and value == "transparent":
            continue
        if value.lower() in NAMED_COLORS and (prop == "color" or prop.endswith("-color") or prop == "background"):
            value = NAMED_COLORS[value.lower()]
        if prop == "border" and value in ("none", "0", "0px"):
            value = "0"
        if prop == "font-family":
            value = ", ".join(p.strip().strip("'\"") for p in value.replace("&quot;", "").split(","))
        decls.append((prop, value))
    if padding_at >= 0:
        decls[padding_at] = ("padding", " ".join(padding or []))
    return ";".join(f"{p}:{v}" for p, v in decls)


def _decimal(m: re.Match[str]) -> str:
    value = float(f"{m.group(1)}.{m.group(2)}")
    if abs(value - round(value)) < 0.01:
        return str(int(round(value)))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text_form(html: str) -> str:
    html = _CLASS.sub(_classes, html)
    html = re.sub(r"""\s+bgcolor=(["'])transparent\1""", "", html)
    html = _STYLE.sub(lambda m: f'style="{canonical_style(m.group(2))}"', html)
    html = _HEX.sub(lambda m: m.group(0).lower(), html)
    # mj-column-per-33-333333333333336 and mj-column-per-33-3333 are the same column
    html = re.sub(r"(mj-column-per-\d+)-(\d+)", lambda m: f"{m.group(1)}-{m.group(2)[:2]}", html)
    return _DECIMAL.sub(_decimal, html)


def _tidy(el: etree._Element) -> None:
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text:
            node.text = re.sub(r"\s+", " ", node.text)
        if node.tail:
            node.tail = re.sub(r"\s+", " ", node.tail)
        style = (node.get("style") or "").replace(" ", "")
        if node.tag in _BLOCKISH or "display:inline-block" in style or "display:block" in style:
            if node.text:
                node.text = node.text.lstrip()
            kids = [k for k in node if isinstance(k.tag, str) or k.tail]
            if kids:
                last = kids[-1]
                if last.tail:
                    last.tail = last.tail.rstrip()
            elif node.text:
                node.text = node.text.rstrip()
        attrs = sorted(node.attrib.items())
        node.attrib.clear()
        for name, value in attrs:
            node.set(name, value if name == "style" else " ".join(value.split()))


def canonical_fragment(html: str, *, rows: bool = True) -> str:
    """A compiled fragment in a canonical form; equal forms look the same to a reader."""
    text = _text_form(html)
    wrapper = ("<table><tbody>", "</tbody></table>") if rows else ("<div>", "</div>")
    try:
        root = lxml.html.fragment_fromstring(
            wrapper[0] + text + wrapper[1], parser=lxml.html.HTMLParser(huge_tree=True)
        )
    except (etree.ParserError, ValueError):
        return " ".join(text.split())
    _tidy(root)
    return etree.tostring(root, method="html", encoding="unicode")


def body_of(html: str) -> str:
    m = re.search(r"<body\b[^>]*>(.*)</body>", html, re.S | re.I)
    return m.group(1) if m else html


def fragments(html: str, prefix: str) -> dict[str, str]:
    """Compiled output between `<!--{prefix}-N-a-->` and `<!--{prefix}-N-b-->` markers."""
    out = {}
    for m in re.finditer(rf"<!--{prefix}-(\d+)-a-->(.*?)<!--{prefix}-\1-b-->", html, re.S):
        out[m.group(1)] = m.group(2)
    return out
