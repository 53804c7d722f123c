"""css-support: CSS and HTML features of the final HTML that major clients do not support.

The facts come from caniemail (caniemail.json, derived by tools/caniemail_to_json.py; MIT, see
CANIEMAIL_LICENSE.md), loaded on first use. Features are found in the HTML Mailwright sends:
<style> rules and at-rules, inline style declarations, functions, units and selectors, HTML
elements and attributes, and image formats.

What MJML and Mailwright's own blocks write by design (ghost tables for Outlook, `max-width`,
`display:inline-block` columns, the mobile `@media` rules, rounded buttons that degrade to
square corners, …) is the baseline: it is measured by building a reference document that uses
every block and layout option in every theme, and features found there are not reported. What
is left is what the author added (raw HTML or MJML, rich-text styles, document CSS, imported
head styles), one finding per feature with its count.

The baseline ships measured, in css_baseline.json: measuring it is seven builds and a read of
their HTML, a quarter of a second that every `mailwright check` paid before its first finding.
tests/golden/test_css_baseline.py measures it again and fails when the file is stale (`make
golden` rewrites it), as the golden HTML files do when the blocks change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from .context import CheckContext
from .css import Declaration, parse_declarations, parse_stylesheet
from .model import Finding, Severity, capped_list

# The clients the check speaks for, each as the caniemail platforms that make it up.
MAJOR_CLIENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Gmail", ("gmail.desktop-webmail", "gmail.ios", "gmail.android")),
    ("Outlook (Windows)", ("outlook.windows",)),
    ("Apple Mail", ("apple-mail.macos", "apple-mail.ios")),
    ("Yahoo Mail", ("yahoo.desktop-webmail", "yahoo.ios", "yahoo.android")),
    ("Outlook.com", ("outlook.outlook-com",)),
    ("Samsung Email", ("samsung-email.android",)),
)
OUTLOOK_WINDOWS = "Outlook (Windows)"


@lru_cache(maxsize=1)
def load_caniemail() -> dict[str, Any]:
    """The bundled caniemail facts (read once, on first use)."""
    text = resources.files(__package__).joinpath("caniemail.json").read_text(encoding="utf-8")
    return json.loads(text)


# --- feature detection -------------------------------------------------------------------------

_PROPERTY_GROUPS: dict[str, tuple[str, ...]] = {
    "css-block-inline-size": ("block-size", "inline-size"),
    "css-inline-size": ("inline-size",),
    "css-border-inline-block": ("border-inline", "border-block"),
    "css-border-inline-block-individual": (
        "border-block-end",
        "border-block-start",
        "border-inline-end",
        "border-inline-start",
    ),
    "css-border-inline-block-longhand": (
        "border-block-color",
        "border-block-style",
        "border-block-width",
        "border-inline-color",
        "border-inline-style",
        "border-inline-width",
    ),
    "css-border-radius-logical": (
        "border-end-end-radius",
        "border-end-start-radius",
        "border-start-end-radius",
        "border-start-start-radius",
    ),
    "css-column-layout-properties": (
        "column-count",
        "column-fill",
        "column-gap",
        "column-rule",
        "column-rule-color",
        "column-rule-style",
        "column-rule-width",
        "column-span",
        "column-width",
        "columns",
    ),
    "css-gap": ("gap", "column-gap", "row-gap"),
    "css-grid-template": ("grid-template", "grid-template-areas", "grid-template-columns", "grid-template-rows"),
    "css-margin-block-start-end": ("margin-block-start", "margin-block-end"),
    "css-margin-inline-block": ("margin-inline", "margin-block"),
    "css-margin-inline-start-end": ("margin-inline-start", "margin-inline-end"),
    "css-padding-block-start-end": ("padding-block-start", "padding-block-end"),
    "css-padding-inline-block": ("padding-inline", "padding-block"),
    "css-padding-inline-start-end": ("padding-inline-start", "padding-inline-end"),
    "css-left-right-top-bottom": ("left", "right", "top", "bottom"),
    "css-font": ("font",),
    "css-width": ("width",),
    "css-height": ("height",),
    "css-max-height": ("max-height",),
    "css-min-height": ("min-height",),
    "css-min-width": ("min-width",),
    "css-color-scheme": ("color-scheme",),
    "css-scroll-snap": ("scroll-snap-type", "scroll-snap-align", "scroll-snap-stop"),
}
# A value of a property: (property, value pattern); these replace the plain property feature.
_VALUE_FEATURES: dict[str, tuple[str, str]] = {
    "css-display-flex": ("display", r"^(inline-)?flex\b"),
    "css-display-grid": ("display", r"^(inline-)?grid\b"),
    "css-display-none": ("display", r"^none\b"),
    "css-flex-direction": ("flex-direction", r"^column"),
    "css-flex-wrap": ("flex-wrap", r"^wrap"),
}
_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "css-unit-calc": ("calc",),
    "css-variables": ("var",),
    "css-function-clamp": ("clamp",),
    "css-function-light-dark": ("light-dark",),
    "css-function-max": ("max",),
    "css-function-min": ("min",),
    "css-linear-gradient": ("linear-gradient", "repeating-linear-gradient"),
    "css-radial-gradient": ("radial-gradient", "repeating-radial-gradient"),
    "css-conic-gradient": ("conic-gradient", "repeating-conic-gradient"),
    "css-rgb": ("rgb",),
    "css-rgba": ("rgba",),
    "css-modern-color": ("lch", "oklch", "lab", "oklab"),
}
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "css-intrinsic-size": ("fit-content", "min-content", "max-content"),
    "css-sytem-ui": ("system-ui", "ui-serif", "ui-sans-serif", "ui-rounded", "ui-monospace"),
    "css-unit-initial": ("initial",),
}
_UNITS = ("ch", "cm", "em", "ex", "in", "mm", "pc", "pt", "px", "rem", "vh", "vmax", "vmin", "vw")
_MEDIA_FEATURES: dict[str, tuple[str, ...]] = {
    "css-at-media-prefers-color-scheme": ("prefers-color-scheme",),
    "css-at-media-prefers-reduced-motion": ("prefers-reduced-motion",),
    "css-at-media-orientation": ("orientation",),
    "css-at-media-hover": ("hover", "any-hover"),
    "css-at-media-device-pixel-ratio": (
        "-webkit-device-pixel-ratio",
        "-webkit-min-device-pixel-ratio",
        "-webkit-max-device-pixel-ratio",
    ),
}
_AT_RULES = {
    "@font-face": "css-at-font-face",
    "@import": "css-at-import",
    "@keyframes": "css-at-keyframes",
    "@-webkit-keyframes": "css-at-keyframes",
    "@media": "css-at-media",
    "@supports": "css-at-supports",
}
_ELEMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "html-h1-h6": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "html-lists": ("ul", "ol", "dl"),
    "html-semantics": (
        "article",
        "aside",
        "details",
        "figcaption",
        "figure",
        "footer",
        "header",
        "main",
        "mark",
        "nav",
        "section",
        "summary",
        "time",
    ),
    "html-address": ("address",),
    "html-base": ("base",),
    "html-svg": ("svg",),
    "html-image-maps": ("map",),
}
_ATTRIBUTE_GROUPS: dict[str, tuple[str, ...]] = {"html-srcset": ("srcset", "sizes"), "html-image-maps": ("usemap",)}
_TYPED: dict[str, tuple[str, str]] = {
    "html-button-reset": ("button", "reset"),
    "html-button-submit": ("button", "submit"),
    "html-input-checkbox": ("input", "checkbox"),
    "html-input-hidden": ("input", "hidden"),
    "html-input-radio": ("input", "radio"),
    "html-input-reset": ("input", "reset"),
    "html-input-submit": ("input", "submit"),
    "html-input-text": ("input", "text"),
}
_IMAGE_EXT = {
    "webp": "image-webp",
    "avif": "image-avif",
    "svg": "image-svg",
    "gif": "image-gif",
    "png": "image-png",
    "jpg": "image-jpg",
    "jpeg": "image-jpg",
    "bmp": "image-bmp",
    "tif": "image-tiff",
    "tiff": "image-tiff",
    "heic": "image-heif",
    "heif": "image-heif",
    "ico": "image-ico",
    "apng": "image-apng",
}
# Never reported: present in every HTML email, or about the message rather than the markup.
_IGNORED = {
    "html-doctype",
    "html-comments",
    "html-body",
    "html-div",
    "html-table",
    "html-p",
    "html-span",
    "amp",
    "bimi",
    "css-unit-px",
    "css-unit-percent",
}


@dataclass
class _Index:
    properties: dict[str, list[str]] = field(default_factory=dict)
    elements: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    pseudo: dict[str, str] = field(default_factory=dict)  # "hover" → slug, "::before" → slug
    units: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _index() -> _Index:
    data = load_caniemail()["features"]
    ix = _Index()

    def add(table: dict[str, list[str]], key: str, slug: str) -> None:
        table.setdefault(key, [])
        if slug not in table[key]:
            table[key].append(slug)

    for slug, f in data.items():
        title = f["title"].strip()
        if f["category"] == "css":
            if re.fullmatch(r"[a-z][a-z-]*", title) and slug.startswith("css-"):
                add(ix.properties, title, slug)
            for prop in _PROPERTY_GROUPS.get(slug, ()):
                add(ix.properties, prop, slug)
            m = re.fullmatch(r"(::?)([a-z-]+)(\(\))?", title)
            if m and slug.startswith("css-pseudo"):
                ix.pseudo[("::" if m.group(1) == "::" else ":") + m.group(2)] = slug
            m = re.fullmatch(r"([a-z%]+) unit", title)
            if m and m.group(1) in (*_UNITS, "%"):
                ix.units[m.group(1)] = slug
        elif f["category"] == "html":
            m = re.fullmatch(r"<([a-z0-9]+)> element", title)
            if m:
                add(ix.elements, m.group(1), slug)
            m = re.fullmatch(r"([a-z-]+) attribute", title)
            if m:
                add(ix.attributes, m.group(1), slug)
    ix.pseudo.setdefault(":lang", "css-pseudo-class-lang")
    for slug, tags in _ELEMENT_GROUPS.items():
        for tag in tags:
            add(ix.elements, tag, slug)
    for slug, attrs in _ATTRIBUTE_GROUPS.items():
        for attr in attrs:
            add(ix.attributes, attr, slug)
    return ix


_FUNC_RE = re.compile(r"(?<![\w-])([a-z-]+)\(", re.I)
_URL_RE = re.compile(r"url\([^)]*\)", re.I)
_STRING_RE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_UNIT_RE = re.compile(r"(?<![\w#.-])-?(?:\d+\.?\d*|\.\d+)(%|[a-z]+)\b", re.I)


def declaration_features(d: Declaration) -> Iterator[str]:
    ix = _index()
    value_specific = [
        slug
        for slug, (prop, pattern) in _VALUE_FEATURES.items()
        if d.prop == prop and re.search(pattern, d.value.strip(), re.I)
    ]
    yield from value_specific
    if not value_specific:
        yield from ix.properties.get(d.prop, ())
    if d.prop.startswith("--"):
        yield "css-variables"
    if d.important:
        yield "css-important"
    value = _STRING_RE.sub("", _URL_RE.sub("url()", d.value))
    for m in _FUNC_RE.finditer(value):
        name = m.group(1).lower()
        for slug, names in _FUNCTIONS.items():
            if name in names:
                yield slug
    lowered = value.lower()
    for slug, words in _KEYWORDS.items():
        if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", lowered) for w in words):
            yield slug
    for m in _UNIT_RE.finditer(value):
        unit = m.group(1).lower()
        if unit in ix.units:
            yield ix.units[unit]


def selector_features(selector: str) -> Iterator[str]:
    ix = _index()
    s = _STRING_RE.sub('""', selector)
    if "," in s:
        yield "css-selector-grouping"
    for pseudo in re.findall(r"::?[a-zA-Z-]+", s):
        p = pseudo.lower()
        if p in ix.pseudo:
            yield ix.pseudo[p]
        elif p in (":before", ":after", ":first-letter", ":first-line"):
            yield ix.pseudo.get(":" + p, "")
    if "&" in s:
        yield "css-nesting"
    plain = re.sub(r"\[[^\]]*\]", "[]", re.sub(r"::?[a-zA-Z-]+(\([^)]*\))?", "", s))
    if "[" in plain:
        yield "css-selector-attribute"
    if re.search(r"#[A-Za-z_-]", plain):
        yield "css-selector-id"
    if re.search(r"\.[A-Za-z_-]", plain):
        yield "css-selector-class"
    if ">" in plain:
        yield "css-selector-child"
    if "+" in plain:
        yield "css-selector-adjacent-sibling"
    if "~" in plain:
        yield "css-selector-general-sibling"
    if "*" in plain:
        yield "css-selector-universal"
    for part in plain.split(","):
        compounds = [c for c in re.split(r"\s*[>+~]\s*|\s+", part.strip()) if c]
        if len(re.findall(r"\S\s+\S", re.sub(r"\s*[>+~]\s*", ">", part.strip()))):
            yield "css-selector-descendant"
        for c in compounds:
            if re.match(r"[A-Za-z]", c):
                yield "css-selector-type"
            if re.search(r"[\w\]\)][.#\[]", c):
                yield "css-selector-chaining"


def _norm(text: str) -> str:
    """A context's shape without its values: lower case, numbers as N, colours as C, URLs and
    strings emptied, no editor id classes."""
    text = re.sub(r"\.?mw-id-[A-Za-z0-9_-]+", "", (text or "").lower())
    text = _STRING_RE.sub("''", _URL_RE.sub("url()", text))
    text = re.sub(r"#[0-9a-f]{3,8}\b", "C", text)
    return " ".join(re.sub(r"\d+(\.\d+)?", "N", text).split())


def _declaration_uses(d: Declaration, context: tuple) -> Iterator[tuple[str, tuple]]:
    """Each feature of a declaration with its signature: where it is, the property, and for
    features read from the value (display:flex, gradients, units) the value's shape."""
    by_property = set(_index().properties.get(d.prop, ())) | {"css-important", "css-variables"}
    for slug in declaration_features(d):
        if slug in by_property:
            yield slug, (*context, d.prop)
        else:
            yield slug, (*context, d.prop, _norm(d.value))


