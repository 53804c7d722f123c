"""MJML source → document: sections become rows, content components become blocks.

Exactness beats editability. An element becomes an editable block only when the block renders
it identically; anything else is kept as a raw MJML block holding the element exactly as it
was written (merge tags, comments and formatting included), so nothing is ever lost and the
imported email builds to what the original compiled to. How "identically" is decided: for
each section the importer compiles the original (the section with its columns and elements)
and the candidate rows and blocks, with the same head, and compares the HTML each element
produces, up to differences no reader can see (app/importer/_compare.py). A block that would
drop an attribute (a letter-spacing, a css-class), restyle rich text (the Text block writes
its own paragraph margins) or change a link (a social icon in share mode) therefore falls
back to raw MJML for that element only; a section whose own attributes a row cannot hold
(a border, unequal left/right padding, more than 4 columns) is kept whole as body-level MJML.

Mapping (candidates; each is verified as above):

=======================  ==================================================================
mj-section               row: widths (%, px or an equal split), background colour/image,
                         padding, full width, corner radius, alignment, rtl → reverse on
                         mobile, mw-hide-* classes; mj-group inside → don't stack on mobile
mj-column                column: width, background, padding, vertical alignment, radius,
                         border
mj-text                  heading (a single h1–h6), else text (rich html; its own margins kept)
mj-button                button          mj-image     image         mj-divider   divider
mj-spacer                spacer          mj-social    social icons  mj-navbar    menu
mj-hero                  hero (headline, text, button), else the whole hero as raw MJML
mj-wrapper, mj-raw and   a row holding body-level raw MJML (the `mjml` block with
anything at body level   `fills_row`), exactly as written
mj-table, mj-raw,        a raw `mjml` block in the column, exactly as written
mj-accordion, mj-carousel,
anything else
mj-title / mj-preview    subject / preheader
mj-attributes, mj-style, settings.head_mjml, verbatim and in order (after a reset, below)
mj-font, mj-breakpoint,
mj-html-attributes, ...
mj-style inline="inline" settings.inline_css (inlined by the build, as for .mjml files)
mj-body width / bg       settings.width / settings.background_color
mjml lang / dir          settings.lang / settings.dir
=======================  ==================================================================

MJML that Mailwright wrote (`mailwright build --mjml`) comes back as the document it was
(_native.py): a head that is exactly Mailwright's head for a theme gives that theme and its
settings overrides (no reset below; what follows it is the document's head MJML); elements
marked mw-footer / mw-video / mw-line-items / mw-html and the image, texts and button marked
mw-product become footer, video, line items, HTML and product card blocks when the block,
rendered with the props read back, writes exactly those elements; values the renderer
computed (a heading's theme size, an image's column width, the rich-text paragraph margins)
are stored as the document had them. `<mj-raw>` logic tags around one section or block
(`<% if … %>`, `<% for … %>`, then their end tags) become its condition and repeat.
Merge-language tags that open in one element and close in another (in any MJML) keep those
elements together in one raw block or row, so every block builds on its own.

Imports take the neutral theme (themes/neutral.json): it writes no head of its own (no
mj-attributes, no link colour, no transparent backgrounds on rows and body), so the source's
head MJML, kept verbatim in `head_mjml`, styles the blocks as it styled the source, and the
theme's defaults are MJML's. Blocks hold what real templates set on their elements: per-side
padding, a css-class, a text's line-height in px, letter-spacing, font, weight, case and
background, its paragraphs' own margins (`markup_as_written`), an image's height and background,
a button's border, width and inner padding per side, a divider's width in px, a row's side
borders, corner radii per edge and css-class. What stays visible in the markup only: columns
may get a zero-padding wrapper table. Comments between elements are not kept (comments inside
kept-as-written elements are).
"""

from __future__ import annotations

import html as htmllib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...blocks import REGISTRY
from ...blocks.base import escape_attr
from ...blocks.social import NETWORKS
from pydantic import ValidationError

from ..document.model import BLOCK_MODELS, Document, Row, Settings, resolve_fields
from ..document.layout_fields import ROW_FIELDS
from ._compare import body_of, canonical_fragment, fragments
from ._invalid import invalid_document, props_problem
from ._native import MARKERS, NativeBlocks, _font_list, native_theme
from ._source import El, ImportFailed, Scanner, TaggedText
from ._values import NoMap as _NoMap
from ._values import _choice, _color, _num, _px, _px_int, _px_num, _split_sides, line_height

# MJML's defaults for the attributes the importer reads (mjml 4 / MRML).
FONT_DEFAULT = "Ubuntu, Helvetica, Arial, sans-serif"
MJML_DEFAULTS: dict[str, dict[str, str]] = {
    "mj-body": {"width": "600px"},
    "mj-section": {
        "padding": "20px 0",
        "text-align": "center",
        "direction": "ltr",
        "background-repeat": "repeat",
        "background-size": "auto",
        "background-position": "top center",
    },
    "mj-column": {"vertical-align": "top", "direction": "ltr"},
    "mj-group": {"direction": "ltr"},
    "mj-text": {
        "align": "left",
        "color": "#000000",
        "font-size": "13px",
        "line-height": "1",
        "padding": "10px 25px",
        "font-family": FONT_DEFAULT,
    },
    "mj-button": {
        "align": "center",
        "background-color": "#414141",
        "color": "#ffffff",
        "border-radius": "3px",
        "font-size": "13px",
        "font-weight": "normal",
        "inner-padding": "10px 25px",
        "padding": "10px 25px",
        "font-family": FONT_DEFAULT,
    },
    "mj-image": {"align": "center", "padding": "10px 25px"},
    "mj-divider": {
        "border-color": "#000000",
        "border-width": "4px",
        "border-style": "solid",
        "width": "100%",
        "align": "center",
        "padding": "10px 25px",
    },
    "mj-spacer": {"height": "20px"},
    "mj-table": {"color": "#000000", "padding": "10px 25px"},
    "mj-social": {
        "align": "center",
        "icon-size": "20px",
        "mode": "horizontal",
        "padding": "10px 25px",
        "color": "#333333",
    },
    "mj-social-element": {"padding": "4px", "color": "#000"},
    "mj-navbar": {"align": "center"},
    "mj-navbar-link": {"padding": "15px 10px", "color": "#000000", "font-size": "13px", "text-transform": "uppercase"},
    "mj-hero": {
        "mode": "fixed-height",
        "height": "0px",
        "background-color": "#ffffff",
        "padding": "0px",
        "vertical-align": "top",
        "background-position": "center center",
    },
    "mj-all": {"font-family": FONT_DEFAULT},
}

_THEME_ATTR = re.compile(r"<(mj-[a-z-]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*/>")
_MARK = "mwimp"
_HEAD_VALUE_TAGS = ("mj-title", "mj-preview")
_SPANNING = "merge-language tags that open in one element and close in another keep them together as written"
_OPENS = re.compile(r"<%-?\s*(?:if|for)\b")
_CLOSES = re.compile(r"<%-?\s*end(?:if|for)\b")


@dataclass
class ImportReport:
    """What an import produced: the document, what became editable, what stayed raw."""

    document: Document
    source: str
    editable: Counter = field(default_factory=Counter)  # block type → count
    raw: list[tuple[str, str, str]] = field(default_factory=list)  # (node id, element, why)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        blocks = sum(1 for _ in self.document.iter_blocks())
        kinds = ", ".join(f"{n} {t}" for t, n in sorted(self.editable.items()))
        rows = len(self.document.rows)
        return (
            f"{rows} row{'s' * (rows != 1)}, {blocks} block{'s' * (blocks != 1)}: "
            f"{sum(self.editable.values())} editable{f' ({kinds})' if kinds else ''}, "
            f"{len(self.raw)} kept as written"
        )


# --- the attribute cascade ------------------------------------------------------------------


