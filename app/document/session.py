"""An open document: its file, its history, unsaved state and changes made on disk by others.

The editor window holds one Session per open document; everything it does to a document goes
through here, so tests can do the same without a window.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .commands import History
from .model import Document
from .storage import dumps_document, load_document, loads_document, save_document


@dataclass(frozen=True)
class DiskState:
    mtime_ns: int
    size: int
    sha256: str


def disk_state(path: Path) -> DiskState | None:
    try:
        st = path.stat()
        data = path.read_bytes()
    except OSError:
        return None
    return DiskState(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


class ExternalChange(Exception):
    """The file changed on disk since it was opened or saved; the caller asks the user."""


class Session:
    def __init__(self, doc: Document, path: Path | None = None, *, title: str | None = None) -> None:
        self.path = path
        self.history = History(doc)
        self._disk = disk_state(path) if path else None
        self._untitled = title or "Untitled"
        # A recovered document opens as modified and is never written over its original
        # without the user choosing Save or Save As.
        self.recovered = False
        self._template_folder: Path | None = None

    @property
    def doc(self) -> Document:
        return self.history.doc

    @property
    def dirty(self) -> bool:
        return self.history.dirty or self.recovered

    @property
    def folder(self) -> Path | None:
        """Where the document's relative image sources are read from: its file's folder (a
        new document from a starter: the starter's folder until it is saved)."""
        return self.path.parent if self.path else self._template_folder

    @property
    def name(self) -> str:
        return self.path.name if self.path else self._untitled

    def title(self) -> str:
        """Window title: the file name with an unsaved marker."""
        return f"{'• ' if self.dirty else ''}{self.name} — Mailwright"

    # files
    @classmethod
    def open(cls, path: str | Path) -> "Session":
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix in (".mjml", ".html", ".htm"):
            from ..importer import import_file

            session = cls(import_file(p), None, title=p.stem + ".mwt")
            session.history.mark_saved()
            session.recovered = True  # imported: not saved as .mwt yet
            return session
        return cls(load_document(p), p)

    @classmethod
    def new(cls, template: Path | None = None) -> "Session":
        doc = load_document(template) if template else Document()
        session = cls(doc, None, title=(template.stem if template else "Untitled") + ".mwt")
        session._template_folder = template.parent if template else None
        return session

    def changed_on_disk(self) -> bool:
        if not self.path:
            return False
        return disk_state(self.path) != self._disk

    def save(self, path: str | Path | None = None, *, force: bool = False) -> Path:
        """Save atomically (a `.bak` keeps the previous version). Raises ExternalChange when
        the file was changed by another program, unless `force`."""
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no file name yet: use Save As")
        same_file = self.path is not None and target.resolve() == self.path.resolve()
        if same_file and not force and self.changed_on_disk():
            raise ExternalChange(f"{target} was changed by another program since it was opened")
        if self.folder is not None and target.parent.resolve() != self.folder.resolve():
            from .carry_images import carry_images

            carry_images(self.doc, self.folder, target.parent)  # its pictures come along
        save_document(self.doc, target)
        self.path = target
        self._disk = disk_state(target)
        self.history.mark_saved()
        self.recovered = False
        return target

    def reload(self) -> None:
        """Re-read the file from disk (after an external change), dropping unsaved edits."""
        if not self.path:
            return
        self.history.reset(load_document(self.path))
        self._disk = disk_state(self.path)
        self.recovered = False

    def snapshot(self) -> str:
        return dumps_document(self.doc)

    @classmethod
    def from_text(cls, text: str, *, original: Path | None = None, title: str | None = None) -> "Session":
        """A session for recovered content: modified, and tied to its original file only for
        Save As suggestions."""
        session = cls(
            loads_document(text, str(original or "autosave")),
            None,
            title=title or (original.name if original else "Recovered.mwt"),
        )
        session.recovered = True
        session.suggested_path = original
        return session

    suggested_path: Path | None = None
