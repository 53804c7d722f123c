"""`mailwright build`: a .mwt document or an .mjml file into email HTML, its plain text and MJML.

One input goes to a file or stdout, personalised for a recipient with --data or exported for an ESP
with --esp. `build a.mwt b.mwt templates/ -o out/` builds each input into out/NAME.html (and
NAME.txt / NAME.mjml when --text / --mjml name folders). Folders are searched for .mwt and .mjml
files, globs are expanded. Everything is checked before anything is written: two inputs with one
NAME, an output that is an input. One failing input does not stop the others; the exit code is the
worst of all. `-` reads standard input; `--watch` builds again on every save.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path
from typing import NamedTuple

from .common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    CliError,
    choose_recipient,
    parse_links,
    parse_variables,
    read_field_map,
    refuse_overwriting_inputs,
    refuse_overwriting_what_it_uses,
    write_output,
    write_stdout,
)


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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


def run(args: argparse.Namespace) -> int:
    if is_many(args):
        return build_many(args)
    args.src = args.src[0]
    return build_one(args)


def build_one(args: argparse.Namespace, stdin_text: str | None = None) -> int:
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
    for flag, value in (("--text", args.text), ("--mjml", args.mjml)):
        if is_folder_output(value):  # found only when writing it, after -o was written
            raise CliError(
                f"{flag} {value}: a folder; give a file name, or write into folders: -o FOLDER/ {flag} FOLDER/"
            )
    refuse_overwriting_inputs(
        {"the source": src, "the --data file": args.data, "the --field-map file": args.field_map},
        {"-o": args.output, "--text": args.text, "--mjml": args.mjml},
    )
    # The plain text only when it is written (it is a third of a build's work); --data and --esp
    # make theirs from it, so without --text they skip it too.
    with_text = bool(args.text)
    if stdin_text is None:
        result = build_file(
            src, variables=parse_variables(args.var), web_fonts=not args.no_web_fonts, with_text=with_text
        )
    else:
        result = build_stdin(stdin_text, args, with_text=with_text)
    refuse_overwriting_what_it_uses(
        result,
        Path.cwd() if stdin_text is not None else src.parent,
        {"-o": args.output, "--text": args.text, "--mjml": args.mjml},
    )
    html, text = result.html, result.text
    if args.data:
        from ..build.personalise import CompiledEmail

        who, row = choose_recipient(args)
        email = CompiledEmail(result).render(row, links=parse_links(args.link), esp=args.esp)
        html, text = email.html, email.text
        # With --esp: rendered as that ESP's engine reads the values (docs/merge-semantics.md).
        how = f" as {args.esp} shows it" if args.esp else ""
        print(f"{src}: personalised for {who}{how}; subject: {email.subject}", file=sys.stderr)
        if email.missing:
            print(f"{src}: {who} lacks {', '.join(email.missing)} (shown empty)", file=sys.stderr)
    elif args.esp:
        from ..build.personalise import export_for_esp

        exported = export_for_esp(
            result, args.esp, read_field_map(args.field_map), allow_raw_values=args.allow_raw_values
        )
        html, text = exported.html, exported.text
        print(f"{src}: exported for {args.esp}; subject: {exported.subject}", file=sys.stderr)
        from ..merge.dialects import get_dialect as dialect_of

        note = dialect_of(args.esp).export_note
        if note:
            print(f"{src}: {note}", file=sys.stderr)
    if args.output:
        write_output(args.output, html)
    else:
        write_stdout(html)
    if args.text:
        write_output(args.text, text)
    if args.mjml:
        write_output(args.mjml, result.mjml)
    if args.output:
        size = len(html.encode("utf-8"))
        note = "  (over Gmail's 102 KB clipping limit)" if size > 102 * 1024 else ""
        print(f"{args.output}: {size / 1024:.1f} KB of HTML{note}{_fonts_note(src, args, result)}", file=sys.stderr)
    for said in result.notes:  # e.g. an unknown element left out, as node's MJML does
        print(said, file=sys.stderr)
    # (Not under --watch: a rebuild is one line. Not for standard input: it has no folder.)
    if stdin_text is None and not getattr(args, "watch", False):
        # The HTML names the pictures its MJML names (a third the text to read, ~1.5 ms a build);
        # personalised, a recipient's value may name one of its own.
        for written, content in ((args.output, html if args.data else result.mjml), (args.mjml, result.mjml)):
            elsewhere = _images_elsewhere(src, Path(written), content) if written else ""
            if not elsewhere:
                continue
            notes = getattr(args, "image_notes", None)
            if notes is None:
                print(f"{written}: {elsewhere}", file=sys.stderr)
            else:  # many inputs: one line for all of them, after the build (_build_all)
                notes.append(written)
    return EXIT_OK


def _images_elsewhere(src: Path, output: Path, html: str) -> str:
    """A note when the HTML (or MJML) names local images relative to the source's folder but is
    written to another folder: opened or built there, or sent as it is, they do not show."""
    try:
        folder = src.resolve().parent
        if output.resolve().parent == folder:
            return ""
    except OSError:
        return ""
    from ..build.local_files import local_refs  # what export reads as a local image

    # Relative ones: an absolute path or file: address shows wherever the HTML is.
    local = sorted(
        r for r in local_refs(html, folder) if not r.lower().startswith("file:") and not Path(r).is_absolute()
    )
    if not local:
        return ""
    n = len(local)
    return (
        f"{n} local image{'s' * (n != 1)} ({local[0]}{', …' if n > 1 else ''}) {'are' if n != 1 else 'is'} "
        f"named relative to {src.name}'s folder, so {'they do' if n != 1 else 'it does'} not show next to "
        f"{output.name}: `mailwright export --bundle` carries {'them' if n != 1 else 'it'}, or host "
        f"{'them' if n != 1 else 'it'} and use https:// addresses"
    )


def _fonts_note(src: Path, args: argparse.Namespace, result) -> str:
    """What `build` did about MJML's default web fonts (an .mjml source, or an imported document)."""
    if src.suffix.lower() != ".mjml" and not result.web_fonts:
        return ""
    if args.no_web_fonts:
        return "; web fonts left out (--no-web-fonts)"
    if result.web_fonts:
        return f"; web fonts linked as MJML does: {', '.join(result.web_fonts)} (--no-web-fonts leaves them out)"
    return "; no MJML web font used"