class Cascade:
    """An element's effective attribute: its own, its mj-class, mj-attributes, mj-all, MJML's."""

    def __init__(self) -> None:
        self.tags: dict[str, dict[str, str]] = {}
        self.classes: dict[str, dict[str, str]] = {}

    def learn(self, attributes: El) -> None:
        for child in attributes.children:
            attrs = dict(child.attrs)
            if child.tag == "mj-class":
                name = attrs.pop("name", "")
                self.classes.setdefault(name, {}).update(attrs)
            else:
                self.tags.setdefault(child.tag, {}).update(attrs)

    def head_value(self, tag: str, name: str) -> str | None:
        for source in (self.tags.get(tag, {}), self.tags.get("mj-all", {}), MJML_DEFAULTS.get(tag, {})):
            if name in source:
                return source[name]
        return None

    def value(self, el: El, name: str) -> str | None:
        own = el.get(name)
        if own is not None:
            return own
        for cls in reversed((el.get("mj-class") or "").split()):
            if name in self.classes.get(cls, {}):
                return self.classes[cls][name]
        return self.head_value(el.tag, name)

    def sides(self, el: El, name: str = "padding") -> list[float]:
        sides = _split_sides(self.value(el, name))
        if sides is None:
            raise _NoMap(f"{name} {self.value(el, name)!r}")
        for i, side in enumerate(("top", "right", "bottom", "left")):
            v = self.value(el, f"{name}-{side}")
            if v is not None:
                px = _px(v)
                if px is None:
                    raise _NoMap(f"{name}-{side} {v!r}")
                sides[i] = px
        return sides

    def symmetric(self, el: El, name: str, limit: float) -> tuple[int | float, int | float]:
        """(vertical, horizontal) of a padding whose top = bottom and left = right."""
        t, r, b, l = self.sides(el, name)
        if t != b or l != r or not (0 <= t <= limit and 0 <= l <= limit):
            raise _NoMap(f"{name} {t:g} {r:g} {b:g} {l:g}")
        return _num(t), _num(l)


# --- plans: what a row/block will be, before ids are given ----------------------------------


@dataclass
class BlockPlan:
    el: El
    type: str = "mjml"
    props: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    els: list[El] = field(default_factory=list)  # the elements it holds (el first)
    condition: str | None = None
    repeat: str | None = None

    def __post_init__(self) -> None:
        self.els = self.els or [self.el]


@dataclass
class Unit:
    """The elements one block will hold (a product card's several), and the merge-language tags
    Mailwright writes around a block with a condition or a repeat: `<mj-raw><% if … %></mj-raw>`
    before it, `<mj-raw><% endif %></mj-raw>` after (app/build/mjml_render.py `_wrap_logic`)."""

    els: list[El]
    wrap: tuple[El, El] | None = None
    condition: str | None = None
    repeat: str | None = None

    @property
    def key(self) -> int:
        return id(self.els[0])

    @property
    def start(self) -> int:
        return (self.wrap[0] if self.wrap else self.els[0]).start

    @property
    def end(self) -> int:
        return (self.wrap[1] if self.wrap else self.els[-1]).end

    def pieces(self) -> list["Unit"]:
        """Every element alone, the logic tags included (how a unit no block holds is kept)."""
        els = [self.wrap[0], *self.els, self.wrap[1]] if self.wrap else self.els
        return [Unit([el]) for el in els]


@dataclass
class ColumnPlan:
    el: El
    width: int | float
    props: dict[str, Any]
    blocks: list[BlockPlan] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)  # its elements as blocks will hold them


@dataclass
class RowPlan:
    el: El
    props: dict[str, Any] = field(default_factory=dict)
    columns: list[ColumnPlan] = field(default_factory=list)
    raw: bool = False
    reason: str = ""
    block: BlockPlan | None = None  # a row-level block (hero) when not raw
    group: El | None = None  # the source's mj-group, if any
    source_columns: list[El] = field(default_factory=list)  # in source order
    condition: str | None = None  # from Mailwright's logic tags around the section
    repeat: str | None = None
    last: El | None = None  # a raw row holding several body elements: the last one


