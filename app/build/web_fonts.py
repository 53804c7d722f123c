"""The web fonts node MJML links for an .mjml source, linked the same way.

MJML's own compiler adds a Google Fonts `<link>` and `@import` for each of its five default
families that the email uses (its default font is Ubuntu, so most hand-written MJML links it).
mjml-python's detection differs from node's on real templates (it linked Ubuntu where node did
not, and missed "open Sans"), so Mailwright compiles without fonts and applies node's rule
(mjml-core's buildFontsTags): a family is used when a double-quoted attribute of the body holds
`font-family:` and then the family's name, in any case. Documents (.mwt) do not use this: their
theme names its web fonts.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

__all__ = ["MJML_DEFAULT_FONTS", "declared_fonts", "fonts_used", "link_fonts"]

MJML_DEFAULT_FONTS: dict[str, str] = {
    "Open Sans": "https://fonts.googleapis.com/css?family=Open+Sans:300,400,500,700",
    "Droid Sans": "https://fonts.googleapis.com/css?family=Droid+Sans:300,400,500,700",
    "Lato": "https://fonts.googleapis.com/css?family=Lato:300,400,500,700",
    "Roboto": "https://fonts.googleapis.com/css?family=Roboto:300,400,500,700",
    "Ubuntu": "https://fonts.googleapis.com/css?family=Ubuntu:300,400,500,700",
}
_USES = {
    name: re.compile(r'"[^"]*font-family:[^"]*' + re.escape(name) + r'[^"]*"', re.I) for name in MJML_DEFAULT_FONTS
}
_BODY = re.compile(r"<body\b.*</body>", re.I | re.S)
# Where MJML puts the fonts: after the Outlook group fix, before the media queries.
_AFTER = re.compile(r"\.mj-outlook-group-fix \{[^}]*\}\s*</style>\s*<!\[endif\]-->\n?")


_MJ_FONT = re.compile(r"""<mj-font\b[^>]*?\bname\s*=\s*["']([^"']*)["']""", re.I)


def declared_fonts(mjml: str) -> set[str]:
    """Families the source declares with <mj-font> (their own URL replaces MJML's default)."""
    return {m.group(1).strip() for m in _MJ_FONT.finditer(mjml)}


def fonts_used(html: str, declared: AbstractSet[str] = frozenset()) -> list[str]:
    """The default MJML families the email's body uses, in MJML's order, less those declared."""
    body = _BODY.search(html)
    content = body.group(0) if body else html
    if "font-family" not in content:
        return []
    return [name for name, pattern in _USES.items() if name not in declared and pattern.search(content)]


def link_fonts(html: str, names: list[str]) -> str:
    """The HTML with MJML's font block for `names` in its head (as MJML writes it)."""
    if not names:
        return html
    urls = [MJML_DEFAULT_FONTS[n] for n in names]
    block = (
        "<!--[if !mso]><!-->"
        + "".join(f'<link href="{u}" rel="stylesheet" type="text/css">' for u in urls)
        + '<style type="text/css">'
        + "".join(f"@import url({u});" for u in urls)
        + "</style><!--<![endif]-->"
    )
    m = _AFTER.search(html)
    if m:
        return html[: m.end()] + block + html[m.end() :]
    at = html.lower().find("</head>")
    return html if at < 0 else html[:at] + block + html[at:]
