"""User values kept short in the messages users see.

A fuzzed build once printed a 6 MB line on stderr: a message quoted a block type, a theme name
or a merge expression as written. :class:`ShortMessage`, mixed into every error class whose
message reaches the user, cuts each long quoted value or long unbroken run to
:data:`SHOWN_CHARS` characters and says how much was left out, wherever the message was made.
"""

from __future__ import annotations

import re

__all__ = ["SHOWN_CHARS", "ShortMessage", "shorten", "shorten_values"]

# Enough of a value to recognise it; far less than a terminal line-wrap disaster.
SHOWN_CHARS = 200
_LONG = re.compile(r"'[^'\n]{%d,}'|\"[^\"\n]{%d,}\"|\S{%d,}" % (SHOWN_CHARS + 1, SHOWN_CHARS + 1, SHOWN_CHARS + 1))


def shorten(value: str, limit: int = SHOWN_CHARS) -> str:
    """`value` as a message may quote it: at most about `limit` characters, saying how much was cut."""
    if len(value) <= limit:
        return value
    keep = max(limit - 40, 1)
    return f"{value[:keep]}… ({len(value) - keep:,} more characters)"


def shorten_values(message: str) -> str:
    """The message with every quoted value or unbroken run over SHOWN_CHARS shortened."""
    if len(message) <= SHOWN_CHARS:
        return message

    def cut(m: re.Match[str]) -> str:
        text = m.group(0)
        if text[0] in "'\"" and text[-1] == text[0] and len(text) > 1:
            return text[0] + shorten(text[1:-1]) + text[0]
        return shorten(text)

    return _LONG.sub(cut, message)


class ShortMessage(Exception):
    """Mix in first (`class XError(ShortMessage, ValueError)`): the message's values are shortened."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(shorten_values(str(message)), *args)
