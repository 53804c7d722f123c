"""`mailwright preview SRC -o OUT.png [--width PX] [--dark] [--no-images] [--data FILE --row N [--esp NAME]]`.

A full-height PNG of the email at exactly PX CSS pixels wide (device pixel ratio 1), drawn by
the same hardened web view as the editor's previews: no page JavaScript, no network (remote
images, stylesheets and fonts are refused), any size of email. `--dark` shows the email's own
dark styles when it has some (`@media (prefers-color-scheme: dark)`) and a forced inversion
otherwise, so the picture is dark either way. Qt is imported only when the picture is drawn
(by widgets/snapshot.py), never by the rest of the command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    check_esp_data,
    refuse_overwriting_inputs,
    refuse_overwriting_what_it_uses,
)

MIN_WIDTH, MAX_WIDTH = 200, 3000


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "preview",
        help="render the email to a PNG at an exact width",
        description="Render a .mwt document or an .mjml file to a full-height PNG at exactly --width "
        "CSS pixels (device pixel ratio 1). Never touches the network.",
    )
    p.add_argument("src", metavar="SRC", help="a .mwt document or an .mjml file")
    p.add_argument("-o", "--output", metavar="OUT.png", required=True, help="write the PNG here")
    p.add_argument(
        "--width",
        metavar="PX",
        type=int,
        default=600,
        help=f"viewport width in CSS pixels, {MIN_WIDTH}-{MAX_WIDTH} (default 600; 375 for a phone)",
    )
    p.add_argument(
        "--dark",
        action="store_true",
        help="dark mode: the email's own dark styles if it has them, else a forced inversion",
    )
    p.add_argument("--no-images", action="store_true", help="images blocked: show alt text where images were")
    p.add_argument("--data", metavar="FILE", help="recipients (.csv or .json) to personalise from")
    p.add_argument("--row", metavar="N", type=int, help="the data row to personalise with (1-based)")
    p.add_argument(
        "--esp",
        metavar="NAME",
        help="with --data: personalise as this ESP would (how its engine reads the values; see `mailwright dialects`)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="draw the PNG again on every save of the source (or its partials) until Ctrl-C",
    )


def run(args: argparse.Namespace) -> int:
    src = Path(args.src)
    if src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    if not src.is_file():
        raise CliError(f"{src}: no such file")
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise CliError(f"{out}: the picture is a PNG; name the output file *.png")
    if not MIN_WIDTH <= args.width <= MAX_WIDTH:
        raise CliError(f"--width {args.width}: give a width from {MIN_WIDTH} to {MAX_WIDTH} pixels")
    if args.row is not None and not args.data:
        raise CliError("--row chooses a recipient from --data FILE")
    if args.data and args.row is None:
        raise CliError("--data needs --row N to choose the recipient to personalise with")
    check_esp_data(args.esp, args.data, " --row N: it personalises as that ESP would")
    if out.parent and not out.parent.exists():
        raise CliError(f"{out}: the folder {out.parent} does not exist")
    refuse_overwriting_inputs({"the source": src, "the --data file": args.data}, {"-o": out})

    if args.watch:
        from .watch import watch_builds

        watch_args = argparse.Namespace(
            src=[str(src)], output=str(out), text=None, mjml=None, data=args.data, field_map=None
        )
        return watch_builds(watch_args, [src], lambda: _render(args, src, out))
    return _render(args, src, out)


def _render(args: argparse.Namespace, src: Path, out: Path) -> int:
    """Build the source and draw its PNG once (the whole command without --watch)."""
    from ..build.personalise import CompiledEmail
    from ..build.pipeline import build_file
    from ..build.preview_html import dark_variant

    row = None
    if args.data:
        from .common import load_data
        from ..recipients import RecipientsError

        recipients = load_data(args.data)
        try:
            row = recipients.row(args.row)
        except RecipientsError as e:
            raise CliError(str(e)) from None
    result = build_file(src, with_text=False)  # a picture of the HTML, personalised or not, needs no text
    refuse_overwriting_what_it_uses(result, src.parent, {"-o": out})
    html = result.html
    if row is not None:
        personal = CompiledEmail(result).render(row, esp=args.esp)
        html = personal.html
        if personal.missing:
            print(f"{src}: row {args.row} lacks {', '.join(personal.missing)} (shown empty)", file=sys.stderr)
    scheme = dark_variant(html) if args.dark else "light"

    try:
        from ...widgets.snapshot import SnapshotError, snapshot_png
    except ImportError as e:
        raise CliError(f"the preview needs PySide6 with QtWebEngine ({e})") from None
    from ..document.atomic import SaveError

    try:
        info = snapshot_png(
            html, str(out), width=args.width, scheme=scheme, images=not args.no_images, base=src.resolve().parent
        )  # its local pictures, as the canvas reads them
    except SnapshotError as e:
        print(f"mailwright: {src}: could not render the preview: {e}", file=sys.stderr)
        return EXIT_FAILED
    except SaveError as e:
        raise CliError(e.command_line_message()) from None
    mode = {
        "light": "light",
        "dark": "dark (the email's own dark styles)",
        "forced": "dark (forced inversion: the email has no dark styles)",
    }[scheme]
    note = ""
    if info.capped:
        note = f"; cut at {info.height} px of {info.page_height} px"
    images = ", images off" if args.no_images else ""
    print(f"{out}: {info.width}x{info.height} px, {mode}{images}{note}", file=sys.stderr)
    return EXIT_OK
