"""A Mustachio interpreter (Postmark's template engine) for the tests.

No Mustachio renderer exists on PyPI or npm (it is .NET only: ActiveCampaign/mustachio), so this
follows its source, Parser.cs and ContextObject.cs, rule by rule:

* Tags: `{{x}}` (HttpUtility.HtmlEncode), `{{{x}}}` and `{{&x}}` (raw), `{{#each x}}…{{/each}}`,
  `{{#x}}…{{/x}}`, `{{^x}}…{{/x}}`, `{{! comment }}`; whitespace inside a tag is ignored.
* Paths: `a.b` walks one context per segment (each a child of the one before, even where the
  value is missing); `../` moves to the parent context. Lookups never walk up by themselves.
* Sections: `{{#x}}` renders its content with x as the context when x "exists"; `{{^x}}` when it
  does not. Exists (ContextObject.Exists): not null, not false, not 0, not "", not an empty list.
* `{{#each x}}`: each item is a context whose parent is x's context.
* Printing (ContextObject.ToString): strings and numbers as .NET prints them, booleans as
  "True"/"False", lists and objects as nothing.
* Postmark's `{{{ pm:unsubscribe }}}` is a root key here, filled with the test link.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

_TAG = re.compile(r"\{\{\{\s*(.*?)\s*\}\}\}|\{\{\s*([#^/!&]?)\s*(.*?)\s*\}\}", re.S)
_PATH = re.compile(r"\.\.[\\/]|[^.]+")


@dataclass
class Ctx:
    value: Any
    parent: "Ctx | None" = None

    def at(self, path: str) -> "Ctx":
        ctx = self
        for element in _PATH.findall(path):
            if element.startswith(".."):
                ctx = ctx.parent or ctx
            else:
                value = ctx.value.get(element) if isinstance(ctx.value, dict) else None
                ctx = Ctx(value, ctx)
        return ctx

    def exists(self) -> bool:
        v = self.value
        if v is None or v is False or v == "" or (isinstance(v, (list, dict)) and not v):
            return False
        return not (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)

    def text(self) -> str:
        v = self.value
        if isinstance(v, bool):
            return "True" if v else "False"
        if isinstance(v, float):
            return repr(v).removesuffix(".0") if v.is_integer() else repr(v)
        return "" if v is None or isinstance(v, (list, dict)) else str(v)


def _parse(template: str) -> list:
    """Tokens to a tree: ("text", s), ("value", path, raw), ("section", kind, path, children)."""
    root: list = []
    stack: list[tuple[list, str]] = [(root, "")]
    pos = 0
    for m in _TAG.finditer(template):
        stack[-1][0].append(("text", template[pos : m.start()]))
        pos = m.end()
        if m.group(1) is not None:
            stack[-1][0].append(("value", m.group(1), True))
            continue
        sigil, body = m.group(2), m.group(3)
        if sigil == "!":
            continue
        if sigil in ("#", "^"):
            kind, path = ("each", body[4:].strip()) if sigil == "#" and body.startswith("each ") else (sigil, body)
            node = ("section", kind, path, [])
            stack[-1][0].append(node)
            stack.append((node[3], path))
        elif sigil == "/":
            if len(stack) == 1:
                raise ValueError(f"unopened section close {{{{/{body}}}}}")
            stack.pop()
        else:
            stack[-1][0].append(("value", body, sigil == "&"))
    stack[-1][0].append(("text", template[pos:]))
    if len(stack) != 1:
        raise ValueError(f"unclosed section {stack[-1][1]!r}")
    return root


def _run(nodes: list, ctx: Ctx, out: list[str]) -> None:
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "value":
            c = ctx.at(node[1])
            if c.value is not None:
                out.append(c.text() if node[2] else html.escape(c.text(), quote=True))
        else:
            _, kind, path, children = node
            c = ctx.at(path)
            if kind == "#" and c.exists():
                _run(children, c, out)
            elif kind == "^" and not c.exists():
                _run(children, c, out)
            elif kind == "each" and c.exists():
                if not isinstance(c.value, list):
                    raise ValueError(f"'{path}' is used like an array by the template, but is a scalar value")
                for item in c.value:
                    _run(children, Ctx(item, c), out)


def render(template: str, model: dict[str, Any], unsubscribe: str = "https://example.com/u") -> str:
    out: list[str] = []
    _run(_parse(template), Ctx({**model, "pm:unsubscribe": unsubscribe}), out)
    return "".join(out)
