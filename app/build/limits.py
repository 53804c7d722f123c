"""Size and nesting limits checked before and after an MJML compile.

Why this exists (reference/hardening.md finding 2 and section 5): MRML, the Rust MJML
compiler behind mjml-python, recurses once per nesting level and overflows its stack on
deeply nested input. That is a SIGSEGV which no ``try`` can catch: about 1,850 nested
``<mj-wrapper>`` on an 8 MiB main-thread stack, about 110 on a 512 KiB thread stack.
The compile worker (worker.py) contains the crash; this module prevents it in the first
place and gives the user a message with a position instead of "the compiler crashed".

Everything here is linear-time and non-recursive, so the guard itself cannot be the thing
that blows up on hostile input. No Qt, no third-party imports.
"""

from __future__ import annotations

import math
import re
from typing import Optional
from ..messages import ShortMessage

__all__ = [
    "MAX_SOURCE_BYTES",
    "MAX_NESTING",
    "MAX_OUTPUT_BYTES",
    "LimitError",
    "InputTooLarge",
    "NestingTooDeep",
    "OutputTooLarge",
    "check_source_size",
    "check_markup_limits",
    "check_output_size",
    "nesting_depth",
]

MAX_SOURCE_BYTES = 5 * 1024 * 1024
# Real templates nest about 6-15 levels (mjml > body > wrapper > section > column > text >
# a few HTML tags). 100 leaves plenty of room and stays below the ~110-level crash on a
# 512 KiB thread stack, so the guard is safe even where the compile runs on a thread.
MAX_NESTING = 100
# MRML amplifies about 16x (1.6 MB of MJML became 26.5 MB of HTML), and the preview shows
# a blank page above 2 MB anyway: nothing useful is ever this big.
MAX_OUTPUT_BYTES = 20 * 1024 * 1024

_MIB = 1024 * 1024

# HTML void elements never have a closing tag, so they never add a level (MRML accepts
# ``<br>`` and ``<img ...>`` without a close, see the tests).
_VOID = frozenset("br img hr meta link input col area base embed source track wbr param".split())
# Elements whose content is raw text (CSS/JS): a ``<`` or ``>`` in there is not a tag.
_RAW_TEXT = frozenset(("style", "script", "mj-style"))
_RAW_END = {name: re.compile(r"</" + re.escape(name) + r"\s*>", re.I) for name in _RAW_TEXT}

# A merge tag (``<< data:x >>``, ``<% if %>``, ``<# note #>``) longer than this is treated
# as literal text instead: a stray ``<<`` in copy must not hide a whole document from the
# depth count just because some later merge tag happens to end with ``>>``.
_MERGE_SPAN = 4096
_MERGE_CLOSE = {"<<": ">>", "<%": "%>", "<#": "#>"}

# One token per ``<`` that can start markup. Names are captured so the Python loop does as
# little work as possible per tag. All quantifiers in the attribute part are possessive,
# so a failed match never backtracks (no quadratic blow-up on hostile input).
_TOKEN = re.compile(
    r"""
    <(?:
        (?P<merge>[<%\#])                        # << merge >>, <% block %>, <# note #>
      | (?P<comment>!--)                         # <!-- ... -->, incl. MSO conditionals
      | (?P<cdata>!\[CDATA\[)                    # <![CDATA[ ... ]]>
      | (?P<decl>[!?])                           # <!doctype>, <![endif]>, <?xml ?>
      | /(?P<close>[^\W\d][\w:.-]*+)[^<>]*+(?P<close_end>>)?
      | (?P<open>[^\W\d][\w:.-]*+)             # letter or "_" first, as MRML accepts
        (?:[^<>"']++|"[^"]*+"|'[^']*+')*+        # attributes; quoted values may hold < >
        (?P<open_end>>)?
    )
    """,
    re.X,
)


