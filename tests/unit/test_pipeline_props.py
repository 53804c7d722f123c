"""Properties of the build pipeline on random documents (hypothesis, derandomized).

1. Any document the model accepts compiles, and the text written into headings, rich text and
   button labels is visible in the HTML and in the plain-text part.
2. Merge tags come back verbatim wherever they are placed, with and without CSS inlining:
   as written in text, with `"` as `&quot;` and `&` as `&amp;` inside attributes.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import BuildResult, build_document
from mailwright.app.build.tokens import TAG_RE
from mailwright.blocks import REGISTRY

SETTINGS = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INLINE_CSS = "p { color: #123456; }"  # (cssutils would shorten #111111 to #111)

# --- strategies -------------------------------------------------------------------------------

# Text a user can type: any printable character (control, format, surrogate and private-use
# characters excluded), with the characters that break markup over-represented.
_chars = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf"))
_specials = st.sampled_from(
    [
        "&",
        "<",
        ">",
        '"',
        "'",
        "\n",
        " ",
        "&amp;",
        "&lt;",
        "<b>",
        "</p>",
        "é",
        "ß",
        "Ω",
        "日本",
        "😀",
        "\u00a0",
        "\u2028",
        "%",
        "#",
        "\\",
        "<<",
        ">>",
        "<%",
        "%>",
        "<#",
        "#>",
        "MWTAG00000Z",
        "&#60;",
        "]]>",
        "İ",
    ]
)  # "İ".lower() is two characters long
plain_text = (
    st.lists(st.one_of(_chars, _specials), max_size=30)
    .map("".join)
    # A random string that happens to form a merge tag is tested separately (below), and a
    # "<<" or "<%" that starts no tag is a merge-language error (text writes "\\<<").
    .filter(lambda s: TAG_RE.search(s) is None and "<<" not in s and "<%" not in s)
)

BLOCK_TYPES = sorted(t for t in REGISTRY if REGISTRY[t].placement == "column")

# Free-text props per block type (the others keep their defaults).
TEXT_PROPS: dict[str, tuple[str, ...]] = {
    "heading": ("text",),
    "button": ("label",),
    "image": ("alt",),
    "video": ("title",),
    "footer": ("company", "address", "note", "unsubscribe_label"),
    "product": ("name", "description", "price", "old_price", "button_label", "image_alt"),
    "line_items": ("name_label", "quantity_label", "price_label"),
    "hero": ("headline", "text", "button_label"),
}
# Blocks whose text must be visible in the output: (type, prop).
CHECKED = {("heading", "text"), ("button", "label"), ("text", "html")}


@st.composite
def blocks(draw: Any, block_type: str | None = None) -> dict[str, Any]:
    block_type = block_type or draw(st.sampled_from(BLOCK_TYPES))
    props: dict[str, Any] = {}
    shown: list[str] = []
    for name in TEXT_PROPS.get(block_type, ()):
        if draw(st.booleans()):
            props[name] = draw(plain_text)
            if (block_type, name) in CHECKED:
                shown.append(props[name])
    if block_type == "heading":
        props["level"] = draw(st.sampled_from(["h1", "h2", "h3"]))
    if block_type == "text":
        value = draw(plain_text)
        props["html"] = f"<p>{htmllib.escape(value, quote=False)}</p>"
        shown.append(value)
    elif block_type == "html":
        props["html"] = f"<p>{htmllib.escape(draw(plain_text), quote=False)}</p>"
    elif block_type == "mjml":
        props["mjml"] = f"<mj-text>{htmllib.escape(draw(plain_text), quote=False)}</mj-text>"
    return {"type": block_type, "props": props, "_shown": shown}


@st.composite
def widths(draw: Any) -> list[float]:
    weights = draw(st.lists(st.integers(1, 10), min_size=1, max_size=4))
    total = sum(weights)
    out = [100 * w // total for w in weights]
    out[-1] += 100 - sum(out)
    return [float(w) for w in out]


@st.composite
def rows(draw: Any) -> dict[str, Any]:
    # (Not hide_on_desktop: a mobile-only row is rightly left out of the plain-text part.)
    props = {
        name: draw(st.booleans()) for name in ("stack_on_mobile", "reverse_on_mobile", "hide_on_mobile", "full_width")
    }
    if draw(st.integers(0, 5)) == 0:
        hero = draw(blocks("hero"))
        return {"props": props, "columns": [{"width": 100, "blocks": [hero]}]}
    columns = []
    for width in draw(widths()):
        columns.append({"width": width, "blocks": draw(st.lists(blocks(), max_size=3))})
    return {"props": props, "columns": columns}


@st.composite
def documents(draw: Any) -> tuple[Document, list[str]]:
    """A valid document (half of them with CSS to inline) and the texts it must show."""
    data_rows = draw(st.lists(rows(), min_size=1, max_size=6))
    shown: list[str] = []
    n = 0
    for r_i, r in enumerate(data_rows):
        r["id"] = f"r{r_i}"
        for c_i, c in enumerate(r["columns"]):
            c["id"] = f"c{r_i}_{c_i}"
            for b in c["blocks"]:
                n += 1
                b["id"] = f"b{n}"
                shown.extend(b.pop("_shown"))
    settings_ = {"inline_css": INLINE_CSS} if draw(st.booleans()) else {}
    doc = Document.model_validate(
        {"subject": draw(plain_text), "preheader": draw(plain_text), "settings": settings_, "rows": data_rows}
    )
    return doc, shown


def norm(text: str) -> str:
    """Whitespace collapsed (what a reader sees), NBSP as a space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