def stylesheet_features(css: str) -> Iterator[tuple[str, tuple]]:
    """(feature, context signature) for each use in a style sheet."""
    sheet = parse_stylesheet(css)
    if sheet.has_comments:
        yield "css-comments", ("comments",)
    for prelude in sheet.at_rules:
        sig = ("at", _norm(prelude))
        name = re.match(r"@[\w-]+", prelude)
        if name and name.group(0).lower() in _AT_RULES:
            yield _AT_RULES[name.group(0).lower()], sig
        if prelude.lower().startswith("@media"):
            for slug, names in _MEDIA_FEATURES.items():
                if any(re.search(rf"\(\s*(?:min-|max-)?{re.escape(n)}\s*[:)]", prelude, re.I) for n in names):
                    yield slug, sig
    for rule in sheet.rules:
        context = ("rule", tuple(_norm(a) for a in rule.at_rules), _norm(rule.selector))
        if rule.selector:
            for slug in selector_features(rule.selector):
                yield slug, context
        for d in rule.declarations:
            yield from _declaration_uses(d, context)


def element_features(el) -> Iterator[tuple[str, tuple]]:
    """(feature, signature) of an element: its tag, attributes, link kind and image format."""
    ix = _index()
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    for slug in ix.elements.get(tag, ()):
        yield slug, ("el", tag)
    for attr in el.attrib:
        for slug in ix.attributes.get(attr.lower(), ()):
            yield slug, ("attr", tag, attr.lower())
    for slug, (t, kind) in _TYPED.items():
        if tag == t and (el.get("type") or ("text" if t == "input" else "submit")).lower() == kind:
            yield slug, ("el", tag, kind)
    if tag == "a":
        href = (el.get("href") or "").strip().lower()
        if href.startswith("mailto:"):
            yield "html-mailto-links", ("el", tag, "mailto")
        if (href.startswith("#") and len(href) > 1) or el.get("name"):
            yield "html-anchor-links", ("el", tag, "anchor")
    if tag == "meta" and (el.get("name") or "").lower() == "color-scheme":
        yield "html-meta-color-scheme", ("el", tag, "color-scheme")
    if tag == "img":
        src = (el.get("src") or "").strip()
        if src.lower().startswith("data:"):
            yield "image-base64", ("img", "data")
            m = re.match(r"data:image/([a-z+.-]+)", src, re.I)
            ext = m.group(1).lower().split("+")[0] if m else ""
            if ext in _IMAGE_EXT:
                yield _IMAGE_EXT[ext], ("img", ext)
        else:
            m = re.search(r"\.([A-Za-z0-9]{2,5})(?:[?#]|$)", src)
            if m and m.group(1).lower() in _IMAGE_EXT:
                yield _IMAGE_EXT[m.group(1).lower()], ("img", m.group(1).lower())


