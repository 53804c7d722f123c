"""Compile once, render per recipient; and export the same email in an ESP's own syntax.

Both start from a BuildResult: the final HTML and text with merge tags still as tokens, so
MJML and inlining run once per edit, never once per recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..merge import CompiledTemplate, MergeSyntaxError, RenderError, parse, parse_segments, recipient_runtime
from ..merge.ast import Node
from ..merge.dialects import ExportContext, ExportError, get_dialect
from ..merge.dialects.base import Part
from ..merge.dialects.refusals import all_refusals, listed
from ..merge.semantics import MAILWRIGHT, Rules
from .pipeline import BuildError, BuildResult


@dataclass(frozen=True)
class PersonalEmail:
    """One recipient's email."""

    html: str
    text: str
    subject: str
    preheader: str
    missing: tuple[str, ...]  # fields used without a default that this recipient lacks
    defaulted: tuple[str, ...]  # absent fields covered by a default (or only tested)


@dataclass(frozen=True)
class EmailTrees:
    """The parsed merge tags of every part of a built email."""

    html: tuple[Node, ...]
    text: tuple[Node, ...]
    subject: tuple[Node, ...]
    preheader: tuple[Node, ...]


def email_trees(result: BuildResult) -> EmailTrees:
    """Parse the tags of a built email's parts (HTML, text, subject, preheader)."""
    if result.tokens is None:
        raise ValueError("this build result carries no merge-tag table")
    try:
        return EmailTrees(
            html=parse_segments(result.tokens.segments(result.html_tokens), source=result.source),
            text=parse_segments(result.tokens.segments(result.text_tokens, markup=False), source=result.source),
            subject=parse(result.subject, f"{result.source}: subject"),
            preheader=parse(result.preheader, f"{result.source}: preheader"),
        )
    except MergeSyntaxError as e:
        raise BuildError(str(e)) from None


class CompiledEmail:
    """A built email compiled to templates once; `render` personalises it for one recipient."""

    def __init__(self, result: BuildResult) -> None:
        trees = email_trees(result)
        self.variables: dict[str, Any] = dict(result.variables)
        self._html = CompiledTemplate(trees.html, "html")
        self._text = CompiledTemplate(trees.text, "text")
        self._subject = CompiledTemplate(trees.subject, "header")
        self._preheader = CompiledTemplate(trees.preheader, "header")

    def render(
        self,
        recipient: dict[str, Any] | None = None,
        *,
        links: dict[str, str] | None = None,
        mark_missing: bool = False,
        esp: str | None = None,
    ) -> PersonalEmail:
        """The email for one recipient. `mark_missing` highlights absent fields (previews only).
        `esp`: render as that ESP's engine reads values where it differs (docs/merge-semantics.md)."""
        # One runtime for the four parts: it collects the missing and defaulted fields in part
        # order. Only the HTML part can mark a missing field (the runtime marks in HTML only).
        runtime = recipient_runtime(recipient, self.variables, links, mark_missing, esp_rules(esp))
        try:
            subject = self._subject.run(runtime)
            preheader = self._preheader.run(runtime)
            html = self._html.run(runtime)
            text = tidy_text(self._text.run(runtime))
        except RenderError as e:
            raise BuildError(str(e)) from None
        return PersonalEmail(html, text, subject, preheader, *runtime.report())


def esp_rules(esp: str | None) -> Rules:
    """How the ESP's engine reads values (Mailwright's own semantics without an ESP)."""
    if not esp:
        return MAILWRIGHT
    try:
        return get_dialect(esp).rules
    except ValueError as e:
        raise BuildError(str(e)) from None


_TRAILING_BLANKS = re.compile(r"[ \t]+\n")
_BLANK_RUN = re.compile(r"\n{3,}")


def tidy_text(text: str) -> str:
    """The text part once rendered: tags on lines of their own leave blank runs behind, and
    filled-in headings need their underlines fitted. Each pass runs only when it has work."""
    if " \n" in text or "\t\n" in text:
        text = _TRAILING_BLANKS.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    text = text.strip()
    return fit_underlines(text + "\n") if text else ""


_UNDERLINED = re.compile(r"^(?P<title>[^\n]+)\n(?P<rule>={3,}|-{3,})$", re.M)


def _fit(m: re.Match[str]) -> str:
    title = m.group("title")
    if set(title.strip()) <= {"-", "="}:
        return m.group(0)
    return f"{title}\n{m.group('rule')[0] * len(title)}"


def fit_underlines(text: str) -> str:
    """Heading underlines in the text part match the heading once merge tags are filled in."""
    # Every underline starts a line with "===" or "---": the pattern runs only from the heading
    # line before the first such line to the end of the last one (both line boundaries, so `^`
    # and `$` match there as they would in the whole text).
    first = [i for i in (text.find("\n==="), text.find("\n---")) if i >= 0]
    if not first:
        return text
    begin = text.rfind("\n", 0, min(first)) + 1
    end = text.find("\n", max(text.rfind("\n==="), text.rfind("\n---")) + 1)
    end = len(text) if end < 0 else end
    return text[:begin] + _UNDERLINED.sub(_fit, text[begin:end]) + text[end:]


@dataclass(frozen=True)
class EspExport:
    html: str
    text: str
    subject: str
    preheader: str


def export_for_esp(
    result: BuildResult, dialect_name: str, field_map: dict[str, str] | None = None, *, allow_raw_values: bool = False
) -> EspExport:
    """The email with every merge tag written in the ESP's syntax (HTML, text, subject, preheader).
    `allow_raw_values`: for an ESP that does not HTML-escape values (SES), export them anyway."""
    try:
        dialect = get_dialect(dialect_name)
    except ValueError as e:
        raise BuildError(str(e)) from None
    trees = email_trees(result)
    variables = dict(result.variables)
    out = {}
    refused: list[str] = []
    parts: tuple[tuple[str, Any, Part], ...] = (
        ("html", trees.html, "html"),
        ("text", trees.text, "text"),
        ("subject", trees.subject, "header"),
        ("preheader", trees.preheader, "header"),
    )
    for name, tree, part in parts:

        def context(part: Part = part) -> ExportContext:
            return ExportContext(part, dict(field_map or {}), variables, refuse_raw_values=not allow_raw_values)

        ctx = context()
        try:
            out[name] = dialect.finish_part(dialect.export(tree, ctx), ctx)
        except ExportError as e:
            # Every construct the ESP cannot express, not only the first.
            refused += [m for m in all_refusals(dialect, tree, context, e) if m not in refused]
    if refused:
        raise BuildError(listed(refused, result.source))
    return EspExport(out["html"], out["text"], out["subject"], out["preheader"])
