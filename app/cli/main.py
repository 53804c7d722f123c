"""The `mailwright` command line (DESIGN.md §8).

Exit codes: 0 success; 1 check errors or a failed send; 2 bad usage or bad input; 3 an
internal error (a bug of ours: CI must not read it as a failed check). Bad input gives one
message on stderr naming the file and the place; never a traceback (`--debug` prints one for
an internal error). Output never fails once the work is done: stdout and stderr write what
their encoding cannot hold as escapes. This module never imports Qt: the editor is imported
lazily, only when a window is asked for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence
from ..messages import ShortMessage

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `mailwright build x | head`
# Commands that live in their own modules: each module defines
# `add_parser(subparsers) -> None` and `run(args) -> int`, and raises CliError for bad input.
EXTERNAL_COMMANDS = {
    "preview": "preview",
    "check": "check",
    "send": "send",
    "inbox": "inbox",
    "import": "import_",
    "export": "export",
}
COMMANDS = ("build", "blocks", "themes", "dialects", *EXTERNAL_COMMANDS)
ENCODING_COMMANDS = ("build", "check", "import", "preview", "send")  # the commands that read text files


class CliError(ShortMessage, Exception):
    """Bad input: printed as one line, exit 2."""


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; `only`: just that command's sub-parser (a run imports only its
    own command's module and skips the others' arguments, ~8 ms of a start), None: all (help)."""
    parser = argparse.ArgumentParser(
        prog="mailwright",
        description="Email templates that render everywhere: build, preview, personalise, export.",
        epilog="`mailwright FILE` (a .mwt, .mjml or .html file) or `mailwright` alone opens the editor. "
        "`mailwright COMMAND -h` explains a command.",
    )
    parser.add_argument("-V", "--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only in (None, "build"):
        _add_build_parser(sub)
    for name, help_text in (
        ("blocks", "list the block types, one per line"),
        ("dialects", "list the ESP dialects, one per line"),
    ):
        if only in (None, name):
            sub.add_parser(name, help=help_text)
    for module in _external_modules(only).values():
        module.add_parser(sub)
    if only in (None, "themes"):
        sub.add_parser("themes", help="list the themes, one per line")
    for name, command in (("", parser), *sub.choices.items()):
        command.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="on an internal error, print the traceback; log every step on stderr",
        )
        command.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help="say on stderr what the command does (also in the log file)",
        )
        if name in ENCODING_COMMANDS:
            command.add_argument(
                "--encoding",
                metavar="NAME",
                help="read input files that are not UTF-8 in this encoding (e.g. cp1250, "
                "shift_jis) instead of guessing it",
            )
    return parser


