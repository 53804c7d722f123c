"""Job functions for the compile worker in reliability tests.

They run in the worker's child process, so they live in an importable module (pytest imports
test files under its own rules). Each returns something small and picklable.
"""
from __future__ import annotations

from typing import Any


def build_unchecked(kind: str, text: str, source: str = "<document>", design: bool = False) -> dict[str, str]:
    """`pipeline.build_job` with the nesting/size pre-check switched off, so deep input reaches
    MRML for real (what a bug in the pre-check would let through)."""
    from mailwright.app import pipeline

    pipeline.check_markup_limits = lambda *args, **kwargs: None  # type: ignore[assignment]
    return pipeline.build_job(kind, text, source, design)


def import_mjml_summary(text: str, source: str = "<mjml>") -> dict[str, Any]:
    """Import MJML (which compiles it first) in the child; the document comes back as JSON."""
    from mailwright.app.importer.mjml_import import import_mjml
    from mailwright.app.storage import dumps_document

    report = import_mjml(text, source)
    return {"document": dumps_document(report.document), "raw": len(report.raw)}


def import_html_summary(text: str, source: str = "<html>") -> dict[str, Any]:
    from mailwright.app.importer.html_import import import_html
    from mailwright.app.pipeline import build_document
    from mailwright.app.storage import dumps_document

    report = import_html(text, source)
    html = build_document(report.document, source=source).html
    return {"document": dumps_document(report.document), "html_bytes": len(html)}
