"""A Mailjet template-language interpreter for the tests (Mailjet has no public renderer).

Each rule is from Mailjet's "Template language reference" (dev.mailjet.com/template-language/
reference/) and the help centre's "Mailjet templating language" article:
* Delimiters: "{{ ... }} for expressions that you would like to print", "{% ... %} for
  statements (conditions and loops)".
* Variables: `{{var:name:default}}` (Send API vars), `{{data:name:default}}` (contact
  properties), `mj:` predefined values (`mj:unsub_link`). Without a default a missing variable
  is a template error, which blocks the message ("!TEMPLATE ERROR!"): raised here.
* Operators: comparison `> < >= <= = == === != <>`, logical `and or not` (xor unused), with
  parentheses. Conditions `{% if %}…{% elseif %}…{% else %}…{% endif %}`; loops
  `{% for item in var:items %}…{% endfor %}`, fields of the item as `item.name`.
* Functions: `UrlEncode(x)`, and `Escape(x)`, which HTML-escapes. Printing is not escaped
  otherwise: the reference documents no automatic escaping and offers Escape() for it.
* Truth: false, 0, "" and a missing value with a `false` default are false (the reference's
  truth table: `{% if var:test:false %}` gives NO); other values are true. Comparisons are
  numeric when both sides are numbers, else on the text.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from typing import Any

from .esp_values import esp_text as _text

UNSUB = "https://example.com/u"
_TOKEN = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_LEX = re.compile(
    r'\s*(?:(?P<str>"[^"]*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>===|==|!=|<>|>=|<=|=|>|<|\(|\))'
    r'|(?P<name>[A-Za-z_][\w.]*(?::[\w.]+)?(?::(?:"[^"]*"|-?\d+(?:\.\d+)?|true|false))?))'
)


class TemplateError(ValueError):
    pass


class _Eval:
    def __init__(self, src: str, scope: dict[str, Any]) -> None:
        self.toks: list[tuple[str, str]] = []
        pos = 0
        src = src.strip()
        while pos < len(src):
            m = _LEX.match(src, pos)
            if not m or m.end() == pos:
                raise TemplateError(f"cannot read {src[pos:]!r}")
            kind = m.lastgroup or ""
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(src) and src[pos].isspace():
                pos += 1
        self.i, self.scope = 0, scope

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def run(self) -> Any:
        v = self.or_()
        if self.peek():
            raise TemplateError(f"unexpected {self.peek()}")
        return v

    def or_(self) -> Any:
        return self.logic("or", self.and_)

    def and_(self) -> Any:
        return self.logic("and", self.not_)

    def logic(self, word: str, operand: Any) -> Any:
        """`a or b or …` (or `and`): operands read by `operand`, the tighter-binding level."""
        v = operand()
        while self.peek() == ("name", word):
            self.take()
            r = operand()
            v = (truthy(v) or truthy(r)) if word == "or" else (truthy(v) and truthy(r))
        return v

    def not_(self) -> Any:
        if self.peek() == ("name", "not"):
            self.take()
            return not truthy(self.not_())
        return self.cmp()

    def cmp(self) -> Any:
        a = self.atom()
        t = self.peek()
        if t and t[0] == "op" and t[1] not in "()":
            op = self.take()[1]
            b = self.atom()
            return compare(op, a, b)
        return a

    def atom(self) -> Any:
        kind, val = self.take()
        if val == "(":
            v = self.or_()
            self.take()
            return v
        if kind == "str":
            return val[1:-1]
        if kind == "num":
            return float(val) if "." in val else int(val)
        if val in ("true", "false"):
            return val == "true"
        if kind == "name" and self.peek() == ("op", "("):
            self.take()
            arg = self.or_()
            self.take()
            if val == "UrlEncode":
                return urllib.parse.quote(_text(arg), safe="")
            if val == "Escape":
                return html.escape(_text(arg), quote=True)
            raise TemplateError(f"unknown function {val}")
        return lookup(val, self.scope)


def lookup(name: str, scope: dict[str, Any]) -> Any:
    if name == "mj:unsub_link":
        return UNSUB
    m = re.fullmatch(r"(var|data):([\w.]+)(?::(.*))?|([\w.]+)", name, re.S)
    if not m:
        raise TemplateError(f"bad variable {name!r}")
    ns, path, default, loop_path = m.groups()
    if loop_path:
        first, *rest = loop_path.split(".")
        if first not in scope["loops"]:
            raise TemplateError(f"unknown name {first!r}")
        value: Any = scope["loops"][first]
        for seg in rest:
            value = value.get(seg) if isinstance(value, dict) else None
        if value is None:
            raise TemplateError(f"{loop_path} has no value")
        return value
    value = scope[ns]
    for seg in path.split("."):
        value = value.get(seg) if isinstance(value, dict) else None
    if value is None:
        if default is None:
            raise TemplateError(f"{name} has no value and no default: !TEMPLATE ERROR!")
        return (
            json.loads(default)
            if default[:1] == '"'
            else (
                default == "true"
                if default in ("true", "false")
                else float(default)
                if "." in default
                else int(default)
            )
        )
    return value


def truthy(v: Any) -> bool:
    return not (v is None or v is False or v == "" or v == 0 or v == [] or v == {})


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v) if isinstance(v, str) and v.strip() else None
    except ValueError:
        return None


def compare(op: str, a: Any, b: Any) -> bool:
    x, y = _num(a), _num(b)
    if x is None or y is None:
        x, y = _text(a), _text(b)  # type: ignore[assignment]
    op = {"=": "==", "===": "==", "<>": "!="}.get(op, op)
    return {"==": x == y, "!=": x != y, ">": x > y, "<": x < y, ">=": x >= y, "<=": x <= y}[op]  # type: ignore[operator]


def _parse(template: str) -> list:
    root: list = []
    stack: list[list] = [root]
    blocks: list[list] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        stack[-1].append(("text", template[pos : m.start()]))
        pos = m.end()
        if m.group(1) is not None:
            stack[-1].append(("print", m.group(1)))
            continue
        stmt = m.group(2).strip()
        word = stmt.split(None, 1)[0]
        if word == "if":
            node = ["if", [(stmt[2:], [])], None]
            stack[-1].append(node)
            blocks.append(node)
            stack.append(node[1][0][1])
        elif word == "elseif":
            stack.pop()
            node = blocks[-1]
            node[1].append((stmt[6:], []))
            stack.append(node[1][-1][1])
        elif word == "else":
            stack.pop()
            node = blocks[-1]
            node[2] = []
            stack.append(node[2])
        elif word in ("endif", "endfor"):
            stack.pop()
            blocks.pop()
        elif word == "for":
            fm = re.fullmatch(r"for\s+(\w+)\s+in\s+(\S+)", stmt)
            if not fm:
                raise TemplateError(f"bad loop {stmt!r}")
            node = ["for", fm.group(1), fm.group(2), []]
            stack[-1].append(node)
            blocks.append(node)
            stack.append(node[3])
        else:
            raise TemplateError(f"unknown statement {stmt!r}")
    stack[-1].append(("text", template[pos:]))
    if len(stack) != 1:
        raise TemplateError("unclosed block")
    return root


def _run(nodes: list, scope: dict[str, Any], out: list[str]) -> None:
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "print":
            out.append(_text(_Eval(node[1], scope).run()))
        elif node[0] == "if":
            for cond, body in node[1]:
                if truthy(_Eval(cond, scope).run()):
                    _run(body, scope, out)
                    break
            else:
                if node[2] is not None:
                    _run(node[2], scope, out)
        else:
            _, var, src, body = node
            items = lookup(src, scope)
            for item in items if isinstance(items, list) else []:
                _run(body, {**scope, "loops": {**scope["loops"], var: item}}, out)


def render(template: str, variables: dict[str, Any], contact: dict[str, Any] | None = None) -> str:
    out: list[str] = []
    _run(_parse(template), {"var": variables, "data": contact or {}, "loops": {}}, out)
    return "".join(out)
