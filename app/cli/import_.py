"""`mailwright import SRC.mjml|SRC.html -o OUT.mwt`: turn an existing email into a document.

Prints what became editable and what was kept as written (raw MJML/HTML) on stderr. The
output is saved atomically; the source is never written. An existing OUT.mwt is a document
someone may have edited, so it is replaced only with --force (and kept as OUT.mwt.bak). Written
into another folder, the document takes its relative images along (copied, never over a file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_OK, CliError, refuse_overwriting_inputs


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help="import an .mjml or .html email as a .mwt document",
        description="Import an MJML or HTML email as a Mailwright document. Sections, columns and "
        "content become rows and blocks where a block reproduces them exactly; the rest "
        "is kept as raw MJML or HTML, so the document builds to the same email.",
    )
    p.add_argument("src", metavar="SRC", help="an .mjml or .html file")
    p.add_argument("-o", "--output", metavar="OUT.mwt", required=True, help="the document to write")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace OUT.mwt if it exists (the old file is kept as OUT.mwt.bak)",
    )


def run(args: argparse.Namespace) -> int:
    from ..document.atomic import SaveError
    from ..importer import IMPORTABLE, import_report
    from ..document.storage import save_document

    src, out = Path(args.src), Path(args.output)
    if src.suffix.lower() not in IMPORTABLE:
        raise CliError(f"{src}: cannot import this kind of file; give an .mjml or .html file")
    if out.suffix.lower() != ".mwt":
        raise CliError(f"{out}: the output is a Mailwright document; name it with .mwt")
    refuse_overwriting_inputs({"the source": src}, {"-o": out})
    replacing = out.exists()
    if replacing and not args.force:
        raise CliError(
            f"{out}: already exists, and may be a document someone edited; give another name, "
            "or add --force to replace it (the old file is kept as "
            f"{out.name}.bak)"
        )
    report = import_report(src)
    try:
        save_document(report.document, out)
    except SaveError as e:
        raise CliError(e.command_line_message()) from None
    # Its relative pictures are read beside the document: written into another folder, it takes
    # them along as Save As does (never over a file), or the canvas, check and export miss them.
    from ..document.carry_images import carry_images

    copied = carry_images(report.document, src.parent, out.parent)
    replaced = f" (it replaced the old {out.name}, kept as {out.name}.bak)" if replacing else ""
    print(f"{out}: imported from {src}{replaced}: {report.summary()}", file=sys.stderr)
    if copied:
        print(
            f"  copied {len(copied)} image{'s' if len(copied) > 1 else ''} beside it, as the email names them "
            f"({', '.join(copied[:3])}{', …' if len(copied) > 3 else ''})",
            file=sys.stderr,
        )
    for node_id, element, why in report.raw:
        print(f"  {node_id}: <{element}> kept as written: {why}", file=sys.stderr)
    for note in report.notes:
        print(f"  note: {note}", file=sys.stderr)
    return EXIT_OK
