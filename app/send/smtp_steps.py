"""SMTP steps with a time limit each, and replies of bounded size (bad-inputs.md row 27).

smtplib's timeout is per socket read: a server that trickles its greeting a byte a second, or
sends ``250-`` lines for ever, is never timed out, and its reply grows without limit (1 GB in
10 s). :class:`StepLimits` (a mixin for ``smtplib.SMTP``/``SMTP_SSL``) gives each step
``step_seconds`` in total: the TCP connect, the TLS handshake, the greeting, each command and
its reply, the message's upload (plus a second per :data:`UPLOAD_BYTES_PER_SECOND`) and the
reply after it. Every read, write and handshake gets only what is left of its step; a watchdog
(``overdue``) can stop what a socket timeout cannot (a handshake trickled record by record, a
TLS upload written in many pieces). A reply line over :data:`MAX_REPLY_LINE` bytes or a reply
over :data:`MAX_REPLY` bytes is refused.

Replies are read straight from the socket (smtplib's ``self.file`` is never used) through a
small buffer that is dropped whenever the socket changes: nothing a server sent before the
STARTTLS handshake is read after it.
"""

from __future__ import annotations

import math
import smtplib
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any

__all__ = [
    "MAX_REPLY_LINE",
    "MAX_REPLY",
    "MAX_TIMEOUT",
    "NameLookupTimeout",
    "UPLOAD_BYTES_PER_SECOND",
    "StepFailed",
    "StepLimits",
    "check_seconds",
    "step_words",
]

MAX_REPLY_LINE = 2048  # bytes, CRLF included; RFC 5321 asks for 512, real servers stay far below
MAX_REPLY = 64 * 1024  # bytes of one (multi-line) reply; a long EHLO list is ~1 KB
MAX_TIMEOUT = 3600.0  # seconds: a longer step limit only hides a dead server
# The message's upload gets the step's time plus a second per this many bytes, so a large
# message on a slow line is not cut off (the whole send's deadline still bounds it).
UPLOAD_BYTES_PER_SECOND = 32 * 1024
_READ = 4096
_VERBS = frozenset({"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP"})
# How each step is named in a message ("did not answer RCPT TO within 3 s").
_WHAT = {"AUTH": "the login (AUTH)", "MAIL": "MAIL FROM", "RCPT": "RCPT TO", "message": "the message"}


def check_seconds(value: Any, what: str = "the timeout") -> float:
    """``value`` as seconds, or ValueError: NaN, infinity, 0, negative and over an hour are refused."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise ValueError(
            f"{what} must be a number of seconds more than 0 and at most {MAX_TIMEOUT:g} ({value!r} given)"
        )
    return seconds


def step_words(where: str, step: str, kind: str, seconds: float, got: int) -> str:
    """What went wrong in plain words. ``kind`` is timeout, line (a reply line over the limit)
    or reply (a reply over the limit); ``got`` is how many bytes of the answer arrived."""
    what = _WHAT.get(step, step)
    if kind in ("line", "reply"):
        noun = "a greeting" if step == "greeting" else "a reply"
        limit = MAX_REPLY_LINE if kind == "line" else MAX_REPLY
        return (
            f"{where} sent {noun}{' line' if kind == 'line' else ''} over {limit // 1024} KB"
            f"{'' if step == 'greeting' else ' to ' + what}; stopped"
        )
    s = f"{seconds:g}"
    if step == "connect" or (step == "greeting" and not got):
        return f"no answer from {where} within {s} s"
    if step == "tls":
        return f"the TLS handshake with {where} did not finish within {s} s"
    if step == "upload":
        return f"{where} did not take the message within {s} s"
    arrived = f"{got} byte{'' if got == 1 else 's'}"
    if step == "greeting":
        return f"the server's greeting did not finish within {s} s ({where} sent {arrived} of it, too slowly)"
    if not got:
        return f"{where} did not answer {what} within {s} s"
    return f"{where} did not finish answering {what} within {s} s ({arrived} arrived, too slowly)"


class NameLookupTimeout(OSError):
    """The server's name was not found within the connect step's time (a resolver that does not
    answer: glibc waits 5 s per attempt and per name server, and cannot be interrupted)."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"looking up {host!r} took longer than {seconds:g} s")
        self.host, self.seconds = host, seconds


