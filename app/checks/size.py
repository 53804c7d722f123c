"""gmail-clip and style-size: Gmail's limits on the HTML and on <style> (esp-dialects.md §3)."""

from __future__ import annotations

from .context import CheckContext, production_bytes
from .css import css_bytes, parse_stylesheet
from .model import Finding, kb

CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" above about 102 KB
CLIP_WARN_BYTES = 90 * 1024
STYLE_BYTES = 16 * 1024  # Gmail removes the <style> elements past 16 KB in total


def check_size(ctx: CheckContext) -> list[Finding]:
    out = []
    size = production_bytes(ctx.result)
    hint = (
        "remove rows or long raw HTML, shorten repeated inline styles, or link to the full "
        "version online; personalised values and the ESP's tracking links add more"
    )
    if size > CLIP_BYTES:
        out.append(
            Finding(
                "error",
                "gmail-clip",
                f"the HTML is {kb(size)}; Gmail clips emails over 102 KB "
                "(the rest, often with the unsubscribe link, is hidden)",
                "html",
                hint,
            )
        )
    elif size > CLIP_WARN_BYTES:
        out.append(
            Finding(
                "warning", "gmail-clip", f"the HTML is {kb(size)}, close to Gmail's 102 KB clipping limit", "html", hint
            )
        )

    total = 0
    nested: list[str] = []
    for style in ctx.elements("style"):
        css = style.text or ""
        total += css_bytes(css)
        nested += parse_stylesheet(css).nested_at_rules
    if total > STYLE_BYTES:
        out.append(
            Finding(
                "error",
                "style-size",
                f"the <style> elements hold {kb(total)} of CSS; Gmail removes the <style> "
                "elements past 16 KB, and with them the mobile layout",
                "html",
                "move rules into the blocks (inline styles) or drop unused CSS",
            )
        )
    for rule in dict.fromkeys(nested):
        out.append(
            Finding(
                "error",
                "style-size",
                f"an at-rule inside another ({rule}): Gmail removes the whole <style> element",
                "html",
                "write the inner at-rule at the top level of the style sheet",
            )
        )
    return out
