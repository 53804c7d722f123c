"""The merge-language parser: ours, small, and strict (DESIGN.md §5).

Input is a stream of segments: literal text and tags (`<< … >>`, `<% … %>`, `<# … #>`, `\\<<`).
A plain string is split into segments by `segments_of`; the build pipeline feeds the compiled
HTML's segments (tokens swapped for their tags). Anything outside the grammar is an error with
its position; nothing is ever evaluated here.
"""

from __future__ import annotations

import re
from typing import Iterable, Union

from ..records import Record, set_field
from ..textpos import LineCounter, line_col
from .tags import TAG_RE, unescape_tag
from .ast import (
    LINKS,
    NAMESPACES,
    BoolOp,
    Compare,
    Const,
    Expr,
    Filter,
    For,
    If,
    MergeSyntaxError,
    Node,
    Not,
    Output,
    Pos,
    Ref,
    Text,
)

# name -> (min args, max args, kind of args)
FILTERS: dict[str, tuple[int, int, str]] = {
    "default": (1, 1, "text"),
    "upper": (0, 0, ""),
    "lower": (0, 0, ""),
    "capitalize": (0, 0, ""),
    "title": (0, 0, ""),
    "trim": (0, 0, ""),
    "truncate": (1, 1, "int"),
    "number": (0, 1, "int"),
    "urlencode": (0, 0, ""),
}
KEYWORDS = {"and", "or", "not", "in", "true", "false", "if", "elif", "else", "endif", "for", "endfor"}
MAX_TAG = 2000
# Parentheses and and/or/not in one tag. Each nests one level deeper in the parser and in the
# generated jinja code, which overflowed Python's stack at about 100 (RecursionError).
MAX_OPERATORS = 32
# if/for blocks open inside each other. The generated code nests one Python block per level:
# 22 loops gave "too many statically nested blocks", 100 ifs an IndentationError.
MAX_NESTED_BLOCKS = 16


class TagSeg(Record):
    __slots__ = ("text", "pos", "in_attr")
    text: str  # the whole tag, e.g. `<< data:x >>`
    pos: Pos
    in_attr: bool

    def __init__(self, text: str, pos: Pos, in_attr: bool = False) -> None:
        set_field(self, "text", text)
        set_field(self, "pos", pos)
        set_field(self, "in_attr", in_attr)


Segment = Union[str, TagSeg]


def segments_of(text: str, source: str, *, markup: bool = False, line: int = 1) -> list[Segment]:
    """Split a string into literal text and tags, each tag with its line and column.

    `markup=True`: the text is HTML/MJML, where a tag inside an attribute is written with
    entities (`&quot;`); the tag is unescaped before parsing.
    """
    out: list[Segment] = []
    last = 0
    lines = LineCounter(text)
    for m in TAG_RE.finditer(text):
        if m.start() > last:
            out.append(text[last : m.start()])
        ln, col = lines.line_col(m.start())
        tag = unescape_tag(m.group(0)) if markup else m.group(0)
        out.append(TagSeg(tag, Pos(source, ln + line - 1, col)))
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    # A "<<" that starts no tag (no closing ">>") is text that looks like a broken tag.
    for seg in out:
        if isinstance(seg, str):
            stray = re.search(r"(?<!\\)<<|<%", seg)
            if stray:
                # Find its position in the original text for the message.
                idx = text.find(seg)
                ln, col = line_col(text, idx + stray.start())
                what = "<<" if seg[stray.start() : stray.start() + 2] == "<<" else "<%"
                close = ">>" if what == "<<" else "%>"
                raise MergeSyntaxError(
                    f"'{what}' starts no merge tag (no closing '{close}'); to write '{what}' as text use \\{what}"
                    if what == "<<"
                    else "'<%' starts no merge tag (no closing '%>')",
                    Pos(source, ln + line - 1, col),
                )
    return out


