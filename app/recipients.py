"""Recipient lists: CSV exports and JSON files used to personalise previews and test sends.

Why this is more than ``csv.DictReader`` (reference/bad-inputs.md rows 19-23): real exports
arrive with a UTF-8 BOM (``'\\ufeffemail'`` breaks the email column), in cp1252 or UTF-16
(a naive read raises UnicodeDecodeError), with ``;`` or tab delimiters, duplicate headers
(stdlib silently keeps the last), ragged rows (stdlib invents ``None`` keys), NUL bytes and
over-long fields (stdlib raises a bare ``csv.Error``). Every problem here becomes either a
warning on the result or a ``RecipientsError`` that names the file, the row and the line.

Row numbers are 1-based data rows (the header is not a row; empty lines are not counted),
which is what ``Recipients.row(n)`` takes. Lines are physical lines in the file, so a quoted
value with embedded newlines makes the two differ. No Qt, stdlib only.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import json.decoder
import json.scanner
import os
import re
import warnings as _pywarnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from .messages import ShortMessage

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FIELD_CHARS",
    "EMAIL_FIELD_NAMES",
    "Recipients",
    "RecipientsError",
    "RecipientsWarning",
    "load_recipients",
    "parse_csv",
    "parse_json",
    "get_path",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
# The stdlib csv default field limit; we enforce it ourselves too, so a raised global limit
# elsewhere in the process does not change what we accept.
MAX_FIELD_CHARS = 131_072
DELIMITERS = (",", ";", "\t", "|")  # order matters: earlier wins a tie
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 20
_MAX_WARNINGS_PER_KIND = 10
# Normalised (lowercase, letters and digits only) header names that mean "email address",
# best first: an exact "email" column beats "email_address" when a file has both.
EMAIL_FIELD_NAMES = ("email", "emailaddress", "emailaddr", "mail", "mailaddress", "emailadresse")
_DELIM_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
_SEP_LINE = re.compile(r'^"?sep=(.)"?\r?\n?$')
# Finds NaN/Infinity outside strings, to locate the value parse_constant refused.
_JSON_CONST = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.S)
# Lists and objects inside one recipient's value: order items with options are 3 deep. Deeper
# data is refused at load, so nothing that walks a row (checks, previews, sends) can recurse
# without bound (500 levels once crashed `check --data` with a RecursionError).
MAX_VALUE_DEPTH = 32
# Brackets outside strings, to locate where JSON too deep for the parser itself goes too deep.
_JSON_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|([\[{])|[\]}]', re.S)


class RecipientsError(ShortMessage, ValueError):
    """A recipients file that cannot be used; the message says where and what to do."""

    def __init__(self, message: str, *, source: str = "", row: int | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.row = row
        self.line = line


class RecipientsWarning(UserWarning):
    """Issued by ``Recipients.by_email`` when several rows share the address."""


def _where(row: int, first: int, last: int) -> str:
    lines = f"line {first}" if first >= last else f"lines {first}-{last}"
    return f"row {row} ({lines})"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _norm_name(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _email_field(fields: Sequence[str]) -> str | None:
    by_norm: dict[str, str] = {}
    for f in fields:
        by_norm.setdefault(_norm_name(f), f)
    for candidate in EMAIL_FIELD_NAMES:
        if candidate in by_norm:
            return by_norm[candidate]
    return None


def _email_key(value: Any) -> str | None:
    # lower(), not casefold(): casefold maps "ß" to "ss" and would merge distinct mailboxes.
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class Recipients:
    """Loaded recipients. Treat rows as read-only: they are shared, not copied."""

    source: str
    fields: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...] = ()
    encoding: str = "utf-8"  # how the bytes were decoded ("utf-8" when given text)
    delimiter: str | None = None  # CSV only

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, n: int) -> dict[str, Any]:
        """Row ``n``, counting from 1 like the messages and the UI do."""
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(self.rows):
            count = _plural(len(self.rows), "row") if self.rows else "no rows"
            raise RecipientsError(
                f"{self.source}: row {n} does not exist: the file has {count}"
                + (" (rows are numbered from 1)" if isinstance(n, int) and n < 1 else ""),
                source=self.source,
                row=n if isinstance(n, int) else None,
            )
        return self.rows[n - 1]

    @property
    def email_field(self) -> str | None:
        """The column holding addresses (``email``, ``E-mail``, ``email_address``, ...)."""
        return _email_field(self.fields)

    def by_email(self, addr: str) -> tuple[int, dict[str, Any]]:
        """(1-based row number, row) of the first row whose email matches, ignoring case."""
        column = self.email_field
        if column is None:
            cols = ", ".join(self.fields) or "none"
            raise RecipientsError(
                f"{self.source}: no email column (looked for a column named email, E-mail or "
                f"email_address; the columns are: {cols})",
                source=self.source,
            )
        key = _email_key(addr)
        matches = [i for i, r in enumerate(self.rows, 1) if key and _email_key(r.get(column)) == key]
        if not matches:
            raise RecipientsError(
                f"{self.source}: no recipient with email {addr.strip()!r} in column {column!r}", source=self.source
            )
        if len(matches) > 1:
            others = ", ".join(map(str, matches[1:6])) + (", ..." if len(matches) > 6 else "")
            _pywarnings.warn(
                f"{self.source}: {addr.strip()} appears in rows {matches[0]}, {others}; using row {matches[0]}",
                RecipientsWarning,
                stacklevel=2,
            )
        return matches[0], self.rows[matches[0] - 1]


def get_path(row: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Look up a dotted path (``order.total``, ``items.0.name``): (found, value).

    A key that itself contains dots (a CSV column named ``order.total``) wins over descent.
    """
    if not path:
        return False, None
    current: Any = row
    rest = path
    while True:
        if isinstance(current, dict) and rest in current:
            return True, current[rest]
        head, dot, rest = rest.partition(".")
        if not head or (dot and not rest):
            return False, None
        if isinstance(current, dict):
            if head not in current:
                return False, None
            current = current[head]
        elif isinstance(current, (list, tuple)) and head.isascii() and head.isdigit():
            index = int(head)
            if index >= len(current):
                return False, None
            current = current[index]
        else:
            return False, None
        if not dot:
            return True, current


