"""Reset to theme: clear the colours set by hand so the theme's apply again (issue 15 item 5).

A theme restyles only what the document does not override (DESIGN.md §2), so after a theme
switch the hand-set colours of the old look stay: dark text on the new dark rows, pale text on a
cream band. `reset_to_theme` clears them for one block, one row (with its columns and blocks) or
the whole email (plus the email's theme overrides) as one undo step; `clash_reset` finds just
the hand-set colours that make text fail WCAG AA contrast under the current theme.

What counts as "set by hand": a solid colour (#rgb / #rrggbb) in a colour field. `transparent`
and "" are layout choices (a band on the page background), and a colour written as a merge tag
comes from data: both stay. In rich text, the `color` of inline styles (`<span
style="color:#7c2d12">`, a link's own colour, `<font color>`) counts as set by hand; highlights
(`background-color`) and every other style stay. Font sizes stay (they are the layout's
hierarchy, not the theme's look).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ...blocks.base import Field
from ...themes import OVERRIDES
from ..checks.contrast import contrast_problems
from ..checks.wcag import HEX_COLOR
from .commands import Batch, Command, CommandError, SetDocField, SetProp, locate
from .model import BlockBase, Column, Document, Row
from .layout_fields import COLUMN_FIELDS, ROW_FIELDS

# Email settings that override the theme's look (colours and typefaces; see themes.OVERRIDES).
SETTINGS_STYLE = tuple(OVERRIDES)

Prop = tuple[str, str]  # (node id, prop name); node id "settings" for the email's overrides


def _is_solid(value: object) -> bool:
    return isinstance(value, str) and bool(HEX_COLOR.match(value))


_STYLE_ATTR = re.compile(r"""(\sstyle\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
# `color: …` as a whole declaration (not `background-color`), unless it is a merge tag.
_COLOR_DECL = re.compile(r"(?:(?<=^)|(?<=;))\s*color\s*:(?:(?!<<)[^;])*(?:;|$)", re.I)
_FONT_COLOR = re.compile(r"""(<font\b[^>]*?)\s+color\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)


def strip_text_colours(html: str) -> str:
    """Rich text without the text colours of its inline styles and <font color> (the same
    string when it has none)."""
    if "color" not in html.lower():
        return html

    def style(m: re.Match[str]) -> str:
        kept = _COLOR_DECL.sub("", m.group(3)).strip()
        return f"{m.group(1)}{m.group(2)}{kept}{m.group(2)}" if kept else ""

    return _FONT_COLOR.sub(r"\1", _STYLE_ATTR.sub(style, html))


def _fields(node: Row | Column | BlockBase) -> tuple[Field, ...]:
    if isinstance(node, Row):
        return ROW_FIELDS
    if isinstance(node, Column):
        return COLUMN_FIELDS
    return node.spec.fields


def hand_set_colours(node: Row | Column | BlockBase) -> list[Prop]:
    """The node's own colour props set by hand (solid colours only), in field order; a rich
    text field holding inline text colours is listed too."""
    values = node.props.__dict__
    out: list[Prop] = []
    for f in _fields(node):
        value = values.get(f.name)
        if f.kind == "color" and _is_solid(value):
            out.append((node.id, f.name))
        elif f.kind == "richtext" and isinstance(value, str) and strip_text_colours(value) != value:
            out.append((node.id, f.name))
    return out


def _nodes_in(doc: Document, scope: str | None) -> list[Row | Column | BlockBase]:
    if scope is None:
        return list(doc.iter_nodes())
    loc = locate(doc, scope)
    if loc.block is not None:
        return [loc.block]
    if loc.column is not None:
        return [loc.column, *loc.column.blocks]
    nodes: list[Row | Column | BlockBase] = [loc.row]
    for c in loc.row.columns:
        nodes += [c, *c.blocks]
    return nodes


def hand_set_styles(doc: Document, scope: str | None = None) -> list[Prop]:
    """What "Reset to theme" on `scope` (a block, column or row id; None: the whole email) clears."""
    props = [p for node in _nodes_in(doc, scope) for p in hand_set_colours(node)]
    if scope is None:
        settings = doc.settings.__dict__
        props += [("settings", name) for name in SETTINGS_STYLE if settings.get(name) is not None]
    return props


def _clear(doc: Document, node_id: str, name: str, label: str) -> SetDocField | SetProp:
    if node_id == "settings":
        return SetDocField(f"settings.{name}", None, label)
    node = locate(doc, node_id)
    target = node.block or node.column or node.row
    value = target.props.__dict__.get(name)
    if name in {f.name for f in _fields(target) if f.kind == "richtext"} and isinstance(value, str):
        return SetProp(node_id, name, strip_text_colours(value), label, mergeable=False)
    return SetProp(node_id, name, None, label, mergeable=False)


def reset_command(doc: Document, props: Iterable[Prop], label: str) -> Batch | None:
    """One undo step clearing these props (None when there is nothing to clear)."""
    commands: list[Command] = [_clear(doc, node_id, name, label) for node_id, name in props]
    return Batch(commands, label) if commands else None


def scope_label(doc: Document, scope: str | None) -> str:
    if scope is None:
        return "Reset email to theme"
    loc = locate(doc, scope)
    if loc.block is not None:
        return f"Reset {loc.block.spec.label.lower()} to theme"
    return "Reset column to theme" if loc.column is not None else "Reset row to theme"


def reset_to_theme(doc: Document, scope: str | None = None) -> Batch | None:
    """The command "Reset to theme" runs on a block, column or row id, or (None) the whole email;
    None when nothing there is set by hand. Raises CommandError for an unknown id."""
    return reset_command(doc, hand_set_styles(doc, scope), scope_label(doc, scope))


# --- colours that clash with the theme ----------------------------------------------------------


@dataclass(frozen=True)
class ClashFix:
    """What a theme change broke: text below WCAG AA, and the hand-set colours to clear for it."""

    problems: int  # blocks whose text fails contrast now
    props: tuple[Prop, ...]  # the hand-set colours whose reset fixes what it can
    left: int  # blocks still failing after that reset (the theme's own doing)

    @property
    def count(self) -> int:
        return len(self.props)

    def command(self, doc: Document) -> Batch | None:
        n = self.count
        return reset_command(doc, self.props, f"Reset {n} clashing colour{'s' if n != 1 else ''}")


def _behind(doc: Document, block_id: str) -> list[Prop]:
    """The hand-set background actually behind a block: its column's, else its row's."""
    loc = locate(doc, block_id)
    assert loc.column is not None  # a located block is always in its column
    if loc.row.hero is None:
        own = [p for p in hand_set_colours(loc.column) if p[1] == "background_color"]
        if own:
            return own
    return [p for p in hand_set_colours(loc.row) if p[1] == "background_color"]


def clash_fix(doc: Document, max_rounds: int = 6) -> ClashFix:
    """The hand-set colours that make text fail contrast under the document's theme.

    Works on a copy: for each failing block, first its own hand-set colours are cleared, then
    (if it still fails) the hand-set background behind it; repeated, since clearing a band's
    colour can make another block on it fail. The document is not changed.
    """
    failing = contrast_problems(doc)
    first = len(failing)
    if not failing:
        return ClashFix(0, (), 0)  # the usual case: no copy
    work = doc.model_copy(deep=True)
    chosen: list[Prop] = []
    for _ in range(max_rounds):
        if not failing:
            break
        new: list[Prop] = []
        for block_id in failing:
            loc = locate(work, block_id)
            assert loc.block is not None  # the ids come from the contrast check's blocks
            own = hand_set_colours(loc.block)
            new += own if own else _behind(work, block_id)
        new = [p for p in dict.fromkeys(new) if p not in chosen]
        if not new:
            break
        command = reset_command(work, new, "")
        assert command is not None
        command.apply(work)
        chosen += new
        failing = contrast_problems(work)
    if failing:
        # A block the theme itself fails keeps its own colours: resetting them fixes nothing.
        chosen = [p for p in chosen if p[0] not in failing]
        work = doc.model_copy(deep=True)
        command = reset_command(work, chosen, "")
        if command is not None:
            command.apply(work)
        failing = contrast_problems(work)
    return ClashFix(first, tuple(chosen), len(failing))


__all__ = [
    "ClashFix",
    "SETTINGS_STYLE",
    "clash_fix",
    "hand_set_colours",
    "hand_set_styles",
    "reset_command",
    "reset_to_theme",
    "scope_label",
    "strip_text_colours",
    "CommandError",
]
