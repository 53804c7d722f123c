"""The merge language: parse `<< >>`/`<% %>` tags, render per recipient, export to ESP dialects."""

from typing import Any

from .ast import MergeSyntaxError, Pos
from .parser import parse, parse_expression, parse_repeat, parse_segments, segments_of

# The renderer imports jinja2 (~20 ms a start): loaded on first use, so a build that only
# checks its tags never pays for it.
_RENDER_NAMES = ("CompiledTemplate", "Rendered", "RenderError", "recipient_runtime")


def __getattr__(name: str) -> Any:
    if name in _RENDER_NAMES:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MergeSyntaxError",
    "Pos",
    "parse",
    "parse_expression",
    "parse_repeat",
    "parse_segments",
    "segments_of",
    "CompiledTemplate",
    "Rendered",
    "RenderError",
    "recipient_runtime",
]
