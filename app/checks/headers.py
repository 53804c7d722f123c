"""subject-length and preheader-missing: what the inbox list shows before the email is opened."""

from __future__ import annotations

from ..build.tokens import TAG_RE
from .context import CheckContext
from .model import Finding

SUBJECT_WARN = 60  # characters; phones show about 30-40, desktop clients about 60-70
TAG_LENGTH = 10  # a merge tag counts as a typical value (a first name) of this length


def subject_length(text: str) -> int:
    """Characters of a subject, each merge tag counted as TAG_LENGTH characters."""
    return len(TAG_RE.sub("x" * TAG_LENGTH, " ".join(text.split())))


def check_headers(ctx: CheckContext) -> list[Finding]:
    out = []
    subject = ctx.result.subject or ""
    if not subject.strip():
        out.append(
            Finding(
                "error",
                "subject-length",
                "the subject is empty",
                "subject",
                "write a subject line: without one, inboxes show “(no subject)”"
                + (" (an MJML file takes it from <mj-title>)" if ctx.doc is None else ""),
            )
        )
    else:
        n = subject_length(subject)
        if n > SUBJECT_WARN:
            out.append(
                Finding(
                    "warning",
                    "subject-length",
                    f"the subject is about {n} characters long (merge tags counted as {TAG_LENGTH}); "
                    f"inboxes cut it after about {SUBJECT_WARN}",
                    "subject",
                    "put the words that matter first, or shorten it",
                )
            )
    if not (ctx.result.preheader or "").strip():
        out.append(
            Finding(
                "warning",
                "preheader-missing",
                "no preheader: inboxes show the first text of the email instead",
                "preheader",
                "write a preheader (the preview line shown after the subject)"
                + (" with <mj-preview>" if ctx.doc is None else ""),
            )
        )
    return out
