"""What the document-based ESP interpreters in tests/support share.

* `esp_text`: a JSON value as ESPs that store text show it (null as nothing, booleans as
  true/false, 7.0 as 7, lists and objects as nothing).
* `Branches`: the open if/elseif/else blocks of a tag language without nesting syntax of its
  own (Mailchimp's *|IF:…|*, Campaign Monitor's [if:…]).
"""

from __future__ import annotations

from typing import Any


def esp_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if isinstance(v, (list, dict)) else str(v)


class Branches:
    """A stack of (this branch shows, a branch of the block was taken)."""

    def __init__(self) -> None:
        self.stack: list[tuple[bool, bool]] = []

    def showing(self) -> bool:
        return all(s for s, _ in self.stack)

    def open(self, test: bool) -> None:
        self.stack.append((test, test))

    def elseif(self, test: Any) -> None:
        """`test`: a callable, asked only when no branch was taken yet."""
        _, taken = self.stack.pop()
        t = not taken and bool(test())
        self.stack.append((t, taken or t))

    def else_(self) -> None:
        _, taken = self.stack.pop()
        self.stack.append((not taken, True))

    def close(self) -> None:
        self.stack.pop()

    def check_closed(self, what: str) -> None:
        if self.stack:
            raise ValueError(f"unclosed {what}")