# --- 1. random documents compile and show their text ---------------------------------------


@SETTINGS
@given(documents())
def test_random_documents_compile_and_show_their_text(case: tuple[Document, list[str]]) -> None:
    doc, shown = case
    result = build_document(doc)
    assert result.html.startswith("<!doctype html>")
    visible_html = norm(htmllib.unescape(result.html))
    text = norm(result.text)
    for value in shown:
        v = norm(value)
        assert v in visible_html, f"{value!r} is not in the HTML"
        # Headings h1/h2 are upper-cased in the text part.
        assert v in text or v.upper() in text, f"{value!r} is not in the text part"


# --- 2. merge tags survive everywhere --------------------------------------------------------

TAGS = [
    "<< data:x >>",
    '<< data:x | default("a \\"q\\" & b") >>',
    "<% if data:a > 3 %>",
    "<% endif %>",
    "<# note #>",
    "\\<<",
]
# What is placed: one tag, or an `if` with its `endif` (a field must be a complete template).
UNITS = [
    "<< data:x >>",
    '<< data:x | default("a \\"q\\" & b") >>',
    "<% if data:a > 3 %>yes<% endif %>",
    "<% if data:a > 3 %><< data:x >><% endif %>",
    "<# note #>",
    "\\<<",
]
tag_lists = st.lists(st.sampled_from(UNITS), min_size=1, max_size=3)
words = st.text(alphabet="abcdefghij KLMNOP0123", max_size=8)


url_words = st.text(alphabet="abcdefghij-_.0123", max_size=8)


@st.composite
def tagged(draw: Any, sep: str = " ", text: Any = words) -> str:
    """Plain words and merge tags (expected verbatim in text context)."""
    parts = []
    for tag in draw(tag_lists):
        parts.append(draw(text).strip())
        parts.append(tag)
    parts.append(draw(text).strip())
    return sep.join(p for p in parts if p)


def in_attribute(value: str) -> str:
    """How a value written in an attribute reads in the HTML source."""
    return value.replace("&", "&amp;").replace('"', "&quot;")


@st.composite
def tagged_values(draw: Any) -> dict[str, str]:
    """Merge tags for every place they can go, with some plain words around them."""
    return {
        "heading": draw(tagged()),
        "level": draw(st.sampled_from(["h1", "h3"])),
        "rich": draw(tagged()),
        # No spaces around the tags here: the HTML serializer used after inlining writes a
        # space in a URL as %20 (harmless; browsers do the same), but the tags stay verbatim.
        "href": "https://example.com/" + draw(tagged(sep="/", text=url_words)) + "?a=1&b=2",
        "alt": draw(tagged()),
        "src": draw(st.sampled_from(["", "https://img.example.com/"])) + draw(st.sampled_from(UNITS)),
        "subject": draw(tagged()),
        "preheader": draw(tagged()),
    }


def tagged_document(v: dict[str, str], inline_css: str | None) -> Document:
    blocks_ = [
        {"id": "b1", "type": "heading", "props": {"text": v["heading"], "level": v["level"]}},
        {"id": "b2", "type": "text", "props": {"html": f"<p>{v['rich']}</p>"}},
        {"id": "b3", "type": "button", "props": {"label": "Go", "href": v["href"]}},
        {"id": "b4", "type": "image", "props": {"alt": v["alt"], "src": v["src"]}},
    ]
    return Document.model_validate(
        {
            "subject": v["subject"],
            "preheader": v["preheader"],
            "settings": {"inline_css": inline_css} if inline_css else {},
            "rows": [{"id": "r1", "columns": [{"id": "c1", "blocks": blocks_}]}],
        }
    )


def _check_tags(result: BuildResult, v: dict[str, str]) -> None:
    html = result.html
    # Text context: exactly as written.
    assert v["heading"] in html
    assert v["rich"] in html
    assert f"<title>{v['subject']}</title>" in html
    assert v["preheader"] in html
    # Attribute context: `"` as &quot; and `&` as &amp;, nothing else changed.
    assert f'href="{in_attribute(v["href"])}"' in html
    assert f'alt="{in_attribute(v["alt"])}"' in html
    assert f'src="{in_attribute(v["src"])}"' in html
    # Subject and preheader as parts of the message, and the plain-text part.
    assert result.subject == v["subject"]
    assert result.preheader == v["preheader"]
    text = result.text
    for key in ("rich", "href", "alt"):
        for tag in TAGS:
            if tag in v[key]:
                assert tag in text, f"{tag!r} from {key} is missing from the text part"
    for tag in TAGS:
        if tag in v["heading"]:
            assert tag in text
    assert "MWTAG" not in html and "MWTAG" not in text


@pytest.mark.parametrize("inline_css", [None, INLINE_CSS], ids=["mjml-only", "premailer"])
@SETTINGS
@given(v=tagged_values())
def test_merge_tags_come_back_verbatim(inline_css: str | None, v: dict[str, str]) -> None:
    result = build_document(tagged_document(v, inline_css))
    if inline_css:
        # premailer really ran: the rule is in the paragraph's style attribute.
        assert re.search(r'<p style="[^"]*color:\s*#123456', result.html), "CSS was not inlined"
    else:
        assert "#123456" not in result.html
    _check_tags(result, v)
