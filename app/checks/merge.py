"""merge-syntax and missing-field: the merge tags themselves, and the recipients' data for them.

A merge-syntax error would stop the build, so `collect_merge_errors` reports every bad tag
(each with its node, field, line and column) and returns a copy of the document with the bad
tags neutralised: the other checks still run on everything else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from ...blocks import REGISTRY
from ...blocks.base import Field
from ..document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from ..merge import MergeSyntaxError, parse, parse_expression, parse_repeat
from ..merge.ast import Pos, Ref, iter_refs
from ..build.tokens import TAG_RE
from .context import CheckContext
from .model import Finding, Severity, capped_list, plural

if TYPE_CHECKING:  # a pydantic document or the plain reader's light one
    from ..document.model import Document

PLACEHOLDER = '<< "" >>'  # a valid tag that renders nothing: stands in for a bad one
MAX_PER_FIELD = 5
_MARKUP_KINDS = ("richtext", "code")
_HINT = "fix the tag; until it is fixed the email cannot be personalised or exported"


def _offset(text: str, pos: Pos) -> int | None:
    if pos.line <= 0:
        return None
    lines = text.split("\n")
    if pos.line > len(lines):
        return None
    return sum(len(line) + 1 for line in lines[: pos.line - 1]) + max(pos.col - 1, 0)


def _neutralise(text: str, pos: Pos) -> str | None:
    """The text with the tag at `pos` replaced by PLACEHOLDER (or a stray `<<`/`<%` escaped)."""
    offset = _offset(text, pos)
    if offset is None:
        return None
    for m in TAG_RE.finditer(text):
        if m.start() <= offset < m.end():
            return text[: m.start()] + PLACEHOLDER + text[m.end() :]
    if text.startswith("<<", offset):
        return text[:offset] + "\\" + text[offset:]
    if text.startswith("<%", offset):
        return text[:offset] + "< %" + text[offset + 2 :]
    return None


def _strip_tags(text: str) -> str:
    return re.sub(r"<<|<%|%>|>>", " ", TAG_RE.sub("", text))


class _Collector:
    def __init__(self, source: str) -> None:
        self.source = source
        self.findings: list[Finding] = []

    def label(self, path: str) -> str:
        return f"{self.source}: {path}" if path else self.source

    def add(self, e: MergeSyntaxError, location: str) -> None:
        where = e.pos.source
        prefix = f"{self.source}: "
        where = where[len(prefix) :] if where.startswith(prefix) else ("" if where == self.source else where)
        place = f"{where}:{e.pos.line}:{e.pos.col}" if e.pos.line else where
        if not where:
            place = f"line {e.pos.line}, column {e.pos.col}" if e.pos.line else ""
        self.findings.append(
            Finding("error", "merge-syntax", f"{place}: {e.reason}" if place else e.reason, location, _HINT)
        )

    def text(self, value: str, path: str, location: str, *, scope: tuple[str, ...] = (), markup: bool = False) -> str:
        """`value` unchanged when its tags parse; else every error recorded and a cleaned copy."""
        for attempt in range(50):
            try:
                parse(value, self.label(path), scope=scope, markup=markup)
                return value
            except MergeSyntaxError as e:
                if attempt < MAX_PER_FIELD:
                    self.add(e, location)
                fixed = _neutralise(value, e.pos)
                if fixed is None or fixed == value:
                    break
                value = fixed
        return _strip_tags(value)

    def expression(self, value: str | None, path: str, location: str, parser: Callable, scope: tuple[str, ...]) -> Any:
        if not value:
            return value, None
        try:
            return value, parser(value, self.label(path), scope=scope)
        except MergeSyntaxError as e:
            self.add(e, location)
            return None, None


def _fix_value(c: _Collector, value: Any, f: Field, path: str, location: str, scope: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return c.text(value, path, location, scope=scope, markup=f.kind in _MARKUP_KINDS)
    if f.kind == "items" and isinstance(value, list):
        for i, item in enumerate(value):
            for sub in f.item_fields:
                current = item.get(sub.name) if isinstance(item, dict) else getattr(item, sub.name, None)
                new = _fix_value(c, current, sub, f"{path}[{i}].{sub.name}", location, scope)
                if new is not current:
                    if isinstance(item, dict):
                        item[sub.name] = new
                    else:
                        setattr(item, sub.name, new)
    return value


def _fix_props(c: _Collector, props: Any, fields: tuple[Field, ...], node_id: str, scope: tuple[str, ...]) -> None:
    for f in fields:
        current = getattr(props, f.name, None)
        new = _fix_value(c, current, f, f"{node_id}.props.{f.name}", node_id, scope)
        if new is not current:
            setattr(props, f.name, new)


def _loop_var(repeat: str) -> str | None:
    m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s+in\b", repeat or "")
    return m.group(1) if m else None


def collect_merge_errors(doc: Document, source: str = "<document>") -> tuple[list[Finding], Document]:
    """Every merge-language error of a document, and a copy with the bad tags made harmless."""
    c = _Collector(source)
    fixed = doc.model_copy(deep=True)
    fixed.subject = c.text(fixed.subject, "subject", "subject")
    fixed.preheader = c.text(fixed.preheader, "preheader", "preheader")
    for row in fixed.rows:
        scope: tuple[str, ...] = ()
        row.condition, _ = c.expression(row.condition, f"{row.id}.condition", row.id, parse_expression, ())
        repeat, parsed = c.expression(row.repeat, f"{row.id}.repeat", row.id, parse_repeat, ())
        if row.repeat:
            var = parsed[0] if parsed else _loop_var(row.repeat)
            scope += (var,) if var else ()
            row.repeat = repeat
        _fix_props(c, row.props, ROW_FIELDS, row.id, scope)
        for column in row.columns:
            _fix_props(c, column.props, COLUMN_FIELDS, column.id, scope)
            for block in column.blocks:
                block_scope = scope
                block.condition, _ = c.expression(
                    block.condition, f"{block.id}.condition", block.id, parse_expression, scope
                )
                repeat, parsed = c.expression(block.repeat, f"{block.id}.repeat", block.id, parse_repeat, scope)
                if block.repeat:
                    var = parsed[0] if parsed else _loop_var(block.repeat)
                    block_scope += (var,) if var else ()
                    block.repeat = repeat
                if block.type == "line_items":
                    block_scope += (getattr(block.props, "item_name", None) or "item",)
                _fix_props(c, block.props, REGISTRY[block.type].fields, block.id, block_scope)
    return c.findings, fixed


def collect_mjml_errors(text: str, source: str = "<mjml>") -> tuple[list[Finding], str]:
    """The merge-language errors of an MJML source (location "html"), and a cleaned copy."""
    c = _Collector(source)
    cleaned = c.text(text, "", "html", markup=True)
    return c.findings, cleaned


# --- missing-field ---------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:
    """Empty strings become absent values, so "empty without a default" counts as missing.

    Recursive: the recipients loader refuses values nested over MAX_VALUE_DEPTH (32) levels."""
    if isinstance(value, dict):
        return {k: _blank_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_none(v) for v in value]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _location(pos: Pos, ctx: CheckContext) -> str:
    prefix = f"{ctx.result.source}: "
    where = pos.source[len(prefix) :] if pos.source.startswith(prefix) else ""
    head = where.split(".", 1)[0]
    if head in ("subject", "preheader"):
        return head
    if head in ctx.order:
        return head
    return "html"


def _field_locations(ctx: CheckContext, trees: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Where each field is first used: by its full name, and for loop items by their path."""
    by_name: dict[str, str] = {}
    by_item: dict[str, str] = {}
    for part in (trees.subject, trees.preheader, trees.html, trees.text):
        for ref in iter_refs(part):
            assert isinstance(ref, Ref)
            where = _location(ref.pos, ctx)
            if ref.ns in ("data", "var", "link"):
                by_name.setdefault(ref.name, where)
            else:
                by_item.setdefault(".".join(ref.path), where)
    return by_name, by_item


