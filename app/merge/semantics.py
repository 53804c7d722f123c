"""What merge tags mean: truth, emptiness, numbers stored as text, and each filter.

One definition (docs/merge-semantics.md), used by the preview and by the dialects that fold
constants at export. Each ESP's export reproduces it where its engine can; where an engine
cannot, its dialect declares `Rules` that differ, the preview "as that ESP" follows them, and
`check --esp` warns about the data they change (semantics_warnings).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


class _Missing:
    """A field the recipient does not have: renders empty, is false, and is recorded."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

# Text that reads as a number: an optional minus, digits, an optional decimal part; spaces
# around are ignored. Not numbers: "1,234", "1e3", "+7", ".5", "7." (engines read them apart).
_NUMBER_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")
_INT_TEXT = re.compile(r"-?[0-9]+\Z")
# Jinja's `title`: a word starts after spaces, hyphens and opening brackets.
_WORD_START = re.compile(r"([-\s({\[<]+)")


@dataclass(frozen=True)
class Rules:
    """How one engine reads values; the defaults are Mailwright's own semantics."""

    name: str = "Mailwright"
    # `default` replaces the number 0 (Jinja, Django, Handlebars do; Liquid's keeps it).
    default_replaces_zero: bool = True
    # Text holding a number compares with a number written in a condition ("7" > 5). Django
    # compares text with a number as false.
    text_compares_as_number: bool = True
    # capitalize: "lower" (first letter up, the rest down: Liquid, Jinja) or "keep" (Django's
    # capfirst, Handlebars.java's capitalizeFirst: the rest as written).
    capitalize: str = "lower"
    # title: "jinja" (words start after spaces, hyphens, brackets; the rest lower-cased),
    # "django" (Python's str.title, then "It'S" -> "It's" and "1St" -> "1st"), "words-keep"
    # (after whitespace only, the rest as written: Handlebars.java's capitalize).
    title: str = "jinja"
    # How a value that is not text is shown: "mailwright" (null as nothing, true/false, 7.0),
    # "python" (Jinja, Django: None, True, False, ['a']), "js" (Handlebars.js: 7.0 as 7).
    text_style: str = "mailwright"
    # true and false read as the numbers 1 and 0 in a comparison with a number (Jinja's |float).
    bool_is_number: bool = False
    # Fields hold text (Mailchimp's audience fields): a JSON true, false or number arrives as
    # its text, so false and 0 are values ("false", "0") in a test and for `default`.
    stored_as_text: bool = False
    # What urlencode leaves as it is besides letters, digits and - . _ ~ (Mailwright: "/";
    # Iterable's urlEncode reads as JavaScript's encodeURIComponent: ! * ' ( ), not "/").
    urlencode_safe: str = "/"


MAILWRIGHT = Rules()


# --- values ----------------------------------------------------------------------------------


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def number_written(*values: Any) -> bool:
    """A comparison reads both sides as numbers when a number is written on one of them."""
    return any(is_number(v) for v in values)


def as_number(v: Any, rules: Rules = MAILWRIGHT) -> Decimal | None:
    """The number a value holds for a comparison with a number, or None: a JSON number, or
    text of digits with an optional minus and decimal part (see _NUMBER_TEXT)."""
    if isinstance(v, bool) and rules.bool_is_number:
        return Decimal(int(v))
    if is_number(v):
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            return None
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if isinstance(v, str) and rules.text_compares_as_number:
        s = v.strip()
        if _NUMBER_TEXT.match(s):
            return Decimal(s)
    return None


def text(v: Any, rules: Rules = MAILWRIGHT) -> str:
    """A value as the email shows it: null as nothing, true/false, numbers as written in JSON
    (7, 7.5, 7.0); a list or an object as nothing (output its fields instead)."""
    if v is MISSING:
        return ""
    style = rules.text_style
    if style == "python":  # Jinja, Django: str() of the value
        return str(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if style == "js":  # Handlebars.js: 7.0 is 7, a list joins with commas
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (list, tuple)):
            return ",".join(text(x, rules) for x in v)
        if isinstance(v, dict):
            return "[object Object]"
    if isinstance(v, (dict, list, tuple)):
        return ""
    return str(v)


