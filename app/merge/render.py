"""Personalised rendering: the parsed tree becomes jinja2 code, run in a sandbox per recipient.

The generated jinja source contains only our own identifiers and indices: every piece of user
text (literal HTML, field paths, strings) lives in lists passed to the template, so no user
text is ever parsed as jinja. Values are autoescaped in HTML and never rendered twice.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal

from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from . import semantics as sem
from .ast import BoolOp, Compare, Const, Expr, For, If, Node, Not, Output, Ref, Text
from .semantics import MAILWRIGHT, MISSING, Rules
from ..messages import ShortMessage

Mode = Literal["html", "text", "header"]
MAX_OUTPUT_CHARS = 20 * 1024 * 1024
DEFAULT_LINKS = {
    "unsubscribe": "https://example.com/unsubscribe?preview=1",
    "view_online": "https://example.com/view-online?preview=1",
    "preferences": "https://example.com/preferences?preview=1",
}
_HEADER_JUNK = re.compile(r"[\r\n\x00\u202a-\u202e\u2066-\u2069]")
# An output tag, compiled: (index of its field in the paths or -1, the constant it shows when
# there is no field, soft (1 when a default covers an absent field), its filters as
# (Runtime.f_* function, arguments) pairs, the index `out` gets (-1 inside an attribute)).
_Tag = tuple[int, Any, int, tuple[tuple[Callable[..., Any], tuple[Any, ...]], ...], int]


class RenderError(ShortMessage, RuntimeError):
    pass


class Runtime:
    """Per-render state handed to the template: field lookup, filters, the missing-field log.

    One runtime serves one recipient; `CompiledTemplate.run` points `paths`, `mode` and `tags`
    at its own part before it renders, so the four parts of an email share the log.
    Only public methods: the sandbox refuses underscore attributes anyway.
    """

    def __init__(
        self,
        data: dict[str, Any],
        variables: dict[str, Any],
        links: dict[str, str],
        paths: list[tuple[str, tuple[str, ...], str]],
        mode: Mode,
        mark_missing: bool,
        rules: Rules = MAILWRIGHT,
    ) -> None:
        self.data, self.variables, self.links = data, variables, links
        self.rules = rules  # whose semantics: Mailwright's, or an ESP engine's
        self.paths, self.mode, self.mark_missing = paths, mode, mark_missing
        self.missing: dict[str, None] = {}
        self.soft_missing: dict[str, None] = {}  # absent, but with a default or only tested
        self.tags: list[_Tag] = []  # the output tags of the part being rendered

    def report(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(missing, defaulted): fields shown without a default that are absent, and absent
        fields covered by a default or only tested (those not also missing)."""
        return tuple(self.missing), tuple(n for n in self.soft_missing if n not in self.missing)

    # lookups
    def _walk(self, value: Any, path: tuple[str, ...]) -> Any:
        for seg in path:
            if isinstance(value, dict) and seg in value:
                value = value[seg]
            elif isinstance(value, (list, tuple)) and seg.isdigit() and int(seg) < len(value):
                value = value[int(seg)]
            else:
                return MISSING
        return value

    def get(self, index: int, soft: int = 0) -> Any:
        ns, path, name = self.paths[index]
        if ns == "link":
            return self.links.get(path[0], "")
        root = self.data if ns == "data" else self.variables
        value = self._walk(root, path)
        if value is MISSING or value is None:
            (self.soft_missing if soft else self.missing)[name] = None
            # A null stays null where the engine prints it ("None" in Jinja and Django).
            return None if value is None and self.rules.text_style == "python" else MISSING
        return sem.stored(value, self.rules) if ns == "data" else value

    def item(self, loop_value: Any, index: int, soft: int = 0) -> Any:
        _, path, name = self.paths[index]
        value = self._walk(loop_value, path) if path else loop_value
        if value is MISSING or value is None:
            (self.soft_missing if soft else self.missing)[name] = None
            # A null stays null where the engine prints it ("None" in Jinja and Django).
            return None if value is None and self.rules.text_style == "python" else MISSING
        return value

    def iter(self, value: Any) -> list:
        if isinstance(value, (list, tuple)):
            return list(value)[:10000]
        return []

    # output
    def show(self, k: int) -> Any:
        """Output tag k, whole: its field (or constant), its filters, then `out`. One call per tag."""
        ref, value, soft, filters, mark = self.tags[k]
        if ref >= 0:
            value = self.get(ref, soft)
        for f, args in filters:
            value = f(self, value, *args)
        return self.out(value, mark)

    def show_item(self, loop_value: Any, k: int) -> Any:
        """Output tag k on a loop variable (`<< item:name >>`), whole."""
        ref, _, soft, filters, mark = self.tags[k]
        value = self.item(loop_value, ref, soft)
        for f, args in filters:
            value = f(self, value, *args)
        return self.out(value, mark)

    def out(self, value: Any, index: int) -> Any:
        if (
            index >= 0
            and isinstance(value, str)
            and not value.strip()
            and value is not MISSING
            and self.paths[index][0] != "link"
        ):
            # An empty cell shown without a default is as good as missing: the checks count it
            # (bad-inputs.md row 15), so the preview marks it and the render reports it too.
            # Unmarked, it is shown as it is ("   "): that is what every ESP sends.
            self.missing[self.paths[index][2]] = None
            if self.mark_missing:
                value = MISSING
        if value is MISSING and self.mark_missing and self.mode == "html" and index >= 0:
            name = self.paths[index][2]
            return (
                Markup('<mark class="mw-missing" style="background:#fde68a;color:#92400e;">')
                + escape(name)
                + Markup("</mark>")
            )
        text = sem.text(value, self.rules)
        if self.mode == "header":
            text = _HEADER_JUNK.sub("", text)
        return text

    # conditions (semantics.py defines them)
    def truthy(self, value: Any) -> bool:
        return sem.truthy(value)

    def cmp(self, op: str, a: Any, b: Any, numeric: int = 0) -> bool:
        return sem.compare(op, a, b, bool(numeric), self.rules)

    # filters
    def f_default(self, value: Any, fallback: Any) -> Any:
        return sem.f_default(value, fallback, self.rules)

    def f_upper(self, v: Any) -> Any:
        return sem.f_upper(v, self.rules)

    def f_lower(self, v: Any) -> Any:
        return sem.f_lower(v, self.rules)

    def f_capitalize(self, v: Any) -> Any:
        return sem.f_capitalize(v, self.rules)

    def f_title(self, v: Any) -> Any:
        return sem.f_title(v, self.rules)

    def f_trim(self, v: Any) -> Any:
        return sem.f_trim(v, self.rules)

    def f_truncate(self, v: Any, n: int) -> Any:
        return sem.f_truncate(v, n, self.rules)

    def f_number(self, v: Any, decimals: int = 0) -> Any:
        return sem.f_number(v, decimals)

    def f_urlencode(self, v: Any) -> Any:
        return sem.f_urlencode(v, self.rules)


