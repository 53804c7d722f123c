"""Terminal output that cannot fail.

A test send that was delivered used to exit 1 with "internal error (UnicodeEncodeError)" when
stdout was ASCII (`PYTHONIOENCODING=ascii`, some CI consoles), so a retrying pipeline sent it
twice. Printing a file name that is not UTF-8 (`check $'\\xff\\xfe.mwt'`) failed the same way.
After :func:`make_streams_safe`, stdout and stderr write what their encoding cannot hold as
escapes, and a file name's undecodable bytes as the bytes they were.
"""

from __future__ import annotations

import codecs
import io
import sys

__all__ = ["make_streams_safe", "ERRORS"]

ERRORS = "mailwright-safe"


def _safe(err: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    out = bytearray()
    for ch in err.object[err.start : err.end]:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (surrogateescape)
            out.append(code - 0xDC00)
        else:
            out += ch.encode("ascii", "backslashreplace")
    return bytes(out), err.end


codecs.register_error(ERRORS, _safe)


def make_streams_safe() -> None:
    """Set stdout and stderr to escape, never raise, on characters their encoding lacks."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        if isinstance(stream, io.TextIOWrapper):
            try:
                stream.reconfigure(errors=ERRORS)
            except (ValueError, io.UnsupportedOperation):  # closed or detached
                pass