def stored(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    """A recipient's value as the ESP holds it: the text of a boolean or number where its
    fields hold text (Rules.stored_as_text), else the value itself."""
    if rules.stored_as_text and isinstance(v, (bool, int, float)):
        return text(v, rules)
    return v


def is_empty(v: Any) -> bool:
    """Empty: missing, null, false, "", an empty list or object, and the number 0.
    Text is never empty unless it is "": "   ", "no", "false" and "0" are values."""
    if v is MISSING or v is None or v is False:
        return True
    if isinstance(v, str):
        return v == ""
    if isinstance(v, (list, tuple, dict)):
        return len(v) == 0
    if is_number(v):
        return v == 0
    return False


def truthy(v: Any) -> bool:
    """True in a condition: anything that is not empty."""
    return not is_empty(v)


def default_applies(v: Any, rules: Rules = MAILWRIGHT) -> bool:
    if is_number(v) and v == 0:
        return rules.default_replaces_zero
    return is_empty(v)


def compare(op: str, a: Any, b: Any, numeric: bool = False, rules: Rules = MAILWRIGHT) -> bool:
    """`a op b`. `numeric`: a number is written on one side, so both are read as numbers
    (as_number); when one is not a number the comparison is false (`!=` true). Otherwise the
    values compare as they are: text with text exactly (case and all), numbers with numbers;
    a number and text are never equal, and never in order."""
    if op in ("in", "not in"):
        if isinstance(b, (list, tuple)):
            found = any(text(x) == text(a) for x in b)
        elif isinstance(b, str):
            found = text(a) in b
        else:
            found = False
        return found if op == "in" else not found
    x: Any  # two Decimals or two strs by the comparison below
    y: Any
    if numeric:
        x, y = as_number(a, rules), as_number(b, rules)
        if x is None or y is None:
            return op == "!="
    elif is_number(a) and is_number(b):
        x, y = (
            Decimal(repr(a)) if isinstance(a, float) else Decimal(a),
            Decimal(repr(b)) if isinstance(b, float) else Decimal(b),
        )
    else:
        a = None if a is MISSING else a
        b = None if b is MISSING else b
        if op in ("==", "!="):
            same = type(a) is type(b) or (isinstance(a, str) and isinstance(b, str))
            return (same and a == b) == (op == "==")
        if not (isinstance(a, str) and isinstance(b, str)):
            return False
        x, y = a, b
    return {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


# --- filters (each takes and returns a value; MISSING stays MISSING) ---------------------


def f_upper(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    return v if v is MISSING else text(v, rules).upper()


def f_lower(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    return v if v is MISSING else text(v, rules).lower()


def f_capitalize(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    if v is MISSING:
        return v
    t = text(v, rules)
    if rules.capitalize == "keep":
        return t[:1].upper() + t[1:]
    return t.capitalize()


def f_title(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    if v is MISSING:
        return v
    t = text(v, rules)
    if rules.title == "django":
        t = re.sub("([a-z])'([A-Z])", lambda m: m[0].lower(), t.title())
        return re.sub(r"\d([A-Z])", lambda m: m[0].lower(), t)
    if rules.title == "words-keep":
        return re.sub(r"(^|\s)(\S)", lambda m: m[1] + m[2].upper(), t)
    return "".join(w[0].upper() + w[1:].lower() for w in _WORD_START.split(t) if w)


def f_trim(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    return v if v is MISSING else text(v, rules).strip()


def f_truncate(v: Any, n: int, rules: Rules = MAILWRIGHT) -> Any:
    """At most n characters, the last one an ellipsis when cut ("Hello world", 7: "Hello …")."""
    t = text(v, rules)
    if v is MISSING or len(t) <= n:
        return v if v is MISSING else t
    return t[: max(0, n - 1)] + "\u2026"


def f_number(v: Any, decimals: int = 0) -> Any:
    """Rounded half up to `decimals` places, shown with exactly that many, no thousands
    separators (1234.5, 2: "1234.50"); what is not a number shows as empty."""
    if v is MISSING:
        return v
    if is_number(v):
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    elif isinstance(v, str) and _NUMBER_TEXT.match(v.strip()):
        d = Decimal(v.strip())
    else:
        return ""
    if not d.is_finite():
        return ""
    places = min(int(decimals), 10)
    try:
        rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: shown as it is
        return str(v)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:f}"


def f_urlencode(v: Any, rules: Rules = MAILWRIGHT) -> Any:
    """Percent-encoded for a URL: letters, digits, - . _ ~ and / stay; a space is %20."""
    return v if v is MISSING else urllib.parse.quote(text(v, rules), safe=rules.urlencode_safe)


def f_default(v: Any, fallback: Any, rules: Rules = MAILWRIGHT) -> Any:
    return fallback if default_applies(v, rules) else v
