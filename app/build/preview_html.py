"""Preview variants of an email's HTML: dark mode and images off (DESIGN.md §7). No Qt.

The previews show what a reader's client would draw, so these helpers rewrite the HTML string
before it is loaded into the hardened view; nothing here is ever exported.

* Light: `@media (prefers-color-scheme: dark)` rules are switched off (and `light` ones on), so
  the light frame is light whatever the desktop's own setting.
* Dark, for a client that honours `prefers-color-scheme` (Apple Mail, Outlook.com/Mac/iOS,
  Samsung): the email's dark rules are switched on, and an email that declares it supports
  dark (`color-scheme`/`supported-color-schemes`) gets a dark canvas.
* Dark by forced inversion (Gmail's apps, Outlook for Windows): the HTML stays as in light and
  the view turns on Chromium's forced dark mode (`QWebEngineSettings.ForceDarkMode`).
* Images off: every `<img>` becomes a box showing its alt text (at the image's declared size
  when it has one), and background images are dropped, as a client that blocks images shows.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Literal

Scheme = Literal["light", "dark", "forced"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark", "forced")
SCHEME_LABELS = {
    "light": "Light",
    "dark": "Dark (honours prefers-color-scheme)",
    "forced": "Dark (forced inversion)",
}

# Media features that always hold / never hold, valid wherever a feature may stand.
_TRUE = "(min-width: 0px)"
_FALSE = "(min-width: 999999px)"

_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.I | re.S)
_MEDIA_PRELUDE = re.compile(r"@media\b([^{;]*)\{", re.I)
_SCHEME_FEATURE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.I)
_BARE_SCHEME_FEATURE = re.compile(r"\(\s*prefers-color-scheme\s*\)", re.I)
_DARK_FEATURE = re.compile(r"prefers-color-scheme\s*:\s*dark", re.I)
_META_SCHEME = re.compile(r"<meta\b[^>]*\bname\s*=\s*[\"']?(?:color-scheme|supported-color-schemes)[\"']?[^>]*>", re.I)
_CSS_SCHEME = re.compile(r"(?<![-\w])(?:supported-)?color-scheme\s*:\s*([^;}\"'<>]*)", re.I)


def _style_blocks(html: str):
    for m in _STYLE_BLOCK.finditer(html):
        yield m.group(2)


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)


def has_dark_styles(html: str) -> bool:
    """True when the email has its own dark-mode rules: an `@media` rule of one of its style
    sheets whose condition holds `prefers-color-scheme: dark` (a comment or text saying so is not)."""
    for css in _style_blocks(html):
        if not _DARK_FEATURE.search(css):
            continue  # the usual case: one search, no comment stripping
        if any(_DARK_FEATURE.search(m.group(1)) for m in _MEDIA_PRELUDE.finditer(_CSS_COMMENT.sub("", css))):
            return True
    return False


def declares_dark(html: str) -> bool:
    """True when the email says it supports a dark colour scheme (meta or CSS `color-scheme`)."""
    for m in _META_SCHEME.finditer(html):
        content = re.search(r"\bcontent\s*=\s*[\"']([^\"']*)[\"']", m.group(0), re.I)
        if content and re.search(r"\bdark\b", content.group(1), re.I):
            return True
    for css in _style_blocks(html):
        for m in _CSS_SCHEME.finditer(css):
            if re.search(r"\bdark\b", m.group(1), re.I):
                return True
    for m in re.finditer(r"\bstyle\s*=\s*\"([^\"]*)\"|\bstyle\s*=\s*'([^']*)'", html[:4096], re.I):
        value = m.group(1) or m.group(2) or ""
        for c in _CSS_SCHEME.finditer(htmllib.unescape(value)):
            if re.search(r"\bdark\b", c.group(1), re.I):
                return True
    return False


def _rewrite_media(css: str, dark: bool) -> str:
    """Make `prefers-color-scheme` features in @media preludes constant for one scheme."""

    def feature(m: re.Match[str]) -> str:
        wants_dark = m.group(1).lower() == "dark"
        return _TRUE if wants_dark == dark else _FALSE

    def prelude(m: re.Match[str]) -> str:
        text = _SCHEME_FEATURE.sub(feature, m.group(1))
        text = _BARE_SCHEME_FEATURE.sub(_TRUE, text)  # `(prefers-color-scheme)`: a preference exists
        return f"@media{text}{{"

    return _MEDIA_PRELUDE.sub(prelude, css)


def _insert_in_head(html: str, snippet: str) -> str:
    m = re.search(r"</head\s*>", html, re.I)
    if m:
        return html[: m.start()] + snippet + html[m.start() :]
    m = re.search(r"<body\b[^>]*>", html, re.I)
    if m:
        return html[: m.start()] + snippet + html[m.start() :]
    return snippet + html


def apply_scheme(html: str, scheme: Scheme) -> str:
    """The HTML a client in this colour scheme would lay out (see the module docstring).

    For "forced" the view must also turn on forced dark mode; the HTML is the light one.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown colour scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    dark = scheme == "dark"
    if "prefers-color-scheme" in html.lower():
        html = _STYLE_BLOCK.sub(lambda m: m.group(1) + _rewrite_media(m.group(2), dark) + m.group(3), html)
    if dark and declares_dark(html):
        html = _insert_in_head(html, '<style data-mw-preview="scheme">:root{color-scheme:dark !important;}</style>')
    elif not dark:
        # A light client (or one that inverts by force) lays the page out in light.
        html = _insert_in_head(html, '<style data-mw-preview="scheme">:root{color-scheme:light !important;}</style>')
    return html


# --- images off --------------------------------------------------------------------------