def _iterables(nodes: Any) -> set[str]:
    """Names of the lists that loops run over (a default makes no sense for those)."""
    from ..merge.ast import For, If

    out: set[str] = set()
    for node in nodes:
        if isinstance(node, For):
            out.add(node.iterable.name)
            out |= _iterables(node.body)
        elif isinstance(node, If):
            for _, body in node.branches:
                out |= _iterables(body)
            if node.else_body:
                out |= _iterables(node.else_body)
    return out


def check_missing_fields(ctx: CheckContext) -> list[Finding]:
    recipients = ctx.recipients
    if recipients is None or ctx.result.tokens is None or not len(recipients.rows):
        return []
    from ..build.personalise import CompiledEmail, email_trees
    from ..build.pipeline import BuildError
    from ..progress import counted

    try:
        email = CompiledEmail(ctx.result)
        trees = email_trees(ctx.result)
    except BuildError:
        return []  # merge-syntax reports it
    missing: dict[str, list[int]] = {}
    failed: list[tuple[int, str]] = []
    for n, row in counted(recipients.rows, "checking recipients"):
        try:
            rendered = email.render(_blank_to_none(row))
        except BuildError as e:
            failed.append((n, str(e)))
            continue
        for name in rendered.missing:
            missing.setdefault(name, []).append(n)
    by_name, by_item = _field_locations(ctx, trees)
    lists = _iterables(trees.html) | _iterables(trees.text)
    total = len(recipients.rows)
    out = []
    for name, rows in missing.items():
        where = by_name.get(name)
        if where is None and "[]" in name:
            where = by_item.get(name.split("[]", 1)[1].lstrip("."), None)
        shown = name.replace("[]", "[…]")
        if "[]" in name:
            hint = "fill the field in every item of the list, or add a default to the tag"
        elif name in lists:
            hint = "give every recipient the list (an empty list shows no rows), or put the block in a condition"
        else:
            hint = f'add a default, e.g. << {name} | default("…") >>, or fill the field in the data'

        if name.startswith("var:"):
            out.append(
                Finding(
                    "error",
                    "missing-field",
                    f"{name} has no value and no default",
                    where or "html",
                    "set it in the document's variables, or add a default",
                )
            )
            continue
        if len(rows) == total:
            who = "every recipient" if total > 1 else "the recipient"
            severity: Severity = "error"
        else:
            who = f"{plural(len(rows), 'recipient')} ({capped_list(rows, 3, noun='row' if len(rows) == 1 else 'rows')})"
            severity = "warning"
        out.append(
            Finding(
                severity,
                "missing-field",
                f"{shown} is used without a default but is missing or empty for {who} in {recipients.source}",
                where or "html",
                hint,
            )
        )
    for n, message in failed[:3]:
        out.append(
            Finding(
                "warning",
                "missing-field",
                f"row {n} could not be personalised: {message}",
                "html",
                "check the data of that row",
            )
        )
    return out