def html_features(tree, locate=lambda el: "html") -> dict[str, list[tuple[str, frozenset]]]:
    """feature slug → one entry per element using it: (location, the signatures of its uses)."""
    found: dict[str, list[tuple[str, frozenset]]] = {}
    for el in tree.iter():
        if not isinstance(el.tag, str) or _is_mjml_font_link(el):
            continue
        uses: list[tuple[str, tuple]] = list(element_features(el))
        if el.tag.lower() == "style":
            uses += stylesheet_features(el.text or "")
        style = el.get("style")
        if style:
            context = ("style", el.tag.lower())
            uses += [use for d in parse_declarations(style) for use in _declaration_uses(d, context)]
        if not uses:
            continue
        by_slug: dict[str, set[tuple]] = {}
        for slug, sig in uses:
            if slug:
                by_slug.setdefault(slug, set()).add(sig)
        where = locate(el)
        for slug, sigs in by_slug.items():
            found.setdefault(slug, []).append((where, frozenset(sigs)))
    return found


def _is_mjml_font_link(el) -> bool:
    """The web-font <link> and @import MJML writes for its default families (web_fonts.py):
    MJML's own output, like the rest of the baseline; a client without them shows the fallback."""
    from ..build.web_fonts import MJML_DEFAULT_FONTS

    tag = el.tag.lower()
    if tag == "link":
        return el.get("href") in MJML_DEFAULT_FONTS.values()
    if tag == "style" and "@import" in (el.text or ""):
        rest = el.text
        for url in MJML_DEFAULT_FONTS.values():
            rest = rest.replace(f"@import url({url});", "")
        return not rest.strip()
    return False