class _Importer(NativeBlocks):
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.t = TaggedText(text)
        self.root = Scanner(self.t, source).parse_document()
        self.cascade = Cascade()
        self.notes: list[str] = []
        self.head_tok: list[str] = []
        self.head_orig: list[str] = []
        self.inline_css: list[str] = []
        self.head_kids: list[El] = []  # head elements but title and preview, in order
        self.native = False  # the head is Mailwright's own for a theme (_native.py)
        self.col_width = 0.0  # content width of the column being mapped, in px
        self._mark = 0

    # -- entry -------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        heads = [c for c in self.root.children if c.tag == "mj-head"]
        bodies = [c for c in self.root.children if c.tag == "mj-body"]
        if not bodies:
            raise ImportFailed(f"{self.source}: no <mj-body> in the file: nothing to import")
        for other in self.root.children:
            if other.tag not in ("mj-head", "mj-body"):
                self._note(other, f"<{other.tag}> outside mj-head and mj-body is not kept")
        subject, preheader = "", ""
        for head in heads:
            for child in head.children:
                inner = self.t.text[child.open_end : child.close_start]
                if child.tag in _HEAD_VALUE_TAGS:
                    value = " ".join(self.t.plain(htmllib.unescape(inner)).split())
                    if child.tag == "mj-title":
                        subject = value
                    else:
                        preheader = value
                    continue
                self.head_kids.append(child)
                if child.tag == "mj-attributes":
                    self.cascade.learn(child)
                if _inline_style(child):
                    # Inlined by the build (settings.inline_css), as `mailwright build` does for .mjml.
                    self.inline_css.append(self.t.span(child.open_end, child.close_start))
                    continue
                self.head_tok.append(self.t.text[child.start : child.end])
                self.head_orig.append(self.t.span(child.start, child.end))
            if head.comments:
                self.notes.append(f"{head.comments} comment(s) in mj-head not kept")
        self.body = bodies[0]
        settings = self._settings()
        self.doc_base = Document(subject="", preheader="", settings=settings)
        from ..build.mjml_render import RenderContext, _head, resolved_theme

        self.theme = resolved_theme(self.doc_base)
        self.ctx = RenderContext(theme=self.theme, tokens=self.t.tokens, source=self.source)
        self.real_head = _head(self.doc_base, self.ctx)
        self.orig_head = "<mj-head>" + "".join(self.head_tok) + "</mj-head>"
        self.body_width = settings.width
        plans, kids, i = [], self.body.children, 0
        while i < len(kids):
            logic = self._logic(kids[i], kids[i + 2]) if i + 2 < len(kids) else None
            together = self._tags_close_at(kids, i, lambda el: (el.start, el.end))
            if logic and not self._logic_tags(kids[i + 1]):  # a row with a condition or repeat
                plans.append(self._map_body_child(kids[i + 1]))
                plans[-1].condition, plans[-1].repeat = logic
                i += 3
            elif together > i + 1:
                plans.append(RowPlan(kids[i], raw=True, last=kids[together - 1], reason=_SPANNING))
                i = together
            else:
                plans.append(self._map_body_child(kids[i]))
                i += 1
        if self.body.comments:
            self.notes.append(f"{self.body.comments} comment(s) between sections not kept")
        if self.native:
            self.notes += self.not_carried()
        if len(subject) > 2000 or len(preheader) > 2000:
            self.notes.append("subject or preheader cut to 2000 characters")
        return self._assemble(plans, subject[:2000], preheader[:2000], settings)

    def _note(self, el: El, message: str) -> None:
        line, col = self.t.line_col(el.start)
        self.notes.append(f"{self.source}:{line}:{col}: {message}")

    # -- settings and head -------------------------------------------------------------------

    def _settings(self) -> Settings:
        body, root = self.body, self.root
        width = _px(self.cascade.value(body, "width")) or 600.0
        if not 320 <= width <= 1200 or not width.is_integer():
            self._note(
                body,
                f"body width {width:g}px changed to {min(1200, max(320, round(width)))}px "
                "(Mailwright supports 320–1200)",
            )
        width = int(min(1200, max(320, round(width))))
        bg = self.cascade.value(body, "background-color")
        try:
            background = _color(bg, optional=True) or "transparent"
        except _NoMap:
            self._note(body, f"body background {bg!r} is not a colour Mailwright can hold; left transparent")
            background = "transparent"
        if body.get("css-class"):
            self._note(body, f"mj-body css-class {body.get('css-class')!r} is not kept")
        data: dict[str, Any] = {"width": width, "background_color": background}
        lang, direction = root.get("lang"), root.get("dir")
        if lang:
            if re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang):
                data["lang"] = lang
            else:
                self._note(root, f"lang {lang!r} is not a language tag; left as en")
        if direction:
            if direction.lower() in ("ltr", "rtl"):
                data["dir"] = direction.lower()
            else:
                self._note(root, f"dir {direction!r} not kept (ltr or rtl only)")
        for name, _ in root.attrs:
            if name not in ("lang", "dir"):
                self._note(root, f"<mjml {name}> is not kept")
        base = {k: v for k, v in data.items() if k in ("width", "lang", "dir")}
        native = native_theme(self.head_kids, body, self.t, base)
        if native is not None:
            # Mailwright's own head: its theme and overrides; what follows is the document's head MJML.
            self.native = True
            data, n = native
            own = [el for el in self.head_kids[n:] if not _inline_style(el)]
            if own and len(own) == len(self.head_kids) - n:
                data["head_mjml"] = self.t.span(own[0].start, own[-1].end)
            elif own:
                data["head_mjml"] = "\n".join(self.t.span(el.start, el.end) for el in own)
            if self.inline_css:
                data["inline_css"] = "\n".join(css.strip("\n") for css in self.inline_css)
            return Settings.model_validate(data)
        # The neutral theme adds nothing to the head (no mj-attributes, no link colour), so the
        # source's own head MJML, kept verbatim, styles the imported email as it did the source.
        data["theme"] = "neutral"
        if data["background_color"] == "transparent":
            del data["background_color"]  # the neutral theme's own: none written
        # Buttons and menus write the theme's body font, headings its heading font: both set
        # to what the source's own buttons and text use.
        buttons = [e for e in _walk(body) if e.tag == "mj-button"]
        fonts = Counter(self.cascade.value(b, "font-family") for b in buttons)
        font = fonts.most_common(1)[0][0] if fonts else self.cascade.head_value("mj-button", "font-family")
        # Stored unquoted, as the settings hold fonts (the build quotes names with spaces).
        font = _font_list(font or FONT_DEFAULT)
        if font != FONT_DEFAULT:
            data["font_family"] = font[:300]
        heading_font = _font_list(self.cascade.head_value("mj-text", "font-family") or FONT_DEFAULT)
        if heading_font != FONT_DEFAULT:
            data["heading_font_family"] = heading_font[:300]
        if self.inline_css:
            data["inline_css"] = "\n".join(css.strip("\n") for css in self.inline_css)
        data["head_mjml"] = "\n".join(self.head_orig) or None
        return Settings.model_validate(data)

    # -- body ----------------------------------------------------------------------------------

    def _map_body_child(self, el: El) -> RowPlan:
        if el.tag == "mj-section":
            return self._map_section(el)
        if el.tag == "mj-hero":
            return self._map_hero(el)
        why = {"mj-wrapper": "a wrapper is kept as written", "mj-raw": "raw MJML is kept as written"}.get(
            el.tag, f"<{el.tag}> is kept as written"
        )
        return RowPlan(el, raw=True, reason=why)

    def _map_hero(self, el: El) -> RowPlan:
        try:
            props = self._hero_props(el)
        except _NoMap as e:
            return RowPlan(el, raw=True, reason=f"a Hero block cannot hold it ({e})")
        plan = BlockPlan(el, "hero", props)
        # The row's hide-on-device options are classes on the hero (it renders instead of a section).
        classes = (self.cascade.value(el, "css-class") or "").split()
        row_props = {f"hide_on_{cls[8:]}": True for cls in ("mw-hide-mobile", "mw-hide-desktop") if cls in classes}
        a, b = self._marks()
        orig = f"<mj-raw><!--{_MARK}-{a}-a--></mj-raw>{self.t.text[el.start : el.end]}<mj-raw><!--{_MARK}-{a}-b--></mj-raw>"
        from ..build.mjml_render import render_row

        try:
            block = self._block_model(plan, "v1")
            row = Row.model_validate({"id": "v0", "props": row_props, "columns": [{"id": "v2", "blocks": [block]}]})
            model = (
                f"<mj-raw><!--{_MARK}-{b}-a--></mj-raw>{render_row(row, self.body_width, self.ctx)}"
                f"<mj-raw><!--{_MARK}-{b}-b--></mj-raw>"
            )
        except (ValidationError, ValueError) as e:
            why = props_problem(e) if isinstance(e, ValidationError) else str(e)
            return RowPlan(el, raw=True, reason=f"a Hero block cannot hold it ({why})")
        got_o = fragments(self._compile(self.orig_head, orig) or "", _MARK).get(str(a))
        got_m = fragments(self._compile(self.real_head, model) or "", _MARK).get(str(b))
        if (
            got_o is None
            or got_m is None
            or canonical_fragment(got_o, rows=False) != canonical_fragment(got_m, rows=False)
        ):
            return RowPlan(el, raw=True, reason="a Hero block would not reproduce it exactly")
        return RowPlan(el, props=row_props, block=plan)

    def _marks(self) -> tuple[int, int]:
        self._mark += 2
        return self._mark - 1, self._mark

    def _compile(self, head: str, body: str) -> str | None:
        from ..build.pipeline import BuildError, compile_mjml, ensure_alt

        mjml = f'<mjml>{head}<mj-body width="{self.body_width}px">{body}</mj-body></mjml>'
        try:
            # ensure_alt: every build gives images an alt (the source's and the document's alike)
            return body_of(ensure_alt(compile_mjml(mjml, source=self.source)))
        except BuildError:
            return None

    # -- sections ------------------------------------------------------------------------------

    def _map_section(self, sec: El) -> RowPlan:
        try:
            plan = self._skeleton(sec)
        except _NoMap as e:
            return RowPlan(sec, raw=True, reason=f"a row cannot hold this section ({e})")
        if not self._skeleton_matches(plan):
            return RowPlan(sec, raw=True, reason="a row would not reproduce this section's layout exactly")
        # Units: the elements one block will hold (several for a product card), keyed by the first.
        chosen: dict[int, BlockPlan] = {}
        hints: dict[int, str] = {}
        widths = self._content_widths(plan)
        try:
            for col in plan.columns:
                self.col_width = widths[id(col.el)]
                col.units = self._units(col.el.children, chosen, hints)
        except _NoMap as e:
            return RowPlan(sec, raw=True, reason=f"a row cannot hold this section ({e})")
        products = [k for k, p in chosen.items() if p.type == "product"]
        if products:  # product cards first, each verified as one unit (everything else as written)
            everything = {u.key: chosen.get(u.key) or BlockPlan(u.els[0]) for col in plan.columns for u in col.units}
            verdict = self._verify_blocks(plan, everything)
            for key in [k for k in products if not verdict.get(k)]:
                self._split(plan, chosen.pop(key), hints)
        # Candidates for every other element, tried in rounds until each is verified or raw.
        pending: dict[int, list[BlockPlan]] = {}
        for col in plan.columns:
            self.col_width = widths[id(col.el)]
            for unit in col.units:
                if unit.key in chosen:
                    continue
                cands, why = self._candidates(unit.els[0])
                pending[unit.key] = cands
                chosen[unit.key] = BlockPlan(unit.els[0], reason=hints.get(unit.key) or why)
        for _ in range(3):
            trying = {k: v[0] for k, v in pending.items() if v}
            if not trying:
                break
            verdict = self._verify_blocks(plan, {**chosen, **trying})
            for key, cand in trying.items():
                pending[key] = pending[key][1:]
                if verdict.get(key):
                    chosen[key] = cand
                    pending[key] = []
                else:
                    chosen[key].reason = f"a {REGISTRY[cand.type].label} block would not reproduce it exactly"
        # A last pass over the final choice: every block, editable or raw, as it will be built.
        verdict = self._verify_blocks(plan, chosen)
        for key, plan_ in list(chosen.items()):
            if verdict.get(key):
                continue
            if plan_.type == "product":
                del chosen[key]
                for el in self._split(plan, plan_, hints):
                    chosen[id(el)] = BlockPlan(el, reason=hints.get(id(el)) or self._candidates(el)[1])
            elif plan_.type != "mjml":
                chosen[key] = BlockPlan(
                    plan_.el, reason=f"a {REGISTRY[plan_.type].label} block would not reproduce it exactly"
                )
            else:
                self._note(plan_.el, f"<{plan_.el.tag}> may look slightly different (the theme's head)")
        for col in plan.columns:
            col.blocks = [chosen[unit.key] for unit in col.units]
            for unit, block in zip(col.units, col.blocks):
                block.condition, block.repeat = unit.condition, unit.repeat
        dropped = (
            sec.comments + (plan.group.comments if plan.group else 0) + sum(c.comments for c in plan.source_columns)
        )
        if dropped:
            self._note(sec, f"{dropped} comment(s) between elements not kept")
        return plan

    def _content_widths(self, plan: RowPlan) -> dict[int, float]:
        """Each column's content width in px (what blocks in it see as ctx.column_width)."""
        from ..document.layout_fields import COLUMN_FIELDS

        row_width = self.body_width - 2 * resolve_fields(ROW_FIELDS, plan.props, self.theme)["padding_x"]
        out = {}
        for col in plan.columns:
            p = resolve_fields(COLUMN_FIELDS, col.props, self.theme)
            out[id(col.el)] = row_width * col.width / 100 - 2 * p["padding"] - 2 * p["border_width"]
        return out

    def _units(self, kids: list[El], chosen: dict[int, BlockPlan], hints: dict[int, str]) -> list[Unit]:
        """The column's elements in units: a product card's elements together, others alone;
        Mailwright's logic tags around one of them go with it."""
        units = self._product_units(kids, chosen, hints)
        out, i = [], 0
        while i < len(units):
            logic = self._logic(units[i].els[0], units[i + 2].els[0]) if i + 2 < len(units) else None
            if logic and len(units[i].els) == len(units[i + 2].els) == 1 and not self._logic_tags(units[i + 1].els[0]):
                unit = units[i + 1]
                unit.wrap, (unit.condition, unit.repeat) = (units[i].els[0], units[i + 2].els[0]), logic
                out.append(unit)
                i += 3
            else:
                out.append(units[i])
                i += 1
        grouped, i = [], 0
        while i < len(out):
            together = self._tags_close_at(out, i, lambda u: (u.start, u.end))
            if together < 0:
                raise _NoMap("merge-language tags that open in one column and close outside it")
            if together == i + 1:
                grouped.append(out[i])
            else:  # kept as written, in one raw block
                els = [el for unit in out[i:together] for piece in unit.pieces() for el in piece.els]
                for unit in out[i:together]:
                    chosen.pop(unit.key, None)
                grouped.append(Unit(els))
                chosen[id(els[0])] = BlockPlan(els[0], reason=_SPANNING, els=els)
            i = max(together, i + 1)
        return grouped

    def _tags_close_at(self, items: list, i: int, span) -> int:
        """Where the merge-language if/for tags opened from items[i] on are all closed again:
        i + 1 when items[i] closes its own, the index after the item that closes them, or -1
        when they are not closed in this list (or it closes more than it opens)."""
        token = re.compile(re.escape(self.t.tokens.prefix) + r"\d{5}Z")
        depth = 0
        for j in range(i, len(items)):
            start, end = span(items[j])
            for m in token.finditer(self.t.text, start, end):
                tag = self.t.plain(m.group(0))
                depth += 1 if _OPENS.match(tag) else -1 if _CLOSES.match(tag) else 0
                if depth < 0:
                    return -1
            if depth == 0:
                return j + 1
        return -1

    def _logic_tags(self, el: El) -> str | None:
        """The merge-language tags an mj-raw holds and nothing else (plain form), or None."""
        inner = self.t.text[el.open_end : el.close_start]
        if el.tag != "mj-raw" or not re.fullmatch(rf"(?:{re.escape(self.t.tokens.prefix)}\d{{5}}Z)+", inner):
            return None
        return self.t.plain(inner)

    def _logic(self, before: El, after: El) -> tuple[str | None, str | None] | None:
        """(condition, repeat) when `before` and `after` are the tags Mailwright writes around
        a row or block with a condition and/or a repeat."""
        opening, closing = self._logic_tags(before), self._logic_tags(after)
        m = re.fullmatch(r"(?:<% if (.+?) %>)?(?:<% for (.+?) %>)?", opening or "", re.S)
        if not m or not (m.group(1) or m.group(2)):
            return None
        if closing != ("<% endfor %>" if m.group(2) else "") + ("<% endif %>" if m.group(1) else ""):
            return None
        return m.group(1), m.group(2)

    def _product_units(self, kids: list[El], chosen: dict[int, BlockPlan], hints: dict[int, str]) -> list[Unit]:
        units, i, failed = [], 0, ""
        while i < len(kids):
            n = 0
            if "mw-product" in (self.cascade.value(kids[i], "css-class") or "").split():
                if kids[i].tag != "mj-image":  # the rest of a card that did not match
                    hints[id(kids[i])] = failed or "a Product card block cannot hold it (no image before it)"
                else:
                    try:
                        props, n = self.product_at(kids[i:])
                        self.renders_as("product", props, kids[i : i + n])
                        chosen[id(kids[i])] = BlockPlan(
                            kids[i], "product", self._validated("product", props), els=kids[i : i + n]
                        )
                    except _NoMap as e:
                        failed = hints[id(kids[i])] = f"a Product card block cannot hold it ({e})"
                        n = 0
            units.append(Unit(kids[i : i + max(n, 1)]))
            i += max(n, 1)
        return units

    def _split(self, plan: RowPlan, product: BlockPlan, hints: dict[int, str]) -> list[El]:
        """A product card that does not reproduce its elements: back to one unit each (its
        logic tags too); returns those elements."""
        for el in product.els:
            hints[id(el)] = "a Product card block would not reproduce it exactly"
        for col in plan.columns:
            for at, unit in enumerate(col.units):
                if unit.key == id(product.el):
                    col.units[at : at + 1] = pieces = unit.pieces()
                    return [p.els[0] for p in pieces]
        return []

    def _skeleton(self, sec: El) -> RowPlan:
        c = self.cascade
        if sec.stray_text:
            raise _NoMap("text outside a column")
        group = None
        kids = sec.children
        if len(kids) == 1 and kids[0].tag == "mj-group":
            group = kids[0]
            if group.stray_text:
                raise _NoMap("text outside a column")
            if c.value(group, "width") is not None:
                raise _NoMap("a group with its own width")
            kids = group.children
        other = sorted({k.tag for k in kids if k.tag != "mj-column"})
        if other:
            raise _NoMap(f"it holds {', '.join('<' + t + '>' for t in other)} beside columns")
        if not 1 <= len(kids) <= 4:
            raise _NoMap(f"{len(kids)} columns; rows hold 1 to 4")
        props: dict[str, Any] = {}
        bg = _color(c.value(sec, "background-color"), optional=True)
        if bg:
            props["background_color"] = bg
        image = c.value(sec, "background-url")
        if image:
            props["background_image"] = self.t.plain(image)
            props["background_size"] = _choice(c.value(sec, "background-size"), ("cover", "contain", "auto"))
            props["background_position"] = _choice(
                " ".join((c.value(sec, "background-position") or "").split()),
                ("center center", "top center", "bottom center"),
            )
        t, r, b, l = c.sides(sec)
        if r != l:
            raise _NoMap(f"left padding {l:g}px differs from right padding {r:g}px")
        if not all(0 <= v <= 200 for v in (t, b, l)):
            raise _NoMap("padding over 200px")
        props.update(padding_top=_num(t), padding_bottom=_num(b), padding_x=_num(l))
        props["full_width"] = c.value(sec, "full-width") == "full-width"
        radius = (c.value(sec, "border-radius") or "").strip()
        corners = radius.split()
        if len(corners) == 4 and not self.native and corners[0] == corners[1] and corners[2] == corners[3]:
            props["radius_top"], props["radius_bottom"] = (_px_num(v, 0, 60) for v in (corners[0], corners[2]))
        elif radius:
            props["border_radius"] = _px_num(radius, 0, 60)
        for side in ("top", "right", "bottom", "left"):
            border = " ".join((c.value(sec, f"border-{side}") or "").split())
            if border and border not in ("none", "0", "0px"):
                if self.native or not re.fullmatch(
                    r"\d+(\.\d+)?px (solid|dashed|dotted|double) #[0-9a-fA-F]{3,6}", border
                ):
                    raise _NoMap(f"border-{side} {border!r}")
                props[f"border_{side}"] = border
        props["text_align"] = _choice(c.value(sec, "text-align"), ("left", "center", "right"))
        own = []
        for cls in (c.value(sec, "css-class") or "").split():
            if cls in ("mw-hide-mobile", "mw-hide-desktop"):
                props["hide_on_" + cls[8:]] = True
            elif cls.startswith("mw-") or self.native:
                if cls != "mw-row":
                    raise _NoMap(f"css-class {cls!r}")
            else:
                own.append(cls)
        if own:
            props["css_class"] = " ".join(own)
        reverse = c.value(sec, "direction") == "rtl"
        if reverse:
            if len(kids) < 2:
                raise _NoMap("right-to-left with one column")
            props["reverse_on_mobile"] = True
        if group is not None:
            props["stack_on_mobile"] = False
        box = self.body_width - 2 * l
        widths = self._widths(kids, box)
        columns = []
        for col, width in zip(kids, widths):
            columns.append(ColumnPlan(col, width, self._column_props(col)))
        if reverse:
            columns.reverse()
        return RowPlan(sec, props=self._minimal(ROW_FIELDS, props), columns=columns, group=group, source_columns=kids)

    def _widths(self, cols: list[El], box: float) -> list[int | float]:
        out: list[float | None] = []
        for col in cols:
            w = self.cascade.value(col, "width")
            if w is None or not w.strip():
                out.append(None)
            elif w.strip().endswith("%"):
                try:
                    out.append(float(w.strip()[:-1]))
                except ValueError:
                    raise _NoMap(f"column width {w!r}") from None
            else:
                px = _px(w)
                if px is None or box <= 0:
                    raise _NoMap(f"column width {w!r}")
                # Rounded up, so the column is never a pixel narrower than written.
                out.append(math.ceil(round(px * 100 / box, 9) * 10_000) / 10_000)
        n = len(cols)
        widths = [w if w is not None else math.floor(100 / n * 10_000) / 10_000 for w in out]
        total = sum(widths)
        if abs(total - 100) > 0.5 or any(w <= 0 or w > 100 for w in widths):
            raise _NoMap(f"column widths add up to {total:g}%")
        return [_num(w) for w in widths]

    def _column_props(self, col: El) -> dict[str, Any]:
        c = self.cascade
        if col.stray_text:
            raise _NoMap("text directly in a column")
        props: dict[str, Any] = {}
        bg = _color(c.value(col, "background-color"), optional=True)
        if bg:
            props["background_color"] = bg
        props["vertical_align"] = _choice(c.value(col, "vertical-align"), ("top", "middle", "bottom"))
        sides = c.sides(col)
        if len(set(sides)) != 1 or not 0 <= sides[0] <= 120:
            raise _NoMap("column padding that differs by side")
        if sides[0]:
            props["padding"] = _num(sides[0])
        radius = c.value(col, "border-radius")
        if radius:
            props["border_radius"] = _px_num(radius, 0, 60)
        border = c.value(col, "border")
        if border and border.strip() not in ("none", "0", "0px"):
            m = re.match(r"^\s*(\d+)px\s+solid\s+(#[0-9a-fA-F]{3,6})\s*$", border)
            if not m:
                raise _NoMap(f"column border {border!r}")
            props["border_width"], props["border_color"] = int(m.group(1)), _color(m.group(2))
        for cls in (c.value(col, "css-class") or "").split():
            if cls != "mw-column":
                raise _NoMap(f"column css-class {cls!r}")
        from ..document.layout_fields import COLUMN_FIELDS

        return self._minimal(COLUMN_FIELDS, props)

    def _minimal(self, fields, props: dict[str, Any]) -> dict[str, Any]:
        """Only what differs from the default/theme value (the document stores overrides)."""
        defaults = resolve_fields(fields, {}, self.theme)
        return {k: v for k, v in props.items() if v is not None and not (k in defaults and defaults[k] == v)}

    # -- verification ----------------------------------------------------------------------------

    def _open_tag(self, el: El) -> str:
        tag = self.t.text[el.start : el.open_end]
        return re.sub(r"\s*/\s*>$", ">", tag) if el.close_start == el.open_end == el.end else tag

    def _section_source(self, plan: RowPlan, inner) -> str:
        """The section as MJML, each column given by `inner(index, column)`."""
        out = [self._open_tag(plan.el)]
        if plan.group is not None:
            out.append(self._open_tag(plan.group))
        for i, col in enumerate(plan.source_columns):
            out.append(inner(i, col))
        if plan.group is not None:
            out.append("</mj-group>")
        out.append("</mj-section>")
        return "".join(out)

    def _skeleton_matches(self, plan: RowPlan) -> bool:
        """The row and its columns, without content, compile like the section and its columns."""
        widths = {id(cp.el): cp.width for cp in plan.columns}
        index = {id(col): i for i, col in enumerate(plan.source_columns)}

        def orig_column(i: int, col: El) -> str:
            attrs = [(k, v) for k, v in col.attrs if k != "width"] + [("width", f"{widths[id(col)]:g}%")]
            open_tag = "<mj-column" + "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs) + ">"
            return f"{open_tag}<mj-raw><!--mwcol-{i}--></mj-raw></mj-column>"

        orig = self._section_source(plan, orig_column)
        try:
            row = self._row_model(
                plan,
                lambda cp: [
                    {
                        "id": f"m{index[id(cp.el)]}",
                        "type": "mjml",
                        "props": {"mjml": f"<mj-raw><!--mwcol-{index[id(cp.el)]}--></mj-raw>"},
                    }
                ],
            )
            from ..build.mjml_render import render_row

            model = render_row(row, self.body_width, self.ctx)
        except Exception:  # a value the model or renderer refuses: keep the section as written
            return False
        a, b = self._compile(self.orig_head, orig), self._compile(self.orig_head, model)
        return (
            a is not None and b is not None and canonical_fragment(a, rows=False) == canonical_fragment(b, rows=False)
        )

    def _row_model(self, plan: RowPlan, blocks_of) -> Row:
        columns = [
            {"id": f"vc{i}", "width": cp.width, "props": cp.props, "blocks": blocks_of(cp)}
            for i, cp in enumerate(plan.columns)
        ]
        return Row.model_validate({"id": "vr", "props": plan.props, "columns": columns})

    def _verify_blocks(self, plan: RowPlan, blocks: dict[int, BlockPlan]) -> dict[int, bool]:
        """Compile the section as written and as rows/blocks (each unit of elements between
        markers) and say, per unit (keyed by its first element), whether its block produces
        the same HTML."""
        text = self.t.text
        marks: dict[int, int] = {}

        def mark(child: El) -> int:
            if id(child) not in marks:
                marks[id(child)] = len(marks) + 1
            return marks[id(child)]

        units = {id(cp.el): cp.units for cp in plan.columns}

        def orig_column(_: int, col: El) -> str:
            parts = [self._open_tag(col)]
            for unit in units[id(col)]:
                k = mark(unit.els[0])
                parts.append(
                    f"<mj-raw><!--{_MARK}-{k}-a--></mj-raw>{text[unit.start : unit.end]}"
                    f"<mj-raw><!--{_MARK}-{k}-b--></mj-raw>"
                )
            parts.append("</mj-column>")
            return "".join(parts)

        orig = self._section_source(plan, orig_column)
        counter = iter(range(1, 1_000_000))

        def model_blocks(cp: ColumnPlan) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for unit in cp.units:
                k = mark(unit.els[0])
                out.append(
                    {
                        "id": f"vm{next(counter)}",
                        "type": "mjml",
                        "props": {"mjml": f"<mj-raw><!--{_MARK}-{k}-a--></mj-raw>"},
                    }
                )
                out.append(
                    {
                        **self._block_model(blocks[unit.key], f"vb{next(counter)}"),
                        "condition": unit.condition,
                        "repeat": unit.repeat,
                    }
                )
                out.append(
                    {
                        "id": f"vm{next(counter)}",
                        "type": "mjml",
                        "props": {"mjml": f"<mj-raw><!--{_MARK}-{k}-b--></mj-raw>"},
                    }
                )
            return out

        try:
            from ..build.mjml_render import render_row

            model = render_row(self._row_model(plan, model_blocks), self.body_width, self.ctx)
            got_m = fragments(self._compile(self.real_head, model) or "", _MARK)
        except Exception:
            got_m = {}
        got_o = fragments(self._compile(self.orig_head, orig) or "", _MARK)
        verdict = {}
        for key, k in marks.items():
            a, b = got_o.get(str(k)), got_m.get(str(k))
            verdict[key] = a is not None and b is not None and canonical_fragment(a) == canonical_fragment(b)
        return verdict

    def _block_model(self, plan: BlockPlan, block_id: str) -> dict[str, Any]:
        if plan.type == "mjml":
            props = {"mjml": self.t.span(plan.el.start, plan.els[-1].end)}
        else:
            props = plan.props
        return {"id": block_id, "type": plan.type, "props": props, "condition": plan.condition, "repeat": plan.repeat}

    # -- candidates ------------------------------------------------------------------------------

    def _candidates(self, el: El) -> tuple[list[BlockPlan], str]:
        """Blocks that might hold the element, best first, and why it is raw if none does."""
        classes = (self.cascade.value(el, "css-class") or "").split()
        # A Mailwright composite block's own element: that block first (and its reason, if not).
        composite = [
            (t, getattr(self, f"_{t}")) for t, marker in MARKERS.items() if marker in classes and t != "product"
        ]  # a product card spans elements: _units
        builders = {
            "mj-text": (
                *composite,
                ("heading", self._heading),
                ("text", self._text),
                *((("text", self._text_as_written),) if not self.native else ()),
            ),
            "mj-table": tuple(composite),
            "mj-button": (("button", self._button),),
            "mj-image": (("image", self._image),),
            "mj-divider": (("divider", self._divider),),
            "mj-spacer": (("spacer", self._spacer),),
            "mj-social": (("social", self._social),),
            "mj-navbar": (("menu", self._menu),),
        }.get(el.tag) or ()
        if not builders:
            return [], {
                "mj-table": "a table is kept as written (its attributes included)",
                "mj-raw": "raw HTML is kept as written",
            }.get(el.tag, f"<{el.tag}> is kept as written")
        out, reasons = [], []
        for block_type, build in builders:
            try:
                props = build(el)
                if block_type in MARKERS:
                    self.renders_as(block_type, props, [el])
                elif self.native:
                    props = self.native_props(block_type, props)
            except _NoMap as e:
                reasons.append(f"a {REGISTRY[block_type].label} block cannot hold it ({e})")
                continue
            try:
                props = self._validated(block_type, props)
            except _NoMap as e:
                reasons.append(f"a {REGISTRY[block_type].label} block cannot hold it ({e})")
                continue
            out.append(BlockPlan(el, block_type, props))
        return out, (reasons[0] if composite and reasons else reasons[-1] if reasons else "")

    def _validated(self, block_type: str, props: dict[str, Any]) -> dict[str, Any]:
        """The props as stored (overrides only), valid for the block's model, or NoMap."""
        props = self._minimal(REGISTRY[block_type].fields, props)
        try:
            BLOCK_MODELS[block_type].model_validate({"id": "v", "type": block_type, "props": props})
        except ValidationError as e:
            raise _NoMap(props_problem(e)) from None
        return props

    def _inner(self, el: El) -> str:
        return self.t.text[el.open_end : el.close_start]

    def _plain_inner(self, el: El) -> str:
        inner = self._inner(el)
        if "<" in inner:
            raise _NoMap("markup inside")
        return " ".join(self.t.plain(htmllib.unescape(inner)).split())

    def _no_classes(self, el: El, allowed: tuple[str, ...] = ()) -> None:
        for cls in (self.cascade.value(el, "css-class") or "").split():
            if cls not in allowed:
                raise _NoMap(f"css-class {cls!r}")

    def _css_class(self, el: El, marker: str) -> str:
        """The element's css-class for a block's `css_class` field (the block adds its marker).

        Mailwright's own MJML keeps today's rule: only its marker (a class there is a
        composite block's, read by _native.py)."""
        classes = [c for c in (self.cascade.value(el, "css-class") or "").split() if c != marker]
        if self.native and classes:
            raise _NoMap(f"css-class {classes[0]!r}")
        if any(c.startswith("mw-") for c in classes):
            raise _NoMap(f"css-class {next(c for c in classes if c.startswith('mw-'))!r}")
        return " ".join(classes)

    def _padding(
        self, el: El, props: dict[str, Any], prefix: str = "padding", name: str = "padding", limit: float = 120
    ) -> None:
        """`{prefix}_y`/`_x` from the element's padding, and a side's own value where it differs."""
        t, r, b, l = self.cascade.sides(el, name)
        if not all(0 <= v <= limit for v in (t, r, b, l)):
            raise _NoMap(f"{name} {t:g} {r:g} {b:g} {l:g}")
        if self.native and (t != b or l != r):
            raise _NoMap(f"{name} {t:g} {r:g} {b:g} {l:g}")
        props[f"{prefix}_y"], props[f"{prefix}_x"] = _num(t), _num(r)
        if b != t:
            props[f"{prefix}_bottom"] = _num(b)
        if l != r:
            props[f"{prefix}_left"] = _num(l)

    def _own(self, el: El, name: str) -> str | None:
        """An attribute the element sets itself or through its mj-class (what a block must
        write); mj-attributes and MJML's defaults apply to the block's element as they did."""
        own = el.get(name)
        if own is not None:
            return own
        for cls in reversed((el.get("mj-class") or "").split()):
            if name in self.cascade.classes.get(cls, {}):
                return self.cascade.classes[cls][name]
        return None

    @staticmethod
    def _font(value: str) -> str:
        """A font-family as a block's `font_family` holds it: names unquoted (the block quotes
        names with spaces when it writes them)."""
        font = _font_list(value)
        if not font or len(font) > 300:
            raise _NoMap(f"font-family {value!r}")
        return font

    def _text_style(self, el: El) -> dict[str, Any]:
        """The text styling fields shared by Text and Heading (blocks/base.py TEXT_STYLE_FIELDS)."""
        from ...blocks.base import FONT_WEIGHTS

        props: dict[str, Any] = {}
        font = self._own(el, "font-family")
        if font is not None:
            props["font_family"] = self._font(font)
        choices = {
            "font-weight": ("font_weight", FONT_WEIGHTS[1:]),
            "font-style": ("font_style", ("normal", "italic")),
            "text-transform": ("text_transform", ("none", "uppercase", "lowercase", "capitalize")),
            "text-decoration": ("text_decoration", ("none", "underline", "line-through")),
        }
        for attr, (name, allowed) in choices.items():
            value = self._own(el, attr)
            if value is not None:
                props[name] = _choice(value.strip(), allowed)
        spacing = self._own(el, "letter-spacing")
        if spacing is not None:
            m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)(?:px)?\s*", spacing)
            if not m or not -10 <= float(m.group(1)) <= 50:
                raise _NoMap(f"letter-spacing {spacing!r}")
            props["letter_spacing"] = _num(float(m.group(1)))
        background = self.cascade.value(el, "container-background-color")
        if background:
            props["background_color"] = _color(background)
        return props

    def _line_height(self, el: El, props: dict[str, Any]) -> None:
        lh = (self.cascade.value(el, "line-height") or "").strip()
        name, value = line_height(lh, ("line_height_px", "line_height_percent", "line_height"))
        props[name] = value

    def _text_common(self, el: El, aligns: tuple[str, ...], marker: str) -> dict[str, Any]:
        c = self.cascade
        props = {
            "align": _choice(c.value(el, "align"), aligns),
            "color": _color(c.value(el, "color")),
            "css_class": self._css_class(el, marker),
        }
        self._padding(el, props)
        if not self.native:
            props.update(self._text_style(el))
        return props

    def _heading(self, el: El) -> dict[str, Any]:
        levels = "h[1-6]" if not self.native else "h[123]"
        m = re.fullmatch(rf"\s*<({levels})(?:\s+style=\"([^\"]*)\")?\s*>([^<]*)</\1>\s*", self._inner(el))
        if not m:
            raise _NoMap("not a single h1–h6 heading")
        props = self._text_common(el, ("left", "center", "right"), "mw-heading")
        props.update(
            level=m.group(1),
            text=" ".join(self.t.plain(htmllib.unescape(m.group(3))).split()),
            font_size=_px_int(self.cascade.value(el, "font-size"), 10, 96),
        )
        if not self.native:
            # The heading tag keeps the CSS it was written with (none: the browser's heading look).
            props.update(theme_style=False, tag_style=htmllib.unescape(m.group(2) or ""))
            written = self._own(el, "line-height")
            if written is not None:
                name, value = line_height(written, ("line_height_px", "line_height_percent"))
                props[name] = value
        return props

    def _text(self, el: El) -> dict[str, Any]:
        props = self._text_common(el, ("left", "center", "right", "justify"), "mw-text")
        self._line_height(el, props)
        if self.native and ("line_height_px" in props or "line_height_percent" in props):
            raise _NoMap(f"line-height {self.cascade.value(el, 'line-height')!r}")
        props.update(
            html=self.t.span(el.open_end, el.close_start), font_size=_px_int(self.cascade.value(el, "font-size"), 8, 48)
        )
        return props

    def _text_as_written(self, el: El) -> dict[str, Any]:
        """A Text block keeping its paragraphs' own margins and styles (the second try)."""
        return {**self._text(el), "markup_as_written": True}

    def _button(self, el: El) -> dict[str, Any]:
        c = self.cascade
        props: dict[str, Any] = {"css_class": self._css_class(el, "mw-button")}
        width = (c.value(el, "width") or "").strip()
        if width not in ("", "100%"):
            props["width"] = _px_int(width, 20, 1200)
        self._padding(el, props)
        self._padding(el, props, "inner_padding", "inner-padding")
        border = (c.value(el, "border") or "").strip()
        if border and border not in ("none", "0", "0px"):
            m = re.fullmatch(r"(\d+)px\s+(solid|dashed|dotted)\s+(#[0-9a-fA-F]{3,6})", border)
            if not m:
                raise _NoMap(f"border {border!r}")
            props.update(border_width=int(m.group(1)), border_style=m.group(2), border_color=_color(m.group(3)))
        if not self.native:
            font = self._own(el, "font-family")
            if font is not None:
                props["font_family"] = self._font(font)
            weight = c.value(el, "font-weight")
            if weight is not None and weight != self.theme.button.get("font_weight"):
                props["font_weight"] = _choice(
                    weight.strip(), ("normal", "bold", "100", "200", "300", "400", "500", "600", "700", "800", "900")
                )
            written = self._own(el, "line-height")
            if written is not None:
                name, value = line_height(written, ("line_height_percent", "line_height"))
                props[name] = value
        props.update(
            {
                "label": self.label_of(self._inner(el)),
                "href": self.t.plain(c.value(el, "href") or ""),
                "align": _choice(c.value(el, "align"), ("left", "center", "right")),
                "background_color": _color(c.value(el, "background-color")),
                "text_color": _color(c.value(el, "color")),
                "border_radius": _px_num(c.value(el, "border-radius"), 0, 60),
                "font_size": _px_int(c.value(el, "font-size"), 10, 40),
                "full_width": width == "100%",
            }
        )
        return props

    def _image(self, el: El) -> dict[str, Any]:
        c = self.cascade
        src = c.value(el, "src")
        if not src:
            raise _NoMap("no src")
        props: dict[str, Any] = {"css_class": self._css_class(el, "mw-image")}
        self._padding(el, props)
        width = c.value(el, "width")
        radius = c.value(el, "border-radius")
        height = (c.value(el, "height") or "auto").strip()
        if height != "auto":
            props["height"] = _px_int(height, 1, 2000)
        background = c.value(el, "container-background-color")
        if background:
            props["background_color"] = _color(background)
        props.update(
            {
                "src": self.t.plain(src),
                "alt": self.t.plain(c.value(el, "alt") or ""),
                "href": self.t.plain(c.value(el, "href") or ""),
                "width": _px_int(width, 16, 1200) if width else None,
                "align": _choice(c.value(el, "align"), ("left", "center", "right")),
                "border_radius": _px_num(radius, 0, 200) if radius else 0,
                "fluid_on_mobile": c.value(el, "fluid-on-mobile") == "true",
            }
        )
        return props

    def _divider(self, el: El) -> dict[str, Any]:
        c = self.cascade
        props: dict[str, Any] = {"css_class": self._css_class(el, "mw-divider")}
        width = (c.value(el, "width") or "").strip()
        if re.fullmatch(r"\d+%", width) and 5 <= int(width[:-1]) <= 100:
            props["width"] = int(width[:-1])
        elif re.fullmatch(r"\d+px", width) and not self.native:
            props["width_px"] = _px_int(width, 1, 1200)
        else:
            raise _NoMap(f"width {width!r}")
        self._padding(el, props)
        props.update(
            {
                "color": _color(c.value(el, "border-color")),
                "thickness": _px_int(c.value(el, "border-width"), 1, 20),
                "style": _choice(c.value(el, "border-style"), ("solid", "dashed", "dotted")),
                "align": _choice(c.value(el, "align"), ("left", "center", "right")),
            }
        )
        return props

    def _spacer(self, el: El) -> dict[str, Any]:
        self._no_classes(el, ("mw-spacer",))
        return {"height": _px_int(self.cascade.value(el, "height"), 1, 400)}

    def _social(self, el: El) -> dict[str, Any]:
        c = self.cascade
        self._no_classes(el, ("mw-social",))
        if c.value(el, "mode") != "horizontal":
            raise _NoMap("vertical mode")
        items, spacing, labels = [], set(), False
        for child in el.children:
            if child.tag != "mj-social-element":
                raise _NoMap(f"<{child.tag}> inside")
            network = (c.value(child, "name") or "custom").removesuffix("-noshare")
            if network not in NETWORKS:
                raise _NoMap(f"network {network!r}")
            label = self._plain_inner(child)
            labels = labels or bool(label)
            t, r, b, l = c.sides(child)
            if (t, b) != (4, 4) or r != l:
                raise _NoMap("icon padding")
            spacing.add(r * 2)
            items.append(
                {
                    "network": network,
                    "url": self.t.plain(c.value(child, "href") or ""),
                    "label": self.t.plain(c.value(child, "alt") or "") or label,
                    "icon": self.t.plain(c.value(child, "src") or ""),
                    "color": _color(c.value(child, "background-color"), optional=True) or "",
                }
            )
        if len(spacing) > 1:
            raise _NoMap("uneven spacing")
        py, px_ = c.symmetric(el, "padding", 120)
        return {
            "items": items,
            "icon_size": _px_int(c.value(el, "icon-size"), 12, 64),
            "align": _choice(c.value(el, "align"), ("left", "center", "right")),
            "show_labels": labels,
            "text_color": _color(c.value(el, "color")),
            "spacing": _num(spacing.pop()) if spacing else 6,
            "padding_y": py,
            "padding_x": px_,
        }

    def _menu(self, el: El) -> dict[str, Any]:
        c = self.cascade
        self._no_classes(el, ("mw-menu",))
        items, looks = [], set()
        for child in el.children:
            if child.tag != "mj-navbar-link":
                raise _NoMap(f"<{child.tag}> inside")
            t, r, b, l = c.sides(child)
            if (t, b) != (6, 6) or r != l:
                raise _NoMap("link padding")
            looks.add((c.value(child, "color"), c.value(child, "font-size"), c.value(child, "text-transform"), r))
            items.append({"label": self._plain_inner(child), "url": self.t.plain(c.value(child, "href") or "")})
        if len(looks) != 1:
            raise _NoMap("links styled differently")
        color, size, transform, pad_x = looks.pop()
        t, r, b, l = c.sides(el)
        if t != b or r or l:
            raise _NoMap("menu padding")
        return {
            "items": items,
            "align": _choice(c.value(el, "align"), ("left", "center", "right")),
            "color": _color(color),
            "font_size": _px_int(size, 9, 30),
            "uppercase": transform == "uppercase",
            "hamburger": c.value(el, "hamburger") == "hamburger",
            "link_padding_x": _num(pad_x),
            "padding_y": _num(t),
        }

    def _hero_props(self, el: El) -> dict[str, Any]:
        c = self.cascade
        if c.value(el, "mode") != "fixed-height":
            raise _NoMap("fluid height")
        self._no_classes(el, ("mw-hero", "mw-hide-mobile", "mw-hide-desktop"))
        py, px_ = c.symmetric(el, "padding", 200)
        props: dict[str, Any] = {
            "background_url": self.t.plain(c.value(el, "background-url") or ""),
            "background_color": _color(c.value(el, "background-color")),
            "height": _px_int(c.value(el, "height"), 120, 1200),
            "padding_y": py,
            "padding_x": px_,
            "headline": "",
            "text": "",
            "button_label": "",
        }
        kids = list(el.children)
        if kids and kids[0].tag == "mj-text" and re.fullmatch(r"\s*<h1[^>]*>[^<]*</h1>\s*", self._inner(kids[0])):
            m = re.search(r">([^<]*)<", self._inner(kids[0]))
            assert m is not None  # the fullmatch above saw '<h1…>text</h1>'
            props["headline"] = " ".join(self.t.plain(htmllib.unescape(m.group(1))).split())
            props["text_color"] = _color(c.value(kids[0], "color"))
            props["align"] = _choice(c.value(kids[0], "align"), ("left", "center", "right"))
            kids.pop(0)
        if kids and kids[0].tag == "mj-text":
            inner = re.sub(r"<br\s*/?>", "\n", self._inner(kids[0]))
            if "<" in inner:
                raise _NoMap("markup in the hero text")
            props["text"] = self.t.plain(htmllib.unescape(inner)).strip()
            props["text_color"] = _color(c.value(kids[0], "color"))
            kids.pop(0)
        if kids and kids[0].tag == "mj-button":
            props["button_label"] = self.label_of(self._inner(kids[0]))
            props["button_url"] = self.t.plain(c.value(kids[0], "href") or "")
            props["button_color"] = _color(c.value(kids[0], "background-color"))
            props["button_text_color"] = _color(c.value(kids[0], "color"))
            kids.pop(0)
        if kids:
            raise _NoMap(f"<{kids[0].tag}> in the hero")
        return self._minimal(REGISTRY["hero"].fields, props)

    # -- the document ---------------------------------------------------------------------------

    def _assemble(self, plans: list[RowPlan], subject: str, preheader: str, settings: Settings) -> ImportReport:
        from pydantic import ValidationError

        rows: list[dict[str, Any]] = []
        editable: Counter = Counter()
        raw: list[tuple[str, str, str]] = []
        n = {"r": 0, "c": 0, "b": 0}

        def next_id(kind: str) -> str:
            n[kind] += 1
            return f"{kind}{n[kind]}"

        for plan in plans:
            row_id = next_id("r")
            if plan.raw or plan.block is not None:
                col_id, block_id = next_id("c"), next_id("b")
                if plan.raw:
                    end = (plan.last or plan.el).end
                    block = {
                        "id": block_id,
                        "type": "mjml",
                        "props": {"mjml": self.t.span(plan.el.start, end), "fills_row": True},
                    }
                    raw.append((block_id, plan.el.tag, plan.reason))
                else:
                    assert plan.block is not None  # not raw, so a block (the test above)
                    block = self._block_model(plan.block, block_id)
                    editable[plan.block.type] += 1
                rows.append(
                    {
                        "id": row_id,
                        "props": plan.props,
                        "condition": plan.condition,
                        "repeat": plan.repeat,
                        "columns": [{"id": col_id, "width": 100, "blocks": [block]}],
                    }
                )
                continue
            columns = []
            for cp in plan.columns:
                col_id = next_id("c")
                blocks = []
                for bp in cp.blocks:
                    block_id = next_id("b")
                    blocks.append(self._block_model(bp, block_id))
                    if bp.type == "mjml":
                        raw.append((block_id, bp.el.tag, bp.reason))
                    else:
                        editable[bp.type] += 1
                columns.append({"id": col_id, "width": cp.width, "props": cp.props, "blocks": blocks})
            rows.append(
                {
                    "id": row_id,
                    "props": plan.props,
                    "condition": plan.condition,
                    "repeat": plan.repeat,
                    "columns": columns,
                }
            )
        data = {"subject": subject, "preheader": preheader, "settings": settings.model_dump(), "rows": rows}
        try:
            document = Document.model_validate(data)
        except ValidationError as e:  # a size limit the source went over, or a bug of ours
            raise invalid_document(e, data, self.source) from None
        return ImportReport(document, self.source, editable, raw, self.notes)