# --- the tag lexer --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<ref>[A-Za-z_][A-Za-z0-9_]*:(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)(?:\.(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+))*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|,|\|)
""",
    re.X,
)
_SEGMENT = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+')


class _Tok:
    __slots__ = ("kind", "value", "offset")

    def __init__(self, kind: str, value: str, offset: int) -> None:
        self.kind = kind
        self.value = value
        self.offset = offset


def _unquote(s: str) -> str:
    body = s[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Lexer:
    def __init__(self, inner: str, pos: Pos, offset: int) -> None:
        self.pos, self.offset, self.inner = pos, offset, inner
        self.toks: list[_Tok] = []
        i = 0
        while i < len(inner):
            m = _TOKEN.match(inner, i)
            if not m:
                raise MergeSyntaxError(f"unexpected character {inner[i]!r} in a merge tag", self.at(i))
            if m.lastgroup != "ws":
                self.toks.append(_Tok(m.lastgroup or "", m.group(0), i))
            i = m.end()
        self.i = 0
        nesting = [
            t
            for t in self.toks
            if (t.kind == "op" and t.value == "(") or (t.kind == "name" and t.value in ("and", "or", "not"))
        ]
        if len(nesting) > MAX_OPERATORS:
            raise MergeSyntaxError(
                f"too many operators and parentheses in one tag (more than {MAX_OPERATORS}); split the condition",
                self.at(nesting[MAX_OPERATORS].offset),
            )

    def at(self, offset: int) -> Pos:
        return Pos(self.pos.source, self.pos.line, self.pos.col + self.offset + offset)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise MergeSyntaxError("the tag ends too early", self.at(len(self.inner)))
        self.i += 1
        return tok

    def here(self) -> int:
        """The offset of the next token, or the end of the tag."""
        tok = self.peek()
        return tok.offset if tok else len(self.inner)

    def accept(self, kind: str, value: str | None = None) -> _Tok | None:
        tok = self.peek()
        if tok and tok.kind == kind and (value is None or tok.value == value):
            self.i += 1
            return tok
        return None

    def expect_end(self) -> None:
        tok = self.peek()
        if tok is not None:
            raise MergeSyntaxError(f"unexpected {tok.value!r}", self.at(tok.offset))


class _Parser:
    def __init__(self, scope: tuple[str, ...]) -> None:
        self.scope = scope

    def ref(self, lx: _Lexer, tok: _Tok) -> Ref:
        ns, _, rest = tok.value.partition(":")
        pos = lx.at(tok.offset)
        path = tuple(_unquote(s) if s.startswith('"') else s for s in _SEGMENT.findall(rest))
        if any(p.startswith("__") for p in path):
            raise MergeSyntaxError(f"field names may not start with '__' ({tok.value!r})", pos)
        if ns not in NAMESPACES and ns not in self.scope:
            raise MergeSyntaxError(
                f"unknown namespace {ns!r} in {tok.value!r}: use data: (recipient fields), var: (template "
                "variables), link: (special links)"
                + (f" or a loop variable ({', '.join(self.scope)})" if self.scope else ""),
                pos,
            )
        if ns == "link" and (len(path) != 1 or path[0] not in LINKS):
            raise MergeSyntaxError(
                f"unknown link {tok.value!r}; links are: " + ", ".join(f"link:{l}" for l in LINKS), pos
            )
        return Ref(ns, path, pos)

    def operand(self, lx: _Lexer) -> Expr:
        tok = lx.take()
        if tok.kind == "ref":
            return self.ref(lx, tok)
        if tok.kind == "str":
            return Const(_unquote(tok.value))
        if tok.kind == "num":
            return Const(float(tok.value) if "." in tok.value else int(tok.value))
        if tok.kind == "name" and tok.value in ("true", "false"):
            return Const(tok.value == "true")
        if tok.kind == "op" and tok.value == "(":
            inner = self.expr(lx)
            if not lx.accept("op", ")"):
                raise MergeSyntaxError("missing ')'", lx.at(lx.here()))
            return inner
        if tok.kind == "name":
            raise MergeSyntaxError(
                f"{tok.value!r} is not a field: write data:{tok.value}, var:{tok.value} or a quoted string "
                "(no functions, attributes or arithmetic in merge tags)",
                lx.at(tok.offset),
            )
        raise MergeSyntaxError(f"unexpected {tok.value!r}", lx.at(tok.offset))

    def comparison(self, lx: _Lexer) -> Expr:
        left = self.operand(lx)
        tok = lx.peek()
        if tok and tok.kind == "op" and tok.value in ("==", "!=", "<", "<=", ">", ">="):
            lx.take()
            return Compare(tok.value, left, self.operand(lx))
        if tok and tok.kind == "name" and tok.value == "in":
            lx.take()
            return Compare("in", left, self.operand(lx))
        if (
            tok
            and tok.kind == "name"
            and tok.value == "not"
            and lx.i + 1 < len(lx.toks)
            and lx.toks[lx.i + 1].value == "in"
        ):
            lx.take()
            lx.take()
            return Compare("not in", left, self.operand(lx))
        return left

    def negation(self, lx: _Lexer) -> Expr:
        if lx.accept("name", "not"):
            return Not(self.negation(lx))
        return self.comparison(lx)

    def conjunction(self, lx: _Lexer) -> Expr:
        left = self.negation(lx)
        while lx.accept("name", "and"):
            left = BoolOp("and", left, self.negation(lx))
        return left

    def expr(self, lx: _Lexer) -> Expr:
        left = self.conjunction(lx)
        while lx.accept("name", "or"):
            left = BoolOp("or", left, self.conjunction(lx))
        return left

    def output(self, lx: _Lexer, pos: Pos, in_attr: bool) -> Output:
        first = lx.peek()
        if first is None:
            raise MergeSyntaxError("empty merge tag", pos)
        try:
            target = self.operand(lx)
        except MergeSyntaxError as e:
            if first.kind == "name" and first.value[:1].isupper():  # `<< Prev | Next >>` is copy, not a tag
                raise MergeSyntaxError(f"{e.reason}. Is this text? Write \\<< for a literal '<<'", e.pos) from None
            raise
        if not isinstance(target, (Ref, Const)):
            raise MergeSyntaxError("an output tag shows one field or string", lx.at(first.offset))
        filters = []
        while lx.accept("op", "|"):
            tok = lx.take()
            fpos = lx.at(tok.offset)
            if tok.kind != "name":
                raise MergeSyntaxError(f"expected a filter name after '|', found {tok.value!r}", fpos)
            if tok.value not in FILTERS:
                raise MergeSyntaxError(
                    f"unknown filter {tok.value!r}; filters are: {', '.join(FILTERS)}"
                    + (". Is this text? Write \\<< for a literal '<<'" if tok.value[:1].isupper() else ""),
                    fpos,
                )
            args: list = []
            if lx.accept("op", "("):
                if not lx.accept("op", ")"):
                    while True:
                        arg = lx.take()
                        if arg.kind == "str":
                            args.append(_unquote(arg.value))
                        elif arg.kind == "num":
                            args.append(float(arg.value) if "." in arg.value else int(arg.value))
                        elif arg.kind == "name" and arg.value in ("true", "false"):
                            args.append(arg.value == "true")
                        else:
                            raise MergeSyntaxError(
                                f"filter arguments are strings or numbers, not {arg.value!r}", lx.at(arg.offset)
                            )
                        if lx.accept("op", ")"):
                            break
                        if not lx.accept("op", ","):
                            raise MergeSyntaxError("expected ',' or ')' in the filter's arguments", lx.at(lx.here()))
            lo, hi, kind = FILTERS[tok.value]
            if not lo <= len(args) <= hi:
                want = f"{lo}" if lo == hi else f"{lo} to {hi}"
                raise MergeSyntaxError(f"filter {tok.value!r} takes {want} argument(s), not {len(args)}", fpos)
            if (
                kind == "int"
                and args
                and (not isinstance(args[0], int) or isinstance(args[0], bool) or not 0 <= args[0] <= 100000)
            ):
                raise MergeSyntaxError(f"filter {tok.value!r} needs a whole number", fpos)
            if tok.value == "truncate" and args == [0]:
                # Engines disagree on nothing left (Liquid "…", Django "", Jinja fails).
                raise MergeSyntaxError("filter 'truncate' needs a length of at least 1, e.g. truncate(40)", fpos)
            if kind == "text" and args and isinstance(args[0], bool):
                raise MergeSyntaxError(f"filter {tok.value!r} needs a string or a number", fpos)
            filters.append(Filter(tok.value, tuple(args), fpos))
        lx.expect_end()
        return Output(target, tuple(filters), pos, in_attr)


# --- the tree builder -----------------------------------------------------------------------


class _Frame:
    __slots__ = ("kind", "pos", "body", "branches", "else_body", "var", "iterable", "in_else")

    def __init__(
        self,
        kind: str,  # "root" | "if" | "for"
        pos: Pos,
        body: list,
        branches: list | None = None,  # if: [(cond, body)]
        else_body: list | None = None,
        var: str = "",
        iterable: Ref | None = None,
        in_else: bool = False,
    ) -> None:
        self.kind = kind
        self.pos = pos
        self.body = body
        self.branches: list = [] if branches is None else branches
        self.else_body = else_body
        self.var = var
        self.iterable = iterable
        self.in_else = in_else


def parse_segments(
    segments: Iterable[Segment], *, scope: tuple[str, ...] = (), source: str = "<template>"
) -> tuple[Node, ...]:
    """Build the tree from literal text and tags, checking nesting and every tag's grammar."""
    stack = [_Frame("root", Pos(source), [])]
    scopes = list(scope)

    def current() -> list:
        return stack[-1].body

    for seg in segments:
        if isinstance(seg, str):
            if seg:
                current().append(Text(seg))
            continue
        tag, pos = seg.text, seg.pos
        if len(tag) > MAX_TAG:
            # A repeat's tag starts before its text (column -6): point at the text itself.
            at = pos if pos.col >= 1 or not pos.line else Pos(pos.source, pos.line, 1)
            raise MergeSyntaxError(f"merge tag longer than {MAX_TAG} characters", at)
        if tag == "\\<<":
            current().append(Output(Const("<<"), (), pos, seg.in_attr))
            continue
        if tag.startswith("<#"):
            continue  # a comment: not in any output
        inner = tag[2:-2]
        if tag.startswith("<<") and (inner[:1] == "-" or inner[-1:] == "-"):
            raise MergeSyntaxError(
                "'<<-' is not a merge tag (there is no whitespace control); to write '<<' as text use \\<<", pos
            )
        lx = _Lexer(inner, pos, 2)
        parser = _Parser(tuple(scopes))
        if tag.startswith("<<"):
            current().append(parser.output(lx, pos, seg.in_attr))
            continue
        # <% statement %>
        head = lx.take() if lx.peek() else None
        if head is None or head.kind != "name" or head.value not in ("if", "elif", "else", "endif", "for", "endfor"):
            raise MergeSyntaxError(
                "a <% %> tag holds if, elif, else, endif, for or endfor" + (f", not {head.value!r}" if head else ""),
                pos,
            )
        word = head.value
        top = stack[-1]
        if word in ("if", "for") and len(stack) > MAX_NESTED_BLOCKS:
            raise MergeSyntaxError(
                f"if/for blocks nested too deeply (more than {MAX_NESTED_BLOCKS} inside each other)", pos
            )
        if word == "if":
            cond = parser.expr(lx)
            lx.expect_end()
            frame = _Frame("if", pos, [], branches=[])
            frame.branches.append((cond, frame.body))
            stack.append(frame)
        elif word == "elif":
            if top.kind != "if" or top.in_else:
                raise MergeSyntaxError("elif without an open if" if top.kind != "if" else "elif after else", pos)
            cond = parser.expr(lx)
            lx.expect_end()
            top.body = []
            top.branches.append((cond, top.body))
        elif word == "else":
            lx.expect_end()
            if top.kind != "if" or top.in_else:
                raise MergeSyntaxError("else without an open if" if top.kind != "if" else "a second else", pos)
            top.in_else = True
            top.else_body = top.body = []
        elif word == "endif":
            lx.expect_end()
            if top.kind != "if":
                raise MergeSyntaxError(_mismatch("endif", top), pos)
            stack.pop()
            current().append(
                If(
                    tuple((c, tuple(b)) for c, b in top.branches),
                    tuple(top.else_body) if top.else_body is not None else None,
                    top.pos,
                )
            )
        elif word == "for":
            var = lx.take()
            if var.kind != "name" or var.value in KEYWORDS or var.value in NAMESPACES:
                raise MergeSyntaxError(
                    f"expected a loop variable name after 'for', found {var.value!r}", lx.at(var.offset)
                )
            if not lx.accept("name", "in"):
                raise MergeSyntaxError(
                    "expected 'in' after the loop variable (for item in data:items)", lx.at(lx.here())
                )
            it = lx.take()
            if it.kind != "ref":
                raise MergeSyntaxError(
                    f"a loop goes over a list field such as data:items, not {it.value!r}", lx.at(it.offset)
                )
            iterable = parser.ref(lx, it)
            if iterable.ns == "link":
                raise MergeSyntaxError("a loop cannot go over a link", iterable.pos)
            lx.expect_end()
            stack.append(_Frame("for", pos, [], var=var.value, iterable=iterable))
            scopes.append(var.value)
        elif word == "endfor":
            lx.expect_end()
            if top.kind != "for":
                raise MergeSyntaxError(_mismatch("endfor", top), pos)
            stack.pop()
            scopes.pop()
            assert top.iterable is not None  # a for frame is made with its list
            current().append(For(top.var, top.iterable, tuple(top.body), top.pos))
    if len(stack) > 1:
        top = stack[-1]
        raise MergeSyntaxError(f"this <% {top.kind} %> is never closed (add <% end{top.kind} %>)", top.pos)
    return tuple(stack[0].body)


