"""The merge language: parse `<< >>`/`<% %>` tags, render per recipient, export to ESP dialects."""
from .ast import MergeSyntaxError, Pos
from .parser import parse, parse_expression, parse_repeat, parse_segments, segments_of
from .render import CompiledTemplate, Rendered, RenderError, recipient_runtime

__all__ = ["MergeSyntaxError", "Pos", "parse", "parse_expression", "parse_repeat", "parse_segments",
           "segments_of", "CompiledTemplate", "Rendered", "RenderError", "recipient_runtime"]
