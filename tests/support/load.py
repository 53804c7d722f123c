"""CPU load for tests of what a busy computer gets wrong (a picture grabbed before it is painted).

`busy_cores()` runs busy-looping child processes, one per core or more, for the `with` block,
and always ends them (by their own process ids) when it ends. Two per core is what made a
2 MB preview grab the frame from before its resize 5 runs in 5 (one per core: 0 in 3).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from typing import Iterator

BUSY_LOOP = "while True: pass"


@contextlib.contextmanager
def busy_cores(per_core: int = 1) -> Iterator[int]:
    """Keep every core busy with `per_core` loops each; yields how many loops run."""
    n = per_core * (os.cpu_count() or 2)
    loops = [
        subprocess.Popen(
            [sys.executable, "-c", BUSY_LOOP],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]
    try:
        yield n
    finally:
        for proc in loops:
            proc.kill()
        for proc in loops:
            proc.wait()
