"""What the editors of one inspector share with the rest of the application."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QWidget


class EditorContext:
    """What editors need from the outside: the session (document path for images, variables),
    the loaded recipients' field names, the theme colours, and a way to report status and to ask
    the application to save."""

    def __init__(self) -> None:
        self.session: Any = None
        self.recipient_fields: list[str] = []
        self.theme_colors: dict[str, str] = {}
        self.save_handler: Callable[[], Any] | None = None
        self.status: Callable[[str], None] = lambda message: None
        self.dialog_parent: QWidget | None = None

    @property
    def variables(self) -> list[str]:
        return list(self.session.doc.variables) if self.session is not None else []

    @property
    def doc_path(self) -> Path | None:
        return self.session.path if self.session is not None else None

    def request_save(self, parent: QWidget) -> bool:
        """Ask the application to save the document (Save As); True when it now has a path."""
        if self.session is None:
            return False
        if self.save_handler is not None:
            self.save_handler()
            return self.session.path is not None
        name, _ = QFileDialog.getSaveFileName(parent, "Save email", "", "Mailwright email (*.mwt)")
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != ".mwt":
            path = path.with_suffix(".mwt")
        try:
            self.session.save(path)
        except (OSError, ValueError) as e:
            self.status(f"Could not save: {e}")
            return False
        self.status(f"Saved {path.name}")
        return True