# --- code generation ------------------------------------------------------------------------


class _Gen:
    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.literals: list[Any] = []
        self.paths: list[tuple[str, tuple[str, ...], str]] = []
        self.consts: list[Any] = []
        self.tags: list[_Tag] = []
        self.loops: dict[str, str] = {}  # loop variable name -> jinja identifier
        self.loop_sources: dict[str, str] = {}
        self.counter = 0

    def lit(self, value: str) -> str:
        self.literals.append(Markup(value) if self.mode == "html" else value)
        return f"L[{len(self.literals) - 1}]"

    def const(self, value: Any) -> str:
        self.consts.append(value)
        return f"C[{len(self.consts) - 1}]"

    def path(self, ref: Ref) -> tuple[str | None, int]:
        """Registers a field: (the jinja loop variable it is read from, or None; its index in paths)."""
        if ref.ns in self.loops:
            name = f"{self.loop_sources[ref.ns]}[]" + ("." + ".".join(ref.path) if ref.path else "")
            self.paths.append((ref.ns, ref.path, name))
            return self.loops[ref.ns], len(self.paths) - 1
        self.paths.append((ref.ns, ref.path, ref.name))
        return None, len(self.paths) - 1

    def ref(self, ref: Ref, soft: bool = False) -> str:
        flag = ", 1" if soft else ""
        loop, index = self.path(ref)
        return f"m_item({loop}, {index}{flag})" if loop else f"m_get({index}{flag})"

    def expr(self, e: Expr, as_bool: bool = False) -> str:
        if isinstance(e, Ref):
            # In a condition an absent field is an answer (false), not a gap in the email.
            code = self.ref(e, soft=True)
            return f"m_truthy({code})" if as_bool else code
        if isinstance(e, Const):
            code = self.const(e.value)
            return f"m_truthy({code})" if as_bool else code
        if isinstance(e, Compare):
            # A number written on either side: both are read as numbers ("7" > 5).
            numeric = sem.number_written(*(x.value for x in (e.left, e.right) if isinstance(x, Const)))
            return f"m_cmp({self.const(e.op)}, {self.expr(e.left)}, {self.expr(e.right)}" + (", 1)" if numeric else ")")
        if isinstance(e, BoolOp):
            return f"({self.expr(e.left, True)} {e.op} {self.expr(e.right, True)})"
        if isinstance(e, Not):
            return f"(not {self.expr(e.operand, True)})"
        raise TypeError(e)

    def nodes(self, nodes: Iterable[Node]) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append("{{ " + self.lit(node.value) + " }}")
            elif isinstance(node, Output):
                # One runtime call per tag (Runtime.show): the lookup, the filters and `out` run
                # as plain Python rather than as a sandboxed call each.
                if isinstance(node.expr, Ref):
                    loop, index = self.path(node.expr)
                    soft, value = any(f.name == "default" for f in node.filters), None
                else:
                    loop, index, soft, value = None, -1, False, node.expr.value
                filters = tuple((getattr(Runtime, f"f_{f.name}"), tuple(f.args)) for f in node.filters)
                # A missing field is only marked where a <mark> element can go.
                mark_index = -1 if node.in_attr else index
                self.tags.append((index, value, 1 if soft else 0, filters, mark_index))
                k = len(self.tags) - 1
                out.append(f"{{{{ m_show_item({loop}, {k}) }}}}" if loop else f"{{{{ m_show({k}) }}}}")
            elif isinstance(node, If):
                for i, (cond, body) in enumerate(node.branches):
                    word = "if" if i == 0 else "elif"
                    out.append(f"{{% {word} {self.expr(cond, True)} %}}" + self.nodes(body))
                if node.else_body is not None:
                    out.append("{% else %}" + self.nodes(node.else_body))
                out.append("{% endif %}")
            elif isinstance(node, For):
                iterable = self.ref(node.iterable)
                self.counter += 1
                ident = f"v{self.counter}"
                saved = (self.loops.get(node.var), self.loop_sources.get(node.var))
                self.loops[node.var] = ident
                self.loop_sources[node.var] = (
                    self.loop_sources.get(node.iterable.ns, "")
                    if node.iterable.ns in self.loops
                    else node.iterable.name
                )
                out.append(f"{{% for {ident} in m_iter({iterable}) %}}" + self.nodes(node.body) + "{% endfor %}")
                if saved[0] is None:
                    del self.loops[node.var], self.loop_sources[node.var]
                else:
                    self.loops[node.var], self.loop_sources[node.var] = saved  # type: ignore[assignment]  # saved as a pair: both set
        return "".join(out)


