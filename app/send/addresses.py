"""Email addresses typed by a user or read from data: parsed, validated, one reason per bad one.

hardening.md §7 rule 6 and bad-inputs.md rows 24 and 26. A display name is allowed
(``Zoë Martin <zoe@example.com>``, ``"Smith, Jr." <bob@example.com>``); spaces, ``a..b``,
a missing @, CR/LF and zero-width characters are refused; IDN domains are converted to
their ASCII form for the envelope; ``user@localhost`` is accepted only when sending to a
server on this computer (the local test inbox). The result is an
:class:`email.headerregistry.Address`, so headers are always built from objects, never by
formatting strings.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address
from typing import Iterable
from ..messages import ShortMessage

__all__ = ["AddressError", "parse_address", "parse_addresses", "clean_header_text", "BIDI_CONTROLS"]

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Everything str.splitlines() treats as a line break, plus NUL and the other C0 controls.
_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029" + BIDI_CONTROLS + "]")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_LOCAL_DOMAINS = ("localhost",)
MAX_ADDRESS_LENGTH = 320


class AddressError(ShortMessage, ValueError):
    """A bad address. ``str(err)`` names the address and the reason."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"{_show(address)}: {reason}")


def _show(text: str) -> str:
    """The address as typed, with invisible and control characters made visible."""
    out = []
    for ch in text[:120]:
        if ch in _LINE_BREAKS or ch == "\0" or ch in BIDI_CONTROLS or ch in _ZERO_WIDTH or ord(ch) < 32:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + ("…" if len(text) > 120 else "") + "'"


def clean_header_text(value: str) -> str:
    """A merged value made safe for a header: CR, LF, NUL, other controls and bidi controls
    removed (line breaks become spaces), whitespace runs collapsed."""
    value = "".join(" " if ch in _LINE_BREAKS or ch == "\t" else ch for ch in str(value))
    value = _CONTROL.sub("", value)
    return re.sub(r" {2,}", " ", value).strip()


def _reject_invisible(text: str, original: str) -> None:
    if any(ch in text for ch in "\r\n\0") or any(ch in text for ch in _LINE_BREAKS):
        raise AddressError(original, "it contains a line break; an address is one line")
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise AddressError(
                original, f"it contains an invisible text-direction control ({unicodedata.name(ch, hex(ord(ch)))})"
            )
        if ch in _ZERO_WIDTH:
            raise AddressError(original, f"it contains an invisible character ({unicodedata.name(ch, hex(ord(ch)))})")
        if ord(ch) < 32 or ord(ch) == 0x7F:
            raise AddressError(original, f"it contains a control character (U+{ord(ch):04X})")


def _split_display_name(text: str, original: str) -> tuple[str, str]:
    """``Name <addr>`` → (name, addr); a bare address → ("", addr)."""
    if not text.endswith(">"):
        if "<" in text or ">" in text:
            raise AddressError(original, "write a name and address as Name <name@example.com>")
        return "", text
    start = text.rfind("<")
    if start < 0:
        raise AddressError(original, "a '>' without '<'; write Name <name@example.com>")
    name, addr = text[:start].strip(), text[start + 1 : -1].strip()
    if name.startswith('"'):
        m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', name)
        if not m:
            raise AddressError(original, "the name's quotes are not closed")
        name = re.sub(r"\\(.)", r"\1", m.group(1))
    else:
        for ch in ',;<>@"':
            if ch in name:
                if ch == ",":
                    reason = (
                        "the name contains a comma: put the name in quotes "
                        '("Smith, Jr." <bob@example.com>), or give one address at a time'
                    )
                else:
                    reason = f"the name contains {ch!r}: put the name in double quotes"
                raise AddressError(original, reason)
    return name.strip(), addr


def parse_address(text: str | Address, *, allow_localhost: bool = False) -> Address:
    """One address (with an optional display name) → an Address, or :class:`AddressError`.

    The domain is converted to ASCII (IDNA); a non-ASCII local part is kept and needs a
    server that offers SMTPUTF8 (the send reports it when it does not).
    """
    if isinstance(text, Address):
        text = str(text) if text.display_name else text.addr_spec
    if not isinstance(text, str):
        raise AddressError(repr(text), "not a text")
    original = text
    _reject_invisible(text, original)
    text = text.strip()
    if not text:
        raise AddressError(original, "empty")
    if len(text) > MAX_ADDRESS_LENGTH + 200:
        raise AddressError(original, "too long")
    name, addr = _split_display_name(text, original)
    if not addr:
        raise AddressError(original, "no address between < and >")
    if "@" not in addr:
        raise AddressError(original, "it has no @ (write name@example.com)")
    local, _, domain = addr.rpartition("@")
    if not local:
        raise AddressError(original, "nothing before the @")
    if not domain:
        raise AddressError(original, "nothing after the @")
    from email_validator import EmailNotValidError, validate_email

    if domain.lower() in _LOCAL_DOMAINS:
        if not allow_localhost:
            raise AddressError(
                original,
                f"@{domain} only reaches this computer: it can be used with "
                "the local test inbox, not with a real mail server",
            )
        try:  # the local part is checked as for any domain
            checked = validate_email(f"{local}@example.com", check_deliverability=False)
        except EmailNotValidError as e:
            raise AddressError(original, _reason(e)) from None
        username, ascii_domain = checked.local_part, domain.lower()
    else:
        try:
            checked = validate_email(addr, check_deliverability=False)
        except EmailNotValidError as e:
            raise AddressError(original, _reason(e)) from None
        username = checked.local_part
        ascii_domain = checked.ascii_domain or checked.domain
    try:
        return Address(display_name=name, username=username, domain=ascii_domain)
    except (ValueError, TypeError) as e:  # defensive: Address refuses CR/LF itself
        raise AddressError(original, str(e)) from None


def _reason(error: Exception) -> str:
    reason = str(error).strip().rstrip(".")
    return reason[:1].lower() + reason[1:] if reason else "not a valid address"


def parse_addresses(texts: Iterable[str], *, allow_localhost: bool = False) -> tuple[list[Address], list[AddressError]]:
    """Several addresses: (the good ones, in order, without duplicates; one error per bad one)."""
    good: list[Address] = []
    bad: list[AddressError] = []
    seen: set[str] = set()
    for text in texts:
        try:
            address = parse_address(text, allow_localhost=allow_localhost)
        except AddressError as e:
            bad.append(e)
            continue
        key = address.addr_spec.lower()
        if key not in seen:
            seen.add(key)
            good.append(address)
    return good, bad
