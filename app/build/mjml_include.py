"""`<mj-include>`: MJML's way to share headers, footers and styles, resolved before compiling.

    <mj-include path="./partials/header.mjml" />          MJML: a fragment or a whole <mjml> file
    <mj-include path="./styles.css" type="css" />         CSS for the head (css-inline="inline" to inline it)
    <mj-include path="./legal.html" type="html" />        raw HTML, in place

Paths are relative to the including file and must stay inside the folder of the file being built
(the root): no absolute paths, no URLs, no `..` above the root, no symlink out of it. Includes
nest at most MAX_DEPTH deep, never in a circle, and everything included counts against the
source size limit. Errors name the including file and the line:column of its mj-include.
Compile errors in included text are reported at the partial's own line (see :class:`LineMap`).
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path
from typing import NamedTuple

from .limits import MAX_SOURCE_BYTES
from .markup import ATTR_RE
from ..textpos import line_col

__all__ = ["IncludeError", "LineMap", "MAX_DEPTH", "expand_includes"]

MAX_DEPTH = 10
_INCLUDE = re.compile(r"<mj-include\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)/?>(?:\s*</mj-include\s*>)?", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEAD = re.compile(r"<mj-head\b[^>]*>(.*?)</mj-head\s*>", re.I | re.S)
_BODY = re.compile(r"<mj-body\b[^>]*>(.*?)</mj-body\s*>", re.I | re.S)
_ROOT_TAG = re.compile(r"<mjml\b[^>]*>", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class IncludeError(ValueError):
    """An mj-include that cannot be followed; the message starts with file:line:col."""


# Plain classes, not dataclasses: `import dataclasses` is ~8 ms of an .mjml build's start.
class _Piece(NamedTuple):
    text: str
    label: str  # the file the text comes from, as shown to the user
    line: int  # the line of that file where the text starts
    col: int = 1  # and its column there (a piece after an include starts mid-line)


class LineMap:
    """Positions in the expanded text → (file, line, column) where the user wrote them."""

    __slots__ = ("starts", "origins")

    def __init__(self) -> None:
        self.starts: list[tuple[int, int]] = []  # expanded (line, column) where each piece starts
        self.origins: list[tuple[str, int, int]] = []  # its (file, line, column)

    def where(self, line: int, col: int = 1) -> tuple[str, int, int]:
        # By position, not line alone: on a one-line template every piece starts on line 1, and
        # an error in a partial was put at the template's last piece, at the expanded column.
        i = max(bisect.bisect_right(self.starts, (line, col)) - 1, 0)
        (start_line, start_col), (label, first_line, first_col) = self.starts[i], self.origins[i]
        if line == start_line:
            return label, first_line, first_col + col - start_col
        return label, first_line + line - start_line, col


class _State:
    __slots__ = ("root", "budget", "read")

    def __init__(self, root: Path, budget: int, read: int = 0) -> None:
        self.root, self.budget, self.read = root, budget, read


def _attrs(raw: str) -> dict[str, str]:
    out = {}
    for m in ATTR_RE.finditer(raw):
        value = m.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        out[m.group(1).lower()] = value
    return out


def _label(path: Path, root: Path, root_label: str) -> str:
    """How a partial is named in messages: beside the root file, as the user would type it."""
    base = os.path.dirname(root_label)
    return os.path.join(base, os.path.relpath(path, root)) if base else os.path.relpath(path, root)


def _resolve(ref: str, folder: Path, state: _State, kind: str, where: str) -> Path:
    if not ref.strip():
        raise IncludeError(f'{where}: mj-include needs a path, e.g. <mj-include path="./header.mjml" />')
    if _SCHEME.match(ref) or ref.startswith("//"):
        raise IncludeError(
            f"{where}: mj-include {ref!r}: only files beside the template can be included, "
            "not URLs; download the file into the template's folder"
        )
    if os.path.isabs(ref) or ref.startswith(("\\", "/")):
        raise IncludeError(
            f"{where}: mj-include {ref!r}: write a path relative to this file; absolute paths "
            "could read any file on this computer"
        )
    path = folder / ref
    outside = (
        f"{where}: mj-include {ref!r} is outside the template's folder {state.root}; "
        "only files in that folder (or below it) can be included"
    )
    if not Path(os.path.normpath(path)).is_relative_to(state.root):
        raise IncludeError(outside)  # said before looking, so nothing is learnt of files outside
    if kind == "mjml" and not path.suffix and not path.exists():
        path = path.with_name(path.name + ".mjml")  # MJML lets the .mjml extension be left out
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise IncludeError(f"{where}: mj-include {ref!r}: no such file ({path})") from None
    except (OSError, RuntimeError) as e:
        raise IncludeError(f"{where}: mj-include {ref!r}: cannot be read ({e})") from None
    if not real.is_relative_to(state.root):
        raise IncludeError(outside)
    if not real.is_file():
        raise IncludeError(f"{where}: mj-include {ref!r} is not a file")
    return real


def _read(path: Path, state: _State, where: str, ref: str) -> str:
    size = path.stat().st_size
    state.read += size
    if state.read > state.budget:
        raise IncludeError(
            f"{where}: mj-include {ref!r}: the template and its includes are over the "
            f"{state.budget // (1024 * 1024)} MB limit"
        )
    try:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            from ..encodings import EncodingError, decode_file

            try:
                text = decode_file(data, f"{where}: mj-include {ref!r}")
            except EncodingError as e:
                raise IncludeError(str(e)) from None
    except OSError as e:
        raise IncludeError(f"{where}: mj-include {ref!r}: cannot be read ({e.strerror or e})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _expand(
    text: str,
    label: str,
    first: tuple[int, int],
    folder: Path,
    in_head: bool,
    stack: tuple[Path, ...],
    state: _State,
    root_label: str,
) -> tuple[list[_Piece], list[_Piece]]:
    """(pieces in place, pieces for the head) of `text`, which starts at `first` (line, column)
    of its file, with every mj-include followed."""
    first_line, first_col = first
    comments = [m.span() for m in _COMMENT.finditer(text)] if "<!--" in text else []
    head_span = None
    if not in_head:
        h = _HEAD.search(text)
        head_span = h.span() if h else None
    here: list[_Piece] = []
    head: list[_Piece] = []

    def pos(offset: int) -> tuple[int, int]:  # in the user's file; `text` starts at first_col
        line, col = line_col(text, offset, first_line)
        return line, col + first_col - 1 if line == first_line else col

    last = 0
    for m in _INCLUDE.finditer(text):
        if any(a <= m.start() < b for a, b in comments):
            continue  # a commented-out include stays a comment
        line, col = pos(m.start())
        where = f"{label}:{line}:{col}"
        here.append(_Piece(text[last : m.start()], label, *pos(last)))
        last = m.end()
        if len(stack) > MAX_DEPTH:
            raise IncludeError(f"{where}: mj-include nests more than {MAX_DEPTH} files deep")
        attrs = _attrs(m.group(1))
        ref, kind = attrs.get("path", ""), attrs.get("type", "mjml").lower()
        if kind not in ("mjml", "css", "html"):
            raise IncludeError(f"{where}: mj-include type {kind!r}: use mjml (the default), css or html")
        path = _resolve(ref, folder, state, kind, where)
        if path in stack:
            raise IncludeError(f"{where}: mj-include {ref!r} includes itself (through {len(stack)} file(s))")
        content = _read(path, state, where, ref)
        sub = _label(path, state.root, root_label)
        placed_in_head = in_head or (head_span is not None and head_span[0] <= m.start() < head_span[1])
        if kind == "css":
            inline = ' inline="inline"' if attrs.get("css-inline", "").lower() == "inline" else ""
            target = here if placed_in_head else head
            target += [
                _Piece(f"<mj-style{inline}>", label, line, col),
                _Piece(content, sub, 1),
                _Piece("</mj-style>", label, line, col),
            ]
        elif kind == "html":
            wrap = not placed_in_head
            here += (
                ([_Piece("<mj-raw>", label, line, col)] if wrap else [])
                + [_Piece(content, sub, 1)]
                + ([_Piece("</mj-raw>", label, line, col)] if wrap else [])
            )
        else:
            if _ROOT_TAG.search(content):
                hm, bm = _HEAD.search(content), _BODY.search(content)
                if hm:
                    inner, inner_head = _expand(
                        hm.group(1),
                        sub,
                        line_col(content, hm.start(1)),
                        path.parent,
                        True,
                        stack + (path,),
                        state,
                        root_label,
                    )
                    (here if placed_in_head else head).extend(inner + inner_head)
                parts = [(bm.group(1), bm.start(1))] if bm else []
            else:
                parts = [(content, 0)]
            for part, at in parts:
                inner, inner_head = _expand(
                    part, sub, line_col(content, at), path.parent, placed_in_head, stack + (path,), state, root_label
                )
                here.extend(inner)
                head.extend(inner_head)
    here.append(_Piece(text[last:], label, *pos(last)))
    return here, head


def expand_includes(
    text: str, source: str, base_dir: Path | None, budget: int = MAX_SOURCE_BYTES
) -> tuple[str, LineMap | None]:
    """The MJML with every mj-include replaced by what it names, and where each line came from
    (None when there was nothing to include). `base_dir` is the folder of the file being built;
    without one (text that is not a file), an mj-include is an error."""
    if "<mj-include" not in text.lower():
        return text, None
    if base_dir is None:
        m = _INCLUDE.search(text)
        line, col = line_col(text, m.start() if m else 0)
        raise IncludeError(
            f"{source}:{line}:{col}: mj-include works in an .mjml file on disk (its paths are "
            "relative to the file); save the MJML as a file first"
        )
    root = Path(base_dir).resolve()
    state = _State(root=root, budget=budget, read=len(text.encode("utf-8")))
    here, head = _expand(text, source, (1, 1), root, False, (), state, source)
    if head:
        # The head pieces go at the end of mj-head (or into a new one right after <mjml>).
        flat = "".join(p.text for p in here)
        h = _HEAD.search(flat)
        if h:
            at = h.end(1)
        else:
            r = _ROOT_TAG.search(flat)
            at = r.end() if r else 0
            head = [_Piece("<mj-head>", source, 1), *head, _Piece("</mj-head>", source, 1)]
        here = _split_at(here, at, head)
    out, lines = [], LineMap()
    line, col = 1, 1
    for piece in here:
        if not piece.text:
            continue
        lines.starts.append((line, col))
        lines.origins.append((piece.label, piece.line, piece.col))
        out.append(piece.text)
        breaks = piece.text.count("\n")
        if breaks:
            line, col = line + breaks, len(piece.text) - piece.text.rfind("\n")
        else:
            col += len(piece.text)
    return "".join(out), lines


def _split_at(pieces: list[_Piece], offset: int, insert: list[_Piece]) -> list[_Piece]:
    out: list[_Piece] = []
    pos = 0
    for i, piece in enumerate(pieces):
        end = pos + len(piece.text)
        if pos <= offset <= end:
            cut = offset - pos
            before, after = piece.text[:cut], piece.text[cut:]
            out.append(_Piece(before, piece.label, piece.line, piece.col))
            out.extend(insert)
            breaks = before.count("\n")
            col = len(before) - before.rfind("\n") if breaks else piece.col + len(before)
            out.append(_Piece(after, piece.label, piece.line + breaks, col))
            return out + pieces[i + 1 :]
        out.append(piece)
        pos = end
    return out + insert