class _Warnings:
    """Collects warnings, at most a few per kind, so a 10,000-row file stays readable."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, kind: str, message: str) -> None:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        if self._counts[kind] <= _MAX_WARNINGS_PER_KIND:
            self._items.append(message)

    def result(self) -> tuple[str, ...]:
        cap = _MAX_WARNINGS_PER_KIND
        extra = [
            f"... and {_plural(n - cap, 'more warning')} like these ({kind})"
            for kind, n in self._counts.items()
            if n > cap
        ]
        return tuple(self._items + extra)


def _warn_duplicate_emails(rows: Sequence[dict[str, Any]], fields: Sequence[str], out: _Warnings) -> None:
    column = _email_field(fields)
    if column is None:
        return
    first: dict[str, int] = {}
    for i, r in enumerate(rows, 1):
        key = _email_key(r.get(column))
        if key is None:
            continue
        if key in first:
            out.add(
                "duplicate email",
                f"rows {first[key]} and {i} have the same email {key!r}; selecting by email uses row {first[key]}",
            )
        else:
            first[key] = i


# ---------------------------------------------------------------------------------------- files


def load_recipients(path: str | os.PathLike[str]) -> Recipients:
    """Read a .csv/.tsv/.txt or .json file; other extensions are sniffed by content."""
    p = Path(path)
    source = p.name or str(p)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            _too_big(source, size)
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # stat can lie (pipes, growing files)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise RecipientsError(f"{source}: cannot read the file ({reason})", source=source) from exc
    ext = p.suffix.lower()
    if ext == ".json" or (ext not in (".csv", ".tsv", ".txt") and _looks_like_json(data)):
        return parse_json(data, source)
    return parse_csv(data, source)


def _too_big(source: str, size: int) -> NoReturn:
    raise RecipientsError(
        f"{source}: the file is {size / 1024 / 1024:.1f} MB; recipient files are limited to "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB: split it into smaller files",
        source=source,
    )


def _looks_like_json(data: bytes) -> bool:
    head = data[:256]
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            head_text = head[len(bom) :].decode(enc, errors="ignore")
            break
    else:
        head_text = head.decode("latin-1")
    return head_text.lstrip()[:1] in ("[", "{")


# ------------------------------------------------------------------------------------------ CSV

_LABELS = {
    "cp1252": "Windows-1252 (cp1252)",
    "latin-1": "Latin-1",
    "iso8859-1": "Latin-1",
    "cp1250": "Windows-1250 (cp1250, Central European)",
    "cp1251": "Windows-1251 (cp1251, Cyrillic)",
    "cp932": "Shift_JIS (cp932)",
    "shift_jis": "Shift_JIS",
}


def _decode(data: bytes, out: _Warnings) -> tuple[str, str]:
    """(text, encoding). Never raises: latin-1 maps every byte."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass  # a BOM followed by cp1252 text: fall through to the guesses below
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(enc), enc
            except UnicodeDecodeError as exc:
                out.add(
                    "encoding",
                    f"the file is UTF-16 but damaged near byte "
                    f"{exc.start + len(bom):,}; unreadable characters were replaced by \ufffd",
                )
                return body.decode(enc, errors="replace"), enc
    utf16 = _guess_bomless_utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            out.add("encoding", f"no byte-order mark; the file was read as {utf16.upper()}")
            return text, utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from .encodings import forced_encoding, guess

    forced = forced_encoding()
    if forced:
        try:
            return data.decode(forced), forced
        except UnicodeDecodeError as exc:
            out.add(
                "encoding",
                f"the file is not valid {forced} near byte {exc.start:,} (--encoding); "
                "unreadable characters were replaced by \ufffd",
            )
            return data.decode(forced, errors="replace"), forced
    # charset-normalizer's candidates and the common code pages, the cleanest reading first
    # (encodings.py); latin-1 reads any bytes.
    enc = guess(data) or "latin-1"
    label = _LABELS.get(enc, enc)
    out.add(
        "encoding",
        f"the file is not UTF-8; it was read as {label}. If letters look wrong, give "
        'its encoding with --encoding NAME or re-export it as "CSV UTF-8"',
    )
    return data.decode(enc, errors="replace"), enc


