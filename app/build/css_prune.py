"""Drop CSS rules that cannot match the email before premailer sees them (issue 14 item 5).

premailer parses every rule with cssutils and runs one XPath query per selector over the whole
document, and cssutils' `selectorText` rescans the sheet's rules on every call: 20,000 rules
took 36 s. A plain rule whose every selector needs a class, id or element the document does not
have matches nothing, so premailer would inline nothing from it and keep none of it; dropping it
here (one linear pass) leaves the inlined HTML exactly as it was.

The scanner is deliberately strict: a rule it does not fully understand (pseudo-classes,
attribute selectors, escapes, comments inside a selector) is kept, at-rules (`@media` …) are
kept as written, and a sheet it cannot split with certainty (an unclosed block, a stray `}`, a
backslash before a brace, `@namespace`) is left whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_WS = "[ \t\r\n\f]"
_IDENT = r"-?[_a-zA-Z][_a-zA-Z0-9-]*"
_COMPOUND = rf"(?:(?:{_IDENT}|\*)(?:[.#]{_IDENT})*|(?:[.#]{_IDENT})+)"
# A selector of type, class and id selectors joined by combinators, nothing else: for these the
# names a match needs can be read off directly.
_SIMPLE_SELECTOR = re.compile(rf"{_WS}*{_COMPOUND}(?:(?:{_WS}*[>+~]{_WS}*|{_WS}+){_COMPOUND})*{_WS}*", re.A)
_NAME = re.compile(rf"([.#]?)({_IDENT})", re.A)
_NON_SPACE = re.compile(r"[^ \t\r\n\f]")
_HARMLESS_ESCAPE = re.compile(r"\\[0-9a-zA-Z ]")
# Everything that can change where a rule starts or ends. Comments and strings are consumed
# whole; a lone quote or "/*" left over means one was not closed.
_SCAN = re.compile(
    r"""
    (?P<comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n\r\f]|\\[\s\S])*"|'(?:[^'\\\n\r\f]|\\[\s\S])*')
  | (?P<at>@[-a-zA-Z]*)
  | (?P<escape>\\)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<semicolon>;)
  | (?P<broken>["']|/\*)
""",
    re.S | re.X,
)
_AT_RULES_THAT_STOP_PRUNING = ("@namespace", "@charset")  # they change how the other rules read


@dataclass(frozen=True)
class DocumentNames:
    """The element names, classes and ids present in a document, lower-cased."""

    tags: frozenset[str]
    classes: frozenset[str]
    ids: frozenset[str]
    elements: int  # how many elements each selector's query walks


def document_names(elements: Iterable[object]) -> DocumentNames:
    """Index `root.iter()` once. Lower case and two ways of splitting classes make the sets a
    superset of what cssselect's case-sensitive XPath can match, so pruning stays on the safe
    side."""
    # premailer may create a <head> and writes a <style> for rules it cannot inline.
    tags, classes, ids = {"html", "head", "body", "style"}, set(), set()
    count = 0
    for el in elements:
        tag = getattr(el, "tag", None)
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        count += 1
        tags.add(tag.lower())
        get = el.get  # type: ignore[attr-defined]  # an element: it has a str tag
        names = get("class")
        if names:
            names = names.lower()
            classes.update(names.split())
            classes.update(re.split(_WS + "+", names))
        ident = get("id")
        if ident:
            ids.add(ident.lower())
            ids.add(ident.strip().lower())
    return DocumentNames(frozenset(tags), frozenset(classes), frozenset(ids), count)


def _selector_can_match(selector: str, names: DocumentNames) -> bool:
    if not _SIMPLE_SELECTOR.fullmatch(selector):
        return True  # not understood: assume it can
    for prefix, name in _NAME.findall(selector):
        name = name.lower()
        wanted = names.classes if prefix == "." else names.ids if prefix == "#" else names.tags
        if name not in wanted:
            return False
    return True


def rule_can_match(prelude: str, names: DocumentNames) -> bool:
    """False only when no selector of the rule can match any element of the document."""
    return any(_selector_can_match(s, names) for s in prelude.split(","))


@dataclass(frozen=True)
class Pruned:
    css: str
    selectors: int  # selectors of the rules left for premailer (over-estimated for a sheet left whole)
    dropped: int  # rules dropped
    whole: bool  # the sheet could not be split with certainty and was left as written


def _left_whole(css: str) -> Pruned:
    return Pruned(css, css.count("{") + css.count(","), 0, True)


def prune_css(css: str, names: DocumentNames) -> Pruned:
    """`css` without the style rules that cannot match the document; everything else as written."""
    drop: list[tuple[int, int]] = []
    kept = 0
    depth = 0
    start = -1  # where the current top-level construct began (-1: between constructs)
    at_rule = False  # the current construct is an at-rule
    unsure = False  # something in the selector this module does not read
    block_start = 0
    nested = False
    last = 0
    for m in _SCAN.finditer(css):
        kind = m.lastgroup
        if depth == 0 and start < 0 and (found := _NON_SPACE.search(css, last, m.start())):
            start = found.start()
        last = m.end()
        if kind == "broken":
            return _left_whole(css)
        if kind == "escape":
            if not _HARMLESS_ESCAPE.match(css, m.start()):
                return _left_whole(css)
            last = m.end() + 1
            if depth == 0:
                unsure = True
                if start < 0:
                    start = m.start()
            continue
        if depth > 0:
            if kind == "open":
                depth += 1
                nested = True
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    if not at_rule:
                        if nested:  # CSS nesting: how cssutils reads it is not known here
                            return _left_whole(css)
                        prelude = css[start:block_start]
                        if unsure or rule_can_match(prelude, names):
                            kept += prelude.count(",") + 1
                        else:
                            drop.append((start, m.end()))
                    start, at_rule, unsure = -1, False, False
            continue
        # top level
        if kind == "comment":
            if start >= 0:
                unsure = True  # a comment inside a selector
        elif kind == "string":
            if start < 0:
                start = m.start()
            unsure = True
        elif kind == "at":
            if m.group(0).lower() in _AT_RULES_THAT_STOP_PRUNING:
                return _left_whole(css)
            if start < 0:
                start, at_rule = m.start(), True
            else:
                unsure = True
        elif kind == "semicolon":
            if not at_rule:  # a ";" in a selector: how cssutils recovers is not known here
                return _left_whole(css)
            start, at_rule, unsure = -1, False, False
        elif kind == "open":
            if start < 0:
                start = m.start()
                unsure = True  # a block with no selector
            depth, block_start, nested = 1, m.start(), False
        else:  # a "}" with no block open
            return _left_whole(css)
    if depth != 0:
        return _left_whole(css)
    if not drop:
        return Pruned(css, kept, 0, False)
    pieces, at = [], 0
    for a, b in drop:
        pieces.append(css[at:a])
        at = b
    pieces.append(css[at:])
    return Pruned("".join(pieces), kept, len(drop), False)
