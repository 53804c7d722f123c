"""Document → MJML (pure and deterministic: the same document gives byte-identical MJML).

Merge tags in any prop become tokens here (app/build/tokens.py); the token table travels with the
MJML so the pipeline can restore them after compiling and inlining.

RenderContext and MjmlOutput are a plain class and a NamedTuple, not dataclasses: `import
dataclasses` cost ~10 ms on every CLI start (issue #16).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ...blocks import REGISTRY
from ...blocks.base import _ATTR_SPECIAL, BlockData, escape_attr, escape_text, font_stack, pad, px, strip_controls
from ...themes import Theme, load_theme
from ..document.plain import resolve_fields
from ..document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from .markup import normalise_raw_html, sanitize_rich_text
from .tokens import TokenTable, choose_prefix

if TYPE_CHECKING:  # the build reads pydantic nodes and plain.py's light ones alike
    from ..document.model import BlockBase, Column, Document, Row

MOBILE_BREAKPOINT = 480  # px, MJML's default


class RenderContext:
    """What block renderers see; one per document render."""

    __slots__ = (
        "theme",
        "tokens",
        "design",
        "column_width",
        "row_classes",
        "node_id",
        "source",
        "needs_inlining",
        "warnings",
    )

    def __init__(
        self,
        theme: Theme,
        tokens: TokenTable,
        design: bool = False,
        column_width: float = 600.0,
        row_classes: tuple[str, ...] = (),
        node_id: str = "",
        source: str = "<document>",
        needs_inlining: bool = False,
        warnings: list[str] | None = None,
    ) -> None:
        self.theme = theme
        self.tokens = tokens
        self.design = design
        self.column_width = column_width
        self.row_classes = row_classes
        self.node_id = node_id
        self.source = source
        self.needs_inlining = needs_inlining
        self.warnings: list[str] = [] if warnings is None else warnings

    def _origin(self):
        from ..merge.ast import Pos

        return Pos(f"{self.source}: {self.node_id}" if self.node_id else self.source, 0, 0)

    # Control characters no email can carry (blocks.base.strip_controls) are left out by the
    # escaping every text and attribute goes through; the methods below strip them too where a
    # string goes on unescaped (to the tag table, the sanitiser's lxml, raw HTML or MJML).
    def protect(self, value: str) -> str:
        value = strip_controls(value)
        if "<" not in value:  # no merge tag (each one, like the escape \<<, holds a "<")
            return value
        return self.tokens.protect(value, origin=self._origin())

    def text(self, value: str) -> str:
        return escape_text(self.protect(value))

    def attrs(self, pairs: dict[str, Any], keep_empty: tuple[str, ...] = ()) -> str:
        """` name="value"` pairs in the given order; None and "" are left out unless kept."""
        out = []
        for key, value in pairs.items():
            if value is None or (value == "" and key not in keep_empty):
                continue
            if value.__class__ is not str:
                value = str(value)
            if "<" in value:
                value = self.protect(value)
            if _ATTR_SPECIAL.search(value):  # escape_attr's own test, without the call per value
                value = escape_attr(value)
            out.append(f' {key}="{value}"')
        return "".join(out)

    def _protect_markup(self, text: str) -> str:
        # Every tag TAG_RE matches (the escape \<< too) holds one of these: most texts have
        # none, and then neither the origin nor the regex pass is needed (same text back).
        if "<<" not in text and "<%" not in text and "<#" not in text:
            return text
        return self.tokens.protect(text, markup=True, origin=self._origin())

    def rich(self, html: str, as_written: bool = False) -> str:
        html = strip_controls(html)
        return sanitize_rich_text(self._protect_markup(html), as_written=as_written)

    def raw_html(self, html: str) -> str:
        html = strip_controls(html)
        if "<style" in html.lower():
            self.needs_inlining = True
        return normalise_raw_html(self._protect_markup(html))

    def raw_mjml(self, mjml: str) -> str:
        mjml = strip_controls(mjml)
        if "<mj-" in mjml:
            from .mjml_elements import leave_out_unknown_elements

            # As an .mjml file builds (and node's MJML): an unknown element in a column is left out.
            mjml = leave_out_unknown_elements(mjml, inside="mj-column")[0]
        if "<style" in mjml.lower() or "inline=" in mjml.lower():
            self.needs_inlining = True
        out = self._protect_markup(mjml)
        if self.design and self.node_id:
            out = _tag_for_canvas(out, f"mw-id-{self.node_id}")
        return out

    def css_class(self, *classes: str) -> str | None:
        """Classes for the current node; in design mode also the node's id for the canvas."""
        names = [c for c in classes if c]
        if self.design and self.node_id:
            names.append(f"mw-id-{self.node_id}")
        return " ".join(names) or None


