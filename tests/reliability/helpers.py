"""Job functions for the compile worker in reliability tests.

They run in the worker's child process, so they live in an importable module (pytest imports
test files under its own rules). Each returns something small and picklable.
"""

from __future__ import annotations

from typing import Any


def build_unchecked(
    kind: str, text: str, source: str = "<document>", design: bool = False, recipient: dict | None = None
) -> dict:
    """`job.build_job` with the nesting/size pre-check switched off, so deep input reaches
    MRML for real (what a bug in the pre-check would let through)."""
    from mailwright.app.build import job, pipeline

    pipeline.check_markup_limits = lambda *args, **kwargs: None  # type: ignore[assignment]
    return job.build_job(kind, text, source, design, recipient)


def import_file_summary(path: str) -> dict[str, Any]:
    """`import_file` (any extension) in the child: the file is read, compiled and mapped there."""
    from mailwright.app.importer import import_report
    from mailwright.app.document.storage import dumps_document

    report = import_report(path)
    return {"document": dumps_document(report.document), "raw": len(report.raw)}