def _guess_bomless_utf16(data: bytes) -> str | None:
    # Mostly-ASCII UTF-16 has a NUL in every other byte; real CSV text has none.
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd and not even:
        return "utf-16-le"
    if even and not odd:
        return "utf-16-be"
    return None


def _filled_len(record: list[str]) -> int:
    n = len(record)
    while n and not record[n - 1].strip():
        n -= 1
    return n


def _sniff_delimiter(sample: str, truncated: bool) -> str:
    """Pick the delimiter that splits the header and whose column count is most consistent.

    csv.Sniffer alone is unreliable (it happily picks any character that repeats, and
    raises on some files), so its answer only breaks ties among equally good non-comma
    candidates; comma wins any tie it is part of.
    """
    scores: dict[str, tuple[bool, float]] = {}
    for delim in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
        records = [r for r in reader if _filled_len(r)]  # blank lines say nothing
        if truncated and len(records) > 1:
            records.pop()  # probably cut in half by the sample boundary
        records = records[: _SNIFF_RECORDS + 1]
        if not records:
            return ","
        # Trailing empty values do not count: Excel often ends every line with a delimiter.
        width = _filled_len(records[0])
        points = [0.0 if _filled_len(r) > width else 1.0 if len(r) >= width else 0.5 for r in records[1:]]
        scores[delim] = (width > 1, sum(points) / len(points) if points else 1.0)
    best = max(scores.values())
    top = [d for d in DELIMITERS if scores[d] == best]
    if "," in top or len(top) == 1:
        return top[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    return sniffed if sniffed in top else top[0]


def parse_csv(data: bytes, source: str) -> Recipients:
    """Parse a CSV/TSV export. The first non-empty row is the header."""
    if len(data) > MAX_FILE_BYTES:
        _too_big(source, len(data))
    out = _Warnings()
    text, encoding = _decode(data, out)
    if not text.strip():
        out.add("empty", "the file is empty: no columns and no recipients")
        return Recipients(source, (), (), out.result(), encoding, ",")

    def fail(message: str, row: int | None = None, first: int = 0, last: int = 0) -> NoReturn:
        where = "header" if row == 0 else _where(row, first, last) if row else ""
        if row == 0:
            where += f" (line {first})"
        raise RecipientsError(
            f"{source}: {where + ': ' if where else ''}{message}", source=source, row=row or None, line=first or None
        )

    # Excel writes "sep=;" as the first line when asked to; it names the delimiter.
    skip_first = False
    first_line = text[: text.find("\n") + 1] if "\n" in text else text
    m = _SEP_LINE.match(first_line)
    if m and m.group(1) in DELIMITERS:
        delimiter, skip_first = m.group(1), True
    else:
        delimiter = _sniff_delimiter(text[:_SNIFF_CHARS], len(text) > _SNIFF_CHARS)
    delim_name = _DELIM_NAMES[delimiter]

    real_lines = 0

    def lines() -> Iterator[str]:
        nonlocal real_lines
        for line in io.StringIO(text, newline=""):
            real_lines += 1
            yield line
        # A NUL sentinel: if it ends up inside a value, a quote was never closed.
        yield "\x00"

    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True)
    if skip_first:
        next(reader)

    header: list[str] | None = None
    fields: tuple[str, ...] = ()
    width = 0  # header columns including unnamed trailing ones
    rows: list[dict[str, str]] = []
    blank_rows: list[int] = []
    prev_end = 1 if skip_first else 0
    while True:
        start = prev_end + 1
        row_no = 0 if header is None else len(rows) + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger" in str(exc):
                fail(
                    f"a value is longer than {csv.field_size_limit():,} characters; if it is not "
                    "meant to be one value, look for a quote that is not closed",
                    row_no,
                    start,
                    reader.line_num,
                )
            fail(f"not valid CSV ({exc})", row_no, start, reader.line_num)
        end = prev_end = reader.line_num
        if not record:
            continue  # an empty line
        if end > real_lines:  # the record swallowed the sentinel
            if start > real_lines:
                break
            fail('a quoted value is never closed: check for a stray " character', row_no, start, start)
        for i, value in enumerate(record, 1):
            if "\x00" in value:
                fail("contains a NUL byte; re-export the file as CSV UTF-8", row_no, start, end)
            if len(value) > MAX_FIELD_CHARS:
                fail(
                    f"the value in column {i} is {len(value):,} characters long (the limit is "
                    f"{MAX_FIELD_CHARS:,}); if it is not meant to be one value, look for a "
                    "quote that is not closed",
                    row_no,
                    start,
                    end,
                )

        if header is None:
            if not any(v.strip() for v in record):
                continue  # blank lines and bare delimiters above the header
            header = [name.strip().strip("\ufeff").strip() for name in record]
            if not any(header):  # only BOMs: still a blank line (was an IndexError below)
                header = None
                continue
            width = len(header)
            while not header[-1]:
                header.pop()
            for i in range(len(header), width):
                out.add(
                    "trailing column",
                    f"header (line {start}): column {i + 1} has no name and was ignored (a trailing delimiter?)",
                )
            seen: dict[str, int] = {}
            for i, name in enumerate(header, 1):
                if not name:
                    fail(f"column {i} has no name; name every column or delete the empty one", 0, start)
                key = name.casefold()
                if key in seen:
                    fail(f"columns {seen[key]} and {i} are both named {name!r}; rename one of them", 0, start)
                seen[key] = i
            if any("@" in name for name in header):
                out.add(
                    "header",
                    f"header (line {start}): the first row looks like data "
                    f"({next(n for n in header if '@' in n)!r}); it must hold column names",
                )
            fields = tuple(header)
            continue

        if not any(v.strip() for v in record):
            blank_rows.append(start)
            continue
        row_no = len(rows) + 1
        named = len(fields)
        extra = record[named:]
        if extra and any(v.strip() for v in extra):
            if len(record) > width:
                fail(
                    f"{_plural(len(record), 'value')} but the header has "
                    f"{_plural(width, 'column')}; quote values that contain {delim_name}, "
                    "or name the extra column",
                    row_no,
                    start,
                    end,
                )
            col = named + next(i for i, v in enumerate(extra, 1) if v.strip())
            fail(f"column {col} has a value but no name in the header; name the column", row_no, start, end)
        if len(record) > width:
            out.add(
                "extra empty",
                f"{_where(row_no, start, end)}: "
                f"{_plural(len(record), 'value')} but the header has "
                f"{_plural(width, 'column')}; the extra empty values were ignored",
            )
        if len(record) < named:
            out.add(
                "short row",
                f"{_where(row_no, start, end)}: "
                f"{_plural(len(record), 'value')} but the header has "
                f"{_plural(named, 'column')}; the missing values were left empty",
            )
            record = record + [""] * (named - len(record))
        rows.append(dict(zip(fields, record)))

    if blank_rows:
        shown = ", ".join(map(str, blank_rows[:10])) + (", ..." if len(blank_rows) > 10 else "")
        out.add("blank", f"{_plural(len(blank_rows), 'row')} with no values skipped (line {shown})")
    if header is not None and not rows:
        out.add("empty", "the file has a header but no recipients")
    _warn_duplicate_emails(rows, fields, out)
    return Recipients(source, fields, tuple(rows), out.result(), encoding, delimiter)