_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_BG_ATTR = re.compile(r"""\sbackground\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+)""", re.I)
_URL = re.compile(r"""url\(\s*(?:"[^"]*"|'[^']*'|&quot;.*?&quot;|[^)]*)\s*\)""", re.I | re.S)
_BG_DECL = re.compile(r"(background(?:-image)?\s*:)((?:\"[^\"]*\"|'[^']*'|[^;}\"'])*)", re.I)
_STYLE_ATTR = re.compile(r"""(\sstyle\s*=\s*)("[^"]*"|'[^']*')""", re.I)

ALT_BOX_STYLE = (
    "display:inline-block;box-sizing:border-box;max-width:100%;overflow:hidden;"
    "border:1px dashed #9ca3af;background:#f3f4f6;color:#4b5563;"
    "font:12px/1.4 Arial,Helvetica,sans-serif;padding:6px 8px;text-align:center;"
    "vertical-align:middle;word-break:break-word;"
)


def _attrs(tag: str) -> dict[str, str]:
    inner = tag[4:-1].rstrip("/")
    out: dict[str, str] = {}
    for m in _ATTR.finditer(inner):
        name = m.group(1).lower()
        value = m.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        out.setdefault(name, htmllib.unescape(value))
    return out


def _px(value: str | None) -> int | None:
    if not value:
        return None
    m = re.fullmatch(r"\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*", value)
    return int(m.group(1)) if m else None


def _css_size(style: str, prop: str) -> str | None:
    m = re.search(r"(?<![-\w])" + prop + r"\s*:\s*(\d{1,5}(?:\.\d+)?(?:px|%))", style, re.I)
    return m.group(1) if m else None


def _alt_box(tag: str) -> str:
    a = _attrs(tag)
    alt = a.get("alt", "").strip()
    style = a.get("style", "")
    width = _css_size(style, "width")
    if width is None and _px(a.get("width")):
        width = f"{_px(a.get('width'))}px"
    height_px = _px(a.get("height"))
    css_height = _css_size(style, "height")
    if css_height and css_height.endswith("px"):
        height_px = int(float(css_height[:-2]))
    if not alt and not (width and height_px):
        return ""  # a decorative image without a size leaves nothing behind
    size = f"width:{width};" if width else ""
    width_px = int(float(width[:-2])) if width and width.endswith("px") else None
    small = (width_px is not None and width_px < 80) or (height_px is not None and height_px < 40)
    if small:
        # Icons: keep the image's own box; the alt text is cut rather than stretching it.
        size += (
            "padding:0 2px;font-size:10px;white-space:nowrap;text-overflow:ellipsis;"
            f"{f'height:{height_px}px;line-height:{max(height_px - 2, 1)}px;' if height_px else ''}"
        )
    elif height_px:
        size += f"min-height:{height_px}px;"
    if re.search(r"(?<![-\w])display\s*:\s*block", style, re.I):
        size += "display:block;"
    return (
        f'<span class="mw-alt" role="img" title="Image: {htmllib.escape(a.get("src", ""), quote=True)}" '
        f'style="{ALT_BOX_STYLE}{size}">{htmllib.escape(alt)}</span>'
    )


def _drop_urls(css: str) -> str:
    return _BG_DECL.sub(lambda m: m.group(1) + _URL.sub("none", m.group(2)), css)


def images_off(html: str) -> str:
    """The email as a client that blocks images shows it: alt text instead of pictures."""
    html = _IMG.sub(lambda m: _alt_box(m.group(0)), html)
    html = _BG_ATTR.sub("", html)
    html = _STYLE_BLOCK.sub(lambda m: m.group(1) + _drop_urls(m.group(2)) + m.group(3), html)
    html = _STYLE_ATTR.sub(_style_attr_without_urls, html)
    return html


def _style_attr_without_urls(m: re.Match[str]) -> str:
    quote, raw = m.group(2)[0], m.group(2)[1:-1]
    if "url" not in raw.lower():
        return m.group(0)
    value = htmllib.unescape(raw)  # `url(&quot;…&quot;)` is common in built HTML
    cleaned = _drop_urls(value)
    if cleaned == value:
        return m.group(0)
    return m.group(1) + quote + htmllib.escape(cleaned, quote=True) + quote


def preview_html(html: str, scheme: Scheme = "light", *, images: bool = True) -> str:
    """The HTML to load into a preview frame for this variant."""
    if not images:
        html = images_off(html)
    return apply_scheme(html, scheme)


def dark_variant(html: str) -> Scheme:
    """The dark variant that makes this email visibly dark: its own dark styles when it has
    them, forced inversion otherwise (what `mailwright preview --dark` uses)."""
    return "dark" if has_dark_styles(html) else "forced"


def snippet(preheader: str, text: str, limit: int = 140) -> str:
    """What a mail list shows after the subject: the preheader, else the start of the text."""
    source = preheader.strip() or text
    source = re.sub(r"\[[^\]]*\]\s*\(?https?://\S*\)?|https?://\S+", "", source)
    source = re.sub(r"[=\-*_#|]{3,}", " ", source)
    source = re.sub(r"\s+", " ", source).strip()
    return source if len(source) <= limit else source[: limit - 1].rstrip() + "…"


# --- building for previews ---------------------------------------------------------------


def build_preview_job(kind: str, text: str, source: str = "<document>"):
    """Entry point for the preview's compile worker: the export (non-design) build, with the
    merge-tag table, so the previews personalise per recipient without compiling again."""
    from .pipeline import build_document, build_mjml_text

    if kind == "mjml":
        return build_mjml_text(text, source=source)
    from ..document.storage import loads_document

    return build_document(loads_document(text, source), source=source, design=False)