# --- the baseline: what Mailwright and MJML write themselves ---------------------------------------


def _baseline_document() -> dict[str, Any]:
    from ...blocks import REGISTRY

    variants: dict[str, list[dict[str, Any]]] = {
        "menu": [{}, {"hamburger": True, "uppercase": True}],
        "line_items": [{"image_field": "image"}, {"detail_field": ""}],
        "image": [{}, {"href": "https://example.com", "border_radius": 8, "fluid_on_mobile": True, "width": 200}],
        "button": [{}, {"full_width": True}, {"href": ""}],
        "hero": [{}, {"background_url": "", "text": "", "button_label": ""}],
        "product": [{}, {"old_price": "$60", "button_label": "", "url": ""}],
        "social": [
            {},
            {
                "show_labels": True,
                "items": [
                    {
                        "network": "custom",
                        "url": "https://example.com",
                        "label": "Blog",
                        "icon": "https://example.com/i.png",
                        "color": "#123456",
                    }
                ],
            },
        ],
        "text": [
            {
                "html": "<p>Some <strong>bold</strong>, <em>italic</em>, <u>underlined</u> and "
                '<span style="color:#ff0000">red</span> text with <a href="https://example.com">a '
                "link</a>.</p><ul><li>one</li></ul><ol><li>two</li></ol>"
            }
        ],
        "divider": [{}, {"style": "dashed", "width": 50}],
    }
    rows: list[dict[str, Any]] = []
    n = 0

    def nid(prefix: str) -> str:
        nonlocal n
        n += 1
        return f"{prefix}{n}"

    for block_type in REGISTRY:
        for props in variants.get(block_type, [{}]):
            block = {"id": nid("b"), "type": block_type, "props": props}
            rows.append({"id": nid("r"), "columns": [{"id": nid("c"), "blocks": [block]}]})
    two = [
        {
            "id": nid("c"),
            "width": 50,
            "props": {
                "background_color": "#eeeeee",
                "padding": 8,
                "border_radius": 6,
                "border_color": "#cccccc",
                "border_width": 1,
            },
            "blocks": [{"id": nid("b"), "type": "text", "props": {}}],
        },
        {"id": nid("c"), "width": 50, "blocks": [{"id": nid("b"), "type": "image", "props": {}}]},
    ]
    for props in (
        {"stack_on_mobile": False, "reverse_on_mobile": True, "border_radius": 8},
        {"reverse_on_mobile": True, "hide_on_mobile": True},
        {
            "hide_on_desktop": True,
            "full_width": True,
            "background_image": "https://example.com/bg.png",
            "background_color": "#123456",
        },
        {
            "background_image": "https://example.com/bg.png",
            "background_size": "contain",
            "background_position": "top center",
        },
    ):
        cols = json.loads(json.dumps(two))
        for c in cols:
            c["id"] = nid("c")
            for b in c["blocks"]:
                b["id"] = nid("b")
        rows.append({"id": nid("r"), "props": props, "columns": cols})
    return {"format": "mailwright", "version": 1, "subject": "Baseline", "preheader": "Baseline", "rows": rows}


