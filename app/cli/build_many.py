"""`mailwright build` of many inputs, of standard input, and `--watch`.

`build a.mwt b.mwt templates/ -o out/` builds each input into out/NAME.html (and NAME.txt /
NAME.mjml when --text / --mjml name folders). Folders are searched for .mwt and .mjml files,
globs are expanded. Everything is checked before anything is written: two inputs with one NAME,
an output that is an input. One failing input does not stop the others; the exit code is the
worst of all. One input with a file output (or stdout) is cli._build_one, unchanged.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .main import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, CliError

SOURCE_SUFFIXES = (".mwt", ".mjml")
GLOB_CHARS = set("*?[")
MAX_INPUTS = 10_000  # a folder walk that finds more is almost surely the wrong folder


@dataclass(frozen=True)
class Job:
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
    from .main import _refuse_overwriting_inputs

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
    _refuse_overwriting_inputs(ins, outs)
    return jobs


def build_stdin(text: str, args: argparse.Namespace):
    """Build text read from standard input: --from says what it is, else a '{' means a document."""
    from ..build.pipeline import build_document, build_mjml_text
    from ..document.storage import loads_document

    kind = args.source_kind or ("mwt" if text.lstrip("\ufeff \t\r\n")[:1] == "{" else "mjml")
    if kind == "mjml":
        return build_mjml_text(text, source="<stdin>", base_dir=Path.cwd(), web_fonts=not args.no_web_fonts)
    from .main import _variables

    doc = loads_document(text, "<stdin>")
    variables = _variables(args.var)
    if variables:
        doc = doc.model_copy(update={"variables": {**doc.variables, **variables}})
    return build_document(doc, source="<stdin>")


def _read_stdin() -> str:
    from ..encodings import decode_file
    from ..document.storage import MAX_FILE_BYTES

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CliError(f"<stdin>: over the {MAX_FILE_BYTES // 1_048_576} MB limit of a source")
    return decode_file(data, "<stdin>")


def _one(args: argparse.Namespace, job: Job) -> int:
    from .main import _build_one

    one = argparse.Namespace(
        **{
            **vars(args),
            "src": str(job.src),
            "output": str(job.html),
            "text": str(job.text) if job.text else None,
            "mjml": str(job.mjml) if job.mjml else None,
        }
    )
    return _build_one(one)


def _build_all(args: argparse.Namespace, jobs: list[Job]) -> int:
    """Each job; an error is printed and the next input built. The worst exit code."""
    from ...themes import ThemeError
    from ..encodings import EncodingError
    from ..build.pipeline import BuildError
    from ..document.storage import DocumentError

    worst = EXIT_OK
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
    return worst


def run(args: argparse.Namespace) -> int:
    from .main import _build_one

    if "-" in args.src:
        if len(args.src) > 1:
            raise CliError("- (standard input) is built alone; give the other inputs in another run")
        if args.watch:
            raise CliError("--watch rebuilds files on save; standard input cannot be watched")
        if is_folder_output(args.output):
            raise CliError(f"-o {args.output}: standard input has no name; give -o NAME.html")
        args.src = "<stdin>"
        return _build_one(args, stdin_text=_read_stdin())
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
            folder.mkdir(parents=True, exist_ok=True)
    if args.watch:
        from .watch import watch_builds

        return watch_builds(args, inputs, lambda: _once(args, jobs))
    return _once(args, jobs, summary=True)


def _once(args: argparse.Namespace, jobs: list[Job] | None, summary: bool = False) -> int:
    from .main import _build_one

    if jobs is None:
        return _build_one(argparse.Namespace(**vars(args)))
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
