"""The elements MJML defines, and leaving out the ones it does not, as node's MJML does.

An `mj-…` tag MJML does not know (a typo such as `<mj-buton>`, a component registered only in
someone's own build) is left out of node MJML's email, children and all, with a validation error;
mjml-python copies it into the HTML with its text showing. Where node's result is simply the email
without it (a child of a column, the body, a wrapper, a hero or the head), Mailwright leaves it
out too and says so. Elsewhere node's result is quirkier (in a section it still counts as a column
for the widths; a mismatched closing tag swallows the next element), so the element stays and
`check` warns.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..textpos import line_col
from .markup import COMMENT_OR_MJ_TAG  # the pipeline's own reading of MJML tags

# Every element of MJML 4/5 (mjml.io/documentation), head and body, plus mj-include.
KNOWN: frozenset[str] = frozenset(
    """
mjml mj-head mj-body mj-include mj-attributes mj-all mj-class mj-breakpoint mj-font mj-html-attributes
mj-html-attribute mj-selector mj-preview mj-style mj-title mj-accordion mj-accordion-element
mj-accordion-title mj-accordion-text mj-button mj-carousel mj-carousel-image mj-column mj-divider
mj-group mj-hero mj-image mj-navbar mj-navbar-link mj-raw mj-section mj-social mj-social-element
mj-spacer mj-table mj-text mj-wrapper
""".split()
)

# Parents whose unknown children node MJML renders as if they were not there (compared with node
# mjml 5.4: the same HTML as the file without them).
_PLAIN_PARENTS = frozenset({"mj-body", "mj-column", "mj-wrapper", "mj-hero", "mj-head"})
_NAME = re.compile(r"<(mj-[\w-]+)")


class LeftOut(NamedTuple):
    name: str  # e.g. "mj-buton"
    line: int
    col: int


def leave_out_unknown_elements(mjml: str, inside: str | None = None) -> tuple[str, tuple[LeftOut, ...]]:
    """The MJML without each unknown element node leaves out, and what was left out. Its line
    breaks stay (every later line still is the user's); spaces would not do, as mjml-python copies
    them into the HTML between a column's rows and refuses them in mj-head. `inside`: the element a
    fragment is written in (a raw MJML block's column)."""
    if all(m.group(1) in KNOWN for m in _NAME.finditer(mjml)):
        return mjml, ()  # one scan of the tag names: a document's MJML never has any
    stack: list[str] = [inside] if inside else []
    cut: list[tuple[int, int, str]] = []
    tags = list(COMMENT_OR_MJ_TAG.finditer(mjml))
    i = 0
    while i < len(tags):
        m = tags[i]
        i += 1
        name = m.group(2) or ""
        if not name:
            continue  # a comment
        if m.group(1):  # a closing tag
            if name in stack:
                while stack.pop() != name:
                    pass
            continue
        if name not in KNOWN and stack and stack[-1] in _PLAIN_PARENTS:
            end = m.end() if m.group(3) else _matching_close(tags, i, name)
            if end is not None:
                cut.append((m.start(), end, name))
                while i < len(tags) and tags[i].start() < end:
                    i += 1
                continue
        if not m.group(3):
            stack.append(name)  # inside mj-text or mj-raw nothing is cut: the top is theirs
    if not cut:
        return mjml, ()
    pieces, last, left_out = [], 0, []
    for start, end, name in cut:
        pieces += [mjml[last:start], "\n" * mjml.count("\n", start, end)]
        last = end
        left_out.append(LeftOut(name, *line_col(mjml, start)))
    pieces.append(mjml[last:])
    return "".join(pieces), tuple(left_out)


def _matching_close(tags: list[re.Match[str]], i: int, name: str) -> int | None:
    """The end of the tag closing the `name` opened just before tags[i], None when it is not
    closed (node then reads the following elements as its children: left as it is)."""
    depth = 1
    for m in tags[i:]:
        if m.group(2) != name or m.group(3):
            continue
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return None
