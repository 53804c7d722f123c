"""The build pipeline (DESIGN.md §4), pure functions from a document or MJML text to email parts.

document ─▶ MJML with merge tags as tokens ─▶ mjml-python ─▶ premailer (only when there is CSS
to inline) ─▶ tokens restored ─▶ final HTML, plus the plain-text alternative.
"""
from __future__ import annotations

import bisect
import html as htmllib
import re
from dataclasses import dataclass
from pathlib import Path

from .document import Document
from .inline import InlineError, inline_css
from .limits import check_markup_limits, check_output_size
from .mjml_render import document_to_mjml
from .plaintext import html_to_text
from .tokens import TAG_RE, TokenError, TokenTable, choose_prefix


class BuildError(ValueError):
    """A build failed for a reason the user can fix; the message names the source and place."""


@dataclass(frozen=True)
class BuildResult:
    html: str
    text: str
    mjml: str        # MJML with merge tags as written (for `build --mjml`)
    subject: str
    preheader: str

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def compile_mjml(mjml: str, *, source: str = "<mjml>") -> str:
    """MJML (merge tags already tokens) → HTML with mjml-python, after the input limits."""
    try:
        check_markup_limits(mjml, source)
    except ValueError as e:
        raise BuildError(str(e)) from None
    from mjml import mjml2html

    try:
        # fonts={}: no implicit Google Fonts <link>/@import (themes declare web fonts).
        html = mjml2html(mjml, fonts={})
    except Exception as e:  # MRML raises ValueError/OSError with its own wording
        raise BuildError(f"{source}: MJML could not be compiled: {e}") from None
    try:
        check_output_size(html, source)
    except ValueError as e:
        raise BuildError(str(e)) from None
    return html


def _finish(html: str, tokens: TokenTable, *, needs_inlining: bool, extra_css: str, source: str) -> tuple[str, str]:
    if needs_inlining:
        try:
            html = inline_css(html, extra_css)
        except InlineError as e:
            raise BuildError(f"{source}: {e}") from None
    text = tokens.restore_plain(html_to_text(html))
    try:
        html = tokens.restore(html)
    except TokenError as e:
        raise BuildError(f"{source}: {e}") from None
    return html, text


def build_document(doc: Document, *, source: str = "<document>", design: bool = False) -> BuildResult:
    """A document → final HTML, text, MJML, subject and preheader (merge tags kept as written)."""
    out = document_to_mjml(doc, design=design)
    html = compile_mjml(out.mjml, source=source)
    html, text = _finish(html, out.tokens, needs_inlining=out.needs_inlining,
                         extra_css=out.inline_css, source=source)
    return BuildResult(html=html, text=text, mjml=out.source, subject=doc.subject, preheader=doc.preheader)


# --- .mjml sources --------------------------------------------------------------------------

_INLINE_STYLE = re.compile(r"<mj-style\b[^>]*\binline\s*=\s*[\"']inline[\"'][^>]*>(.*?)</mj-style>", re.S | re.I)
_TITLE = re.compile(r"<mj-title\b[^>]*>(.*?)</mj-title>", re.S | re.I)
_PREVIEW = re.compile(r"<mj-preview\b[^>]*>(.*?)</mj-preview>", re.S | re.I)
_BARE_LT = re.compile(r"<(?![A-Za-z/!?])")
_VOID = ("br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source")


class _OffsetMap:
    """Maps offsets in tokenized text back to the original source (for error positions)."""

    def __init__(self, original: str, tokens: TokenTable) -> None:
        self.original = original
        self.points: list[tuple[int, int]] = []  # (tokenized offset, original offset) after each tag
        pieces, last, shift = [], 0, 0
        for m in TAG_RE.finditer(original):
            token = tokens.token(htmllib.unescape(m.group(0)))
            pieces.append(original[last:m.start()])
            pieces.append(token)
            shift += len(token) - (m.end() - m.start())
            self.points.append((m.end() + shift, m.end()))
            last = m.end()
        pieces.append(original[last:])
        self.text = "".join(pieces)
        self._keys = [p[0] for p in self.points]

    def original_offset(self, offset: int) -> int:
        i = bisect.bisect_right(self._keys, offset) - 1
        if i < 0:
            return offset
        tok_end, orig_end = self.points[i]
        return orig_end + (offset - tok_end)

    def line_col(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(self.original_offset(offset), len(self.original)))
        line = self.original.count("\n", 0, offset) + 1
        col = offset - (self.original.rfind("\n", 0, offset) + 1) + 1
        return line, col


def _locate_mjml_error(tokenized: str, omap: _OffsetMap, message: str) -> str:
    """Best-effort line/column for an MRML error (it reports none for most)."""
    m = re.search(r"at position (\d+):(\d+)", message)
    if m:
        byte_offset = int(m.group(1))
        char_offset = len(tokenized.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))
        line, col = omap.line_col(char_offset)
        return f"{line}:{col}"
    bare = _BARE_LT.search(tokenized)
    if bare:
        line, col = omap.line_col(bare.start())
        return f"{line}:{col}: a bare '<' (write &lt; for a less-than sign)"
    from lxml import etree

    try:
        etree.fromstring(tokenized.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        err = e.error_log[0] if e.error_log else None
        if err is not None and not any(f"<{v}" in err.message or f" {v} " in err.message for v in _VOID):
            lines = tokenized.split("\n")
            offset = sum(len(l) + 1 for l in lines[: err.line - 1]) + max(err.column - 1, 0)
            line, col = omap.line_col(offset)
            return f"{line}:{col}: {err.message.strip()}"
    return ""


def build_mjml_text(text: str, *, source: str = "<mjml>") -> BuildResult:
    """An MJML source (merge tags allowed anywhere) → final HTML and text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    tokens = TokenTable(choose_prefix(text))
    omap = _OffsetMap(text, tokens)
    tokenized = omap.text
    inline_parts = [m.group(1) for m in _INLINE_STYLE.finditer(tokenized)]
    # mjml-python ignores inline="inline"; we take those styles out and inline them ourselves.
    stripped = _INLINE_STYLE.sub("", tokenized)
    try:
        html = compile_mjml(stripped, source=source)
    except BuildError as e:
        where = _locate_mjml_error(tokenized, omap, str(e))
        if where:
            message = str(e).replace(f"{source}:", f"{source}:{where.split(': ')[0]}:", 1)
            hint = where.split(": ", 1)[1] if ": " in where else ""
            raise BuildError(message + (f" ({hint})" if hint else "")) from None
        raise
    needs = bool(inline_parts) or "<style" in stripped[stripped.lower().find("<mj-body"):].lower()
    html, plain = _finish(html, tokens, needs_inlining=needs, extra_css="\n".join(inline_parts), source=source)
    title = _TITLE.search(text)
    preview = _PREVIEW.search(text)
    return BuildResult(
        html=html, text=plain, mjml=text,
        subject=htmllib.unescape(title.group(1).strip()) if title else "",
        preheader=htmllib.unescape(preview.group(1).strip()) if preview else "",
    )


def build_file(path: str | Path) -> BuildResult:
    """Build a `.mwt` document or an `.mjml` file, by extension."""
    from .storage import load_document, read_text_capped

    p = Path(path)
    if p.suffix.lower() == ".mjml":
        return build_mjml_text(read_text_capped(p), source=str(p))
    return build_document(load_document(p), source=str(p))
