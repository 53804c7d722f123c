"""client-strips: what a recipient's mail client removes or blocks, kept in raw HTML.

Scripts never run in email and most clients delete the element; Gmail, Outlook and Yahoo remove
iframes and embeds and every event-handler attribute; a meta refresh is dropped or flags the
message as suspicious. A style value holding a literal `\\n` (the two characters, as a broken
compiler or a copied JSON string writes them) makes clients drop the declaration.
"""

from __future__ import annotations

import re
from collections import Counter

from .context import CheckContext
from .model import Finding, capped_list

_REMOVED = {
    "script": (
        "a <script> element",
        "email clients never run scripts, and most delete them; spam filters count them against the message",
    ),
    "iframe": ("an <iframe>", "Gmail, Outlook and Yahoo remove iframes; link to the page instead"),
    "embed": ("an <embed>", "mail clients remove embedded content; link to it instead"),
}
_ESCAPED_BREAK = re.compile(r"\\[nt]")


def check_stripped(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    where: dict[str, list[str]] = {}
    handlers: Counter[str] = Counter()
    handler_places: dict[str, list[str]] = {}
    broken_styles: list[str] = []
    for el in ctx.tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _REMOVED:
            where.setdefault(tag, []).append(ctx.location(el))
        elif tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            where.setdefault("meta-refresh", []).append(ctx.location(el))
        for name in el.attrib:
            if name.lower().startswith("on"):
                handlers[name.lower()] += 1
                handler_places.setdefault(name.lower(), []).append(ctx.location(el))
        if _ESCAPED_BREAK.search(el.get("style") or ""):
            broken_styles.append(ctx.location(el))
    for tag, places in where.items():
        if tag == "meta-refresh":
            out.append(
                Finding(
                    "warning",
                    "client-strips",
                    'a <meta http-equiv="refresh">: clients ignore it and filters treat it as a redirect trick',
                    _first(places),
                    "remove it; link to the page instead",
                )
            )
            continue
        what, why = _REMOVED[tag]
        count = f" ({len(places)} of them)" if len(places) > 1 else ""
        out.append(
            Finding(
                "warning",
                "client-strips",
                f"{what}{count} in the email: {why}",
                _first(places),
                f"remove it (found at {capped_list(sorted(set(places)))})",
            )
        )
    for name, n in sorted(handlers.items()):
        places = handler_places[name]
        out.append(
            Finding(
                "warning",
                "client-strips",
                f"{n} {name}= attribute{'s' if n > 1 else ''}: clients remove event handlers",
                _first(places),
                f"remove {name}= (found at {capped_list(sorted(set(places)))})",
            )
        )
    if broken_styles:
        out.append(
            Finding(
                "warning",
                "client-strips",
                f"{len(broken_styles)} style value{'s hold' if len(broken_styles) > 1 else ' holds'} "
                "a literal \\n or \\t: clients drop those declarations",
                _first(broken_styles),
                "write the style on one line without backslash escapes",
            )
        )
    return out


def _first(places: list[str]) -> str:
    return places[0] if places else "html"