_MJ_OPEN = re.compile(
    r"<(mj-(?:section|column|text|image|button|divider|spacer|table|social|navbar|hero|wrapper|"
    r"group|accordion|carousel))\b([^>]*?)(/?)>"
)


def _tag_for_canvas(mjml: str, cls: str) -> str:
    """Design mode: give the elements of raw MJML the node's class so the canvas can find them."""

    def add(m: re.Match[str]) -> str:
        name, attrs, close = m.groups()
        found = re.search(r'css-class="([^"]*)"', attrs)
        if found:
            attrs = attrs.replace(found.group(0), f'css-class="{found.group(1)} {cls}"')
        else:
            attrs += f' css-class="{cls}"'
        return f"<{name}{attrs}{close}>"

    return _MJ_OPEN.sub(add, mjml)


def resolved_theme(doc: Document) -> Theme:
    settings = doc.settings.model_dump()
    return load_theme(doc.settings.theme).with_overrides(settings)


def render_block(block: BlockBase, ctx: RenderContext) -> str:
    spec = REGISTRY[block.type]
    data = BlockData(block.id, block.type, resolve_fields(spec.fields, block.props, ctx.theme))
    ctx.node_id = block.id
    return _wrap_logic(block.condition, block.repeat, spec.render(data, ctx), ctx, level="column")


def _wrap_logic(condition: str | None, repeat: str | None, mjml: str, ctx: RenderContext, level: str) -> str:
    """Conditions and repeats as merge-language tags around the node (rendered per recipient)."""
    opening: list[str] = []
    closing: list[str] = []
    if condition:
        opening.append(f"<% if {condition} %>")
        closing.insert(0, "<% endif %>")
    if repeat:
        opening.append(f"<% for {repeat} %>")
        closing.insert(0, "<% endfor %>")
    if not opening:
        return mjml
    before = ctx.text("".join(opening))
    after = ctx.text("".join(closing))
    return f"<mj-raw>{before}</mj-raw>{mjml}<mj-raw>{after}</mj-raw>"


def _column_content_width(row_width: float, column: Column, col_props: dict[str, Any]) -> float:
    return row_width * column.width / 100 - 2 * col_props["padding"] - 2 * col_props["border_width"]


def render_column(column: Column, row_width: float, ctx: RenderContext) -> str:
    p = resolve_fields(COLUMN_FIELDS, column.props, ctx.theme)
    ctx.column_width = _column_content_width(row_width, column, p)
    border = f"{px(p['border_width'])} solid {p['border_color']}" if p["border_width"] and p["border_color"] else None
    ctx.node_id = column.id
    attrs = ctx.attrs(
        {
            "width": f"{column.width:g}%",
            "background-color": p["background_color"] or None,
            "vertical-align": p["vertical_align"],
            "padding": px(p["padding"]) if p["padding"] else None,
            "border-radius": px(p["border_radius"]) if p["border_radius"] else None,
            "border": border,
            "css-class": ctx.css_class("mw-column"),
        }
    )
    blocks = "".join(render_block(b, ctx) for b in column.blocks)
    if not blocks and ctx.design:
        # The canvas needs something to drop onto; exports never carry this.
        blocks = DESIGN_EMPTY_COLUMN
    return f"<mj-column{attrs}>{blocks}</mj-column>"


DESIGN_EMPTY_COLUMN = (
    '<mj-text align="center" color="#6b7280" font-size="13px" padding="24px 12px" css-class="mw-empty">'
    '<div style="border:2px dashed #cbd5e1;border-radius:6px;padding:18px 8px;">Drop a block here</div></mj-text>'
)
DESIGN_EMPTY_DOCUMENT = (
    '<mj-section padding="48px 24px" css-class="mw-empty-doc"><mj-column><mj-text align="center" color="#6b7280" '
    'font-size="15px"><div style="border:2px dashed #cbd5e1;border-radius:8px;padding:48px 16px;">'
    "Drag a layout or a block from the palette to start</div></mj-text></mj-column></mj-section>"
)


def _row_radius(p: dict[str, Any]) -> str | None:
    """The corner radius; the top and bottom corners may have their own."""
    top, bottom = p["radius_top"], p["radius_bottom"]
    if top is None and bottom is None:
        return px(p["border_radius"]) if p["border_radius"] else None
    top = p["border_radius"] if top is None else top
    bottom = p["border_radius"] if bottom is None else bottom
    return f"{px(top)} {px(top)} {px(bottom)} {px(bottom)}"