def _add_build_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    build = sub.add_parser(
        "build",
        help="build a .mwt or .mjml file into email HTML",
        description="Build a .mwt document or an .mjml file into email HTML. Merge tags are kept as written.",
    )
    build.add_argument(
        "src",
        metavar="SRC",
        nargs="+",
        help="a .mwt document or an .mjml file; several, folders (searched for .mwt and "
        ".mjml) and globs build each into -o FOLDER/; - reads standard input",
    )
    build.add_argument(
        "-o",
        "--output",
        metavar="OUT.html",
        help="write the HTML here (default: stdout); a folder (existing, or ending in /) gets NAME.html per input",
    )
    build.add_argument("--text", metavar="OUT.txt", help="also write the plain-text alternative (a folder: NAME.txt)")
    build.add_argument("--mjml", metavar="OUT.mjml", help="also write the generated MJML (a folder: NAME.mjml)")
    build.add_argument(
        "--from",
        dest="source_kind",
        choices=("mwt", "mjml"),
        help="what standard input holds with SRC -: a .mwt document or MJML (default: sniffed)",
    )
    build.add_argument(
        "--watch",
        action="store_true",
        help="build, then build again on every save (of the inputs and their mj-include partials) until Ctrl-C",
    )
    build.add_argument("--data", metavar="FILE", help="recipients (.csv or .json): render for one of them")
    who = build.add_mutually_exclusive_group()
    who.add_argument("--row", metavar="N", type=int, help="the recipient on data row N (1-based)")
    who.add_argument("--email", metavar="ADDR", help="the recipient with this email address")
    build.add_argument(
        "--var", metavar="NAME=VALUE", action="append", default=[], help="a template variable (var:NAME); repeatable"
    )
    build.add_argument(
        "--link",
        metavar="NAME=URL",
        action="append",
        default=[],
        help="test URL for link:unsubscribe, link:view_online or link:preferences with --data",
    )
    build.add_argument(
        "--esp",
        metavar="NAME",
        help="write merge tags in this ESP's syntax (see `mailwright dialects`); with --data: render as that ESP would",
    )
    build.add_argument("--field-map", metavar="MAP.json", help='rename fields for the ESP, e.g. {"firstname": "FNAME"}')
    build.add_argument(
        "--allow-raw-values",
        action="store_true",
        help="with --esp ses: export although SES inserts recipient values into the HTML "
        "unescaped (escape <, & and quotes in your data before sending)",
    )
    build.add_argument(
        "--no-web-fonts",
        action="store_true",
        help="for an .mjml file: do not link the web fonts MJML links by default (Ubuntu, "
        "Open Sans, Lato, Roboto, Droid Sans) when the email uses them",
    )


class _VersionAction(argparse.Action):
    """`--version`, its number read only when asked for (importlib.metadata costs ~20 ms a start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"mailwright {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mailwright")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown (not installed)"


def _unknown_command(word: str) -> str | None:
    """The message for a first argument that is neither a command nor a file, else None."""
    import difflib
    import os

    if word.startswith("-") or os.path.exists(word) or Path(word).suffix or os.sep in word or "/" in word:
        return None
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command {word!r} (did you mean {close[0]!r}?)"
    return (
        f"unknown command {word!r}; the commands are {', '.join(COMMANDS)}. "
        "To open a file in the editor: mailwright FILE.mwt"
    )


def _external_modules(only: str | None = None) -> dict:
    """The command modules present in this version (a missing one is simply not offered);
    `only`: just that command's module, if it is one."""
    import importlib

    found = {}
    for name, module in EXTERNAL_COMMANDS.items():
        if only not in (None, name):
            continue
        try:
            found[name] = importlib.import_module(f"{__package__}.{module}")
        except ModuleNotFoundError as e:
            if e.name != f"{__package__}.{module}":
                raise
    return found


def _write(path: str, text: str) -> None:
    from ..document.atomic import SaveError, atomic_write_text

    try:
        atomic_write_text(path, text, backup=False)
    except SaveError as e:
        raise CliError(str(e)) from None


