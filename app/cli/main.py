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
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, CliError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `mailwright build x | head`
# Commands that live in their own modules (app/cli/NAME.py): each module defines
# `add_parser(subparsers) -> None` and `run(args) -> int`, and raises CliError for bad input.
COMMAND_MODULES = {
    "build": "build",
    "preview": "preview",
    "check": "check",
    "send": "send",
    "inbox": "inbox",
    "import": "import_",
    "export": "export",
}
COMMANDS = (*COMMAND_MODULES, "blocks", "themes", "dialects")
ENCODING_COMMANDS = ("build", "check", "import", "preview", "send")  # the commands that read text files


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
    modules = _command_modules(only)
    if "build" in modules:
        modules.pop("build").add_parser(sub)
    for name, help_text in (
        ("blocks", "list the block types, one per line"),
        ("dialects", "list the ESP dialects, one per line"),
    ):
        if only in (None, name):
            sub.add_parser(name, help=help_text)
    for module in modules.values():
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


# Options both the command line and the editor take before anything else (`mailwright -v build
# x.mwt`, `mailwright --debug news.mwt`), and those only the command line's top level has.
_SHARED_LEADING = frozenset({"-v", "--verbose", "--debug"})
_TOP_LEVEL_ONLY = frozenset({"-h", "--help", "-V", "--version"})


def first_word(argv: Sequence[str]) -> str | None:
    """What decides between a command and the editor: the first argument after the leading
    options both share (None when there is none: `mailwright`, `mailwright --debug`)."""
    for arg in argv:
        if arg not in _SHARED_LEADING:
            return arg
    return None


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


def _command_modules(only: str | None = None) -> dict:
    """The command modules, in help order; `only`: just that command's module, if it is one
    (a run imports only its own command). A module that fails to import fails the run."""
    import importlib

    return {
        name: importlib.import_module(f"{__package__}.{module}")
        for name, module in COMMAND_MODULES.items()
        if only in (None, name)
    }


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
    word = first_word(argv)
    if word is None or (word not in COMMANDS and word not in _TOP_LEVEL_ONLY):
        unknown = _unknown_command(word) if word is not None else None
        if unknown:
            print(f"mailwright: {unknown}", file=sys.stderr)
            return EXIT_BAD_INPUT
        return _open_editor(argv)
    from .streams import make_streams_safe

    make_streams_safe()
    args = _parser(word if word in COMMANDS else None).parse_args(argv)
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
        handlers = {"blocks": _cmd_blocks, "themes": _cmd_themes, "dialects": _cmd_dialects}
        handlers.update({name: m.run for name, m in _command_modules(args.command).items()})
        if args.command is None:
            _parser().print_help()
            return EXIT_BAD_INPUT
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
