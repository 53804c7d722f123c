"""What a check reports: findings, their order, and the report `mailwright check` prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

# Every code, in the order findings of equal severity are listed.
CODES: tuple[str, ...] = (
    "merge-syntax",
    "gmail-clip",
    "style-size",
    "no-unsubscribe",
    "empty-link",
    "bad-url",
    "insecure-link",
    "missing-field",
    "missing-alt",
    "image-width",
    "image-weight",
    "contrast",
    "css-support",
    "subject-length",
    "preheader-missing",
    "client-strips",
    "data-meaning",
    "unknown-element",
    "bare-less-than",
)


@dataclass(frozen=True)
class Finding:
    """One problem found in an email.

    `location` is a block/row/column id ("b7"), a JSON path into the document ("subject",
    "preheader", "b7.props.href"), or "html" when the place cannot be mapped to the document.
    """

    severity: Severity
    code: str
    message: str
    location: str = "html"
    hint: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.code not in CODES:
            raise ValueError(f"unknown check code {self.code!r}")

    def to_dict(self) -> dict[str, str]:
        """The JSON form, keys in a fixed order."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "location": self.location,
            "hint": self.hint,
        }

    def line(self) -> str:
        """`error    gmail-clip     b7  message (hint)`: one line of `mailwright check` text output."""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.severity:<8} {self.code:<17} {self.location:<6} {self.message}{hint}"


def sort_findings(findings: Iterable[Finding], order: dict[str, int] | None = None) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity by code, then by where."""
    order = order or {}

    def where(location: str) -> tuple[int, str]:
        head = location.split(".", 1)[0]
        if location in ("subject", "preheader"):
            return (("subject", "preheader").index(location), location)
        if head in order:
            return (10 + order[head], location)
        if location == "html":
            return (1 << 30, location)
        return (5, location)

    return sorted(
        findings, key=lambda f: (SEVERITIES.index(f.severity), CODES.index(f.code), where(f.location), f.message)
    )


@dataclass(frozen=True)
class CheckReport:
    """The findings for one email, the size of its HTML and how many recipients were checked."""

    findings: tuple[Finding, ...]
    html_bytes: int = 0
    source: str = ""
    recipients: int | None = None  # rows the email was rendered for (None: no --data)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def infos(self) -> int:
        return sum(f.severity == "info" for f in self.findings)

    def to_dict(self) -> dict:
        summary = {"errors": self.errors, "warnings": self.warnings, "html_bytes": self.html_bytes}
        if self.recipients is not None:  # only with --data: the keys without it stay as documented
            summary["recipients"] = self.recipients
        return {"findings": [f.to_dict() for f in self.findings], "summary": summary}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def summary_line(self) -> str:
        parts = [plural(self.errors, "error"), plural(self.warnings, "warning")]
        if self.infos:
            parts.append(f"{self.infos} info")
        checked = f"; checked {recipients_count(self.recipients)}" if self.recipients is not None else ""
        return (
            f"{self.source + ': ' if self.source else ''}{', '.join(parts)}; "
            f"{self.html_bytes / 1024:.1f} KB of HTML{checked}"
        )

    def to_text(self) -> str:
        lines = [f.line() for f in self.findings]
        lines.append(self.summary_line())
        return "\n".join(lines) + "\n"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def recipients_count(n: int) -> str:
    """`100,000 recipients`: thousands grouped, as a person reads a large count."""
    return f"{n:,} recipient{'' if n == 1 else 's'}"


def capped_list(items: list, limit: int = 4, *, noun: str = "") -> str:
    """`2, 5, 9 and 14 more` (the first `limit` items, then a count)."""
    shown = [str(i) for i in items[:limit]]
    rest = len(items) - len(shown)
    if rest > 0:
        text = f"{', '.join(shown)} and {rest} more"
    elif len(shown) > 1:
        text = f"{', '.join(shown[:-1])} and {shown[-1]}"
    else:
        text = "".join(shown)
    return f"{noun} {text}".strip() if noun else text


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"
