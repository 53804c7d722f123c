"""Merge tags as opaque tokens through MJML and CSS inlining (DESIGN.md §4).

MRML cannot parse `<` in text and premailer escapes and URL-encodes `<< … >>`, so every tag
becomes an ASCII token such as `MWTAG00012Z` before compiling and comes back afterwards. A
token that does not come back is an error, never silently lost personalisation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..merge.tags import TAG_RE, unescape_tag

if TYPE_CHECKING:
    from ..merge.ast import Pos  # imported when needed at run time: start-up cost

_TAG_START = re.compile(r"<[A-Za-z!/?]")
# Different tags one email may hold: a token carries five digits (MWTAG00012Z).
MAX_TAGS = 100_000


def _inside_markup(html: str, pos: int) -> bool:
    """Whether `pos` lies inside a markup tag (`<a href="…">`), i.e. in an attribute.

    Looks only around `pos` instead of scanning the whole document for tags: a tag is `<`,
    a letter or `!/?`, then no `<` or `>` up to its closing `>`. Such spans never overlap
    (none contains a `<`), so the nearest `<` before `pos` decides."""
    lt = html.rfind("<", 0, pos)
    if lt < 0 or html.rfind(">", lt, pos) != -1:
        return False
    if not _TAG_START.match(html, lt):
        return False
    gt = html.find(">", pos)
    return gt != -1 and html.find("<", pos, gt) == -1


class _MarkupScan:
    """`_inside_markup` for positions met in increasing order, in time linear in the document.

    Tokens in one long text (83,000 tags in a paragraph) each searched back to the paragraph's
    `<p>`: quadratic. This keeps the last `<` and `>` seen and the next ones ahead instead."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.at = 0
        self.last_lt = self.last_gt = -1
        self.next_lt = self.next_gt = -1  # the next "<" / ">" at or after `at` (len: none)

    def inside(self, pos: int) -> bool:
        html = self.html
        if pos < self.at:
            return _inside_markup(html, pos)
        lt = html.rfind("<", self.at, pos)
        if lt >= 0:
            self.last_lt = lt
        gt = html.rfind(">", self.at, pos)
        if gt >= 0:
            self.last_gt = gt
        self.at = pos
        lt = self.last_lt
        if lt < 0 or self.last_gt >= lt or not _TAG_START.match(html, lt):
            return False
        end = len(html)
        if self.next_gt < pos:
            found = html.find(">", pos)
            self.next_gt = end if found < 0 else found
        if self.next_lt < pos:
            found = html.find("<", pos)
            self.next_lt = end if found < 0 else found
        return self.next_gt < end and self.next_lt >= self.next_gt


class TokenError(RuntimeError):
    """A merge tag did not survive compilation; `origin` is where it was written (or None)."""

    def __init__(self, origin: Pos | None, message: str) -> None:
        super().__init__(message)
        self.origin = origin


def choose_prefix(*texts: str) -> str:
    """A token prefix that occurs in none of the texts (so user text is never mistaken)."""
    prefix = "MWTAG"
    while any(prefix.lower() in t.lower() for t in texts):
        prefix += "X"
    return prefix


class TokenTable:
    """Maps each distinct merge tag to one token and back."""

    def __init__(self, prefix: str = "MWTAG", source: str = "<document>") -> None:
        self.prefix = prefix
        self.source = source  # the file the tags come from, for error positions
        self.tags: list[str] = []
        self.origins: list[Pos | None] = []  # where each tag was first written (a merge Pos), or None
        self._index: dict[str, int] = {}
        self.emitted = 0  # tokens handed out, repeats included (see mjml_render)
        self._token_re = re.compile(re.escape(prefix) + r"(\d{5})Z")

    def token(self, tag: str, origin: Pos | None = None) -> str:
        self.emitted += 1
        index = self._index.get(tag)
        if index is None:
            index = self._index[tag] = len(self.tags)
            self.tags.append(tag)
            self.origins.append(origin)
        return f"{self.prefix}{index:05d}Z"

    def protect(self, text: str, *, markup: bool = False, origin: Pos | None = None) -> str:
        """Replace every merge tag in `text` by its token.

        With `markup=True` the text is HTML/MJML source, where a tag inside an attribute is
        written with entities (`&quot;`); the table keeps the tag's plain form.
        """

        def sub(m: re.Match[str]) -> str:
            tag = unescape_tag(m.group(0)) if markup else m.group(0)
            return self.token(tag, origin)

        return TAG_RE.sub(sub, text)

    def restore(self, html: str) -> str:
        """Put the tags back into compiled HTML, escaped for where each token landed."""
        if not self.tags:
            return html
        self.check(html)

        scan = _MarkupScan(html)

        def sub(m: re.Match[str]) -> str:
            tag = self.tags[int(m.group(1))]
            if scan.inside(m.start()):
                return tag.replace("&", "&amp;").replace('"', "&quot;")
            return tag

        return self._token_re.sub(sub, html)

    def segments(self, html: str, *, markup: bool = True) -> list:
        """Compiled output split into literal text and merge tags (for the merge language).

        Each tag knows whether it landed inside an HTML attribute, so rendering and ESP export
        can quote for that place. `markup=False` for plain text (subject, text part).
        """
        from ..merge.ast import Pos
        from ..merge.parser import TagSeg

        if markup:
            self.check(html)
        out: list = []
        last = 0
        scan = _MarkupScan(html)
        for m in self._token_re.finditer(html):
            if m.start() > last:
                out.append(html[last : m.start()])
            in_attr = markup and scan.inside(m.start())
            index = int(m.group(1))
            origin = self.origins[index] or Pos("<compiled>", 0, 0)
            out.append(TagSeg(self.tags[index], origin, in_attr))
            last = m.end()
        if last < len(html):
            out.append(html[last:])
        return out

    def restore_plain(self, text: str) -> str:
        """Put the tags back verbatim (plain text, subject, MJML for `--mjml`)."""
        if not self.tags:
            return text
        return self._token_re.sub(lambda m: self.tags[int(m.group(1))], text)

    def check(self, html: str) -> None:
        found = {int(i) for i in self._token_re.findall(html)}
        lost = [i for i in range(len(self.tags)) if i not in found]
        missing = [self.tags[i] for i in lost]
        if missing:
            shown = ", ".join(repr(t) for t in missing[:3])
            raise TokenError(
                self.origins[lost[0]],
                f"merge tag{'s' if len(missing) > 1 else ''} {shown} did not survive compilation; "
                "check that it is not inside an attribute MJML rewrites (such as a width or a colour)",
            )
