"""data-meaning: recipient values that mean something else than they seem (docs/merge-semantics.md).

With --data: a "no"/"false"/"0" flag tested in a condition (true: it is text), a blank ("   ")
value behind a default (kept: no engine applies the default to spaces), text compared with a
number that is no number ("1,234": the comparison is false). With --esp NAME as well: numbers
stored as text where that ESP compares text with a number as false (Klaviyo, Brevo), and every
row whose email that ESP shows otherwise than Mailwright's own preview (`build --data … --esp`
shows its version).
"""

from __future__ import annotations

from typing import Any, Iterator

from ..merge.ast import BoolOp, Compare, Const, Expr, For, If, Node, Not, Output, Ref
from ..merge.semantics import as_number, is_number
from .context import CheckContext
from .model import Finding, capped_list, plural

FLAG_WORDS = {"no", "false", "0", "off", "n", "none", "null", "nil"}
MAX_SHOWN = 3


def _condition_refs(e: Expr, truth: list[Ref], numbers: list[Ref]) -> None:
    """Fields a condition tests for truth, and fields it compares with a written number."""
    if isinstance(e, Ref):
        truth.append(e)
    elif isinstance(e, Not):
        _condition_refs(e.operand, truth, numbers)
    elif isinstance(e, BoolOp):
        _condition_refs(e.left, truth, numbers)
        _condition_refs(e.right, truth, numbers)
    elif isinstance(e, Compare) and e.op not in ("in", "not in"):
        sides = (e.left, e.right)
        if any(isinstance(s, Const) and is_number(s.value) for s in sides):
            numbers += [s for s in sides if isinstance(s, Ref)]


def _walk(nodes: tuple[Node, ...], truth: list[Ref], numbers: list[Ref], defaulted: list[Ref]) -> None:
    for node in nodes:
        if isinstance(node, If):
            for cond, body in node.branches:
                _condition_refs(cond, truth, numbers)
                _walk(body, truth, numbers, defaulted)
            _walk(node.else_body or (), truth, numbers, defaulted)
        elif isinstance(node, For):
            _walk(node.body, truth, numbers, defaulted)
        elif isinstance(node, Output) and isinstance(node.expr, Ref):
            if node.filters and node.filters[0].name == "default":
                defaulted.append(node.expr)


def _value(row: dict[str, Any], ref: Ref) -> Any:
    value: Any = row
    for seg in ref.path:
        if not isinstance(value, dict) or seg not in value:
            return None
        value = value[seg]
    return value


def _rows(recipients: Any, refs: list[Ref], test) -> Iterator[tuple[str, list[int], str]]:
    """(field name, rows where `test(value)` holds, the first such value) per recipient field."""
    seen: set[str] = set()
    for ref in refs:
        if ref.ns != "data" or ref.name in seen:
            continue
        seen.add(ref.name)
        rows, first = [], None
        for n, row in enumerate(recipients.rows, 1):
            value = _value(row, ref)
            if test(value):
                rows.append(n)
                first = value if first is None else first
        if rows:
            yield ref.name, rows, str(first)


def _who(rows: list[int]) -> str:
    return (
        f"{plural(len(rows), 'recipient')} ({capped_list(rows, MAX_SHOWN, noun='row' if len(rows) == 1 else 'rows')})"
    )