# ----------------------------------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    def __init__(self, key: str, pos: int = -1) -> None:
        self.key, self.pos = key, pos


class _BadConstant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _pairs_no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # stdlib would silently keep the last one
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _reject_constant(name: str) -> NoReturn:
    raise _BadConstant(name)


def _duplicate_key_position(text: str) -> int:
    """Position of the object with a duplicate key, found with the (slow) pure-Python scanner.

    The C scanner does not tell hooks where they are, so this only runs after the fast
    parse has already found a duplicate.
    """
    decoder = json.JSONDecoder(object_pairs_hook=_pairs_no_duplicates, parse_constant=_reject_constant)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        start = s_and_end[1] - 1

        def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            try:
                return _pairs_no_duplicates(pairs)
            except _DuplicateKey as exc:
                raise _DuplicateKey(exc.key, start) from None

        strict, scan_once, object_hook, _pairs_hook, *rest = args
        return json.decoder.JSONObject(s_and_end, strict, scan_once, object_hook, hook, *rest)  # type: ignore[attr-defined]  # the stdlib parser, not in the stubs

    decoder.parse_object = parse_object  # type: ignore[attr-defined]  # the hook py_make_scanner reads, not in the stubs
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]  # the pure-Python scanner, not in the stubs
    try:
        decoder.decode(text)
    except _DuplicateKey as exc:
        return exc.pos
    except (ValueError, RecursionError, _BadConstant):
        pass
    return -1


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)  # rfind gives -1 on the first line
    return f"line {line} column {column}"


