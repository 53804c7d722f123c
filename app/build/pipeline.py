"""The build pipeline (DESIGN.md §4), pure functions from a document or MJML text to email parts.

document ─▶ MJML with merge tags as tokens ─▶ mjml-python ─▶ premailer (only when there is CSS
to inline) ─▶ tokens restored ─▶ final HTML, plus the plain-text alternative.

BuildResult is a NamedTuple, not a dataclass: `import dataclasses` cost ~10 ms on every CLI start.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .limits import check_markup_limits, check_output_size
from .markup import COMMENT_OR_MJ_TAG
from .mjml_render import document_to_mjml
from ..merge.tags import unescape_tag
from ..textpos import LineCounter
from .tokens import MAX_TAGS, TAG_RE, TokenError, TokenTable, _MarkupScan, choose_prefix
from ..messages import ShortMessage
from ...themes import load_theme

if TYPE_CHECKING:
    from ..document.model import Document
    from .mjml_include import LineMap


class BuildError(ShortMessage, ValueError):
    """A build failed for a reason the user can fix; the message names the source and place."""


class InputLimitError(BuildError):
    """Input refused before compiling (too large or nested too deep); already located."""


class BuildResult(NamedTuple):
    html: str
    text: str
    mjml: str  # MJML with merge tags as written (for `build --mjml`)
    subject: str
    preheader: str
    # The same HTML and text with merge tags still as tokens, and the table to read them:
    # what personalised rendering and ESP export start from (app/build/personalise.py).
    html_tokens: str = ""
    text_tokens: str = ""
    tokens: TokenTable | None = None
    variables: tuple[tuple[str, str], ...] = ()
    source: str = ""
    web_fonts: tuple[str, ...] = ()  # the MJML default families linked (.mjml, or a neutral-theme import)
    includes: tuple[str, ...] = ()  # the mj-include partials read (an .mjml source), as labelled in messages
    notes: tuple[str, ...] = ()  # what the build changed and the author should know ("file:line:col: …")

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def clear_caches() -> None:
    """Forget what earlier builds cached (the benchmark's cold builds; tests)."""
    from . import markup

    markup.clear_cache()


def compile_mjml(mjml: str, *, source: str = "<mjml>") -> str:
    """MJML (merge tags already tokens) → HTML with mjml-python, after the input limits."""
    try:
        check_markup_limits(mjml, source)
    except ValueError as e:
        raise InputLimitError(str(e)) from None
    from mjml import mjml2html

    if "\r" in mjml:  # MRML refuses a CR inside mj-head or mj-navbar (a raw block pasted from Windows)
        mjml = mjml.replace("\r\n", "\n").replace("\r", "\n")
    written = mjml
    mjml = drop_stray_text(drop_wrapper_comments(neutralise_attribute_values(mjml)))
    try:
        # fonts={}: no implicit Google Fonts <link>/@import (themes declare web fonts).
        html = mjml2html(mjml, fonts={})
    except Exception as e:  # MRML raises ValueError/OSError with its own wording
        from .lenient_markup import as_node_reads_it  # only for MJML MRML refused

        escaped = as_node_reads_it(mjml)
        if escaped is None:
            error = e
            if mjml != written:  # the message's byte offsets must point into what the user wrote
                try:
                    mjml2html(written, fonts={})
                except Exception as original:
                    error = original
            raise BuildError(f"{source}: MJML could not be compiled: {error}") from None
        html = escaped
    if "\\" in html and _ESCAPED_BREAK_IN_ATTR.search(html) and not _ESCAPED_BREAK_IN_ATTR.search(mjml):
        # The guard behind neutralise_attribute_values: a browser drops a style written "\n color:…".
        raise BuildError(
            f"{source}: the compiler wrote a line break inside an attribute as a literal \\n; "
            "write the attribute on one line"
        )
    try:
        check_output_size(html, source)
    except ValueError as e:
        raise BuildError(str(e)) from None
    return html


# A quoted attribute value holding a tab, a line break or a backslash, inside a start tag.
_AWKWARD_CHAR = re.compile(r"[\t\n\\]")
_AWKWARD_ATTR = re.compile(r"""=\s*(?:"[^"<>]*[\t\n\\][^"<>]*"|'[^'<>]*[\t\n\\][^'<>]*')""")
_ESCAPED_BREAK_IN_ATTR = re.compile(r"""=\s*(?:"[^"<>]*\\[nt][^"<>]*"|'[^'<>]*\\[nt][^'<>]*')""")


def neutralise_attribute_values(mjml: str) -> str:
    """Attribute values as MRML can copy them: tabs and line breaks become spaces, and a
    backslash becomes `&#92;`.

    MRML writes attribute values with a debug format: a line break comes out as the two
    characters `\\n`, so `<h1 style="\n color:#fff;\n font-size:55px">` lost both declarations
    in every browser, and every backslash is doubled (`C:\\new` became `C:\\\\new`). A space is
    what a browser makes of a break in a style or class; the entity reads as the backslash."""
    # Only the start tags holding such a character are rewritten: a document's MJML has none (a
    # whole-text pass cost half of MRML's own time on every edit), and text content is left alone.
    if "\t" not in mjml and "\\" not in mjml and mjml.find("\n", 0, len(mjml) - 1) < 0:
        return mjml  # one-character searches: far cheaper than any regex over the whole text
    scan = _MarkupScan(mjml)
    tags: list[tuple[int, int]] = []
    for m in _AWKWARD_CHAR.finditer(mjml):
        at = m.start()
        if (tags and at < tags[-1][1]) or not scan.inside(at):
            continue
        tags.append((mjml.rfind("<", 0, at), mjml.find(">", at) + 1))
    if not tags:
        return mjml

    def fix(m: re.Match[str]) -> str:
        return m.group(0).replace("\n", " ").replace("\t", " ").replace("\\", "&#92;")

    pieces, last = [], 0
    for start, end in tags:
        pieces += [mjml[last:start], _AWKWARD_ATTR.sub(fix, mjml[start:end])]
        last = end
    pieces.append(mjml[last:])
    return "".join(pieces)


def drop_wrapper_comments(mjml: str) -> str:
    """Remove the comments written directly inside an `mj-wrapper`, between its sections.

    MRML puts such a comment inside the Outlook conditional comment it opens there, so the
    comment's `-->` ends it early and every other client shows a stray `<tr><td>` and
    `<![endif]-->` (a 13 px shift). node MJML keeps the comment outside; it never shows, so
    dropping it gives the same email. Conditional comments the author wrote are kept."""
    if "<mj-wrapper" not in mjml or "<!--" not in mjml:
        return mjml
    stack: list[str] = []
    cut: list[tuple[int, int]] = []
    for m in COMMENT_OR_MJ_TAG.finditer(mjml):
        if m.group(2) is None:  # a comment
            if stack and stack[-1] == "mj-wrapper" and not m.group(0).startswith("<!--[if"):
                cut.append(m.span())
        elif m.group(1):  # a closing tag
            if m.group(2) in stack:
                while stack.pop() != m.group(2):
                    pass
        elif not m.group(3):  # an opening tag that is not self-closing
            stack.append(m.group(2))
    return _without(mjml, cut)


def _without(text: str, cut: list[tuple[int, int]]) -> str:
    """The text less these (start, end) spans, given in order."""
    if not cut:
        return text
    pieces, last = [], 0
    for start, end in cut:
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# Elements whose children are only MJML elements: node MJML leaves text written directly in
# them out of the email (a stray character between two columns), mjml-python prints it.
_ELEMENT_ONLY = frozenset({"mj-body", "mj-wrapper", "mj-section", "mj-group"})
_STRAY_TEXT_HINT = re.compile(
    r"(?:<mj-(?:body|section|wrapper|group)\b[^>]*|"
    r"</mj-(?:column|section|group|wrapper)\s*)>\s*[^<\s]"
)


def drop_stray_text(mjml: str) -> str:
    """Leave out text written directly inside mj-body, mj-wrapper, mj-section or mj-group, as
    node MJML does (ticketshop's stray "a" between two columns showed in Mailwright's email)."""
    if not _STRAY_TEXT_HINT.search(mjml):
        return mjml  # a document's MJML never has any: one search, no scan
    stack: list[str] = []
    cut: list[tuple[int, int]] = []
    last_end = 0
    for m in COMMENT_OR_MJ_TAG.finditer(mjml):
        if stack and stack[-1] in _ELEMENT_ONLY and mjml[last_end : m.start()].strip():
            cut.append((last_end, m.start()))
        last_end = m.end()
        if m.group(2) is None:
            continue
        if m.group(1):
            if m.group(2) in stack:
                while stack.pop() != m.group(2):
                    pass
        elif not m.group(3):
            stack.append(m.group(2))  # inside mj-text or mj-raw nothing is cut: the top is theirs
    return _without(mjml, cut)


_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt\s*=)", re.I)


