"""bare-less-than: a '<' in an MJML source's text that opens no tag (`a < b`, `<5 items`).

node's MJML reads one as text, and so does the build (it writes &lt;) and every browser; a stricter
reader of the source (an ESP's template editor, an XML tool) may not. Writing &lt; says what is
meant. Merge tags, comments and CSS are not text here.
"""

from __future__ import annotations

from ..build.lenient_markup import BARE_LT, LITERAL_SPANS
from ..build.tokens import TAG_RE
from ..textpos import line_col
from .model import Finding, capped_list


def _blank(m) -> str:
    return "".join("\n" if c == "\n" else " " for c in m.group(0))


def check_bare_less_than(text: str) -> list[Finding]:
    """One finding for every bare '<' of an MJML source, with the line:column of each."""
    if "<" not in text:
        return []
    blanked = LITERAL_SPANS.sub(_blank, TAG_RE.sub(_blank, text))  # positions kept
    places = [f"{line}:{col}" for line, col in (line_col(text, m.start()) for m in BARE_LT.finditer(blanked))]
    if not places:
        return []
    return [
        Finding(
            "warning",
            "bare-less-than",
            f"a bare '<' at {places[0]} opens no tag: it is built as text, as node's MJML reads it",
            "html",
            "write &lt; for a less-than sign" + (f" (found at {capped_list(places)})" if len(places) > 1 else ""),
        )
    ]
