"""Line and column of an offset in a text, and of many offsets in time linear in the text.

`text.count("\\n", 0, i)` per merge tag made 83,000 tags in one block cost seconds; offsets met
in increasing order only count the newlines since the previous one.
"""

from __future__ import annotations


def line_col(text: str, offset: int, first_line: int = 1) -> tuple[int, int]:
    """1-based (line, column) of `offset` in `text`, whose first line is `first_line`."""
    return first_line + text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1) + 1


class LineCounter:
    """1-based (line, column) of offsets into `text`, cheapest when asked in increasing order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._at = 0
        self._line = 1
        self._line_start = 0

    def line_col(self, index: int) -> tuple[int, int]:
        if index < self._at:  # asked out of order: count again from the start
            self._at, self._line, self._line_start = 0, 1, 0
        text = self.text
        self._line += text.count("\n", self._at, index)
        newline = text.rfind("\n", self._at, index)
        if newline >= 0:
            self._line_start = newline + 1
        self._at = index
        return self._line, index - self._line_start + 1
