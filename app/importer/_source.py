"""Reading import sources: merge tags swapped for tokens, and an MJML scanner that keeps spans.

Merge tags may be anywhere in a source, including attribute values (`href="<< link:x >>"`), so
they become ASCII tokens before anything parses the text (the same idea as the build pipeline,
app/build/tokens.py). Every offset in the tokenized text maps back to the original, so an import can
copy any element exactly as it was written (raw MJML blocks), merge tags and formatting
included, and errors name the original line and column.

The MJML scanner is deliberately small and tolerant: MJML is XML-like, but the content of
"ending tags" (mj-text, mj-button, mj-raw, mj-table, ...) is raw HTML that an XML parser would
reject or rewrite (`<br>`, `&nbsp;`, unquoted attributes). Those contents are kept as spans.
"""

from __future__ import annotations

import bisect
import html as htmllib
import re
from dataclasses import dataclass, field

from ..build.markup import ATTR_RE, ATTRS_PATTERN
from ..document.storage import DocumentError
from ..build.tokens import TAG_RE, TokenTable, choose_prefix


class ImportFailed(DocumentError):
    """A source that cannot be imported; the message names the file and the place."""


class TaggedText:
    """A source with its merge tags replaced by tokens of one TokenTable."""

    def __init__(self, original: str, tokens: TokenTable | None = None) -> None:
        if original.startswith("\ufeff"):
            original = original[1:]
        self.original = original
        self.tokens = tokens or TokenTable(choose_prefix(original))
        pieces: list[str] = []
        self._tok_ends: list[int] = []  # offset in the tokenized text just after each token
        self._orig_ends: list[int] = []  # the matching offset in the original
        last = shift = 0
        for m in TAG_RE.finditer(original):
            token = self.tokens.token(htmllib.unescape(m.group(0)))
            pieces.append(original[last : m.start()])
            pieces.append(token)
            shift += len(token) - (m.end() - m.start())
            self._tok_ends.append(m.end() + shift)
            self._orig_ends.append(m.end())
            last = m.end()
        pieces.append(original[last:])
        self.text = "".join(pieces)

    def original_offset(self, offset: int) -> int:
        i = bisect.bisect_right(self._tok_ends, offset) - 1
        if i < 0:
            return offset
        return self._orig_ends[i] + (offset - self._tok_ends[i])

    def span(self, start: int, end: int) -> str:
        """The original text (merge tags as written) of a tokenized span."""
        return self.original[self.original_offset(start) : self.original_offset(end)]

    def line_col(self, offset: int) -> tuple[int, int]:
        o = max(0, min(self.original_offset(offset), len(self.original)))
        return self.original.count("\n", 0, o) + 1, o - (self.original.rfind("\n", 0, o) + 1) + 1

    def plain(self, tokenized: str) -> str:
        """Tokenized text with the merge tags put back in their plain form (for props)."""
        return self.tokens.restore_plain(tokenized)


# --- the MJML scanner -------------------------------------------------------------------------

# Elements whose content is HTML or text, kept exactly as written.
ENDING_TAGS = frozenset(
    {
        "mj-text",
        "mj-button",
        "mj-table",
        "mj-raw",
        "mj-navbar-link",
        "mj-social-element",
        "mj-accordion-title",
        "mj-accordion-text",
        "mj-title",
        "mj-preview",
        "mj-style",
        "mj-html-attribute",
    }
)

_OPEN = re.compile(r"<([A-Za-z][A-Za-z0-9:_.-]*)" + ATTRS_PATTERN + r"\s*(/?)>", re.S)


def parse_attrs(source: str) -> list[tuple[str, str]]:
    out = []
    for m in ATTR_RE.finditer(source):
        value = m.group(2)
        if value is None:
            value = ""
        elif value[:1] in ("'", '"'):
            value = value[1:-1]
        out.append((m.group(1).lower(), htmllib.unescape(value)))
    return out


@dataclass
class El:
    """One MJML element, with offsets into the tokenized text."""

    tag: str
    attrs: list[tuple[str, str]]
    start: int
    open_end: int
    close_start: int
    end: int
    children: list["El"] = field(default_factory=list)
    stray_text: bool = False
    comments: int = 0

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in reversed(self.attrs):
            if key == name:
                return value
        return default

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.attrs)


class Scanner:
    def __init__(self, tagged: TaggedText, source: str) -> None:
        self.t = tagged
        self.text = tagged.text
        self.source = source

    def fail(self, offset: int, message: str) -> ImportFailed:
        line, col = self.t.line_col(offset)
        return ImportFailed(f"{self.source}:{line}:{col}: {message}")

    def _skip_misc(self, i: int) -> tuple[int, int]:
        """Skip whitespace, comments, <?xml?> and <!DOCTYPE>; return (offset, comments seen)."""
        text, n, comments = self.text, len(self.text), 0
        while i < n:
            if text[i].isspace():
                i += 1
            elif text.startswith("<!--", i):
                end = text.find("-->", i + 4)
                if end < 0:
                    raise self.fail(i, "a comment is never closed (missing -->)")
                i, comments = end + 3, comments + 1
            elif text.startswith("<?", i) or text.startswith("<!", i):
                end = text.find(">", i)
                if end < 0:
                    raise self.fail(i, "unclosed declaration")
                i = end + 1
            else:
                break
        return i, comments

    def parse_document(self) -> El:
        i, _ = self._skip_misc(0)
        if not self.text.startswith("<mjml", i):
            raise self.fail(i, "not an MJML file: it must start with <mjml>")
        root = self._element(i, 0)
        j, _ = self._skip_misc(root.end)
        if j < len(self.text):
            raise self.fail(j, "unexpected content after </mjml>")
        return root

    def _element(self, i: int, depth: int) -> El:
        if depth > 200:
            raise self.fail(i, "elements nested too deeply")
        m = _OPEN.match(self.text, i)
        if m is None:
            raise self.fail(i, "malformed tag")
        tag = m.group(1).lower()
        el = El(tag, parse_attrs(m.group(2)), i, m.end(), m.end(), m.end())
        if m.group(3):
            return el
        close = re.compile(r"</\s*" + re.escape(tag) + r"\s*>", re.I)
        if tag in ENDING_TAGS:
            c = close.search(self.text, m.end())
            if c is None:
                raise self.fail(i, f"<{tag}> is never closed")
            el.close_start, el.end = c.start(), c.end()
            return el
        j = m.end()
        text, n = self.text, len(self.text)
        while True:
            j, comments = self._skip_misc(j)
            el.comments += comments
            if j >= n:
                raise self.fail(i, f"<{tag}> is never closed")
            if text.startswith("</", j):
                c = close.match(text, j)
                if c is None:
                    other = re.match(r"</\s*([^\s>]*)", text[j:])
                    raise self.fail(j, f"</{other.group(1) if other else ''}> found where </{tag}> was expected")
                el.close_start, el.end = j, c.end()
                return el
            if text[j] == "<" and j + 1 < n and text[j + 1].isalpha():
                child = self._element(j, depth + 1)
                el.children.append(child)
                j = child.end
                continue
            k = text.find("<", j)
            k = n if k < 0 else k
            if text[j:k].strip():
                el.stray_text = True
            j = k if k > j else j + 1