def render_row(row: Row, body_width: int, ctx: RenderContext) -> str:
    p = resolve_fields(ROW_FIELDS, row.props, ctx.theme)
    classes = tuple(
        c for c, on in (("mw-hide-mobile", p["hide_on_mobile"]), ("mw-hide-desktop", p["hide_on_desktop"])) if on
    )
    hero = row.hero
    if hero is not None:
        ctx.row_classes = classes
        ctx.column_width = body_width
        out = render_block(hero, ctx)
        ctx.row_classes = ()
        return _wrap_logic(row.condition, row.repeat, out, ctx, level="body")
    row_width = body_width - 2 * p["padding_x"]
    columns = list(row.columns)
    # Reverse stacking: columns written in reverse with direction rtl look the same on
    # desktop, and stack in the reversed order on mobile.
    reverse = p["reverse_on_mobile"] and len(columns) > 1
    if reverse:
        columns.reverse()
    inner = "".join(render_column(c, row_width, ctx) for c in columns)
    if not p["stack_on_mobile"] and len(columns) > 1:
        inner = f"<mj-group{ctx.attrs({'direction': 'rtl' if reverse else None})}>{inner}</mj-group>"
    ctx.node_id = row.id
    background = p["background_color"] or None
    if background == "transparent" and ctx.theme.neutral:
        background = None  # would override a background the source gives by class
    attrs = ctx.attrs(
        {
            "background-color": background,
            "background-url": p["background_image"] or None,
            "background-size": p["background_size"] if p["background_image"] else None,
            "background-repeat": "no-repeat" if p["background_image"] else None,
            "background-position": p["background_position"] if p["background_image"] else None,
            "padding": pad(p["padding_top"], p["padding_x"], p["padding_bottom"], p["padding_x"]),
            "full-width": "full-width" if p["full_width"] else None,
            "border-radius": _row_radius(p),
            **{f"border-{side}": p[f"border_{side}"] or None for side in ("top", "right", "bottom", "left")},
            "text-align": p["text_align"],
            "direction": "rtl" if reverse else None,
            "css-class": ctx.css_class("mw-row", *classes, p["css_class"]),
        }
    )
    return _wrap_logic(row.condition, row.repeat, f"<mj-section{attrs}>{inner}</mj-section>", ctx, level="body")


_HIDE_RULES = (
    ".mw-hide-desktop { display: none; max-height: 0; overflow: hidden; mso-hide: all; } "
    ".mw-hide-desktop-outlook { display: none; mso-hide: all; } "
    f"@media only screen and (max-width: {MOBILE_BREAKPOINT - 1}px) {{ "
    ".mw-hide-mobile { display: none !important; max-height: 0 !important; overflow: hidden !important; } "
    ".mw-hide-desktop { display: block !important; max-height: none !important; overflow: visible !important; } }"
)


def _neutral_head(doc: Document, ctx: RenderContext) -> str:
    """The head under a neutral theme: only what the document itself asks for (subject,
    preheader, a link colour set in the settings, the hide-on-device rules its rows use, its
    head MJML), so an imported email keeps MJML's defaults and its own head's look."""
    rules = []
    if doc.settings.link_color:
        rules.append(f"a {{ color: {ctx.theme.colors['link']}; }} ")
    if any(r.props.hide_on_mobile or r.props.hide_on_desktop for r in doc.rows):
        rules.append(_HIDE_RULES)
    parts = [
        f"<mj-title>{ctx.text(doc.subject)}</mj-title>",
        f"<mj-preview>{ctx.text(doc.preheader)}</mj-preview>" if doc.preheader else "",
        *(f"<mj-font{ctx.attrs({'name': name, 'href': href})} />" for name, href in ctx.theme.web_fonts),
        f"<mj-style>{''.join(rules)}</mj-style>" if rules else "",
        ctx.raw_mjml(doc.settings.head_mjml) if doc.settings.head_mjml else "",
    ]
    return "<mj-head>" + "".join(parts) + "</mj-head>"


