"""The editor of `url` fields: a link target, checked, and completed when it lacks its scheme."""

from __future__ import annotations

from typing import Any

from .text import TextEditor
from .values import complete_link, url_warning


class UrlEditor(TextEditor):
    """A link target: validated (http(s), mailto, tel, cid or a merge tag) and stored as written,
    except that an address typed without its scheme ("example.com", "ann@example.com") becomes
    https://… or mailto:… when the field is left, as in the Link dialog: as written it would be a
    relative address, a dead link in every email."""

    def _build(self) -> None:
        super()._build()
        self.line.setPlaceholderText("https://…")
        self.line.editingFinished.connect(self._complete)

    def _update_meta(self, value: Any) -> None:
        text = (value or "").strip()
        completed = complete_link(text)
        if completed != text:
            self._warning = (
                f"Without https:// this would be a dead link: it becomes {completed} when you leave the field."
            )
        else:
            self._warning = url_warning(text)

    def _complete(self) -> None:
        if not self.line.isVisible():
            return  # the form is being torn down (another selection, the block deleted): not an edit
        text = self.line.text()
        completed = complete_link(text)
        if completed and completed != text.strip():
            self.line.setText(completed)
            self._edited(completed)