def ensure_alt(html: str) -> str:
    """Give every <img> an alt attribute: MRML drops an empty one, and a screen reader then
    reads the file name aloud (hardening.md §10.1 point 3)."""
    return _IMG_WITHOUT_ALT.sub('<img alt=""', html)


def _check_tag_count(tokens: TokenTable, source: str) -> None:
    """Refuse more different merge tags than tokens can number (they came back as "did not
    survive compilation")."""
    if len(tokens.tags) > MAX_TAGS:
        raise InputLimitError(
            f"{source}: {len(tokens.tags):,} different merge tags is over the limit of "
            f"{MAX_TAGS:,} in one email; use fewer different tags"
        )


def _finish(
    html: str, tokens: TokenTable, *, needs_inlining: bool, extra_css: str, source: str, with_text: bool = True
) -> tuple[str, str, str, str]:
    """Inline when needed, then restore tags: (html, text, html with tokens, text with tokens)."""
    if needs_inlining:
        # Imported only here: the inliner (logging, the CSS pruner, later premailer) is for
        # the few emails with CSS to inline, and a command's start is mostly its imports.
        from .inline import InlineError, inline_css

        try:
            html = inline_css(html, extra_css)
        except InlineError as e:
            raise BuildError(f"{source}: {e}") from None
    html_tokens = ensure_alt(html)
    # The plain-text part is over a third of a build; the canvas never shows it, nor does a
    # `build` without --text (whose start then needs no lxml: ~9 ms).
    text_tokens = ""
    if with_text:
        from .plaintext import html_to_text

        text_tokens = html_to_text(html_tokens)
    try:
        html = tokens.restore(html_tokens)
    except TokenError as e:
        where = e.origin if getattr(e.origin, "line", 0) else source  # a merge Pos, when known
        raise BuildError(f"{where}: {e}") from None
    return html, tokens.restore_plain(text_tokens), html_tokens, text_tokens