def check_data_meaning(ctx: CheckContext) -> list[Finding]:
    recipients = ctx.recipients
    if recipients is None or ctx.result.tokens is None or not len(recipients.rows):
        return []
    from ..build.personalise import email_trees
    from ..build.pipeline import BuildError

    try:
        trees = email_trees(ctx.result)
    except BuildError:
        return []  # merge-syntax reports it
    truth: list[Ref] = []
    numbers: list[Ref] = []
    defaulted: list[Ref] = []
    for part in (trees.subject, trees.preheader, trees.html, trees.text):
        _walk(part, truth, numbers, defaulted)
    src = recipients.source
    out: list[Finding] = []
    for name, rows, first in _rows(recipients, truth, lambda v: isinstance(v, str) and v.strip().lower() in FLAG_WORDS):
        out.append(
            Finding(
                "warning",
                "data-meaning",
                f'{name} is "{first}" for {_who(rows)} in {src}: a condition on it holds, as in every '
                "ESP (any text but an empty one is true)",
                "html",
                f'leave the cell empty for "no", or compare: <% if {name} == "yes" %>',
            )
        )
    for name, rows, _first in _rows(recipients, defaulted, lambda v: isinstance(v, str) and v and not v.strip()):
        out.append(
            Finding(
                "warning",
                "data-meaning",
                f"{name} is blank (only spaces) for {_who(rows)} in {src}: its default does not apply "
                "to spaces, in the preview or any ESP",
                "html",
                f'empty those cells, or trim first: << {name} | trim | default("…") >>',
            )
        )
    for name, rows, first in _rows(
        recipients, numbers, lambda v: isinstance(v, str) and v.strip() != "" and as_number(v) is None
    ):
        out.append(
            Finding(
                "warning",
                "data-meaning",
                f'{name} is "{first}" for {_who(rows)} in {src}, compared with a number: that is no '
                "number (digits, an optional - and decimal point), so the comparison is false",
                "html",
                "write the number without separators or units, e.g. 1234.5",
            )
        )
    if ctx.esp:
        out += _esp_findings(ctx, numbers)
    return out


def _esp_findings(ctx: CheckContext, numbers: list[Ref]) -> list[Finding]:
    from ..merge.dialects import get_dialect
    from ..build.personalise import CompiledEmail
    from ..build.pipeline import BuildError
    from ..build.plaintext import html_to_text
    from ..progress import counted

    recipients = ctx.recipients
    assert ctx.esp is not None  # called only when an ESP is chosen
    dialect = get_dialect(ctx.esp)
    rules, label = dialect.rules, dialect.label
    out: list[Finding] = []
    if not rules.text_compares_as_number:
        for name, rows, first in _rows(recipients, numbers, lambda v: isinstance(v, str) and as_number(v) is not None):
            out.append(
                Finding(
                    "warning",
                    "data-meaning",
                    f'{name} is the text "{first}" for {_who(rows)} in {ctx.recipients.source}: '
                    f"{label} compares text with a number as false",
                    "html",
                    f"store {name} as a number in {label} (a number field), or compare text: "
                    f'<% if {name} == "{first.strip()}" %>',
                )
            )
    try:
        email = CompiledEmail(ctx.result)
    except BuildError:
        return out
    differ: list[int] = []
    example = ""
    for n, row in counted(recipients.rows, f"reading recipients as {label}"):
        try:
            ours, theirs = email.render(row), email.render(row, esp=ctx.esp)
        except BuildError:
            continue
        a = (ours.subject, html_to_text(ours.html), ours.text)
        b = (theirs.subject, html_to_text(theirs.html), theirs.text)
        if a != b:
            differ.append(n)
            if not example:
                example = _first_difference(" ".join(a), " ".join(b), label)
    if differ:
        out.append(
            Finding(
                "warning",
                "data-meaning",
                f"{label} shows {_who(differ)} a different email than Mailwright's own preview"
                + (f" ({example})" if example else ""),
                "html",
                f"see its version with build --data … --esp {dialect.name}; docs/merge-semantics.md "
                f"lists where {label} reads values its own way",
            )
        )
    return out


def _first_difference(ours: str, theirs: str, label: str) -> str:
    """Where two visible texts part, four words of each."""
    a, b = ours.split(), theirs.split()
    for i in range(max(len(a), len(b))):
        if a[i : i + 1] != b[i : i + 1]:
            return f'Mailwright: "{" ".join(a[i : i + 4])}", {label}: "{" ".join(b[i : i + 4])}"'
    return ""