class LimitError(ShortMessage, ValueError):
    """An input or output is over a safety limit. Subclasses ValueError so callers that
    already treat bad input as ValueError keep working.

    Attributes are keyword-only with defaults so the exception survives pickling
    (BaseException pickles as ``cls(*args)`` plus ``__dict__``) on its way back from the
    compile worker.
    """

    def __init__(self, message: str, *, source: str = "<input>") -> None:
        super().__init__(message)
        self.source = source


class InputTooLarge(LimitError):
    """The MJML source is too big (bytes) or, via NestingTooDeep, too deep."""

    def __init__(self, message: str, *, source: str = "<input>", size: int = 0, limit: int = 0) -> None:
        super().__init__(message, source=source)
        self.size = size
        self.limit = limit


class NestingTooDeep(InputTooLarge):
    """Tags nest deeper than MAX_NESTING. ``line``/``column`` are 1-based and point at the
    first tag that went over the limit; ``depth`` is the deepest level in the document."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<input>",
        depth: int = 0,
        limit: int = 0,
        line: int = 0,
        column: int = 0,
    ) -> None:
        super().__init__(message, source=source, size=depth, limit=limit)
        self.depth = depth
        self.line = line
        self.column = column


class OutputTooLarge(LimitError):
    """The compiled HTML is over MAX_OUTPUT_BYTES."""

    def __init__(self, message: str, *, source: str = "<input>", size: int = 0, limit: int = 0) -> None:
        super().__init__(message, source=source)
        self.size = size
        self.limit = limit


def _format_mb(n_bytes: int) -> str:
    """'6.2 MB', '26 MB'. Rounded *up* to 0.1 so a size just over a limit never prints as
    equal to it ("5 MB is over the 5 MB limit" would read as a bug)."""
    tenths = math.ceil(n_bytes * 10 / _MIB)
    whole, frac = divmod(tenths, 10)
    return f"{whole} MB" if frac == 0 else f"{whole}.{frac} MB"


def _utf8_size_over(text: str, limit: int) -> Optional[int]:
    """Return the UTF-8 size of ``text`` if it is over ``limit``, else None.

    Avoids encoding multi-megabyte strings when the answer is obvious: a code point takes
    1 to 4 bytes in UTF-8.
    """
    if len(text) * 4 <= limit:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def check_source_size(text: str, source: str = "<input>", *, limit: int = MAX_SOURCE_BYTES) -> None:
    """Raise InputTooLarge if ``text`` is over ``limit`` bytes of UTF-8."""
    size = _utf8_size_over(text, limit)
    if size is not None:
        raise InputTooLarge(
            f"{source}: {_format_mb(size)} of MJML is over the {_format_mb(limit)} limit.",
            source=source,
            size=size,
            limit=limit,
        )


def check_output_size(html: str, source: str = "<input>", *, limit: int = MAX_OUTPUT_BYTES) -> None:
    """Raise OutputTooLarge if the compiled ``html`` is over ``limit`` bytes of UTF-8."""
    size = _utf8_size_over(html, limit)
    if size is not None:
        raise OutputTooLarge(
            f"{source}: template too large: the HTML would be {_format_mb(size)} (limit {_format_mb(limit)}).",
            source=source,
            size=size,
            limit=limit,
        )


def nesting_depth(text: str, limit: int = MAX_NESTING) -> tuple[int, Optional[int]]:
    """Scan ``text`` once and return ``(max_depth, first_over)``.

    ``first_over`` is the index of the ``<`` of the first tag that took the depth above
    ``limit`` (None if it never did). This is a deliberately rough tokenizer, not a parser:
    it only has to agree with MRML about how deep things nest, it has to be fast (one regex
    search per tag), and it has to be linear on any input. Every branch below either
    consumes what it scanned or ends the scan, so no character is examined twice.
    """
    depth = 0
    max_depth = 0
    first_over: Optional[int] = None
    n = len(text)
    # Next position of each merge-tag closer (">>", "%>", "#>"), cached so that text full
    # of stray "<<" costs one forward scan, not one scan per "<<".
    next_close: dict[str, int] = {}
    search = _TOKEN.search
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            break
        start = m.start()
        kind = m.lastgroup
        if kind == "open_end" or kind == "open":
            end = m.end()
            if kind == "open":
                # No ">": either the tag runs into another "<" (malformed: treat the
                # partial tag as text and resume at that "<"), an unterminated quote, or
                # the end of the text. In the last two cases everything after is inside
                # the tag as an HTML tokenizer sees it, so nothing more can open.
                if end < n and text[end] == "<":
                    pos = end
                    continue
                break
            name = m.group("open").lower()
            if name in _VOID or text[end - 2] == "/":
                pos = end  # void element or self-closing <x/>: no new level
                continue
            if depth + 1 > max_depth:
                max_depth = depth + 1
                if first_over is None and max_depth > limit:
                    first_over = start
            if name in _RAW_TEXT:
                # <style>/<script>: the content is not markup. The element is a leaf, so
                # its level is counted above and the depth does not change.
                close = _RAW_END[name].search(text, end)
                if close is None:
                    break
                pos = close.end()
                continue
            depth += 1
            pos = end
        elif kind == "close_end" or kind == "close":
            if kind == "close":  # "</name" without ">": text, resume at the next "<"
                pos = m.end()
                continue
            name = m.group("close").lower()
            # Lenient: stray closes never go below zero; closes of void and raw-text
            # elements never had a level (a stray "</br>" or "</style>").
            if depth > 0 and name not in _VOID and name not in _RAW_TEXT:
                depth -= 1
            pos = m.end()
        elif kind == "merge":
            opener = text[start : start + 2]
            if start > 0 and text[start - 1] == "\\":  # "\<<" is an escaped literal "<<"
                pos = start + 2
                continue
            closer = _MERGE_CLOSE[opener]
            found = next_close.get(closer, -2)
            if found != -1 and found < start + 2:
                found = text.find(closer, start + 2)
                next_close[closer] = found
            if found != -1 and found - start <= _MERGE_SPAN:
                pos = found + 2
            else:
                pos = start + 2  # not a merge tag: a literal "<<" / "<%" in the copy
        elif kind == "comment":
            close_at = text.find("-->", m.end())
            if close_at == -1:
                break  # unterminated comment: the rest of the text is comment
            pos = close_at + 3
        elif kind == "cdata":
            close_at = text.find("]]>", m.end())
            if close_at == -1:
                break
            pos = close_at + 3
        else:  # decl: <!doctype ...>, <![if mso]>, <?xml ...?>
            close_at = text.find(">", m.end())
            if close_at == -1:
                break
            pos = close_at + 1
    return max_depth, first_over


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``text[index]``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def check_markup_limits(
    text: str,
    source: str = "<input>",
    *,
    max_bytes: int = MAX_SOURCE_BYTES,
    max_nesting: int = MAX_NESTING,
) -> None:
    """Raise InputTooLarge / NestingTooDeep before ``text`` gets anywhere near MRML.

    Call this on MJML (and on any HTML headed for mj-raw) before compiling. The size check
    comes first so the scan never runs on something absurdly large.
    """
    check_source_size(text, source, limit=max_bytes)
    # Every level the scan counts opens at a "<" not followed by "/": with no more of those
    # than the limit, no tag can go over it (a short email skips the scan, in C-speed counts).
    if text.count("<") - text.count("</") <= max_nesting:
        return
    depth, first_over = nesting_depth(text, max_nesting)
    if first_over is not None:
        line, column = _line_column(text, first_over)
        raise NestingTooDeep(
            f"{source}: nesting too deep at line {line}, column {column}: "
            f"{depth} levels > {max_nesting} allowed. "
            "Flatten the layout or remove wrapper elements.",
            source=source,
            depth=depth,
            limit=max_nesting,
            line=line,
            column=column,
        )
