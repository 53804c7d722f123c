"""The test inbox's own list of the messages it stored (``.mailwright-inbox.json``).

A store folder may be any folder the user names (``mailwright inbox --store DIR``), full of
their own mail. The inbox deletes only what is both listed here and named its own way
(``<20-digit time>-<6 hex>.eml`` with its ``.json`` envelope), so another program's files,
or a hand-edited index naming them, are never touched. Without an index (a store written
by an older version) nothing already there is listed as the inbox's own, so nothing old is
deleted to keep the cap.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

from ..document.atomic import atomic_write_text

__all__ = ["INDEX_FILE", "OWN_ID", "StoreIndex", "is_own_id"]

log = logging.getLogger(__name__)

INDEX_FILE = ".mailwright-inbox.json"
FORMAT = "mailwright-inbox-index"
VERSION = 1
OWN_ID = re.compile(r"^[0-9]{20}-[0-9a-f]{6}$")
_NOTE = (
    "Written by the Mailwright test inbox: the messages it stored in this folder, oldest first. "
    "It deletes only these (to keep its cap, or when asked); other files here are never touched."
)


def is_own_id(value: object) -> bool:
    """True for a name the inbox gives its messages (never a path, never another naming)."""
    return isinstance(value, str) and OWN_ID.match(value) is not None


class StoreIndex:
    """Reads and writes the index of one store folder. Callers hold the inbox's lock."""

    def __init__(self, store: Path) -> None:
        self.path = store / INDEX_FILE

    def read(self) -> list[str]:
        """The ids the inbox stored, oldest first; [] when there is no usable index."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            # Unreadable: treat every message as not ours (kept, never deleted) rather than guess.
            log.warning("test inbox: ignoring the unreadable index %s (%s)", self.path, e)
            return []
        ids = data.get("messages") if isinstance(data, dict) and data.get("format") == FORMAT else None
        if not isinstance(ids, list):
            log.warning("test inbox: ignoring %s, which is not a Mailwright inbox index", self.path)
            return []
        seen: set[str] = set()
        out = []
        for value in ids:
            if is_own_id(value) and value not in seen:  # a hand-edited name or path is ignored
                seen.add(value)
                out.append(value)
        return out

    def write(self, ids: list[str]) -> None:
        """Replace the index atomically (a crash leaves the old one or the new one)."""
        data = {"format": FORMAT, "version": VERSION, "note": _NOTE, "messages": ids}
        atomic_write_text(self.path, json.dumps(data, indent=0) + "\n", backup=False)

    @staticmethod
    def new_id(after: list[str]) -> str:
        """A fresh id that sorts after every id in `after` even if the clock went back."""
        now = time.time_ns()
        if after:
            now = max(now, int(after[-1][:20]) + 1)
        return f"{now:020d}-{os.urandom(3).hex()}"