def build_document(
    doc: Document, *, source: str = "<document>", design: bool = False, with_text: bool = True, web_fonts: bool = True
) -> BuildResult:
    """A document → final HTML, text, MJML, subject and preheader (merge tags kept as written).

    `with_text=False` skips the plain-text part (the design canvas does not show it). Under the
    neutral theme (an imported MJML email) MJML's default web fonts the email uses are linked as
    node MJML links them for the source, unless `web_fonts` is False."""
    from ..merge import MergeSyntaxError
    from ..merge.validate import validate_document

    try:
        validate_document(doc, source)
    except MergeSyntaxError as e:
        raise BuildError(str(e)) from None
    out = document_to_mjml(doc, design=design, source=source)
    _check_tag_count(out.tokens, source)
    try:
        html = compile_mjml(out.mjml, source=source)
    except InputLimitError:
        raise
    except BuildError as e:
        where = _failing_node(doc, source)
        if where:
            raise BuildError(str(e).replace(f"{source}: ", f"{source}: {where}: ", 1)) from None
        raise
    html, text, html_tokens, text_tokens = _finish(
        html,
        out.tokens,
        needs_inlining=out.needs_inlining,
        extra_css=out.inline_css,
        source=source,
        with_text=with_text,
    )
    fonts: list[str] = []
    if web_fonts and load_theme(doc.settings.theme).neutral:
        from .web_fonts import declared_fonts, fonts_used, link_fonts

        fonts = fonts_used(html_tokens, declared_fonts(out.mjml))
        html, html_tokens = link_fonts(html, fonts), link_fonts(html_tokens, fonts)
    return BuildResult(
        html=html,
        text=text,
        mjml=out.source,
        subject=doc.subject,
        preheader=doc.preheader,
        html_tokens=html_tokens,
        text_tokens=text_tokens,
        tokens=out.tokens,
        variables=tuple(sorted(doc.variables.items())),
        source=source,
        web_fonts=tuple(fonts),
    )


