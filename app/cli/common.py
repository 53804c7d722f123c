"""What the commands of `mailwright` share: exit codes, the bad-input error, and the small steps
every command takes (reading --data, refusing outputs over inputs, writing outputs)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..messages import ShortMessage

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class CliError(ShortMessage, Exception):
    """Bad input: printed as one line, exit 2."""


def write_output(path: str, text: str) -> None:
    from ..document.atomic import SaveError, atomic_write_text

    try:
        atomic_write_text(path, text, backup=False)
    except SaveError as e:
        raise CliError(e.command_line_message()) from None


def parse_variables(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise CliError(f"--var {pair!r}: write NAME=VALUE, e.g. --var campaign=Spring")
        out[name.strip()] = value
    return out


def parse_links(pairs: list[str]) -> dict[str, str]:
    from ..merge.ast import LINKS

    out = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or name not in LINKS:
            raise CliError(f"--link {pair!r}: write NAME=URL with NAME one of {', '.join(LINKS)}")
        out[name] = url
    return out


def read_field_map(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    import json

    from ..document.storage import parse_json, read_text_capped

    data = parse_json(read_text_capped(Path(path), 1024 * 1024), path)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise CliError(f"{path}: a field map is a JSON object of names, e.g. {json.dumps({'firstname': 'FNAME'})}")
    return data


def check_esp_data(esp: str | None, data: str | None, needs: str) -> None:
    """`--esp NAME` with `--data`: the ESP must be known and there must be data (else exit 2)."""
    if not esp:
        return
    from ..merge.dialects import get_dialect

    if not data:
        raise CliError(f"--esp goes with --data FILE{needs}")
    try:
        get_dialect(esp)
    except ValueError as e:
        raise CliError(str(e)) from None


def load_data(path: str):
    """The --data file's recipients; its warnings (which encoding a file not in UTF-8 was read
    in, an empty file, …) printed naming the file; a file that cannot be read is a CliError."""
    from ..recipients import RecipientsError, load_recipients

    try:
        recipients = load_recipients(path)
    except RecipientsError as e:
        raise CliError(str(e)) from None
    for warning in recipients.warnings:
        print(f"mailwright: {path}: {warning}", file=sys.stderr)
    return recipients


def choose_recipient(args: argparse.Namespace) -> tuple[str, dict]:
    from ..recipients import RecipientsError

    if args.row is None and args.email is None:
        raise CliError("--data needs --row N or --email ADDR to choose the recipient")
    recipients = load_data(args.data)
    try:
        if args.row is not None:
            return f"row {args.row}", recipients.row(args.row)
        number, row = recipients.by_email(args.email)
        return f"row {number} ({args.email})", row
    except RecipientsError as e:
        raise CliError(str(e)) from None


def refuse_overwriting_inputs(inputs: dict, outputs: dict) -> None:
    """Exit 2 before any work when an output is one of the inputs (see outputs.py)."""
    from ..outputs import OutputClash, check_outputs

    try:
        check_outputs(inputs, outputs)
    except OutputClash as e:
        raise CliError(str(e)) from None


def refuse_overwriting_what_it_uses(result, folder: Path, outputs: dict) -> None:
    """Exit 2 before writing when an output is a local image the email shows or a partial it
    includes (after the build: only then are they known). Only an existing output can be one."""
    existing = {label: p for label, p in outputs.items() if p is not None and os.path.lexists(p)}
    if not existing:
        return
    from ..outputs import files_the_email_uses

    # Reading the email's image references is ~1 ms: not for the usual rebuild over an out.html.
    pictures = any(_may_be_a_picture(p) for p in existing.values())
    refuse_overwriting_inputs(files_the_email_uses(result.mjml if pictures else "", result.includes, folder), existing)


_TEXT_OUTPUTS = frozenset({".html", ".htm", ".txt", ".mjml", ".eml", ".json"})


def _may_be_a_picture(path: str | os.PathLike[str]) -> bool:
    """False for a plain file named as text (out.html): no email shows that as a picture. A link
    (symbolic or hard) may be another name of one."""
    import stat

    try:
        info = os.lstat(path)
    except OSError:
        return True
    if stat.S_ISLNK(info.st_mode) or info.st_nlink > 1:
        return True
    return Path(path).suffix.lower() not in _TEXT_OUTPUTS


def write_stdout(text: str, *, json: bool = False) -> None:
    """UTF-8 bytes on stdout whatever the locale's encoding (the HTML declares charset=UTF-8).

    A file name that is not UTF-8 goes out as its own bytes, or as a `\\udcXX` escape in
    JSON so that the output stays valid JSON.
    """
    from .streams import ERRORS

    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a text-only stream (e.g. redirected in a test)
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        out.write(text.encode("utf-8", "backslashreplace" if json else ERRORS))
        out.flush()