def _variables(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise CliError(f"--var {pair!r}: write NAME=VALUE, e.g. --var campaign=Spring")
        out[name.strip()] = value
    return out


def _links(pairs: list[str]) -> dict[str, str]:
    from ..merge.ast import LINKS

    out = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or name not in LINKS:
            raise CliError(f"--link {pair!r}: write NAME=URL with NAME one of {', '.join(LINKS)}")
        out[name] = url
    return out


def _field_map(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    import json

    from ..document.storage import parse_json, read_text_capped

    data = parse_json(read_text_capped(Path(path), 1024 * 1024), path)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise CliError(f"{path}: a field map is a JSON object of names, e.g. {json.dumps({'firstname': 'FNAME'})}")
    return data


def _esp_reads_data(esp: str | None, data: str | None, needs: str) -> None:
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


def _recipient(args: argparse.Namespace) -> tuple[str, dict]:
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


def _refuse_overwriting_inputs(inputs: dict, outputs: dict) -> None:
    """Exit 2 before any work when an output is one of the inputs (see outputs.py)."""
    from ..outputs import OutputClash, check_outputs

    try:
        check_outputs(inputs, outputs)
    except OutputClash as e:
        raise CliError(str(e)) from None


def _stdout(text: str, *, json: bool = False) -> None:
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


def _cmd_build(args: argparse.Namespace) -> int:
    from . import build_many as cli_build_many

    if cli_build_many.is_many(args):
        return cli_build_many.run(args)
    args.src = args.src[0]
    return _build_one(args)


def _build_one(args: argparse.Namespace, stdin_text: str | None = None) -> int:
    """One input into -o/--text/--mjml files or stdout (`stdin_text`: SRC was -)."""
    from ..build.pipeline import build_file

    src = Path(args.src)
    if stdin_text is None and src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    if args.data and args.esp and args.field_map:
        raise CliError(
            "--field-map renames fields in an export; with --data the email is rendered for one "
            "recipient (as --esp would show it): leave out --field-map"
        )
    if (args.row is not None or args.email) and not args.data:
        raise CliError("--row and --email choose a recipient from --data FILE")
    if args.field_map and not args.esp:
        raise CliError("--field-map goes with --esp NAME")
    _refuse_overwriting_inputs(
        {"the source": src, "the --data file": args.data, "the --field-map file": args.field_map},
        {"-o": args.output, "--text": args.text, "--mjml": args.mjml},
    )
    if stdin_text is None:
        result = build_file(src, variables=_variables(args.var), web_fonts=not args.no_web_fonts)
    else:
        from .build_many import build_stdin

        result = build_stdin(stdin_text, args)
    html, text = result.html, result.text
    if args.data:
        from ..build.personalise import CompiledEmail

        who, row = _recipient(args)
        email = CompiledEmail(result).render(row, links=_links(args.link), esp=args.esp)
        html, text = email.html, email.text
        # With --esp: rendered as that ESP's engine reads the values (docs/merge-semantics.md).
        how = f" as {args.esp} shows it" if args.esp else ""
        print(f"{src}: personalised for {who}{how}; subject: {email.subject}", file=sys.stderr)
        if email.missing:
            print(f"{src}: {who} lacks {', '.join(email.missing)} (shown empty)", file=sys.stderr)
    elif args.esp:
        from ..build.personalise import export_for_esp

        exported = export_for_esp(result, args.esp, _field_map(args.field_map), allow_raw_values=args.allow_raw_values)
        html, text = exported.html, exported.text
        print(f"{src}: exported for {args.esp}; subject: {exported.subject}", file=sys.stderr)
        from ..merge.dialects import get_dialect as dialect_of

        note = dialect_of(args.esp).export_note
        if note:
            print(f"{src}: {note}", file=sys.stderr)
    if args.output:
        _write(args.output, html)
    else:
        _stdout(html)
    if args.text:
        _write(args.text, text)
    if args.mjml:
        _write(args.mjml, result.mjml)
    if args.output:
        size = len(html.encode("utf-8"))
        note = "  (over Gmail's 102 KB clipping limit)" if size > 102 * 1024 else ""
        print(f"{args.output}: {size / 1024:.1f} KB of HTML{note}{_fonts_note(src, args, result)}", file=sys.stderr)
    return EXIT_OK


def _fonts_note(src: Path, args: argparse.Namespace, result) -> str:
    """What `build` did about MJML's default web fonts (an .mjml source, or an imported document)."""
    if src.suffix.lower() != ".mjml" and not result.web_fonts:
        return ""
    if args.no_web_fonts:
        return "; web fonts left out (--no-web-fonts)"
    if result.web_fonts:
        return f"; web fonts linked as MJML does: {', '.join(result.web_fonts)} (--no-web-fonts leaves them out)"
    return "; no MJML web font used"


def _cmd_dialects(_: argparse.Namespace) -> int:
    from ..merge.dialects import DIALECTS

    for name in DIALECTS:
        print(name)
    return EXIT_OK


def _cmd_blocks(_: argparse.Namespace) -> int:
    from ...blocks import REGISTRY

    for spec in REGISTRY.values():
        print(f"{spec.type:<11} {spec.label} ({spec.category}): {spec.description}")
    return EXIT_OK


def _cmd_themes(_: argparse.Namespace) -> int:
    from ...themes import available_themes, load_theme

    for name in available_themes():
        theme = load_theme(name)
        print(f"{name:<9} {theme.label}: {theme.description}")
    return EXIT_OK


def _open_editor(argv: Sequence[str]) -> int:
    """`mailwright [FILE] [--screenshot OUT.png]`: the editor, imported only now (Qt is heavy)."""
    try:
        from ...widgets.app import run_editor
    except ImportError as e:
        print(f"mailwright: the editor needs PySide6 with QtWebEngine ({e})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return run_editor(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """The `mailwright` program (argv None: sys.argv, and the process ends when this returns)."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    top_level = ("-h", "--help", "--debug", "-V", "--version")
    if argv and argv[0] not in COMMANDS and argv[0] not in top_level:
        unknown = _unknown_command(argv[0])
        if unknown:
            print(f"mailwright: {unknown}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if not argv or (argv[0] not in COMMANDS and argv[0] not in top_level):
        return _open_editor(argv)
    from .streams import make_streams_safe

    make_streams_safe()
    args = _parser(argv[0] if argv[0] in COMMANDS else None).parse_args(argv)
    debug = getattr(args, "debug", False)
    from ..logs import log_command

    log = log_command(args.command or "", argv, verbose=getattr(args, "verbose", False), debug=debug)
    try:
        code = _run(args)
        log.info("exit %s", code)
        if as_program:
            _before_exit()
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more can be said to it, and Python would
        # otherwise complain again while flushing at exit.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as e:  # a bug of ours: still no traceback unless asked for
        from ..messages import shorten

        log.exception("internal error")

        if debug:
            import traceback

            traceback.print_exc(file=sys.stderr)
        from ..logs import log_file

        if log_file():
            print(f"mailwright: the details are in the log {log_file()}", file=sys.stderr)
        print(
            f"mailwright: internal error ({type(e).__name__}: {shorten(str(e))}); please report it"
            f"{'' if debug else ' (run again with --debug for the details)'}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _before_exit() -> None:
    """A command is done and the process ends next: every object goes out of the collector's reach
    (gc.freeze), so that the interpreter's shutdown does not walk them all once more (the document
    models and their schemas: ~50 ms, a sixth of a one-file build). Not once Qt is loaded (the
    editor, preview: Qt's objects get their usual teardown) nor for in-process calls (tests)."""
    import gc

    if "PySide6" not in sys.modules:
        gc.freeze()


def _run(args: argparse.Namespace) -> int:
    from ...themes import ThemeError
    from ..encodings import EncodingError
    from ..build.pipeline import BuildError
    from ..document.storage import DocumentError

    try:
        handlers = {"build": _cmd_build, "blocks": _cmd_blocks, "themes": _cmd_themes, "dialects": _cmd_dialects}
        handlers.update({name: m.run for name, m in _external_modules(args.command).items()})
        if args.command is None:
            _parser().print_help()
            return EXIT_BAD_INPUT
        if args.command not in handlers:
            raise CliError(f"'{args.command}' is not available in this version")
        if getattr(args, "encoding", None):
            from ..encodings import use_encoding

            use_encoding(args.encoding)
        from ..encodings import set_reporter

        set_reporter(lambda message: print(f"mailwright: {message}", file=sys.stderr))
        from ..progress import terminal_bar

        with terminal_bar():  # loops over recipients draw a bar when stderr is a terminal
            return handlers[args.command](args)
    except (CliError, DocumentError, BuildError, ThemeError, EncodingError) as e:
        print(f"mailwright: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
