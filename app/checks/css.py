"""A small, forgiving CSS reader for the checks: declarations, rules and at-rules.

Email CSS is simple (no nesting beyond `@media`/`@supports`), and the checks only need to know
which properties, values, selectors and at-rules appear, so this reader never fails: anything
it does not understand is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)


@dataclass(frozen=True)
class Declaration:
    prop: str  # lower-case, e.g. "border-radius"
    value: str  # as written, without "!important"
    important: bool = False


@dataclass
class Rule:
    """A style rule (or a declaration block of an at-rule such as @font-face)."""

    selector: str  # "" for @font-face/@page bodies
    declarations: list[Declaration]
    at_rules: tuple[str, ...] = ()  # enclosing at-rules, outermost first, e.g. ("@media screen",)


@dataclass
class Stylesheet:
    rules: list[Rule] = field(default_factory=list)
    at_rules: list[str] = field(default_factory=list)  # every at-rule prelude, e.g. "@media (…)"
    nested_at_rules: list[str] = field(default_factory=list)  # "@media … > @font-face" (Gmail drops the style)
    has_comments: bool = False


def _split_top(text: str, sep: str) -> list[str]:
    """Split at `sep` outside quotes and parentheses."""
    out, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def parse_declarations(text: str) -> list[Declaration]:
    """`color: red; padding:0 !important` → declarations (inline style attributes too)."""
    out = []
    for part in _split_top(_COMMENT.sub("", text or ""), ";"):
        prop, sep, value = part.partition(":")
        prop = prop.strip().lower()
        if not sep or not prop or not re.fullmatch(r"-?-?[a-z_][a-z0-9_-]*", prop):
            continue
        value = value.strip()
        important = bool(re.search(r"!\s*important\s*$", value, re.I))
        if important:
            value = re.sub(r"\s*!\s*important\s*$", "", value, flags=re.I)
        out.append(Declaration(prop, value, important))
    return out


def _block_end(css: str, start: int) -> int:
    """Index of the `}` closing the block whose `{` is at `start - 1` (or len(css))."""
    depth, quote, i = 1, "", start
    while i < len(css):
        ch = css[i]
        if quote:
            if ch == quote and css[i - 1] != "\\":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(css)


def parse_stylesheet(css: str) -> Stylesheet:
    sheet = Stylesheet(has_comments=bool(_COMMENT.search(css or "")))
    _parse_into(_COMMENT.sub(" ", css or ""), (), sheet)
    return sheet


def _parse_into(css: str, stack: tuple[str, ...], sheet: Stylesheet) -> None:
    i = 0
    n = len(css)
    while i < n:
        # the prelude runs to the next "{" or, for statement at-rules (@import), ";"
        j = i
        quote = ""
        while j < n:
            ch = css[j]
            if quote:
                if ch == quote and css[j - 1] != "\\":
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch in "{;}":
                break
            j += 1
        prelude = " ".join(css[i:j].split())
        if j >= n:
            if prelude.startswith("@"):
                sheet.at_rules.append(prelude)
            return
        if css[j] in ";}":
            if prelude.startswith("@"):  # @import url(…); @charset "…";
                sheet.at_rules.append(prelude)
                if stack:
                    sheet.nested_at_rules.append(" > ".join((*stack, prelude)))
            i = j + 1
            continue
        end = _block_end(css, j + 1)
        body = css[j + 1 : end]
        if prelude.startswith("@"):
            sheet.at_rules.append(prelude)
            if stack:
                sheet.nested_at_rules.append(" > ".join((*stack, _at_name(prelude))))
            name = _at_name(prelude)
            if name in ("@media", "@supports", "@document", "@-moz-document", "@layer", "@container"):
                _parse_into(body, (*stack, prelude), sheet)
            else:  # @font-face, @page, @keyframes (its frames are not style rules), …
                if name not in ("@keyframes", "@-webkit-keyframes"):
                    sheet.rules.append(Rule("", parse_declarations(body), (*stack, prelude)))
        elif prelude:
            sheet.rules.append(Rule(prelude, parse_declarations(body), stack))
        i = end + 1


def _at_name(prelude: str) -> str:
    m = re.match(r"@[\w-]+", prelude)
    return m.group(0).lower() if m else prelude


def css_bytes(css: str) -> int:
    return len(css.encode("utf-8"))