_RUNTIME_NAMES = ("get", "item", "iter", "show", "show_item", "truthy", "cmp")
_ENVS: dict[bool, ImmutableSandboxedEnvironment] = {}


def _env(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = _ENVS.get(autoescape)
    if env is None:
        # Our generated code never contains user text, so the default delimiters are safe.
        env = ImmutableSandboxedEnvironment(autoescape=autoescape, keep_trailing_newline=True)
        _ENVS[autoescape] = env
    return env


@dataclass
class Rendered:
    text: str
    missing: tuple[str, ...]  # fields shown without a default that this recipient lacks
    defaulted: tuple[str, ...] = ()  # absent fields covered by a default or only tested in a condition


class CompiledTemplate:
    """A tree compiled once to jinja2; `render` runs it for one recipient."""

    def __init__(self, nodes: tuple[Node, ...], mode: Mode = "html") -> None:
        gen = _Gen(mode)
        self.source = gen.nodes(nodes)
        self.mode = mode
        self._literals, self._consts, self._paths, self._tags = gen.literals, gen.consts, gen.paths, gen.tags
        self._names = tuple(n for n in _RUNTIME_NAMES if f"m_{n}(" in self.source)
        self._template = _env(mode == "html").from_string(self.source)
        self.static = not gen.paths and not gen.consts and not gen.tags  # no tags at all: output is the literal
        # Runtime.out strips header junk from every value, so a whole header needs the pass only
        # when its own text has some.
        self._strip_header = mode == "header" and any(_HEADER_JUNK.search(t) for t in gen.literals)
        # A part without tags renders the same for everyone: once, here.
        self._constant = self._generate(recipient_runtime(), sys.maxsize) if self.static else None

    def render(
        self,
        data: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        links: dict[str, str] | None = None,
        *,
        mark_missing: bool = False,
        max_chars: int = MAX_OUTPUT_CHARS,
        rules: Rules = MAILWRIGHT,
    ) -> Rendered:
        runtime = recipient_runtime(data, variables, links, mark_missing, rules)
        return Rendered(self.run(runtime, max_chars), *runtime.report())

    def run(self, runtime: Runtime, max_chars: int = MAX_OUTPUT_CHARS) -> str:
        """This part for the recipient of `runtime` (see `recipient_runtime`), whose missing and
        defaulted fields collect what it lacks: one runtime can render every part of an email."""
        if self._constant is not None:
            text, size = self._constant
            if size > max_chars:
                raise _too_big(max_chars)
            return text
        return self._generate(runtime, max_chars)[0]

    def _generate(self, runtime: Runtime, max_chars: int) -> tuple[str, int]:
        runtime.paths, runtime.mode, runtime.tags = self._paths, self.mode, self._tags
        parts: list[str] = []
        size = 0
        try:
            # Bound methods as plain names: the sandbox then checks one call, not an attribute
            # lookup and a call, per tag. Only the names the code uses, in a shared context: the
            # template sees these and nothing else (no jinja globals), and no copy is made per call.
            context: dict[str, Any] = {"L": self._literals, "C": self._consts}
            for n in self._names:
                context[f"m_{n}"] = getattr(runtime, n)
            for piece in self._template.root_render_func(self._template.new_context(context, shared=True)):
                size += len(piece)
                if size > max_chars:
                    raise _too_big(max_chars)
                parts.append(piece)
        except RenderError:
            raise
        except Exception as e:  # the sandbox or a filter on odd data: a message, not a crash
            raise RenderError(f"could not personalise the email: {e}") from None
        text = "".join(parts)
        if self._strip_header:
            text = _HEADER_JUNK.sub("", text)
        return text, size


def recipient_runtime(
    data: dict[str, Any] | None = None,
    variables: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
    mark_missing: bool = False,
    rules: Rules = MAILWRIGHT,
) -> Runtime:
    """The state one recipient's render needs; `CompiledTemplate.run` renders parts with it.
    `rules`: whose semantics (Mailwright's, or an ESP's: `get_dialect(name).rules`)."""
    return Runtime(data or {}, variables or {}, {**DEFAULT_LINKS, **(links or {})}, [], "html", mark_missing, rules)


def _too_big(max_chars: int) -> RenderError:
    return RenderError(f"the personalised email would be over {max_chars // 1_048_576} MB; check loops over long lists")
