"""`mailwright send`: a personalised test send through an SMTP profile or a server given inline.

Exit 0 when every recipient was accepted, 1 otherwise (one line per failure on stderr), 2 for
bad input. The password comes from ``MAILWRIGHT_SMTP_PASSWORD`` or the profile's keyring
entry; it is never taken from the command line (shell history, process lists).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_FAILED, EXIT_OK, CliError

if TYPE_CHECKING:  # ssl costs ~5 ms a start: imported only for --cafile
    import ssl


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "send",
        help="send a personalised test email over SMTP",
        description="Send a test of a .mwt document or an .mjml file over SMTP: multipart HTML and "
        "text, personalised from a data row, subject prefixed with [TEST]. The password "
        "comes from MAILWRIGHT_SMTP_PASSWORD or the profile's keyring entry.",
    )
    p.add_argument("src", metavar="SRC", help="a .mwt document or an .mjml file")
    p.add_argument(
        "--to",
        metavar="ADDR",
        action="append",
        required=True,
        help='a recipient, e.g. you@example.com or "Zoë Martin <zoe@example.com>"; repeatable',
    )
    server = p.add_mutually_exclusive_group(required=True)
    server.add_argument(
        "--profile",
        metavar="NAME",
        help='a saved SMTP profile, or "Local test inbox" (needs `mailwright inbox` running)',
    )
    server.add_argument("--smtp", metavar="HOST:PORT", help="an SMTP server given here")
    p.add_argument(
        "--security",
        choices=("tls", "starttls", "none"),
        help="with --smtp: SSL/TLS, STARTTLS (default; tls for port 465) or none (this computer only)",
    )
    p.add_argument("--user", metavar="USER", help="with --smtp: the user name to log in with")
    p.add_argument("--from", dest="from_addr", metavar="ADDR", help="the From address (default: the profile's)")
    p.add_argument("--data", metavar="FILE", help="recipients (.csv or .json) to personalise from")
    p.add_argument("--row", metavar="N", type=int, help="the data row to personalise with (1-based)")
    p.add_argument(
        "--subject-prefix", metavar="TEXT", default="[TEST] ", help='put this before the subject (default: "[TEST] ")'
    )
    p.add_argument("--cafile", metavar="PATH", help="also trust this CA certificate (e.g. a test server's)")
    p.add_argument(
        "--timeout",
        metavar="SECONDS",
        default="30",
        help="time limit for each step of the SMTP conversation, in total (default 30)",
    )


def _server(text: str) -> tuple[str, int]:
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^\s:\[\]]+):(\d{1,5})", text.strip())
    if not m:
        raise CliError(f"--smtp {text!r}: write HOST:PORT, e.g. smtp.example.com:587 or [::1]:2525")
    host = m.group(1) or m.group(3)
    port = int(m.group(2) or m.group(4))
    if not 1 <= port <= 65535:
        raise CliError(f"--smtp {text!r}: the port must be from 1 to 65535")
    return host, port


def _seconds(text: str, option: str) -> float:
    """A number of seconds given on the command line: NaN, infinity, 0 and negative are refused."""
    from ..send.smtp_steps import MAX_TIMEOUT, check_seconds

    try:
        return check_seconds(text)
    except ValueError:  # CliError shortens a long value itself
        raise CliError(
            f"{option} {text!r}: give a number of seconds more than 0 and at most {MAX_TIMEOUT:g}, e.g. {option} 30"
        ) from None


def _profile(args: argparse.Namespace):
    from ..send.profiles import LOCAL_INBOX, Profile, ProfileError, ProfileStore, local_inbox_profile

    if args.profile is not None:
        if args.security or args.user:
            raise CliError("--security and --user go with --smtp; a profile has its own")
        if args.profile.strip().casefold() == LOCAL_INBOX.casefold():
            from ..send.inbox import running_inbox_port

            port = running_inbox_port()
            if port is None:
                raise CliError(
                    f"the {LOCAL_INBOX} is not running; start it with `mailwright inbox` (or the "
                    "editor), or use --smtp 127.0.0.1:PORT --security none"
                )
            return local_inbox_profile(port)
        try:
            return ProfileStore().get(args.profile)
        except ProfileError as e:
            raise CliError(str(e)) from None
    host, port = _server(args.smtp)
    security = args.security or ("tls" if port == 465 else "starttls")
    try:
        return Profile(
            name="command line", host=host, port=port, security=security, username=args.user or ""
        ).validated()
    except ProfileError as e:
        raise CliError(str(e).removeprefix("command line: ")) from None


def _password(args: argparse.Namespace, profile):
    from ..send.secrets import ENV_PASSWORD, PasswordStore, password_from_env

    if not profile.username:
        return None
    secret = password_from_env()
    if secret is not None:
        return secret
    if args.profile is not None:
        store = PasswordStore()
        secret = store.get(profile.name)
        if secret is not None:
            return secret
        if store.notice:  # the keyring could not be asked: say why, without the GUI's "in memory" part
            raise CliError(
                f"no password for profile {profile.name!r}: {store.notice.split(', so ')[0]}; set {ENV_PASSWORD}"
            )
        raise CliError(
            f"no password for profile {profile.name!r}: set {ENV_PASSWORD} "
            "or save the password in the editor's SMTP settings"
        )
    raise CliError(f"--user {profile.username!r} needs a password: set {ENV_PASSWORD}")


def _context(cafile: str | None) -> ssl.SSLContext | None:
    if not cafile:
        return None
    import ssl

    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=cafile)
    except (OSError, ssl.SSLError) as e:
        raise CliError(f"{cafile}: cannot load this CA certificate ({getattr(e, 'strerror', None) or e})") from None
    return context


def run(args: argparse.Namespace) -> int:
    from ..send.addresses import AddressError, parse_address, parse_addresses
    from ..build.personalise import CompiledEmail
    from ..build.pipeline import build_file
    from ..send.secrets import install_log_redaction
    from ..send.sending import build_message, send_messages

    install_log_redaction()
    src = Path(args.src)
    if src.suffix.lower() not in (".mwt", ".mjml"):
        raise CliError(f"{src}: unknown kind of file; give a .mwt document or an .mjml file")
    if args.row is not None and not args.data:
        raise CliError("--row chooses a recipient from --data FILE")
    if args.data and args.row is None:
        raise CliError("--data needs --row N to choose the recipient to personalise with")
    timeout = _seconds(args.timeout, "--timeout")
    profile = _profile(args)
    local = profile.local
    to, bad = parse_addresses(args.to, allow_localhost=local)
    if bad:
        raise CliError("; ".join(f"--to {e}" for e in bad))
    if len(to) > 50:
        raise CliError(f"at most 50 test recipients at a time ({len(to)} given)")
    from_text = args.from_addr or profile.from_addr
    if not from_text:
        if not local:
            raise CliError("--from ADDR is needed (the profile has no default From address)")
        from_text = "Mailwright test <test@localhost>"
    try:
        sender = parse_address(from_text, allow_localhost=local)
        reply_to = parse_address(profile.reply_to, allow_localhost=local) if profile.reply_to else None
    except AddressError as e:
        raise CliError(f"--from {e}" if args.from_addr else f"profile {profile.name!r}: From {e}") from None
    context = _context(args.cafile)
    password = _password(args, profile)

    row, who = {}, ""
    if args.data:
        from ..recipients import RecipientsError, load_recipients

        try:
            row = load_recipients(args.data).row(args.row)
        except RecipientsError as e:
            raise CliError(str(e)) from None
        who = f"row {args.row}"
    result = build_file(src)
    links = {"unsubscribe": profile.unsubscribe_url} if profile.unsubscribe_url else None
    personal = CompiledEmail(result).render(row, links=links)
    if personal.missing and who:
        print(f"{src}: {who} lacks {', '.join(personal.missing)} (shown empty)", file=sys.stderr)
    try:
        message = build_message(
            personal,
            from_addr=sender,
            to=to,
            reply_to=reply_to,
            subject_prefix=args.subject_prefix,
            list_unsubscribe_url=profile.unsubscribe_url or None,
            folder=src.parent,
        )
    except (AddressError, ValueError) as e:
        raise CliError(str(e)) from None

    def retrying(_number: int, recipients: list[str], delay: float) -> None:
        print(f"mailwright: {', '.join(recipients)}: refused for now; trying again in {delay:.0f} s", file=sys.stderr)

    report = send_messages([message], profile, password, timeout=timeout, ssl_context=context, retrying=retrying)
    for warning in report.warnings:
        print(f"mailwright: warning: {warning}", file=sys.stderr)
    if report.ok:
        names = ", ".join(r.address for r in report.accepted)
        print(f"sent {str(message['Subject'])!r} to {names} via {report.server}")
        return EXIT_OK
    accepted = report.accepted
    if accepted:
        print(f"sent {str(message['Subject'])!r} to {', '.join(r.address for r in accepted)} via {report.server}")
    for failure in report.failures:
        print(f"mailwright: {failure.line()}", file=sys.stderr)
    if not report.failures and report.error:
        print(f"mailwright: send failed: {report.error}", file=sys.stderr)
    return EXIT_FAILED