BASELINE_FILE = "css_baseline.json"


@lru_cache(maxsize=1)
def baseline_features() -> frozenset[tuple[str, tuple]]:
    """(feature, context) pairs of Mailwright's own output, as css_baseline.json records them."""
    text = resources.files(__package__).joinpath(BASELINE_FILE).read_text(encoding="utf-8")
    return frozenset((slug, _as_tuple(sig)) for slug, sig in json.loads(text)["pairs"])


def _as_tuple(value: Any) -> Any:
    """JSON's lists back to the tuples a signature is made of (they nest one level)."""
    return tuple(_as_tuple(v) for v in value) if isinstance(value, list) else value


def baseline_json(pairs: frozenset[tuple[str, tuple]]) -> str:
    """css_baseline.json's text for these pairs: sorted, one pair per line (a change diffs as the
    pairs it adds or drops)."""
    rows = sorted(json.dumps([slug, sig], ensure_ascii=False) for slug, sig in pairs)
    about = (
        "Generated by tests/golden/test_css_baseline.py (make golden): the (feature, signature) pairs "
        "of what Mailwright and MJML write themselves, which the css-support check does not report."
    )
    return '{\n  "about": ' + json.dumps(about) + ',\n  "pairs": [\n    ' + ",\n    ".join(rows) + "\n  ]\n}\n"


