"""unknown-element: an `mj-…` tag in an MJML source that MJML does not define.

node MJML leaves such an element out of the email (and reports a validation error). So does the
build where node's email is simply the one without it (app/build/mjml_elements.py); elsewhere
mjml-python copies it into the HTML as it is, so its text shows in a browser yet the tag means
nothing to a mail client. Either way the author meant something else: usually a typo or a custom
component that only exists in their own build setup.
"""

from __future__ import annotations

import re
from typing import Any

from ..build.mjml_elements import KNOWN, leave_out_unknown_elements
from ..textpos import line_col
from .model import Finding, capped_list

_START_TAG = re.compile(r"<(mj-[\w-]+|mjml[\w-]+)\b", re.I)
# Comments, and the content of the elements whose content is HTML or text (an ending tag): an
# `<mj-foo>` in an mj-text is the text's own markup, kept by node's MJML as it is.
_SKIPPED = re.compile(
    r"<!--.*?-->|<(mj-(?:raw|text|button|table|navbar-link|accordion-title|accordion-text|social-element|"
    r"style|title|preview))(?=[\s/>]).*?</\1\s*>",
    re.S | re.I,
)


def check_unknown_elements(text: str, *, location: str = "html", inside: str | None = None) -> list[Finding]:
    """One finding per unknown element name, with the line:column of each place it starts
    (`location`: the block whose MJML it is, written `inside` that element)."""
    blanked = _SKIPPED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    places: dict[str, list[str]] = {}
    for m in _START_TAG.finditer(blanked):
        name = m.group(1).lower()
        if name not in KNOWN:
            line, col = line_col(text, m.start())
            places.setdefault(name, []).append(f"{line}:{col}")
    # Left out of the email where the build leaves every one of its places out (nested ones too).
    remaining = _SKIPPED.sub("", leave_out_unknown_elements(text, inside)[0])
    kept = {m.group(1).lower() for m in _START_TAG.finditer(remaining)}
    return [
        Finding(
            "warning",
            "unknown-element",
            f"<{name}> at {where[0]} is not an MJML element: "
            + (
                "it is left out of the email, as node's MJML leaves it out"
                if name not in kept
                else "node's MJML leaves it out of the email (and may take what follows with it), "
                "mjml-python copies it in as an unknown tag with its text showing"
            ),
            location,
            "correct the name or replace it with an MJML element"
            + (f" (found at {capped_list(where)})" if len(where) > 1 else ""),
        )
        for name, where in sorted(places.items())
    ]


def check_raw_mjml_blocks(doc: Any) -> list[Finding]:
    """unknown-element in a document's MJML blocks: the canvas shows the email without it, and
    this says why."""
    findings: list[Finding] = []
    for block in doc.iter_blocks():
        text = getattr(block.props, "mjml", None) if block.type == "mjml" else None
        if isinstance(text, str) and "<mj-" in text:
            findings += check_unknown_elements(text, location=block.id, inside="mj-column")
    return findings