def _failing_node(doc: Document, source: str) -> str:
    """The JSON path of the block (else the row) whose MJML does not compile, for the message.

    MRML gives no position for most errors, and a position in generated MJML means nothing to
    the user; compiling each block alone (only after a failure) finds the one to fix."""

    def fails(rows: list) -> bool:
        try:
            compile_mjml(document_to_mjml(doc.model_copy(update={"rows": rows}), source=source).mjml, source=source)
        except BuildError:
            return True
        return False

    for r, row in enumerate(doc.rows):
        for c, column in enumerate(row.columns):
            for b, block in enumerate(column.blocks):
                alone = row.model_copy(update={"columns": [column.model_copy(update={"blocks": [block]})]})
                if fails([alone]):
                    return f"rows[{r}].columns[{c}].blocks[{b}] (the {block.type} block {block.id!r})"
    for r, row in enumerate(doc.rows):
        if fails([row]):
            return f"rows[{r}] (row {row.id!r})"
    return ""


# --- .mjml sources --------------------------------------------------------------------------

_INLINE_STYLE = re.compile(r"<mj-style\b[^>]*\binline\s*=\s*[\"']inline[\"'][^>]*>(.*?)</mj-style\s*>", re.S | re.I)
_TITLE = re.compile(r"<mj-title\b[^>]*>(.*?)</mj-title>", re.S | re.I)
_PREVIEW = re.compile(r"<mj-preview\b[^>]*>(.*?)</mj-preview>", re.S | re.I)
_VOID = ("br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source")


class _OffsetMap:
    """Maps offsets in tokenized text back to the original source (for error positions)."""

    def __init__(self, original: str, tokens: TokenTable) -> None:
        self.original = original
        self.points: list[tuple[int, int]] = []  # (tokenized offset, original offset) after each tag
        pieces, last, shift = [], 0, 0
        from ..merge.ast import Pos

        lines = LineCounter(original)
        for m in TAG_RE.finditer(original):
            line, col = lines.line_col(m.start())
            token = tokens.token(unescape_tag(m.group(0)), Pos(tokens.source, line, col))
            pieces.append(original[last : m.start()])
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


# Elements node MJML knows that mjml-python (MRML) refuses: say so, and what to write instead.
_UNSUPPORTED_ELEMENTS = {
    "mj-html-attributes": "mj-html-attributes is not supported by mjml-python, the compiler Mailwright "
    "uses: remove it and write those attributes in an mj-raw block instead",
}


def _unexpected_element_hint(span: str, message: str) -> str:
    """What to do about MRML's "unexpected element" (it names neither the element nor the rule)."""
    if "unexpected element" not in message:
        return ""
    name = re.match(r"<?/?([\w-]+)", span.strip())
    if name is None:
        return ""
    element = name.group(1)
    return _UNSUPPORTED_ELEMENTS.get(
        element,
        f"<{element}> is not allowed there: check MJML's nesting rules (mj-section > mj-column > content) or remove it",
    )


