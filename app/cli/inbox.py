"""`mailwright inbox`: run the built-in test inbox on its own.

Prints where it listens, then one line per received message (time, from, to, subject), and
stops cleanly on Ctrl+C (SIGINT) or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import threading

from .common import EXIT_OK, CliError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "inbox",
        help="run the local test inbox (an SMTP server on this computer)",
        description="Run the built-in test inbox: an SMTP server on 127.0.0.1 that keeps every message "
        "it receives as an .eml file. Send to it with --smtp 127.0.0.1:PORT --security none "
        'or --profile "Local test inbox". Ctrl+C stops it.',
    )
    p.add_argument("--port", metavar="N", type=int, help="listen on this port (default: a free one)")
    p.add_argument(
        "--store",
        metavar="DIR",
        help="keep messages in this folder (default: the user data folder); the inbox keeps its "
        "newest 200 and deletes only messages it stored there itself, never other files",
    )


_print_lock = threading.Lock()


def _say(text: str) -> None:
    """A line on stdout, flushed at once (the CLI made the stream safe for any encoding)."""
    with _print_lock:
        print(text, flush=True)


def run(args: argparse.Namespace) -> int:
    from ..send.inbox import Inbox, InboxError, InboxMessage

    if args.port is not None and not 1 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: choose a port from 1 to 65535")

    def on_message(message: InboxMessage) -> None:
        _say(message.line())

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    try:
        inbox = Inbox(args.store, port=args.port, on_message=on_message)
        previous = {
            sig: signal.signal(sig, on_signal)
            for sig in (signal.SIGINT, getattr(signal, "SIGTERM", None))
            if sig is not None
        }
        try:
            port = inbox.start()
        except BaseException:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            raise
    except InboxError as e:
        raise CliError(str(e)) from None
    try:
        _say(f"Test inbox listening on 127.0.0.1:{port}; messages are kept in {inbox.store}")
        _say(
            f"Send to it with: mailwright send FILE --to you@example.com --smtp 127.0.0.1:{port} "
            "--security none. Press Ctrl+C to stop."
        )
        while not stop.wait(0.2):
            pass
    finally:
        inbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _say("Test inbox stopped.")
    return EXIT_OK
