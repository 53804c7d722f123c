"""Importing what teams already have: MJML and HTML files become Mailwright documents.

`import_file(path)` picks the importer by extension. Both importers keep everything they cannot
map (raw MJML or raw HTML blocks), so building the imported document gives the original email.
"""

from __future__ import annotations

from pathlib import Path

from ..document.model import Document
from ._source import ImportFailed
from .mjml_import import ImportReport

__all__ = ["ImportFailed", "ImportReport", "IMPORTABLE", "import_file", "import_report"]

IMPORTABLE = (".mjml", ".html", ".htm")


def import_report(path: str | Path) -> ImportReport:
    """Import a `.mjml` or `.html` file; the report says what became editable and what not."""
    from ..document.storage import read_text_capped

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in IMPORTABLE:
        raise ImportFailed(f"{p}: cannot import a {suffix or 'file without extension'}; give an .mjml or .html file")
    text = read_text_capped(p)
    if suffix == ".mjml":
        from .mjml_import import import_mjml

        return import_mjml(text, str(p), base_dir=p.parent)
    from .html_import import import_html

    return import_html(text, str(p))


def import_file(path: str | Path) -> Document:
    """A `.mjml` or `.html` file as a document (raises ImportFailed, a DocumentError)."""
    return import_report(path).document