def import_mjml(text: str, source: str = "<mjml>", base_dir: str | Path | None = None) -> ImportReport:
    """Import MJML source text (merge tags allowed anywhere) as a document, with a report.

    The source must compile: it is built first, so a broken file gets the build's located
    error message rather than a half-import. `base_dir` is the source file's folder: its
    `<mj-include>` partials are read from there (by the build's rules) and become part of the
    document, which has no includes of its own.
    """
    from ..build.pipeline import BuildError, build_mjml_text

    try:
        built = build_mjml_text(text, source=source, base_dir=base_dir)
    except BuildError as e:
        raise ImportFailed(str(e)) from None
    # The build's MJML is the source as the compiler read it: line endings normalised and every
    # partial in place, so the partials are read once and the document holds the whole email;
    # an unknown element the email leaves out (as node's MJML does) is not imported either.
    from ..build.mjml_elements import leave_out_unknown_elements

    report = _Importer(leave_out_unknown_elements(built.mjml)[0], source).run()
    report.notes.extend(built.notes)
    if built.includes:
        partials = built.includes
        which = f"partial {partials[0]} was" if len(partials) == 1 else f"partials {', '.join(partials)} were"
        report.notes.append(f"the mj-include {which} copied into the document (a document holds its whole email)")
    return report


def mjml_to_document(text: str, source: str = "<mjml>") -> Document:
    return import_mjml(text, source).document


def _inline_style(el: El) -> bool:
    return el.tag == "mj-style" and (el.get("inline") or "").lower() == "inline"


def _walk(el: El):
    for child in el.children:
        yield child
        yield from _walk(child)