def _locate_mjml_error(tokenized: str, omap: _OffsetMap, message: str) -> str:
    """Best-effort line/column for an MRML error (it reports none for most)."""
    m = re.search(r"at position (\d+):(\d+)", message)
    if m:
        byte_offset = int(m.group(1))
        raw = tokenized.encode("utf-8")
        char_offset = len(raw[:byte_offset].decode("utf-8", "ignore"))
        line, col = omap.line_col(char_offset)
        hint = _unexpected_element_hint(raw[byte_offset : int(m.group(2))].decode("utf-8", "ignore"), message)
        from .lenient_markup import root_hint

        hint = root_hint(tokenized, char_offset) or hint
        return f"{line}:{col}" + (f": {hint}" if hint else "")
    from .lenient_markup import BARE_LT

    bare = BARE_LT.search(tokenized)
    if bare:
        line, col = omap.line_col(bare.start())
        return f"{line}:{col}: a bare '<' (write &lt; for a less-than sign)"
    from lxml import etree

    # A fresh parser's own log: `XMLSyntaxError.error_log` also holds errors of earlier parses in
    # this process (libxml2's global log), which named the wrong line and problem in the worker.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        etree.fromstring(tokenized.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        # HTML void elements (<br>, <img>) are fine for MJML but unclosed for XML: skip those.
        void = re.compile(r"tag mismatch: (?:%s) line" % "|".join(_VOID))
        err = next((e for e in parser.error_log if not void.search(e.message)), None)
        if err is not None:
            lines = tokenized.split("\n")
            offset = sum(len(l) + 1 for l in lines[: err.line - 1]) + max(err.column - 1, 0)
            line, col = omap.line_col(offset)
            return f"{line}:{col}: {' '.join(err.message.split())}"
    return ""


def build_mjml_text(
    text: str,
    *,
    source: str = "<mjml>",
    variables: dict[str, str] | None = None,
    base_dir: str | Path | None = None,
    web_fonts: bool = True,
    with_text: bool = True,
) -> BuildResult:
    """An MJML source (merge tags allowed anywhere) → final HTML and text (`with_text=False`:
    no text, as in build_document).

    `base_dir` is the folder of the source file: `<mj-include>` paths are resolved there (and
    must stay inside it); without it an mj-include is refused. `web_fonts`: link MJML's default
    web fonts the email uses, as node MJML does (web_fonts.py)."""
    from .mjml_include import IncludeError, expand_includes

    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # Windows editors save CRLF, and MRML refuses a CR inside mj-head or mj-navbar. Lines and
        # columns in messages stay the user's (a CR only ever ends a line).
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        text, lines = expand_includes(text, source, Path(base_dir) if base_dir is not None else None)
    except IncludeError as e:
        raise BuildError(str(e)) from None
    try:
        result = _build_expanded_mjml(
            text, source=source, variables=variables, web_fonts=web_fonts, with_text=with_text, lines=lines
        )
    except BuildError as e:
        # A position in the expanded text → the file and line where the user wrote it.
        m = re.match(re.escape(source) + r":(\d+):(\d+):", str(e))
        if lines is None or m is None or isinstance(e, InputLimitError):
            raise
        label, line, col = lines.where(int(m.group(1)), int(m.group(2)))

        def named(n: re.Match[str]) -> str:  # the compiler's own "line N" of the expanded text
            other, other_line, _ = lines.where(int(n.group(1)))
            return f"line {other_line}" + ("" if other == label else f" of {other}")

        rest = re.sub(r"\bline (\d+)\b", named, str(e)[m.end() :])
        raise BuildError(f"{label}:{line}:{col}:{rest}") from None
    if lines is not None:
        result = result._replace(includes=tuple(sorted({origin[0] for origin in lines.origins if origin[0] != source})))
    return result


def _written_at(lines: LineMap | None, source: str, line: int, col: int) -> str:
    """ "file:line:col" where the user wrote this place of the expanded text."""
    label, line, col = lines.where(line, col) if lines is not None else (source, line, col)
    return f"{label}:{line}:{col}"


