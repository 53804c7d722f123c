"""MJML that Mailwright wrote itself (`mailwright build --mjml`): its theme and composite blocks.

A document built to MJML and imported again should come back as the same document, not as
pieces. Two things make that possible:

- The head. Mailwright writes a fixed head for a theme (mj-breakpoint, mj-attributes with the
  theme's fonts, colours, sizes and spacing, the mw-h1..h3 classes and an mj-style). When the
  source's head is exactly that head for one of the built-in themes, with some settings
  overrides (primary colour, fonts, ...), the import takes that theme and those overrides, and
  whatever follows in the head is the document's own head MJML. Otherwise the importer resets
  the theme as it does for any MJML (mjml_import.py).
- Composite blocks. Footer, product card, video, line items and raw HTML render to plain MJML
  elements (an mj-text, an mj-table, or an image/texts/button sequence) marked with their
  css-class (`mw-footer`, `mw-product`, `mw-video`, `mw-line-items`, `mw-html`). The parsers
  below read the props back from exactly what each block's `render` writes, then the block is
  rendered again with those props and must give the same MJML (up to whitespace between
  tags); the importer's compile comparison then checks the HTML as for every block. Anything
  else (edited by hand, written by another tool) stays raw, as before.
- Simple blocks (heading, image, social, text) get back the props the document held where the
  renderer wrote a computed value (`NativeBlocks.native_props`).
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from ...blocks import REGISTRY
from ...blocks.base import BlockData
from ._source import El, TaggedText
from ._values import NoMap, _color, _num, _px, _px_int, _px_num

# The css-class each block read here marks its elements with.
MARKERS = {
    "footer": "mw-footer",
    "product": "mw-product",
    "video": "mw-video",
    "line_items": "mw-line-items",
    "html": "mw-html",
}

_UPPERCASE = re.compile(r'<span style="text-transform:uppercase;letter-spacing:1px">([^<]*)</span>')


def _font_list(value: str) -> str:
    return ", ".join(p.strip().strip("'\"") for p in value.split(",") if p.strip())


def native_theme(head: list[El], body: El, t: TaggedText, base: dict[str, Any]) -> tuple[dict[str, Any], int] | None:
    """(settings, n) when the first n head elements (title and preview left out) are the head
    Mailwright writes for a built-in theme and settings overrides; None otherwise.

    `base` holds the settings read elsewhere (width, lang, dir). Of the themes that match, the
    one needing the fewest overrides wins."""
    from pydantic import ValidationError

    from ...themes import OVERRIDES, available_themes, load_theme
    from ..document.model import Document, Settings
    from ..build.mjml_render import RenderContext, _head, resolved_theme
    from ..build.tokens import TokenTable

    style = next((i for i, el in enumerate(head) if el.tag == "mj-style"), None)
    attributes = next((el for el in head[:style] if el.tag == "mj-attributes"), None) if style else None
    if attributes is None:
        return None
    assert style is not None  # the mj-attributes was looked for before it
    written = "".join(t.text[el.start : el.end] for el in head[: style + 1])
    found: dict[str, Any] = {"background_color": body.get("background-color")}
    for el in attributes.children:
        if el.tag == "mj-all":
            found["font_family"] = el.get("font-family")
        elif el.tag == "mj-section":
            found["content_background"] = el.get("background-color")
        elif el.tag == "mj-text":
            found["text_color"], size = el.get("color"), _px(el.get("font-size"))
            found["font_size"] = int(size) if size is not None and size.is_integer() else None
        elif el.tag == "mj-button":
            found["primary_color"] = el.get("background-color")
        elif el.tag == "mj-class" and el.get("name") == "mw-h1":
            found["heading_font_family"], found["heading_color"] = el.get("font-family"), el.get("color")
    link = re.match(r"a \{ color: ([^;]+); \}", t.text[head[style].open_end : head[style].close_start])
    found["link_color"] = link.group(1) if link else None
    best: tuple[dict[str, Any], int] | None = None
    fewest = len(found) + 1
    for name in available_themes():
        theme = load_theme(name)
        overrides: dict[str, Any] = {}
        for key, value in found.items():
            if value is None:
                continue
            ours = theme.get(OVERRIDES[key])
            if key.endswith("font_family"):
                value = _font_list(value)
                same = value == _font_list(ours)
            elif key == "font_size":
                same = value == ours
            else:
                value = value.lower()
                same = value == ours
            if not same:
                overrides[key] = value
        if len(overrides) >= fewest:
            continue
        try:
            settings = Settings.model_validate({**base, "theme": name, **overrides})
        except ValidationError:
            continue
        probe = Document(settings=settings)
        head_mjml = _head(probe, RenderContext(theme=resolved_theme(probe), tokens=TokenTable("MWPROBE")))
        expected = head_mjml.removeprefix("<mj-head><mj-title></mj-title>").removesuffix("</mj-head>")
        if expected == written:
            best, fewest = ({**base, "theme": name, **overrides}, style + 1), len(overrides)
    return best


def _squash(mjml: str) -> str:
    """MJML with the whitespace between tags and around it dropped (a formatter's indentation)."""
    return re.sub(r">\s+<", "><", mjml.strip())


class NativeBlocks:
    """Parsers for the composite blocks; mixed into the MJML importer (uses its cascade, text,
    theme and render context). Each returns the block's props or raises NoMap."""

    t: TaggedText
    cascade: Any
    theme: Any
    ctx: Any
    col_width: float

    # -- shared -------------------------------------------------------------------------------

    def _marked(self, el: El, block_type: str) -> None:
        if (self.cascade.value(el, "css-class") or "").split() != [MARKERS[block_type]]:
            raise NoMap(f"not marked {MARKERS[block_type]}")

    def _squashed_inner(self, el: El) -> str:
        return _squash(self.t.text[el.open_end : el.close_start])

    def _text_of(self, tokenized: str) -> str:
        """Escaped text (merge tags as tokens) as a plain prop value; NoMap if it holds markup."""
        if "<" in tokenized:
            raise NoMap("markup inside")
        return self.t.plain(htmllib.unescape(tokenized))

    def _lines_of(self, tokenized: str) -> str:
        return "\n".join(self._text_of(part) for part in tokenized.split("<br />"))

    def _tag_of(self, tokenized: str) -> str:
        """One merge tag written alone (a token), in its plain form."""
        if not re.fullmatch(re.escape(self.t.tokens.prefix) + r"\d{5}Z", tokenized):
            raise NoMap("not a merge tag")
        return self.t.plain(tokenized)

    def label_of(self, tokenized: str) -> str:
        """A button label (whitespace runs as one space); themes with uppercase buttons wrap it
        in a span (blocks/button.py, hero.py, product.py)."""
        m = _UPPERCASE.fullmatch(tokenized.strip()) if self.theme.button.get("uppercase") else None
        return " ".join(self._text_of(m.group(1) if m else tokenized).split())

    def native_props(self, block_type: str, props: dict[str, Any]) -> dict[str, Any]:
        """Simple blocks in Mailwright's own MJML: props as the document held them, where the
        renderer wrote a value it computed (the theme's heading size, the column width, a
        network's name, the rich-text paragraph margins). Each is one that renders the same."""
        from ...blocks.social import LABELS

        props = dict(props)
        if block_type == "heading" and props.get("font_size") == self.theme.sizes[props["level"]]:
            props["font_size"] = None
        elif block_type == "image" and props.get("width") == round(max(1.0, self.col_width - 2 * props["padding_x"])):
            props["width"] = None
        elif block_type == "social":
            items = []
            for item in props["items"]:
                if item["label"] == LABELS.get(item["network"], item["network"].capitalize()):
                    item = {**item, "label": ""}
                items.append({k: v for k, v in item.items() if v != "" or k == "url"})
            props["items"] = items
        elif block_type == "text":
            html = re.sub(
                r'<(p|ul|ol) style="margin:0(?: 0 \d+px)?;(?:padding-left:24px;)?([^"]*)">',
                lambda m: f'<{m.group(1)} style="{m.group(2)}">' if m.group(2) else f"<{m.group(1)}>",
                props["html"],
            )
            if html != props["html"] and self.ctx.rich(html) == self.ctx.rich(props["html"]):
                props["html"] = html
        return props

    def renders_as(self, block_type: str, props: dict[str, Any], els: list[El]) -> None:
        """NoMap unless the block, rendered with these props, writes exactly these elements."""
        from ..document.model import resolve_fields

        spec = REGISTRY[block_type]
        data = BlockData("v", block_type, resolve_fields(spec.fields, props, self.theme))
        self.ctx.column_width, self.ctx.node_id = self.col_width, ""
        try:
            mjml = spec.render(data, self.ctx)
        except Exception as e:  # a value the renderer refuses
            raise NoMap(f"{e.__class__.__name__}") from None
        written = "".join(self.t.text[el.start : el.end] for el in els)
        if _squash(mjml) != _squash(written):
            raise NoMap(f"not as a {spec.label} block writes it")

    def not_carried(self) -> list[str]:
        """Notes on the settings MJML does not carry, where this document seems to need them."""
        tags = self.t.tokens.tags
        names = sorted({m.group(1) for tag in tags for m in re.finditer(r"\bvar:([A-Za-z_]\w*)", tag)})
        out = []
        if names:
            out.append(
                f"{', '.join('var:' + n for n in names)} without a value: MJML does not carry the "
                "document's variables; give them values in the settings"
            )
        if not any("link:unsubscribe" in tag for tag in tags):
            out.append(
                "no << link:unsubscribe >>: if this email is transactional (a receipt, a password "
                "reset), mark it so in the settings; MJML does not carry that setting"
            )
        return out

    # -- footer ---------------------------------------------------------------------------------

    def _footer(self, el: El) -> dict[str, Any]:
        self._marked(el, "footer")
        c = self.cascade
        color = c.value(el, "color") or ""
        py, px_ = c.symmetric(el, "padding", 120)
        props: dict[str, Any] = {
            "align": c.value(el, "align"),
            "color": _color(color),
            "font_size": _px_int(c.value(el, "font-size"), 9, 20),
            "padding_y": py,
            "padding_x": px_,
            "company": "",
            "address": "",
            "note": "",
        }
        inner = self._squashed_inner(el)
        paragraphs = re.findall(r'<p style="margin:0 0 10px;">(.*?)</p>', inner)
        rest = re.sub(r'<p style="margin:0 0 10px;">.*?</p>', "", inner, count=len(paragraphs))
        if len(paragraphs) > 2:
            raise NoMap("more paragraphs than a footer writes")
        if paragraphs and (len(paragraphs) == 2 or paragraphs[0].startswith("<strong>")):
            lines = paragraphs.pop(0)
            company = re.match(r"<strong>([^<]*)</strong>(?:<br />|$)", lines)
            if company:
                props["company"] = self._text_of(company.group(1))
                lines = lines[company.end() :]
            props["address"] = self._lines_of(lines) if lines else ""
        if paragraphs:  # the one paragraph left is the note
            props["note"] = self._lines_of(paragraphs[0])
        links: list[tuple[str, str]] = []
        if rest:
            m = re.fullmatch(r'<p style="margin:0;">(.*)</p>', rest)
            if not m:
                raise NoMap("not a footer's links")
            style = f"color:{color};text-decoration:underline;"
            for link in m.group(1).split(" &#160;&#183;&#160; "):
                a = re.fullmatch(r'<a href="([^"]*)" style="([^"]*)">([^<]*)</a>', link)
                if not a or htmllib.unescape(a.group(2)) != style:
                    raise NoMap("not a footer's link")
                links.append((self.t.plain(htmllib.unescape(a.group(1))), self._text_of(a.group(3))))
        props.update(self._footer_links(links))
        return props

    @staticmethod
    def _footer_links(links: list[tuple[str, str]]) -> dict[str, Any]:
        """The links in the footer's order (unsubscribe, preferences, view online), each put in
        the slot its URL names when it does, else in the likeliest slots."""
        slots = ("unsubscribe", "preferences", "view_online")
        if len(links) > 3:
            raise NoMap("more links than a footer writes")
        by_count: dict[int, list[tuple[int, ...]]] = {
            0: [()],
            1: [(0,), (2,), (1,)],
            2: [(0, 2), (0, 1), (1, 2)],
            3: [(0, 1, 2)],
        }
        orders = by_count[len(links)]

        def named(order: tuple[int, ...]) -> int:
            return sum(slots[s].split("_")[0] in url for s, (url, _) in zip(order, links))

        order = max(orders, key=named)  # max keeps the first of equals: the likeliest order
        out: dict[str, Any] = {f"{s}_label": "" for s in slots}
        for slot, (url, label) in zip(order, links):
            if not label:
                raise NoMap("a link without a label")
            out[f"{slots[slot]}_label"], out[f"{slots[slot]}_url"] = label, url
        return out

    # -- raw HTML -------------------------------------------------------------------------------

    def _html(self, el: El) -> dict[str, Any]:
        """The HTML block writes its HTML (attributes normalised) into a marked mj-text."""
        self._marked(el, "html")
        py, px_ = self.cascade.symmetric(el, "padding", 120)
        return {"html": self.t.span(el.open_end, el.close_start), "padding_y": py, "padding_x": px_}

    # -- video ----------------------------------------------------------------------------------

    _VIDEO = re.compile(
        r'<a href="(?P<url>[^"]*)" target="_blank" title="[^"]*" style="display:block;text-decoration:none;">'
        r'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>'
        r'<td background="(?P<thumb>[^"]*)" bgcolor="(?P<play>[^"]*)" height="(?P<height>\d+)" '
        r'align="center" valign="middle" style="[^"]*border-radius:(?P<radius>[^;"]*);">.*</td></tr></table></a>'
        r'<p style="margin:8px 0 0;text-align:center;"><a href="[^"]*" target="_blank">&#9654;&#160;(?P<title>[^<]*)</a></p>'
    )

    def _video(self, el: El) -> dict[str, Any]:
        from ...blocks.video import _RATIO

        self._marked(el, "video")
        m = self._VIDEO.fullmatch(self._squashed_inner(el))
        if not m:
            raise NoMap("not a video thumbnail as Mailwright writes it")
        py, px_ = self.cascade.symmetric(el, "padding", 120)
        width = max(1.0, self.col_width - 2 * px_)
        aspects = [a for a, ratio in _RATIO.items() if round(width * ratio) == int(m.group("height"))]
        if not aspects:
            raise NoMap(f"height {m.group('height')}px fits no aspect ratio")
        return {
            "video_url": self.t.plain(htmllib.unescape(m.group("url"))),
            "thumbnail": self.t.plain(htmllib.unescape(m.group("thumb"))),
            "title": self._text_of(m.group("title")),
            "aspect": aspects[0],
            "play_color": _color(htmllib.unescape(m.group("play"))),
            "border_radius": _px_num(m.group("radius"), 0, 60),
            "padding_y": py,
            "padding_x": px_,
        }

    # -- line items -----------------------------------------------------------------------------

    def _line_items(self, el: El) -> dict[str, Any]:
        self._marked(el, "line_items")
        c = self.cascade
        tok = re.escape(self.t.tokens.prefix) + r"\d{5}Z"
        m = re.fullmatch(
            r'<tr style="border-bottom:1px solid (?P<border>[^;"]*);text-align:left;">'
            r'<th align="left" style="[^"]*">(?P<name>[^<]*)</th><th align="center" style="[^"]*">(?P<qty>[^<]*)</th>'
            r'<th align="right" style="[^"]*">(?P<price>[^<]*)</th></tr>'
            rf'(?P<open>{tok})<tr style="[^"]*"><td align="left" style="[^"]*">(?P<cell>.*?)</td>'
            rf'<td align="center" style="[^"]*">(?P<qty_tag>{tok})</td>'
            rf'<td align="right" style="[^"]*">(?P<price_tag>{tok})</td></tr>(?P<close>{tok})(?P<totals>.*)',
            self._squashed_inner(el),
        )
        if not m:
            raise NoMap("not an order table as Mailwright writes it")
        loop = re.fullmatch(r"<% for ([A-Za-z_]\w*) in (\S+) %>", self._tag_of(m.group("open")))
        if not loop or self._tag_of(m.group("close")) != "<% endfor %>":
            raise NoMap("not a loop over a list")
        item = loop.group(1)

        def field(token: str) -> str:
            f = re.fullmatch(rf"<< {item}:(.+) >>", self._tag_of(token), re.S)
            if not f:
                raise NoMap("a cell that is not one field of the item")
            return f.group(1)

        cell, image = m.group("cell"), ""
        wrapped = re.fullmatch(
            rf'<table [^>]*><tr><td style="[^"]*"><img src="({tok})"[^>]*/></td>'
            r'<td style="[^"]*">(.*)</td></tr></table>',
            cell,
        )
        if wrapped:
            image, cell = field(wrapped.group(1)), wrapped.group(2)
        name = re.fullmatch(rf"<strong>({tok})</strong>(?:<br /><span style=\"[^\"]*\">({tok})</span>)?", cell)
        if not name:
            raise NoMap("an item cell Mailwright does not write")
        totals = []
        rest = m.group("totals")
        for row in re.finditer(
            r'<tr><td colspan="2" align="right" style="[^"]*font-weight:(bold|normal);[^"]*">([^<]*)</td>'
            r'<td align="right" style="[^"]*">([^<]*)</td></tr>',
            rest,
        ):
            totals.append(
                {
                    "label": self._text_of(row.group(2)),
                    "value": self._text_of(row.group(3)),
                    "strong": row.group(1) == "bold",
                }
            )
        if re.sub(r"<tr><td colspan.*?</td></tr>", "", rest):
            raise NoMap("rows after the totals")
        py, px_ = c.symmetric(el, "padding", 120)
        return {
            "items_path": loop.group(2),
            "item_name": item,
            "name_label": self._text_of(m.group("name")),
            "quantity_label": self._text_of(m.group("qty")),
            "price_label": self._text_of(m.group("price")),
            "name_field": field(name.group(1)),
            "detail_field": field(name.group(2)) if name.group(2) else "",
            "quantity_field": field(m.group("qty_tag")),
            "price_field": field(m.group("price_tag")),
            "image_field": image,
            "totals": totals,
            "border_color": _color(htmllib.unescape(m.group("border"))),
            "color": _color(c.value(el, "color")),
            "padding_y": py,
            "padding_x": px_,
        }

    # -- product card (several elements) ---------------------------------------------------------

    def product_at(self, els: list[El]) -> tuple[dict[str, Any], int]:
        """The product card starting at els[0] (its image) and how many elements it spans."""
        c = self.cascade
        image = els[0]
        if image.tag != "mj-image":
            raise NoMap("a product card starts with its image")
        self._marked(image, "product")
        t, r, b, l = c.sides(image)
        if (t, b) != (10, 8) or r != l:
            raise NoMap("image padding")
        props: dict[str, Any] = {
            "image": self.t.plain(c.value(image, "src") or ""),
            "image_alt": self.t.plain(c.value(image, "alt") or ""),
            "url": self.t.plain(c.value(image, "href") or ""),
            "padding_x": _num(r),
            "description": "",
            "old_price": "",
            "button_label": "",
        }
        kinds = []
        for el in els[1:5]:
            if el.tag not in ("mj-text", "mj-button") or (c.value(el, "css-class") or "").split() != ["mw-product"]:
                break
            kinds.append(el)
            if el.tag == "mj-button":
                break
        texts = [el for el in kinds if el.tag == "mj-text"]
        if len(texts) < 2:
            raise NoMap("no name and price")
        name = re.fullmatch(r'<h3 style="[^"]*">([^<]*)</h3>', self._squashed_inner(texts[0]))
        if not name:
            raise NoMap("no product name")
        props["name"], props["align"] = self._text_of(name.group(1)), c.value(texts[0], "align")
        price_at = 1
        if len(texts) > 2 or not re.search(r"<strong ", self._squashed_inner(texts[1])):
            props["description"] = self._lines_of(self._squashed_inner(texts[1]))
            price_at = 2
        if len(texts) <= price_at:
            raise NoMap("no price")
        price = re.fullmatch(
            r'(?:<s style="[^"]*">([^<]*)</s>&#160;&#160;)?<strong style="color:([^"]*)">([^<]*)</strong>',
            self._squashed_inner(texts[price_at]),
        )
        if not price:
            raise NoMap("no price")
        props["old_price"] = self._text_of(price.group(1) or "")
        props["price_color"], props["price"] = _color(htmllib.unescape(price.group(2))), self._text_of(price.group(3))
        used = 1 + price_at + 1
        if len(kinds) > price_at + 1 and kinds[price_at + 1].tag == "mj-button":
            button = kinds[price_at + 1]
            props["button_label"] = self.label_of(self._squashed_inner(button))
            props["url"] = props["url"] or self.t.plain(c.value(button, "href") or "")
            used += 1
        return props, used
