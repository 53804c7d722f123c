"""What the editors accept as a colour or a link: checks on text, no widgets."""

from __future__ import annotations

import re

MERGE_TAG = re.compile(r"<<.*?>>|<%.*?%>", re.S)
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_BARE_HEX = re.compile(r"^(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_URL_OK = re.compile(r"^(?:https?://[^\s/$.?#][^\s]*|mailto:[^\s]*|tel:[+\d\s().-]+|cid:\S+|#\S*)$", re.I)


def url_warning(value: str) -> str:
    """A warning for a link target that does not look like one (still stored as written)."""
    value = (value or "").strip()
    if not value or MERGE_TAG.search(value) or _URL_OK.match(value):
        return ""
    return "This does not look like a link (https://, mailto:, tel:, cid: or a merge tag); it is kept as written."


_BARE_DOMAIN = re.compile(
    r"^(?:www\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$"
)
_BARE_ADDRESS = re.compile(r"^[^@\s/:]+@[^@\s/:]+\.[A-Za-z]{2,}$")


def complete_link(text: str) -> str:
    """What a link typed without its scheme means: "example.com/a" is https://example.com/a and
    "ann@example.com" is mailto:ann@example.com (as written, either would be a relative address,
    a dead link in every email). Anything else comes back as written, trimmed."""
    value = (text or "").strip()
    if not value or MERGE_TAG.search(value):
        return value
    # Before any scheme test: "example.com:8080/a" starts like a scheme ("example.com:").
    if _BARE_ADDRESS.match(value):
        return "mailto:" + value
    if _BARE_DOMAIN.match(value):
        return "https://" + value
    return value


def normalise_color(text: str) -> str:
    text = text.strip()
    if _BARE_HEX.match(text):
        text = "#" + text
    return text.lower() if HEX.match(text) or text.lower() == "transparent" else text


def is_color(text: str) -> bool:
    return bool(HEX.match(text)) or text == "transparent" or bool(MERGE_TAG.fullmatch(text))