SOURCE_SUFFIXES = (".mwt", ".mjml")
GLOB_CHARS = set("*?[")
MAX_INPUTS = 10_000  # a folder walk that finds more is almost surely the wrong folder


class Job(NamedTuple):  # not a dataclass: `import dataclasses` is ~8 ms of every start
    src: Path
    html: Path
    text: Path | None
    mjml: Path | None


def is_folder_output(value: str | None) -> bool:
    if not value:
        return False
    return value.endswith(("/", os.sep)) or Path(value).is_dir()


def is_many(args: argparse.Namespace) -> bool:
    """Anything but one plain file into a file or stdout (that path stays cli._build_one)."""
    srcs = args.src
    if args.watch or "-" in srcs or len(srcs) > 1 or is_folder_output(args.output):
        return True
    one = srcs[0]
    if Path(one).suffix.lower() in SOURCE_SUFFIXES:  # `build dir.mwt` (a folder): "is a folder", as before
        return False
    return Path(one).is_dir() or (not Path(one).exists() and bool(GLOB_CHARS & set(one)))


def expand(srcs: list[str]) -> list[Path]:
    """Each SRC as files: a folder's .mwt/.mjml files (recursively, sorted), a glob's matches."""
    found: list[Path] = []
    for src in srcs:
        p = Path(src)
        if p.is_dir():
            files = sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SOURCE_SUFFIXES
                and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not files:
                raise CliError(f"{p}: the folder holds no .mwt or .mjml file")
            found += files
        elif not p.exists() and GLOB_CHARS & set(src):
            files = sorted(
                Path(m)
                for m in glob.glob(src, recursive=True)
                if Path(m).suffix.lower() in SOURCE_SUFFIXES and Path(m).is_file()
            )
            if not files:
                raise CliError(f"{src}: no .mwt or .mjml file matches")
            found += files
        else:
            if p.suffix.lower() not in SOURCE_SUFFIXES:
                raise CliError(f"{p}: unknown kind of file; give a .mwt document or an .mjml file")
            if not p.is_file():
                raise CliError(f"{p}: no such file")
            found.append(p)
        if len(found) > MAX_INPUTS:
            raise CliError(f"{src}: more than {MAX_INPUTS:,} inputs; give a narrower folder or glob")
    unique: dict[str, Path] = {}
    for f in found:  # the same file through two arguments builds once
        unique.setdefault(os.path.realpath(f), f)
    return list(unique.values())


def plan(args: argparse.Namespace, inputs: list[Path]) -> list[Job]:
    """Where each input goes; refuses clashes before anything is written."""
    if not args.output:
        raise CliError(f"{len(inputs)} inputs: give -o FOLDER/ to write NAME.html for each")
    if not is_folder_output(args.output):
        raise CliError(f"-o {args.output}: several inputs need a folder; end it with / (e.g. -o out/)")
    for flag, value in (("--text", args.text), ("--mjml", args.mjml)):
        if value and not is_folder_output(value):
            raise CliError(f"{flag} {value}: with several inputs give a folder, ending in / (e.g. {flag} out/)")
    names: dict[str, Path] = {}
    for src in inputs:
        other = names.setdefault(src.stem.lower(), src)
        if other is not src:
            raise CliError(
                f"{other} and {src} would both be written as {src.stem}.html; "
                "rename one or build them into separate folders"
            )
    out = Path(args.output)
    jobs = [
        Job(
            src,
            out / f"{src.stem}.html",
            Path(args.text) / f"{src.stem}.txt" if args.text else None,
            Path(args.mjml) / f"{src.stem}.mjml" if args.mjml else None,
        )
        for src in inputs
    ]
    ins = {f"the input {src}": src for src in inputs}
    ins.update({"the --data file": args.data, "the --field-map file": args.field_map})
    outs: dict[str, Path | None] = {}
    for job in jobs:
        outs.update({f"-o {job.html}": job.html, f"--text {job.text}": job.text, f"--mjml {job.mjml}": job.mjml})
    refuse_overwriting_inputs(ins, outs)
    return jobs


