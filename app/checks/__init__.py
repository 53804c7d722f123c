"""Pre-flight checks for an email (DESIGN.md §7): size limits, links, images, merge tags,
contrast, client support, subject and preheader.

    from mailwright.app.checks import check_file, run_checks
    report = check_file("examples/welcome.mwt", recipients=load_recipients("people.csv"))
    for f in report.findings: print(f.line())

`run_checks` works on an email that has been built; `check_document`, `check_mjml_text` and
`check_file` also turn merge-tag syntax errors (which stop a build) into findings and check
the rest of the email anyway. Each group of checks lives in its own module; every finding
has a severity, a code (see `CODES`), a message, a location and a hint. No Qt here: the
editor's Checks dock runs these off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build.pipeline import BuildError, BuildResult
from .context import CheckContext, is_design_html, production_bytes
from .model import CODES, SEVERITIES, CheckReport, Finding, sort_findings

if TYPE_CHECKING:  # the checks read pydantic documents and the plain reader's light ones alike
    from ..document.model import Document

__all__ = [
    "CODES",
    "SEVERITIES",
    "CheckReport",
    "Finding",
    "run_checks",
    "check_document",
    "check_mjml_text",
    "check_file",
]


def _base_dir(source: str) -> Path | None:
    if not source or source.startswith("<"):
        return None
    return Path(source).resolve().parent


def run_checks(
    result: BuildResult,
    doc: Document | None = None,
    *,
    recipients: Any = None,
    source: str | None = None,
    design_result: BuildResult | None = None,
    esp: str | None = None,
    merge_checked: bool = False,
) -> list[Finding]:
    """Every check on a built email, in a deterministic order (errors first, then by code and place).

    `result` is the build that is sent (its size is what Gmail sees); a design-mode build is
    accepted too (its id classes are discounted). With `doc`, findings name the block they come
    from (a design-mode build is made for that unless `design_result` is given) and contrast is
    checked. `recipients` (app.recipients.Recipients) enables missing-field and data-meaning
    (`esp`: also how that ESP reads the values). `source` is the
    document's path: local images are looked up next to it. `merge_checked`: the caller has
    already reported the document's merge-tag errors (check_document), so they are not
    collected again, nor the document copied again for it.
    """
    from .contrast import check_contrast
    from .css_support import check_css_support
    from .data_meaning import check_data_meaning
    from .headers import check_headers
    from .images import check_images
    from .links import check_links, check_unsubscribe
    from .merge import check_missing_fields, collect_merge_errors
    from .size import check_size
    from .stripped import check_stripped

    source = source if source is not None else (result.source or "<email>")
    mapped = design_result
    if mapped is None:
        if is_design_html(result.html) or doc is None:
            mapped = result
        else:
            from ..build.pipeline import build_document

            try:
                mapped = build_document(doc, source=result.source or source, design=True)
            except BuildError:
                mapped = result
    ctx = CheckContext(
        result=result, doc=doc, source=source, mapped=mapped, recipients=recipients, base_dir=_base_dir(source), esp=esp
    )
    findings: list[Finding] = []
    if doc is not None and not merge_checked:  # check_document has (on a copy it then built)
        findings += collect_merge_errors(doc, source)[0]
    for group in (
        check_size,
        check_links,
        check_unsubscribe,
        check_images,
        check_missing_fields,
        check_data_meaning,
        check_contrast,
        check_css_support,
        check_headers,
        check_stripped,
    ):
        findings += group(ctx)
    return sort_findings(findings, ctx.order)


def _unbuildable(e: BuildError, source: str) -> Finding | None:
    """A build error caused by where a merge tag sits: reported as merge-syntax, not a crash."""
    message = str(e)
    if "did not survive compilation" not in message:
        return None
    prefix = f"{source}: "
    return Finding(
        "error",
        "merge-syntax",
        message[len(prefix) :] if message.startswith(prefix) else message,
        "html",
        "move the merge tag out of that attribute (MJML rewrites widths, colours and sizes)",
    )


def _report(
    findings: list[Finding], doc: Document | None, result: BuildResult | None, source: str, recipients: Any = None
) -> CheckReport:
    order = {node.id: i for i, node in enumerate(doc.iter_nodes())} if doc is not None else {}
    # Recipients count as checked when an email was built to render for them.
    checked = len(recipients.rows) if recipients is not None and result is not None else None
    return CheckReport(
        tuple(sort_findings(findings, order)),
        html_bytes=production_bytes(result) if result is not None else 0,
        source=source,
        recipients=checked,
    )


def check_document(
    doc: Document, *, source: str = "<document>", recipients: Any = None, esp: str | None = None
) -> CheckReport:
    """Check a document: merge-tag errors become findings, then the rest is built and checked.

    Raises BuildError only for input that cannot be built at all (e.g. raw MJML that MJML rejects).
    """
    from ..build.pipeline import build_document
    from .merge import collect_merge_errors

    merge_findings, fixed = collect_merge_errors(doc, source)
    try:
        result = build_document(fixed, source=source)
        design = build_document(fixed, source=source, design=True)
    except BuildError as e:
        finding = _unbuildable(e, source)
        if finding is None:
            raise
        return _report(merge_findings + [finding] + _document_only(fixed, source), fixed, None, source)
    findings = merge_findings + run_checks(
        result, fixed, recipients=recipients, source=source, design_result=design, esp=esp, merge_checked=True
    )
    from .unknown_elements import check_raw_mjml_blocks

    return _report(findings + check_raw_mjml_blocks(fixed), fixed, result, source, recipients)


def _document_only(doc: Document, source: str) -> list[Finding]:
    """The checks that need no HTML (contrast, subject, preheader), for a document that did not build."""
    from .contrast import check_contrast
    from .headers import check_headers

    empty = BuildResult(html="", text="", mjml="", subject=doc.subject, preheader=doc.preheader, source=source)
    ctx = CheckContext(result=empty, doc=doc, source=source, mapped=empty)
    return check_contrast(ctx) + check_headers(ctx)


def check_mjml_text(
    text: str,
    *,
    source: str = "<mjml>",
    recipients: Any = None,
    variables: dict[str, str] | None = None,
    esp: str | None = None,
) -> CheckReport:
    """Check an MJML source (locations are "html": there are no block ids to point to)."""
    from ..build.pipeline import build_mjml_text
    from .merge import collect_mjml_errors

    if text.startswith("\ufeff"):
        text = text[1:]
    merge_findings, cleaned = collect_mjml_errors(text, source)
    try:
        result = build_mjml_text(cleaned, source=source, variables=variables, base_dir=_base_dir(source))
    except BuildError as e:
        finding = _unbuildable(e, source)
        if finding is None:
            raise
        return _report(merge_findings + [finding], None, None, source)
    from .bare_less_than import check_bare_less_than
    from .unknown_elements import check_unknown_elements

    findings = run_checks(result, None, recipients=recipients, source=source, esp=esp)
    findings += check_unknown_elements(cleaned) + check_bare_less_than(cleaned)
    return _report(merge_findings + findings, None, result, source, recipients)


def check_file(path: str | Path, *, recipients: Any = None, esp: str | None = None) -> CheckReport:
    """Check a `.mwt` document or an `.mjml` file. DocumentError/BuildError: it cannot be read or built."""
    from ..document.storage import load_document, read_text_capped

    p = Path(path)
    if p.suffix.lower() == ".mjml":
        return check_mjml_text(read_text_capped(p), source=str(p), recipients=recipients, esp=esp)
    # The plain reader, as build's: a valid file needs no pydantic (~0.1 s of every check's start).
    return check_document(load_document(p, plain=True), source=str(p), recipients=recipients, esp=esp)


def check_job(document_json: str, source: str = "<document>") -> list[dict[str, str]]:
    """Entry point for the editor's worker process: document JSON in, findings as dicts out."""
    from ..document.storage import loads_document

    report = check_document(loads_document(document_json, source), source=source)
    return [
        {"severity": f.severity, "code": f.code, "message": f.message, "location": f.location, "hint": f.hint}
        for f in report.findings
    ]