def _mismatch(word: str, top: _Frame) -> str:
    if top.kind == "root":
        return f"{word} without an open {word[3:]}"
    return f"{word} closes nothing: the <% {top.kind} %> at line {top.pos.line}, column {top.pos.col} is still open"


def parse(
    text: str, source: str = "<template>", *, scope: tuple[str, ...] = (), markup: bool = False
) -> tuple[Node, ...]:
    """Parse a string with merge tags into a tree (errors carry line and column)."""
    return parse_segments(segments_of(text, source, markup=markup), scope=scope, source=source)


def parse_expression(text: str, source: str, *, scope: tuple[str, ...] = ()) -> Expr:
    """A condition such as `data:plan == "pro" and data:seats > 5`."""
    lx = _Lexer(text, Pos(source), 0)
    parser = _Parser(scope)
    if lx.peek() is None:
        raise MergeSyntaxError("empty condition", Pos(source))
    expr = parser.expr(lx)
    lx.expect_end()
    return expr


def parse_repeat(text: str, source: str, *, scope: tuple[str, ...] = ()) -> tuple[str, Ref]:
    """A repeat such as `item in data:order.items`: the loop variable and the list field."""
    tree = parse_segments(
        [TagSeg(f"<% for {text} %>", Pos(source, 1, -6)), TagSeg("<% endfor %>", Pos(source))],
        scope=scope,
        source=source,
    )
    loop = tree[0]
    assert isinstance(loop, For)
    return loop.var, loop.iterable
