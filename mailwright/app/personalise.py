"""Compile once, render per recipient; and export the same email in an ESP's own syntax.

Both start from a BuildResult: the final HTML and text with merge tags still as tokens, so
MJML and inlining run once per edit, never once per recipient.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .merge import CompiledTemplate, MergeSyntaxError, RenderError, parse, parse_segments
from .merge.ast import Node
from .merge.dialects import ExportContext, ExportError, get_dialect
from .pipeline import BuildError, BuildResult


@dataclass(frozen=True)
class PersonalEmail:
    """One recipient's email."""

    html: str
    text: str
    subject: str
    preheader: str
    missing: tuple[str, ...]      # fields used without a default that this recipient lacks
    defaulted: tuple[str, ...]    # absent fields covered by a default (or only tested)


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

    def render(self, recipient: dict[str, Any] | None = None, *, links: dict[str, str] | None = None,
               mark_missing: bool = False) -> PersonalEmail:
        """The email for one recipient. `mark_missing` highlights absent fields (previews only)."""
        data = recipient or {}
        parts = {}
        missing: dict[str, None] = {}
        defaulted: dict[str, None] = {}
        try:
            for name, template in (("subject", self._subject), ("preheader", self._preheader),
                                   ("html", self._html), ("text", self._text)):
                rendered = template.render(data, self.variables, links,
                                           mark_missing=mark_missing and name == "html")
                parts[name] = rendered.text
                missing.update(dict.fromkeys(rendered.missing))
                defaulted.update(dict.fromkeys(rendered.defaulted))
        except RenderError as e:
            raise BuildError(str(e)) from None
        # Tags on lines of their own leave blank runs behind in the text part.
        text = re.sub(r"[ \t]+\n", "\n", parts["text"])
        text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n" if text.strip() else ""
        text = fit_underlines(text)
        return PersonalEmail(parts["html"], text, parts["subject"], parts["preheader"],
                             tuple(missing), tuple(d for d in defaulted if d not in missing))


_UNDERLINED = re.compile(r"^(?P<title>[^\n]+)\n(?P<rule>={3,}|-{3,})$", re.M)


def fit_underlines(text: str) -> str:
    """Heading underlines in the text part match the heading once merge tags are filled in."""
    def fit(m: re.Match[str]) -> str:
        title = m.group("title")
        if set(title.strip()) <= {"-", "="}:
            return m.group(0)
        return f"{title}\n{m.group('rule')[0] * len(title)}"

    return _UNDERLINED.sub(fit, text)


@dataclass(frozen=True)
class EspExport:
    html: str
    text: str
    subject: str
    preheader: str


def export_for_esp(result: BuildResult, dialect_name: str, field_map: dict[str, str] | None = None) -> EspExport:
    """The email with every merge tag written in the ESP's syntax (HTML, text, subject, preheader)."""
    try:
        dialect = get_dialect(dialect_name)
    except ValueError as e:
        raise BuildError(str(e)) from None
    trees = email_trees(result)
    variables = dict(result.variables)
    out = {}
    try:
        for name, tree, part in (("html", trees.html, "html"), ("text", trees.text, "text"),
                                 ("subject", trees.subject, "header"), ("preheader", trees.preheader, "header")):
            out[name] = dialect.export(tree, ExportContext(part, dict(field_map or {}), variables))
    except ExportError as e:
        message = str(e)
        raise BuildError(message if message.startswith(result.source) else f"{result.source}: {message}") from None
    return EspExport(out["html"], out["text"], out["subject"], out["preheader"])
