"""Which remote sites an email's images come from (pure; no Qt).

The canvas blocks remote content. Like a mail client it then says "This email loads images
from N sites" and offers to show them, for this document or always for these sites. Only
https images can be shown; plain-http ones are counted so the bar can say they stay blocked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# <img src="…">, background="…" (MJML hero/section) and CSS url(…) in inline styles.
_SOURCES = re.compile(
    r"""(?:\bsrc|\bbackground)\s*=\s*["']\s*(https?://[^"'\s>]+)|url\(\s*['"]?(https?://[^'")\s]+)""", re.I
)
_HOST = re.compile(r"^https?://([^/?#:@\s]+)", re.I)


@dataclass(frozen=True)
class RemoteImages:
    hosts: tuple[str, ...]  # https sites, sorted
    insecure: int  # plain-http image references (never shown)


def remote_images(html: str, ignore: frozenset[str] = frozenset()) -> RemoteImages:
    """The remote image sites `html` references; URLs in `ignore` (a block's stand-in art,
    which the canvas draws itself) do not count."""
    hosts: set[str] = set()
    insecure = 0
    for m in _SOURCES.finditer(html):
        url = (m.group(1) or m.group(2)).replace("&amp;", "&")
        if url in ignore:
            continue
        host = _HOST.match(url)
        if host is None:
            continue
        if url[:5].lower() == "https":
            hosts.add(host.group(1).lower())
        else:
            insecure += 1
    return RemoteImages(tuple(sorted(hosts)), insecure)


def bar_text(found: RemoteImages, allowed: frozenset[str]) -> str:
    """The notice over the canvas, or "" when there is nothing to say."""
    blocked = [h for h in found.hosts if h not in allowed]
    parts = []
    if blocked:
        names = ", ".join(blocked[:3]) + (f" and {len(blocked) - 3} more" if len(blocked) > 3 else "")
        parts.append(
            f"This email loads images from {len(blocked)} site{'s' if len(blocked) != 1 else ''} "
            f"({names}); they are not shown."
        )
    if found.insecure:
        parts.append(
            f"{found.insecure} image{'s' if found.insecure != 1 else ''} over plain http "
            f"stay{'s' if found.insecure == 1 else ''} blocked (use https)."
        )
    return " ".join(parts)