def _head(doc: Document, ctx: RenderContext) -> str:
    t = ctx.theme
    if t.neutral:
        return _neutral_head(doc, ctx)
    body_font = font_stack(t.fonts["body"])
    heading_font = font_stack(t.fonts["heading"])
    parts = [
        f"<mj-title>{ctx.text(doc.subject)}</mj-title>",
        f"<mj-preview>{ctx.text(doc.preheader)}</mj-preview>" if doc.preheader else "",
        f'<mj-breakpoint width="{MOBILE_BREAKPOINT}px" />',
    ]
    for name, href in t.web_fonts:
        parts.append(f"<mj-font{ctx.attrs({'name': name, 'href': href})} />")
    a = ctx.attrs
    classes = "".join(
        f"<mj-class{a({'name': f'mw-{lvl}', 'font-family': heading_font, 'font-size': px(t.sizes[lvl]), 'line-height': str(t.sizes['heading_line_height']), 'color': t.colors['heading']})} />"
        for lvl in ("h1", "h2", "h3")
    )
    parts.append(
        "<mj-attributes>"
        f"<mj-all{a({'font-family': body_font})} />"
        f"<mj-section{a({'background-color': t.colors['content'], 'padding': pad(t.spacing['row'], 0)})} />"
        f"<mj-column{a({'padding': '0'})} />"
        f"<mj-text{a({'color': t.colors['text'], 'font-size': px(t.sizes['body']), 'line-height': str(t.sizes['line_height']), 'padding': pad(t.spacing['block_y'], t.spacing['block_x'])})} />"
        f"<mj-button{a({'background-color': t.colors['primary'], 'color': t.colors['on_primary'], 'border-radius': px(t.button['radius']), 'font-size': px(t.button['font_size']), 'font-weight': t.button['font_weight'], 'inner-padding': pad(t.button['padding_y'], t.button['padding_x']), 'padding': pad(t.spacing['block_y'], t.spacing['block_x'])})} />"
        f"<mj-image{a({'padding': pad(t.spacing['block_y'], t.spacing['block_x'])})} />"
        f"<mj-divider{a({'border-color': t.colors['border'], 'border-width': '1px', 'padding': pad(t.spacing['block_y'], t.spacing['block_x'])})} />"
        f"<mj-table{a({'color': t.colors['text'], 'padding': pad(t.spacing['block_y'], t.spacing['block_x'])})} />"
        f"<mj-social-element{a({'color': t.colors['text']})} />"
        f"{classes}"
        "</mj-attributes>"
    )
    parts.append(f"<mj-style>a {{ color: {t.colors['link']}; }} {_HIDE_RULES}</mj-style>")
    if doc.settings.head_mjml:
        parts.append(ctx.raw_mjml(doc.settings.head_mjml))
    return "<mj-head>" + "".join(p for p in parts if p) + "</mj-head>"


class MjmlOutput(NamedTuple):
    mjml: str  # with tokens in place of merge tags (what the compiler gets)
    tokens: TokenTable
    needs_inlining: bool
    inline_css: str  # CSS to inline (document setting), "" when none
    warnings: tuple[str, ...]

    @property
    def source(self) -> str:
        """The MJML with merge tags restored (what `build --mjml` writes); a tag inside an
        attribute is written with `&quot;`/`&amp;` so the file stays well-formed. The CSS to
        inline goes in as `<mj-style inline="inline">`, so the file builds to the same email."""
        mjml = self.mjml
        css = self.inline_css.strip()
        if css:
            css = css.replace("</", "<\\/")  # CSS cannot close the element early
            style = f'<mj-style inline="inline">{css}</mj-style>'
            mjml = mjml.replace("</mj-head>", style + "</mj-head>", 1)
        return self.tokens.restore(mjml)


def document_to_mjml(doc: Document, *, design: bool = False, source: str = "<document>") -> MjmlOutput:
    """The document as MJML. `design=True` adds node-id classes for the editor canvas."""
    out, clean = _render_document(doc, "MWTAG", design=design, source=source)
    if not clean:
        prefix = choose_prefix(doc.model_dump_json(), out.mjml, out.inline_css)
        out, _ = _render_document(doc, prefix, design=design, source=source)
    return out


def _render_document(doc: Document, prefix: str, *, design: bool, source: str) -> tuple[MjmlOutput, bool]:
    """The MJML, and whether the token prefix occurs in it only as tokens.

    The prefix must appear nowhere else, or user text would be read as a tag. Checking the
    output is cheaper than serialising the document to choose a prefix first; the rare
    document that contains the prefix is rendered again with a longer one."""
    theme = resolved_theme(doc)
    tokens = TokenTable(prefix)
    ctx = RenderContext(theme=theme, tokens=tokens, design=design, source=source)
    width = doc.settings.width
    ctx.node_id = ""
    head = _head(doc, ctx)
    rows = "".join(render_row(r, width, ctx) for r in doc.rows)
    if not rows and design:
        rows = DESIGN_EMPTY_DOCUMENT
    body_background: str | None = theme.colors["background"]
    if body_background == "transparent" and theme.neutral:
        body_background = None
    body_attrs = ctx.attrs({"width": px(width), "background-color": body_background})
    root_attrs = ctx.attrs({"lang": doc.settings.lang, "dir": doc.settings.dir})
    mjml = f"<mjml{root_attrs}>{head}<mj-body{body_attrs}>{rows}</mj-body></mjml>\n"
    inline_css = strip_controls(doc.settings.inline_css or "")
    needle = prefix.lower()
    clean = mjml.lower().count(needle) == tokens.emitted and needle not in inline_css.lower()
    return MjmlOutput(
        mjml=mjml,
        tokens=tokens,
        needs_inlining=ctx.needs_inlining or bool(inline_css.strip()),
        inline_css=tokens.protect(inline_css),
        warnings=tuple(ctx.warnings),
    ), clean
