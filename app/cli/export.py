"""`mailwright export SRC --bundle OUT.zip`: everything an upload or hand-off needs, in one zip.

    mailwright export welcome.mwt --bundle welcome.zip --esp mailchimp --field-map fields.json \
        --asset-base-url https://cdn.example.com/welcome --utm source=news,medium=email,campaign=spring
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .common import EXIT_OK, CliError, read_field_map, refuse_overwriting_inputs
from ..messages import shorten


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a bundle: HTML, text, MJML, the source and its images in one zip",
        description="Export a .mwt document or an .mjml file as a zip bundle: email.html, email.txt, "
        "email.mjml, the source, images/ with every local image, and manifest.json.",
    )
    p.add_argument("src", metavar="SRC", help="a .mwt document or an .mjml file")
    p.add_argument("--bundle", metavar="OUT.zip", required=True, help="the zip file to write")
    p.add_argument("--esp", metavar="NAME", help="write merge tags in this ESP's syntax (see `mailwright dialects`)")
    p.add_argument("--field-map", metavar="MAP.json", help='rename fields for the ESP, e.g. {"firstname": "FNAME"}')
    p.add_argument(
        "--asset-base-url",
        metavar="URL",
        help="reference images as URL/<name> instead of images/<name> (upload images/ there)",
    )
    p.add_argument(
        "--utm", metavar="source=…,medium=…,campaign=…", help="add these UTM parameters to every http(s) link"
    )


def parse_utm(value: str) -> dict[str, str]:
    """`source=news,medium=email` → {"source": "news", "medium": "email"}, in order."""
    out: dict[str, str] = {}
    for pair in value.split(","):
        if not pair.strip():
            continue
        key, sep, val = pair.partition("=")
        key, val = key.strip(), val.strip()
        if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key) or not val:
            raise CliError(
                f"--utm {value!r}: write NAME=VALUE pairs separated by commas, "
                "e.g. source=news,medium=email,campaign=spring"
            )
        out[key] = val
    if not out:
        raise CliError("--utm needs at least one NAME=VALUE pair, e.g. source=news")
    return out


def run(args: argparse.Namespace) -> int:
    from ..export import ExportError, export_bundle

    src, out = Path(args.src), Path(args.bundle)
    if src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    if out.suffix.lower() != ".zip":
        raise CliError(f"{out}: a bundle is a zip file; name it with .zip")
    if args.field_map and not args.esp:
        raise CliError("--field-map goes with --esp NAME")
    refuse_overwriting_inputs({"the source": src, "the --field-map file": args.field_map}, {"--bundle": out})
    utm = parse_utm(args.utm) if args.utm is not None else None
    try:
        report = export_bundle(
            src,
            out,
            esp=args.esp,
            field_map=read_field_map(args.field_map),
            asset_base_url=args.asset_base_url,
            utm=utm,
        )
    except ExportError as e:
        raise CliError(str(e)) from None
    images = [e for e in report.entries if e.startswith("images/")]
    others = [e for e in report.entries if not e.startswith("images/")]
    listing = ", ".join(others) + (f", images/ ({len(images)} file{'s' if len(images) != 1 else ''})" if images else "")
    print(
        f"{out}: {listing}; {report.html_bytes / 1024:.1f} KB of HTML{f' for {args.esp}' if args.esp else ''}",
        file=sys.stderr,
    )
    for ref in report.missing:
        print(f"{out}: warning: local image {shorten(ref)!r} not found (left as written)", file=sys.stderr)
    for ref, reason in report.refused:
        print(f"{out}: warning: {shorten(ref)!r} {reason}; not bundled (left as written)", file=sys.stderr)
    return EXIT_OK