class StepFailed(smtplib.SMTPServerDisconnected):
    """A step went over its time or size limit; the connection is closed."""

    def __init__(self, step: str, kind: str, seconds: float, got: int) -> None:
        super().__init__(f"{step}: {kind} limit")
        self.step, self.kind, self.seconds, self.got = step, kind, seconds, got

    def words(self, where: str) -> str:
        return step_words(where, self.step, self.kind, self.seconds, self.got)


if TYPE_CHECKING:
    # The mixins go before smtplib.SMTP in their classes: mypy reads them as its subclasses.
    SMTPMixinBase = smtplib.SMTP
else:
    SMTPMixinBase = object


class StepLimits(SMTPMixinBase):
    """Mixin for smtplib.SMTP / SMTP_SSL (put it before them): each step within its time, each
    reply within its size. Set ``step_seconds`` and ``limit_at`` (the whole send's deadline,
    ``time.monotonic()``) before connecting."""

    step_seconds: float = 30.0
    limit_at: float = math.inf
    step = ""  # connect | tls | greeting | EHLO | ... | DATA | upload | message
    step_length = 0.0  # seconds this step was given
    step_ends = math.inf
    step_got = 0  # bytes of the answer received in this step
    waiting = False  # a step is under way; between steps nothing is timed
    _buffer: bytearray | None = None
    _host: str  # the TLS server name: smtplib.SMTP's constructor sets it (its stubs leave it out)
    _buffer_sock: Any = None

    # -- the clock --
    def begin_step(self, step: str, extra: float = 0.0) -> None:
        self.step, self.step_got, self.step_length = step, 0, self.step_seconds + extra
        self.step_ends = min(time.monotonic() + self.step_length, self.limit_at)
        self.waiting = True
        self._arm(getattr(self, "sock", None))

    def end_step(self) -> None:
        self.waiting = False

    def left(self) -> float:
        return self.step_ends - time.monotonic()

    def overdue(self, grace: float) -> bool:
        """True when a step is still under way ``grace`` seconds after its end (for a watchdog)."""
        return self.waiting and time.monotonic() > self.step_ends + grace

    def failure(self, kind: str) -> StepFailed:
        return StepFailed(self.step, kind, self.step_length, self.step_got)

    def _arm(self, sock: Any) -> None:
        if sock is not None:
            sock.settimeout(max(0.001, self.left()))

    def _fail(self, kind: str) -> StepFailed:
        error = self.failure(kind)
        self.close()
        return error

    def close(self) -> None:
        self.waiting = False
        self._buffer, self._buffer_sock = None, None
        super().close()

    # -- connecting --
    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self.begin_step("connect")
        sock = self._connect_tcp(host, port)
        if isinstance(self, smtplib.SMTP_SSL):
            sock = self._handshake(sock, self.context)
        self.begin_step("greeting")
        self._arm(sock)
        return sock

    def _connect_tcp(self, host: str, port: int) -> socket.socket:
        """socket.create_connection, but all addresses together get the step's time, not each,
        the name lookup included."""
        error: OSError | None = None
        for family, kind, proto, _, address in self._lookup(host, port):
            if self.left() <= 0:
                break
            sock = socket.socket(family, kind, proto)
            try:
                self._arm(sock)
                sock.connect(address)
                return sock
            except OSError as e:
                error = e
                sock.close()
        raise error if error is not None else TimeoutError("timed out")

    def _lookup(self, host: str, port: int) -> list[Any]:
        """getaddrinfo within what is left of the step, and stopped as soon as the step is
        (``waiting`` cleared by a watchdog: cancel, or the send's deadline).

        getaddrinfo blocks in C and no timeout or signal reaches it, so it runs on a daemon
        thread that is left to finish on its own when the step gives up on it."""
        answer: list[Any] = []
        done = threading.Event()

        def resolve() -> None:
            try:
                answer.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
            except BaseException as e:  # handed to the waiting step below
                answer.append(e)
            finally:
                done.set()

        threading.Thread(target=resolve, name="mailwright-smtp-lookup", daemon=True).start()
        while not done.wait(min(0.05, max(0.0, self.left()))):
            if self.left() <= 0 or not self.waiting:
                raise NameLookupTimeout(host, self.step_length)
        if isinstance(answer[0], BaseException):
            raise answer[0]
        return answer[0]

    def _handshake(self, sock: socket.socket, context: ssl.SSLContext) -> ssl.SSLSocket:
        self.begin_step("tls")
        try:
            secured = context.wrap_socket(sock, server_hostname=self._host, do_handshake_on_connect=False)
            self.sock = secured  # before the handshake, so a watchdog can stop one that drags on
            self._arm(secured)
            secured.do_handshake()
        except BaseException:
            sock.close()
            self.sock = None
            raise
        return secured

    def starttls(
        self, keyfile: Any = None, certfile: Any = None, context: ssl.SSLContext | None = None
    ) -> tuple[int, bytes]:
        """smtplib's starttls, with the handshake as a step of its own."""
        self.ehlo_or_helo_if_needed()
        if not self.has_extn("starttls"):
            raise smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server.")
        code, reply = self.docmd("STARTTLS")
        if code != 220:
            raise smtplib.SMTPResponseException(code, reply)
        assert self.sock is not None  # STARTTLS follows the greeting, on a connected socket
        self._handshake(self.sock, context or ssl.create_default_context())
        self.end_step()
        self.file = None
        # RFC 3207: forget everything the server said before the handshake.
        self.helo_resp = self.ehlo_resp = None
        self.esmtp_features: dict[str, str] = {}
        self.does_esmtp = False
        return code, reply

    # -- commands and replies --
    def putcmd(self, cmd: str, args: str = "") -> None:
        if cmd.split(" ", 1)[0].upper() in _VERBS:
            self.begin_step(cmd.split(" ", 1)[0].upper())
        else:  # more of the same step: a login answer
            self.waiting = True
        super().putcmd(cmd, args)

    def send(self, s: Any) -> None:
        upload = self.step == "upload" and self.waiting
        if upload:
            self.begin_step("upload", math.ceil(len(s) / UPLOAD_BYTES_PER_SECOND))
        if self.waiting:
            self._arm(getattr(self, "sock", None))  # sendall: the socket timeout is the total
        super().send(s)
        if upload:
            self.begin_step("message")  # the reply to the message: a step of its own

    def getreply(self) -> tuple[int, bytes]:
        sock = getattr(self, "sock", None)
        if sock is None:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        if self._buffer is None or self._buffer_sock is not sock:
            self._buffer, self._buffer_sock = bytearray(), sock
        lines: list[bytes] = []
        total = 0
        while True:
            line = self._line(sock)
            total += len(line)
            if total > MAX_REPLY:
                raise self._fail("reply")
            lines.append(line[4:].strip(b" \t\r\n"))
            try:
                code = int(line[:3])
            except ValueError:
                code = -1
                break
            if line[3:4] != b"-":
                break
        if self.step == "DATA" and code == 354:
            self.begin_step("upload")  # the message, then its reply: two more steps
        else:
            self.end_step()
        return code, b"\n".join(lines)

    def _line(self, sock: socket.socket) -> bytes:
        buf = self._buffer
        assert buf is not None
        scanned = 0
        while True:
            end = buf.find(b"\n", scanned)
            if end >= 0:
                if end + 1 > MAX_REPLY_LINE:
                    raise self._fail("line")
                line = bytes(buf[: end + 1])
                del buf[: end + 1]
                return line
            if len(buf) >= MAX_REPLY_LINE:
                raise self._fail("line")
            scanned = len(buf)
            left = self.left()
            if left <= 0:
                raise self._fail("timeout")
            try:
                sock.settimeout(left)
                chunk = sock.recv(_READ)
            except TimeoutError:
                raise self._fail("timeout") from None
            except OSError as e:
                self.close()
                raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {e}") from e
            if not chunk:
                self.close()
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            self.step_got += len(chunk)
            buf += chunk