def build_stdin(text: str, args: argparse.Namespace, *, with_text: bool = True):
    """Build text read from standard input: --from says what it is, else a '{' means a document."""
    from ..build.pipeline import build_document, build_mjml_text
    from ..document.storage import loads_document

    kind = args.source_kind or ("mwt" if text.lstrip("\ufeff \t\r\n")[:1] == "{" else "mjml")
    if kind == "mjml":
        return build_mjml_text(
            text, source="<stdin>", base_dir=Path.cwd(), web_fonts=not args.no_web_fonts, with_text=with_text
        )
    doc = loads_document(text, "<stdin>", plain=True)
    variables = parse_variables(args.var)
    if variables:
        doc = doc.model_copy(update={"variables": {**doc.variables, **variables}})
    return build_document(doc, source="<stdin>", with_text=with_text)


def _read_stdin() -> str:
    from ..encodings import decode_file
    from ..document.storage import MAX_FILE_BYTES

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CliError(f"<stdin>: over the {MAX_FILE_BYTES // 1_048_576} MB limit of a source")
    return decode_file(data, "<stdin>")


def _one(args: argparse.Namespace, job: Job) -> int:
    one = argparse.Namespace(
        **{
            **vars(args),
            "src": str(job.src),
            "output": str(job.html),
            "text": str(job.text) if job.text else None,
            "mjml": str(job.mjml) if job.mjml else None,
        }
    )
    return build_one(one)


def _build_all(args: argparse.Namespace, jobs: list[Job]) -> int:
    """Each job; an error is printed and the next input built. The worst exit code."""
    from ...themes import ThemeError
    from ..encodings import EncodingError
    from ..build.pipeline import BuildError
    from ..document.storage import DocumentError

    worst = EXIT_OK
    args.image_notes = []  # outputs written away from their local images, said once at the end
    for job in jobs:
        try:
            code = _one(args, job)
        except (CliError, DocumentError, BuildError, ThemeError, EncodingError) as e:
            print(f"mailwright: {e}", file=sys.stderr)
            code = EXIT_BAD_INPUT
        except Exception as e:  # a bug of ours on one input: the others still build
            from ..messages import shorten

            print(
                f"mailwright: {job.src}: internal error ({type(e).__name__}: {shorten(str(e))}); please report it",
                file=sys.stderr,
            )
            code = EXIT_INTERNAL
        worst = max(worst, code)
    notes = args.image_notes
    if notes:
        print(
            f"{len(notes)} of the files written name local images relative to their source's folder "
            f"(e.g. {notes[0]}), so there they do not show: `mailwright export --bundle` carries "
            "them, or host them and use https:// addresses",
            file=sys.stderr,
        )
    return worst


def build_many(args: argparse.Namespace) -> int:
    """Many inputs, a folder output, standard input, or --watch."""
    if "-" in args.src:
        if len(args.src) > 1:
            raise CliError("- (standard input) is built alone; give the other inputs in another run")
        if args.watch:
            raise CliError("--watch rebuilds files on save; standard input cannot be watched")
        if is_folder_output(args.output):
            raise CliError(f"-o {args.output}: standard input has no name; give -o NAME.html")
        args.src = "<stdin>"
        return build_one(args, stdin_text=_read_stdin())
    if args.source_kind:
        raise CliError("--from says what standard input holds; it goes with SRC -")
    inputs = expand(args.src)
    many = len(inputs) > 1 or is_folder_output(args.output) or len(args.src) > 1 or args.src[0] != str(inputs[0])
    if not many:  # `build x.mwt -o x.html --watch`
        args.src = str(inputs[0])
        jobs = None
    else:
        jobs = plan(args, inputs)
        for folder in (
            {j.html.parent for j in jobs}
            | {j.text.parent for j in jobs if j.text}
            | {j.mjml.parent for j in jobs if j.mjml}
        ):
            _make_folder(folder)
    if args.watch:
        from .watch import watch_builds

        return watch_builds(args, inputs, lambda: _once(args, jobs))
    return _once(args, jobs, summary=True)


def _make_folder(folder: Path) -> None:
    """An output folder, made when missing; a file in its place is bad input, not a crash."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise CliError(f"{folder}/: {blocker} is a file, not a folder; give another output folder") from None
    except OSError as e:
        raise CliError(f"{folder}/: the output folder cannot be made ({e.strerror}); give another one") from None


def _once(args: argparse.Namespace, jobs: list[Job] | None, summary: bool = False) -> int:
    if jobs is None:
        return build_one(argparse.Namespace(**vars(args)))
    start = time.perf_counter()
    code = _build_all(args, jobs)
    if summary:
        failed = "" if code == EXIT_OK else " (some failed: see above)"
        print(
            f"built {len(jobs)} input{'s' * (len(jobs) != 1)} into {args.output} in "
            f"{time.perf_counter() - start:.2f} s{failed}",
            file=sys.stderr,
        )
    return code