def _decode_json(data: bytes, source: str) -> tuple[str, str]:
    for bom, enc in (  # noqa: B007 (enc is used after the break)
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            break
    else:
        bom, enc = b"", "utf-8"
    try:
        return data[len(bom) :].decode(enc.replace("-sig", "")), enc
    except UnicodeDecodeError as exc:
        offset = exc.start + len(bom)
        raise RecipientsError(
            f"{source}: not valid {enc.upper()} at byte offset {offset:,}; save the file as UTF-8", source=source
        ) from None


def parse_json(text_or_bytes: str | bytes, source: str) -> Recipients:
    """A list of recipient objects, or ``{"recipients": [...]}``. Values keep their types."""
    if len(text_or_bytes) > MAX_FILE_BYTES:
        _too_big(source, len(text_or_bytes))
    if isinstance(text_or_bytes, (bytes, bytearray)):
        text, encoding = _decode_json(bytes(text_or_bytes), source)
    else:
        text, encoding = text_or_bytes.removeprefix("\ufeff"), "utf-8"

    def fail(message: str) -> NoReturn:
        raise RecipientsError(f"{source}: {message}", source=source)

    if not text.strip():
        fail("the file is empty; expected a JSON list of recipient objects")
    try:
        data = json.loads(text, object_pairs_hook=_pairs_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        fail(f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}")
    except _DuplicateKey as exc:
        pos = _duplicate_key_position(text)
        where = f"{_line_col(text, pos)}: " if pos >= 0 else ""
        fail(f"{where}duplicate key {exc.key!r} in one object; each key may appear only once")
    except _BadConstant as exc:
        found = next((m for m in _JSON_CONST.finditer(text) if m.group(1)), None)
        where = f"{_line_col(text, found.start(1))}: " if found else ""
        fail(f"{where}{exc.name} is not valid JSON; use null or a number")
    except RecursionError:
        pos = _too_deep_position(text, MAX_VALUE_DEPTH + 2)
        where = f"{_line_col(text, pos)}: " if pos >= 0 else ""
        fail(
            f"{where}the JSON is nested too deeply; a recipient's values may hold lists and objects "
            f"at most {MAX_VALUE_DEPTH} levels deep"
        )
    except ValueError as exc:  # e.g. an integer with more digits than Python allows
        fail(f"invalid JSON: {exc}")

    out = _Warnings()
    prefix = ""
    if isinstance(data, dict) and isinstance(data.get("recipients"), list):
        others = [k for k in data if k != "recipients"]
        if others:
            out.add("ignored", 'top-level keys other than "recipients" were ignored: ' + ", ".join(others[:10]))
        data, prefix = data["recipients"], "recipients"
    if not isinstance(data, list):
        fail(
            f'expected a list of recipient objects ([{{...}}, ...] or {{"recipients": [...]}}), got {_json_type(data)}'
        )
    fields: dict[str, None] = {}
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            fail(f"{prefix}[{i}]: each recipient must be an object, not {_json_type(item)} (this is row {i + 1})")
        deep = _too_deep(item, MAX_VALUE_DEPTH)
        if deep is not None:
            fail(
                f"row {i + 1} ({prefix}[{i}]{deep}): the value holds lists and objects nested more than "
                f"{MAX_VALUE_DEPTH} levels deep; a recipient's value may nest at most {MAX_VALUE_DEPTH} "
                "levels: flatten the data"
            )
        fields.update(dict.fromkeys(item))
    if not data:
        out.add("empty", "the file has no recipients")
    _warn_duplicate_emails(data, tuple(fields), out)
    return Recipients(source, tuple(fields), tuple(data), out.result(), encoding, None)


def _too_deep(row: dict[str, Any], limit: int) -> str | None:
    """The JSON path (`.order.items[0]…`) where a value of `row` goes deeper than `limit`
    lists/objects, or None. Iterative: the point is not to recurse on such data."""
    stack: list[tuple[Any, int, str]] = [(v, 1, _step(k)) for k, v in row.items() if type(v) in (list, dict)]
    while stack:
        value, depth, path = stack.pop()
        if depth > limit:
            return path if len(path) <= 40 else path[:40] + "…"
        items = value.items() if type(value) is dict else enumerate(value)
        for key, child in items:
            if type(child) in (list, dict):
                # the path is kept only while short: it is for the message, not for walking
                stack.append((child, depth + 1, path + _step(key) if len(path) <= 40 else path))
    return None


def _step(key: Any) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    return f".{key}" if re.fullmatch(r"[A-Za-z_][\w-]*", key) else f"[{json.dumps(key)}]"


def _too_deep_position(text: str, limit: int) -> int:
    """The offset of the first `[` or `{` deeper than `limit`, outside strings; -1 if none."""
    depth = 0
    for m in _JSON_BRACKET.finditer(text):
        if m.group(1):
            depth += 1
            if depth > limit:
                return m.start()
        elif m.group() in ("]", "}"):
            depth -= 1
    return -1


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in (
        (bool, "true/false"),
        (str, "a string"),
        (int, "a number"),
        (float, "a number"),
        (list, "a list"),
        (dict, "an object"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__
