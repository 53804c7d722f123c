"""What every check group reads: the built email parsed once, mapped back to the document.

The HTML is parsed with merge tags still as tokens (so `<< … >>` never confuses the parser),
from a design-mode build when there is a document: its `mw-id-<id>` classes let a finding in
the HTML (an <img> without alt, a link) name the block it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from lxml import html as lxml_html

from ..build.pipeline import BuildResult
from ..build.tokens import TAG_RE, TokenTable

if TYPE_CHECKING:  # a pydantic document or the plain reader's light one
    from ..document.model import Document

_ID_CLASS = re.compile(r"(?:^|\s)mw-id-([A-Za-z][A-Za-z0-9_-]{0,31}?)(?=\s|$)")
# MJML appends "-outlook" to the last class of the Outlook-only copies: keep that suffix.
_STRIP_IDS = re.compile(r" mw-id-[A-Za-z][A-Za-z0-9_-]*?(?=-outlook[\s\"']|[\s\"'])")


def is_design_html(html: str) -> bool:
    return "mw-id-" in html


def production_bytes(result: BuildResult) -> int:
    """UTF-8 size of the HTML as sent: without the editor's id classes if `result` is a design build."""
    html = result.html
    if is_design_html(html):
        html = _STRIP_IDS.sub("", html)
    return len(html.encode("utf-8"))


@dataclass
class CheckContext:
    result: BuildResult  # the build being checked (its HTML is what gets sent)
    doc: Document | None
    source: str  # file name, for messages and relative image paths
    mapped: BuildResult  # the build parsed for locations (design mode when possible)
    recipients: Any = None
    base_dir: Path | None = None
    esp: str | None = None  # check --esp NAME: the ESP whose reading of values matters

    # --- the document ----------------------------------------------------------------------
    @cached_property
    def order(self) -> dict[str, int]:
        """Document order of every row, column and block id (for sorting findings)."""
        if self.doc is None:
            return {}
        return {node.id: i for i, node in enumerate(self.doc.iter_nodes())}

    @cached_property
    def theme(self):
        if self.doc is None:
            return None
        from ..build.mjml_render import resolved_theme

        return resolved_theme(self.doc)

    # --- the HTML ---------------------------------------------------------------------------
    @cached_property
    def tree(self):
        text = self.mapped.html_tokens or self.mapped.html
        try:
            return lxml_html.document_fromstring(text)
        except Exception:  # empty or unparsable: an empty document, no findings from it
            return lxml_html.document_fromstring("<html><body></body></html>")

    @property
    def tokens(self) -> TokenTable | None:
        return self.mapped.tokens if self.mapped.html_tokens else None

    @cached_property
    def _token_re(self) -> re.Pattern[str]:
        """Merge tags in the parsed HTML: tokens, or the tags themselves for a build without tokens."""
        t = self.tokens
        return re.compile(re.escape(t.prefix) + r"\d{5}Z") if t is not None else TAG_RE

    def has_tag(self, text: str) -> bool:
        """Whether `text` (from the tokenised HTML) contains a merge tag."""
        return bool(self._token_re.search(text or ""))

    def only_tags(self, text: str) -> bool:
        """Whether `text` is nothing but merge tags (and white space)."""
        return bool(text.strip()) and not self._token_re.sub("", text).strip()

    def restore(self, text: str) -> str:
        """The text with merge tags written back (for messages)."""
        t = self.tokens
        return t.restore_plain(text) if t is not None and text else (text or "")

    def blank_tags(self, text: str, placeholder: str = "x") -> str:
        """The text with every merge tag replaced by a harmless placeholder (for URL parsing)."""
        return self._token_re.sub(placeholder, text) if text else (text or "")

    def location(self, el) -> str:
        """The id of the nearest row/column/block around an element, else "html"."""
        while el is not None:
            cls = el.get("class") if hasattr(el, "get") else None
            if cls:
                m = _ID_CLASS.search(cls)
                if m and not m.group(1).endswith("-outlook"):
                    return m.group(1)
            el = el.getparent()
        return "html"

    def elements(self, tag: str) -> Iterator:
        """Elements of the body and head by tag name (comments, hence Outlook-only markup, skipped)."""
        yield from self.tree.iter(tag)

    def short(self, text: str, limit: int = 60) -> str:
        text = self.restore(text)
        return text if len(text) <= limit else text[: limit - 1] + "…"
