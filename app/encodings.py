"""Reading text files that are not UTF-8: `--encoding NAME`, else a guess, always said.

UTF-8 (and a byte-order mark) is read as such. Other bytes are decoded with the encoding the
user gave (`--encoding`, set for the command with :func:`use_encoding`), else the most plausible
of charset-normalizer's candidates and the common Windows code pages: charset-normalizer alone
reads short Polish cp1250 text as cp1252 ("£êkawska"), so each candidate's text is scored by its
stray symbols, C1 controls and letters of a second script, and the cleanest wins. The caller
says which encoding was assumed (:func:`note`), so a wrong guess is never silent.
"""

from __future__ import annotations

import codecs
import re
import contextvars
import unicodedata
from typing import Callable

__all__ = [
    "EncodingError",
    "use_encoding",
    "forced_encoding",
    "check_name",
    "guess",
    "decode_file",
    "set_reporter",
    "note",
]

_FORCED: contextvars.ContextVar[str | None] = contextvars.ContextVar("mailwright_encoding", default=None)
_REPORTER: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "mailwright_encoding_reporter", default=None
)
# Tried before charset-normalizer's own order: the code pages most files not in UTF-8 are in.
_FIRST = ("cp1252",)
_LAST = ("cp1250", "cp1251", "latin-1")
_SAMPLE = 256 * 1024  # scoring reads this much; the winner still decodes the whole file
_FINE = set("–—‘’‚“”„…•·€«»°§©®™±×÷¡¿ ")


class EncodingError(ValueError):
    """An unknown encoding name, or bytes the chosen encoding cannot read."""


def check_name(name: str) -> str:
    """The codec's canonical name, or EncodingError naming what was given."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise EncodingError(
            f"--encoding {name!r}: unknown encoding; give a name such as utf-8, cp1250, cp1251, shift_jis or latin-1"
        ) from None


def use_encoding(name: str | None) -> None:
    """The encoding to read non-UTF-8 input files in, for the rest of this command (None: guess)."""
    _FORCED.set(check_name(name) if name else None)


def forced_encoding() -> str | None:
    return _FORCED.get()


def set_reporter(report: Callable[[str], None] | None) -> None:
    """Who hears which encoding was assumed for a file (the CLI prints it on stderr)."""
    _REPORTER.set(report)


def note(message: str) -> None:
    import logging

    logging.getLogger("mailwright.encoding").info(message)
    report = _REPORTER.get()
    if report is not None:
        report(message)


_WORDS = re.compile(r"[^\W\d_]+")


def _latin(word: str) -> bool:
    return all(ch < "\x80" or unicodedata.name(ch, "").startswith("LATIN") for ch in word)


def _score(text: str) -> int:
    """How wrong a decoding looks: stray symbols, controls and mostly-accented Latin words 1
    each, a word in two scripts 2, a second script's letters 3."""
    bad = 0
    scripts: dict[str, int] = {}
    # A Latin word made mostly of accented letters ("Èâàí", Cyrillic read as cp1252) is rare.
    for word in _WORDS.findall(text):
        latin = _latin(word)
        if len(word) >= 3 and sum(ch >= "\x80" for ch in word) * 2 > len(word) and latin:
            bad += 1
        elif not latin and any(ch < "\x80" for ch in word):  # "Јкkawska": two scripts in a word
            bad += 2
    for ch in text:
        if ch < "\x80" or ch in _FINE:
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            script = unicodedata.name(ch, "?").split(" ")[0]
            scripts[script] = scripts.get(script, 0) + 1
        elif cat[0] in "SNC" or cat == "Zs":
            bad += 1
    if len(scripts) > 1:
        bad += 3 * (sum(scripts.values()) - max(scripts.values()))
    return bad


def guess(data: bytes) -> str | None:
    """The most plausible encoding of bytes that are not UTF-8, or None for binary data."""
    if b"\x00" in data:
        return None
    sample = data[:_SAMPLE]
    candidates: list[str] = list(_FIRST)
    try:
        from charset_normalizer import from_bytes

        candidates += [m.encoding for m in from_bytes(sample)]
    except ImportError:  # pragma: no cover - a declared dependency
        pass
    candidates += _LAST
    best: tuple[int, int, str] | None = None
    seen: set[str] = set()
    for order, name in enumerate(candidates):
        try:
            canonical = codecs.lookup(name).name
        except LookupError:
            continue
        if canonical in seen or canonical.startswith(("utf-16", "utf-32", "utf-8")):
            continue
        seen.add(canonical)
        try:
            text = sample.decode(canonical, errors="strict" if len(data) <= _SAMPLE else "ignore")
        except UnicodeDecodeError:
            continue
        score = (_score(text), order, canonical)
        if best is None or score < best:
            best = score
    if best is None:
        return None
    non_ascii = sum(1 for b in sample if b >= 0x80)
    if best[0] > max(3, non_ascii // 4):  # mostly stray symbols in every reading: not text
        return None
    return best[2]


def decode_file(data: bytes, label: str, what: str = "text") -> str:
    """UTF-8 (BOM or not), else the --encoding, else a guess that :func:`note` reports.

    Raises EncodingError with the line and byte when nothing reads the bytes as text.
    """
    try:
        return data.decode("utf-8")  # a BOM stays: each reader treats it as before
    except UnicodeDecodeError as e:
        first_error = e
    forced = _FORCED.get()
    if forced:
        try:
            return data.decode(forced)
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise EncodingError(
                f"{label}:{line}: not {forced} {what} (byte {e.start}); "
                "give the file's real encoding with --encoding NAME"
            ) from None
    name = guess(data)
    if name is None:
        line = data.count(b"\n", 0, first_error.start) + 1
        raise EncodingError(
            f"{label}:{line}: not UTF-8 {what} (byte {first_error.start}); "
            "save it as UTF-8 or give its encoding with --encoding NAME"
        ) from None
    note(f"{label}: not UTF-8; read as {name} (a guess: if letters look wrong, give --encoding NAME)")
    return data.decode(name)
