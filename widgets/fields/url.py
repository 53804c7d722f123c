"""The editor of `url` fields: a link target, checked but stored as written."""

from __future__ import annotations

from typing import Any


from .text import TextEditor
from .values import url_warning


class UrlEditor(TextEditor):
    """A link target: validated (http(s), mailto, tel, cid or a merge tag), stored as written."""

    def _build(self) -> None:
        super()._build()
        self.line.setPlaceholderText("https://…")

    def _update_meta(self, value: Any) -> None:
        self._warning = url_warning(value or "")
