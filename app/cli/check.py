"""`mailwright check SRC [--data FILE] [--format text|json]`: pre-flight checks for CI and people.

Exit 0 when there is no error (warnings and info do not fail), 1 with at least one error, 2 for
bad input (an unreadable file, a document that fails to load or build, unreadable recipients).
The JSON format is stable and documented in the README:

    {"findings": [{"severity", "code", "message", "location", "hint"}, ...],
     "summary": {"errors", "warnings", "html_bytes"[, "recipients" (with --data: rows checked)]}}
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, CliError, check_esp_data


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "check",
        help="pre-flight checks: size, links, images, merge tags, contrast, client support",
        description="Check a .mwt document or an .mjml file before sending: Gmail clipping and <style> "
        "limits, links, alt text, image sizes, unsubscribe link, merge tags (and, with --data, "
        "fields the recipients lack), contrast, CSS/HTML support per client (caniemail), "
        "subject and preheader. Exit 0 without errors, 1 with errors (warnings do not fail), "
        "2 for bad input.",
    )
    p.add_argument(
        "src",
        metavar="SRC",
        nargs="+",
        help="a .mwt document or an .mjml file; several, folders (searched for .mwt and .mjml) "
        "and globs are each checked, with one summary",
    )
    p.add_argument(
        "--data", metavar="FILE", help="recipients (.csv or .json): report merge fields they lack, with the rows"
    )
    p.add_argument(
        "--esp",
        metavar="NAME",
        help="with --data: also warn where this ESP reads the recipients' values otherwise than "
        "Mailwright's preview (see `mailwright dialects`)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (one line per finding and a summary; the default) or json (stable, for CI)",
    )


def run(args: argparse.Namespace) -> int:
    from .build import expand  # the same folders and globs as build

    one = len(args.src) == 1 and (
        Path(args.src[0]).suffix.lower() in (".mwt", ".mjml") or not (Path(args.src[0]).is_dir() or "*" in args.src[0])
    )
    if one:  # the one-file output, unchanged
        src = Path(args.src[0])
        recipients = _recipients(args)
        return _check_one(src, args, recipients)
    inputs = expand(args.src)
    recipients = _recipients(args)
    return _check_many(inputs, args, recipients)


def _recipients(args: argparse.Namespace):
    check_esp_data(args.esp, args.data, ": it checks how that ESP reads the recipients' values")
    if not args.data:
        return None
    from .common import load_data

    return load_data(args.data)


def _check_one(src: Path, args: argparse.Namespace, recipients) -> int:
    from ..checks import check_file
    from .common import write_stdout

    if src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    report = check_file(src, recipients=recipients, esp=args.esp)
    if args.format == "json":
        write_stdout(report.to_json(), json=True)
    else:
        write_stdout(report.to_text())
    return EXIT_FAILED if report.errors else EXIT_OK


def _check_many(inputs: list[Path], args: argparse.Namespace, recipients) -> int:
    """Each input's findings, then one summary; a file that cannot be checked is counted too.

    JSON: {"files": [{"file", "findings", "summary"} or {"file", "error"}], "summary": {...}}.
    """
    import json

    from ...themes import ThemeError
    from ..checks import check_file
    from ..checks.model import recipients_count
    from .common import EXIT_BAD_INPUT, write_stdout
    from ..encodings import EncodingError
    from ..build.pipeline import BuildError
    from ..document.storage import DocumentError

    worst, files, errors, warnings, unreadable, failed = EXIT_OK, [], 0, 0, 0, 0
    for src in inputs:
        try:
            report = check_file(src, recipients=recipients, esp=args.esp)
        except (CliError, DocumentError, BuildError, ThemeError, EncodingError) as e:
            print(f"mailwright: {e}", file=sys.stderr)
            files.append({"file": str(src), "error": str(e)})
            unreadable += 1
            worst = max(worst, EXIT_BAD_INPUT)
            continue
        errors += report.errors
        warnings += report.warnings
        failed += bool(report.errors)
        worst = max(worst, EXIT_FAILED if report.errors else EXIT_OK)
        if args.format == "json":
            files.append({"file": str(src), **report.to_dict()})
        else:
            write_stdout(f"== {src}\n{report.to_text()}")
    summary = {
        "files": len(inputs),
        "files_with_errors": failed,
        "files_unreadable": unreadable,
        "errors": errors,
        "warnings": warnings,
    }
    if recipients is not None:
        summary["recipients"] = len(recipients.rows)
    if args.format == "json":
        write_stdout(json.dumps({"files": files, "summary": summary}, ensure_ascii=False, indent=2) + "\n", json=True)
    else:
        against = f" against {recipients_count(len(recipients.rows))}" if recipients is not None else ""
        write_stdout(
            f"checked {len(inputs)} files{against}: {errors} errors ({failed} files), {warnings} warnings"
            f"{f'; {unreadable} could not be checked' if unreadable else ''}\n"
        )
    return worst
