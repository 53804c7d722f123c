"""The compile worker's job: the pipeline and personalisation called with plain, picklable values.

Its own module, so the pipeline never imports personalisation (which builds on the pipeline)."""

from __future__ import annotations

from ..document.storage import loads_document
from .pipeline import build_document, build_mjml_text


def build_job(
    kind: str, text: str, source: str = "<document>", design: bool = False, recipient: dict | None = None
) -> dict:
    """Entry point for the compile worker process (app/worker.py): plain, picklable in and out.

    `kind` is "mwt" (document JSON) or "mjml". The GUI runs this out of process so a native
    crash in the compiler costs an error message, not the editor. With `recipient`, the HTML is
    personalised for that row, absent fields marked (the canvas showing a chosen recipient).
    """
    if kind == "mjml":
        result = build_mjml_text(text, source=source)
    else:
        result = build_document(loads_document(text, source), source=source, design=design, with_text=not design)
    out = {
        "html": result.html,
        "text": result.text,
        "mjml": result.mjml,
        "subject": result.subject,
        "preheader": result.preheader,
        "missing": (),
    }
    if recipient is not None:
        from .personalise import CompiledEmail  # jinja2 only for a chosen recipient

        email = CompiledEmail(result).render(recipient, mark_missing=True)
        out.update(
            html=email.html, text=email.text, subject=email.subject, preheader=email.preheader, missing=email.missing
        )
    return out
