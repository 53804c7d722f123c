"""`mailwright check SRC [--data FILE] [--format text|json]`: pre-flight checks for CI and people.

Exit 0 when there is no error (warnings and info do not fail), 1 with at least one error, 2 for
bad input (an unreadable file, a document that fails to load or build, unreadable recipients).
The JSON format is stable and documented in the README:

    {"findings": [{"severity", "code", "message", "location", "hint"}, ...],
     "summary": {"errors", "warnings", "html_bytes"}}
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli import EXIT_FAILED, EXIT_OK, CliError, _esp_reads_data


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "check", help="pre-flight checks: size, links, images, merge tags, contrast, client support",
        description="Check a .mwt document or an .mjml file before sending: Gmail clipping and <style> "
                    "limits, links, alt text, image sizes, unsubscribe link, merge tags (and, with --data, "
                    "fields the recipients lack), contrast, CSS/HTML support per client (caniemail), "
                    "subject and preheader. Exit 0 without errors, 1 with errors (warnings do not fail), "
                    "2 for bad input.")
    p.add_argument("src", metavar="SRC", help="a .mwt document or an .mjml file")
    p.add_argument("--data", metavar="FILE",
                   help="recipients (.csv or .json): report merge fields they lack, with the rows")
    p.add_argument("--esp", metavar="NAME",
                   help="with --data: also warn where this ESP reads the recipients' values otherwise than "
                        "Mailwright's preview (see `mailwright dialects`)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (one line per finding and a summary; the default) or json (stable, for CI)")


def run(args: argparse.Namespace) -> int:
    from .checks import check_file
    from .cli import _stdout

    src = Path(args.src)
    if src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    _esp_reads_data(args.esp, args.data, ": it checks how that ESP reads the recipients' values")
    recipients = None
    if args.data:
        from .recipients import RecipientsError, load_recipients

        try:
            recipients = load_recipients(args.data)
        except RecipientsError as e:
            raise CliError(str(e)) from None
        for warning in recipients.warnings:
            print(f"mailwright: {warning}", file=sys.stderr)
    report = check_file(src, recipients=recipients, esp=args.esp)
    if args.format == "json":
        _stdout(report.to_json(), json=True)
    else:
        _stdout(report.to_text())
    return EXIT_FAILED if report.errors else EXIT_OK