def _build_expanded_mjml(
    text: str,
    *,
    source: str,
    variables: dict[str, str] | None,
    web_fonts: bool,
    with_text: bool = True,
    lines: LineMap | None = None,
) -> BuildResult:
    """`lines`: where the expanded text's lines were written (mj-include), for the notes."""
    from ..merge import MergeSyntaxError, parse
    from .mjml_elements import leave_out_unknown_elements

    written = text
    text, left_out = leave_out_unknown_elements(text)  # as node's MJML does; positions kept
    try:
        parse(text, source, markup=True)  # every tag checked where it was written
    except MergeSyntaxError as e:
        raise BuildError(str(e)) from None
    tokens = TokenTable(choose_prefix(text), source)
    omap = _OffsetMap(text, tokens)
    _check_tag_count(tokens, source)
    tokenized = omap.text
    inline_parts = [m.group(1) for m in _INLINE_STYLE.finditer(tokenized)]
    # mjml-python ignores inline="inline"; we take those styles out and inline them ourselves.
    stripped = _INLINE_STYLE.sub("", tokenized)
    try:
        html = compile_mjml(stripped, source=source)
    except InputLimitError:
        raise
    except BuildError as e:
        where = _locate_mjml_error(tokenized, omap, str(e))
        if where:
            message = str(e).replace(f"{source}:", f"{source}:{where.split(': ')[0]}:", 1)
            hint = where.split(": ", 1)[1] if ": " in where else ""
            raise BuildError(message + (f" ({hint})" if hint else "")) from None
        raise
    body = re.search(r"<mj-body\b", stripped, re.I)
    needs = bool(inline_parts) or bool(body and re.search(r"<style\b", stripped[body.start() :], re.I))
    html, plain, html_tokens, text_tokens = _finish(
        html, tokens, needs_inlining=needs, extra_css="\n".join(inline_parts), source=source, with_text=with_text
    )
    fonts: list[str] = []
    if web_fonts:
        from .web_fonts import declared_fonts, fonts_used, link_fonts

        fonts = fonts_used(html_tokens, declared_fonts(text))
        html, html_tokens = link_fonts(html, fonts), link_fonts(html_tokens, fonts)
    from html import unescape

    title = _TITLE.search(text)
    preview = _PREVIEW.search(text)
    return BuildResult(
        html=html,
        text=plain,
        mjml=written,
        subject=unescape(title.group(1).strip()) if title else "",
        preheader=unescape(preview.group(1).strip()) if preview else "",
        html_tokens=html_tokens,
        text_tokens=text_tokens,
        tokens=tokens,
        variables=tuple(sorted((variables or {}).items())),
        source=source,
        web_fonts=tuple(fonts),
        notes=tuple(
            f"{_written_at(lines, source, at.line, at.col)}: <{at.name}> is not an MJML element; it is left out "
            "of the email, as node's MJML leaves it out (correct the name)"
            for at in left_out
        ),
    )


def build_file(
    path: str | Path, *, variables: dict[str, str] | None = None, web_fonts: bool = True, with_text: bool = True
) -> BuildResult:
    """Build a `.mwt` document or an `.mjml` file, by extension.

    `variables` (from `--var NAME=VALUE`) give `var:` values to an `.mjml` source and
    override a document's own variables; `with_text=False` leaves the plain text out.
    """
    from ..document.storage import load_document, read_text_capped

    p = Path(path)
    if p.suffix.lower() == ".mjml":
        return build_mjml_text(
            read_text_capped(p),
            source=str(p),
            variables=variables,
            base_dir=p.parent,
            web_fonts=web_fonts,
            with_text=with_text,
        )
    doc = load_document(p, plain=True)
    if variables:
        doc = doc.model_copy(update={"variables": {**doc.variables, **variables}})
    return build_document(doc, source=str(p), web_fonts=web_fonts, with_text=with_text)
