"""Qt widgets (DESIGN.md §1). Importing this package applies one interpreter guard first."""

from __future__ import annotations

import sys


def _guard_singletons() -> None:
    """Work around a reference-count bug of the PySide6 6.12 wheels on CPython 3.11.

    Measured here: every call of a Qt method returning void (`setText`, `resize`,
    `QCoreApplication.processEvents`, ...) drops one reference to `None`, and `Signal.emit`
    one to `True`, without having taken it (the wheels assume Python 3.12's immortal
    singletons). `None` starts with a few thousand references, so an editor session dies
    with "Fatal Python error: none_dealloc" after some thousands of calls. Giving the three
    singletons a huge reference count makes them effectively immortal, as on 3.12+.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_guard_singletons()
