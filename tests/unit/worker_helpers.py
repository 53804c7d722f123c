"""Tiny job functions for tests/unit/test_worker.py. They run in the worker's child
process, so they must live in an importable module (not in the test file, which pytest
imports under its own rules)."""

from __future__ import annotations

import ctypes
import os
import time
from typing import Any

from mjml import mjml2html


def echo(*args: Any, **kwargs: Any) -> Any:
    return {"args": list(args), "kwargs": kwargs, "pid": os.getpid()}


def boom(text: str = "") -> None:
    raise ValueError("bad input at line 3")


class Unpicklable(Exception):
    """Pickles, but cannot be rebuilt: __init__ needs two arguments, args holds one."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def raise_unpicklable() -> None:
    raise Unpicklable("left", "right")


def sleep_for(seconds: float, value: Any = None) -> Any:
    time.sleep(seconds)
    return value


def crash(*args: Any, **kwargs: Any) -> None:
    """Segfault for real: read from address 0."""
    ctypes.string_at(0)


def crash_on(value: Any) -> Any:
    """Segfault when asked to, else behave like echo."""
    if value == "crash":
        crash()
    return echo(value)


def abort() -> None:
    os.abort()


def compile_mjml(text: str) -> str:
    """Deliberately WITHOUT check_markup_limits: the worker must contain MRML's crash."""
    return mjml2html(text, fonts={})