def measure_baseline_features() -> frozenset[tuple[str, tuple]]:
    """(feature, context) pairs of Mailwright's own output: every block, layout and row option,
    in every theme (a theme can change markup, e.g. uppercase buttons)."""
    from lxml import html as lxml_html

    from ...themes import available_themes
    from ..build.pipeline import build_document
    from ..document.storage import document_from_data

    pairs: set[tuple[str, tuple]] = set()
    for theme in available_themes():
        data = _baseline_document()
        data["settings"] = {"theme": theme}
        result = build_document(document_from_data(data, "<baseline>"), source="<baseline>")
        tree = lxml_html.document_fromstring(result.html_tokens)
        pairs.update((slug, sig) for slug, uses in html_features(tree).items() for _, sigs in uses for sig in sigs)
    return frozenset(pairs)


# --- the check -------------------------------------------------------------------------------


def client_support(feature: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(client, level "y"/"n"/"a", note numbers) for each major client the data covers."""
    out = []
    support = feature.get("support", {})
    for client, platforms in MAJOR_CLIENTS:
        levels = [support[p].split() for p in platforms if p in support]
        if not levels:
            continue
        kinds = {lv[0] for lv in levels}
        notes = list(dict.fromkeys(n for lv in levels for n in lv[1:]))
        level = "n" if kinds == {"n"} else "y" if kinds == {"y"} else "a"
        out.append((client, level, notes))
    return out


def check_css_support(ctx: CheckContext) -> list[Finding]:
    data = load_caniemail()
    features = data["features"]
    url = data["source"].get("feature_url", "https://www.caniemail.com/features/{slug}/")
    found = html_features(ctx.tree, ctx.location)
    baseline = baseline_features()
    out = []
    for slug, uses in found.items():
        if slug in _IGNORED or slug not in features:
            continue
        places = [where for where, sigs in uses if any((slug, sig) not in baseline for sig in sigs)]
        if not places:
            continue
        feature = features[slug]
        support = client_support(feature)
        unsupported = [c for c, level, _ in support if level == "n"]
        partial = [c for c, level, _ in support if level == "a"]
        if not unsupported:
            continue  # partial support is the norm in email (padding, font-size, …): not reported
        parts = []
        if unsupported:
            parts.append(f"not supported in {capped_list(unsupported, 6)}")
        if partial:
            parts.append(f"only partly in {capped_list(partial, 6)}")
        blocks = list(dict.fromkeys(p for p in places if p != "html"))
        where = sorted(dict.fromkeys(places), key=lambda p: ctx.order.get(p, 1 << 20))[0]
        used = f"used {len(places)} time{'s' if len(places) != 1 else ''}"
        if blocks:
            used += f" in {capped_list(sorted(blocks, key=lambda p: ctx.order.get(p, 1 << 20)), 3)}"
        note = ""
        for wanted in ("n", "a"):  # the note of an unsupported client first, else a partial one
            for client, level, notes in support:
                if level == wanted and notes and feature.get("notes", {}).get(notes[0]):
                    note = f"{client}: {feature['notes'][notes[0]]}"
                    break
            if note:
                break
        if len(note) > 200:
            note = note[:199].rstrip() + "…"
        hint = f"{note + '; ' if note else ''}see {url.format(slug=slug)}"
        title = feature["title"]
        if feature["category"] == "css" and not title.lower().startswith("css"):
            title = f"CSS {title}"
        elif feature["category"] == "html" and "<" not in title and "attribute" not in title:
            title = f"HTML {title}"
        # Outlook for Windows lacks most of CSS and email developers plan for it: info. A gap in
        # any other major client is a warning.
        severity: Severity = "info" if unsupported == [OUTLOOK_WINDOWS] else "warning"
        out.append(Finding(severity, "css-support", f"{title}: {'; '.join(parts)} ({used})", where, hint))
    return out
