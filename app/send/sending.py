"""Test sends: build a personalised MIME message, send it over SMTP safely, report per recipient.

hardening.md §7 and bad-inputs.md rows 24-30, 37:

- Headers are built from :class:`email.headerregistry.Address` objects with policy ``default``,
  never by formatting strings; CR, LF, NUL and bidi controls are removed from merged values.
- Certificates are verified (``ssl.create_default_context()``); STARTTLS is mandatory when
  chosen (the server must offer it, before any login); a login is only sent encrypted;
  security ``none`` is for a server on this computer, without login.
- Every step (connect, TLS handshake, greeting, each command and its reply, the message's
  upload, the reply after it) must finish within ``timeout`` seconds in total (the upload also
  gets a second per 32 KB), replies are bounded (smtp_steps.py: 2 KB a line, 64 KB a reply),
  the whole send has a deadline, and ``cancel`` stops it.
- ``send_message``'s refused-recipients dict is read: partial success is not success. Reply
  codes become plain words; a connection lost after DATA started is "unknown; not retried".
- No SMTP debug output, ever (it prints ``AUTH PLAIN <base64>``).
"""

from __future__ import annotations

import html as htmllib
import logging
import re
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email import policy as email_policy
from email import utils as email_utils
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Callable, Sequence, cast
from urllib.parse import unquote, urlsplit

from .addresses import AddressError, clean_header_text, parse_address, parse_addresses
from ..build.local_files import Refusal, check_local_image
from .profiles import Profile, ProfileError, is_loopback
from .secrets import Secret, register_login
from .smtp_steps import NameLookupTimeout, SMTPMixinBase, StepFailed, StepLimits, check_seconds

__all__ = [
    "AddressError",
    "parse_address",
    "parse_addresses",
    "OutgoingMessage",
    "build_message",
    "RecipientResult",
    "SendReport",
    "Step",
    "send_messages",
    "test_connection",
    "describe_reply",
    "GMAIL_CLIP_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_DEADLINE",
]

log = logging.getLogger(__name__)

GMAIL_CLIP_BYTES = 102 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 120.0
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_MESSAGES = 50
# Seconds before each retry of the recipients a server refused for now (4xx): rate limits and
# "try again shortly" replies usually pass within seconds. Greylisting wants minutes; after the
# last retry the report still says "temporary; try later".
RETRY_DELAYS: tuple[float, ...] = (2.0, 6.0)
# What we say in EHLO: an address literal, so the machine's name does not leak and no slow
# reverse DNS lookup (socket.getfqdn) runs before every send.
EHLO_NAME = "[127.0.0.1]"
# A step the socket timeouts could not stop (a TLS handshake trickled record by record) is
# stopped by the watchdog this long after its limit.
WATCHDOG_GRACE = 0.25


# --- building the message ---------------------------------------------------------------------


class OutgoingMessage(EmailMessage):
    """An EmailMessage (policy default) that also carries warnings found while building it."""

    def __init__(self, policy: Any = None) -> None:
        super().__init__(policy=policy or email_policy.default)
        self.warnings: list[str] = []


def _address(value: Any, what: str) -> Address:
    """A str is parsed and validated; an Address or a (display name, address) pair has its
    name cleaned (it may come from merged data: CR/LF, NUL and bidi controls removed) and
    its address checked."""
    if isinstance(value, tuple) and len(value) == 2:
        name, addr = (str(v or "") for v in value)
        value = None
    elif isinstance(value, Address):
        name, addr = value.display_name or "", value.addr_spec
        value = None
    if value is None:
        name = clean_header_text(name)
        try:
            checked = parse_address(addr, allow_localhost=True)
        except AddressError as e:
            raise AddressError(e.address, f"{what}: {e.reason}") from None
        return Address(display_name=name, username=checked.username, domain=checked.domain)
    try:
        return parse_address(value, allow_localhost=True)
    except AddressError as e:
        raise AddressError(e.address, f"{what}: {e.reason}") from None


def _cte(text: str) -> str:
    """A transfer encoding that any server accepts and that keeps the source readable."""
    if text.isascii() and all(len(line) <= 990 for line in text.splitlines()):
        return "7bit"
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return "base64" if non_ascii > len(text) * 0.3 else "quoted-printable"


_URL_ATTR = re.compile(r"""(?P<pre>\b(?:src|background)\s*=\s*)(?P<q>["'])(?P<url>[^"'<>]*)(?P=q)""", re.I)
_CSS_URL = re.compile(r"""(?P<pre>url\(\s*)(?P<q>&quot;|&#39;|["']?)(?P<url>[^"'()<>&]+?)(?P=q)(?P<post>\s*\))""", re.I)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.I)


def _embed_images(
    html: str, folder: Path | None, domain: str
) -> tuple[str, list[tuple[str, bytes, str, str, str]], list[str]]:
    """Local images under the document's `folder` → ``cid:`` references.

    Returns (html, [(cid, data, maintype, subtype, filename)], warnings). Remote images
    (http, https, cid, data) are left alone.
    """
    parts: list[tuple[str, bytes, str, str, str]] = []
    warnings: list[str] = []
    by_path: dict[Path, str] = {}
    warned: set[str] = set()
    base = folder.resolve() if folder is not None else None

    def warn_once(key: str, message: str) -> None:
        if key not in warned:
            warned.add(key)
            warnings.append(message)

    def local(url: str) -> str | None:
        raw = htmllib.unescape(url).strip()
        if not raw or _REMOTE.match(raw):
            if raw.lower().startswith("file:"):
                warn_once(raw, f"image {raw!r} is a file: address; it is left as is and will not show")
            return None
        path_text = unquote(urlsplit(raw).path)
        if base is None:
            warn_once(
                raw,
                f"image {raw!r} is a local path but the document's folder is unknown (it is not saved); "
                "it is left as is and will not show",
            )
            return None
        # The rule export --bundle, the canvas and check share (local_files.py): really inside the
        # document's folder (assets/ is where Mailwright puts pictures, not the only place one may
        # be: a test email showed broken what the export carried), and a real image.
        found = check_local_image(base / path_text, base, max_bytes=MAX_IMAGE_BYTES)
        if isinstance(found, Refusal):
            if found.kind == "outside":
                warn_once(raw, f"image {raw!r} is outside the document's folder; it is left as is and will not show")
            elif found.kind == "missing":
                warn_once(raw, f"image {raw!r} was not found next to the document; it will not show")
            elif found.kind == "too-large":
                warn_once(
                    raw,
                    f"image {raw!r} is {found.size / 1024 / 1024:.1f} MB; images over "
                    f"{MAX_IMAGE_BYTES // 1024 // 1024} MB are not embedded (host it instead)",
                )
            else:
                warn_once(raw, f"{raw!r} {found.reason}; it is left as is")
            return None
        candidate = found.path
        if candidate in by_path:
            return "cid:" + by_path[candidate]
        data = candidate.read_bytes()
        cid = make_msgid("img", domain=domain)[1:-1]
        maintype, subtype = found.mime.split("/", 1)
        parts.append((cid, data, maintype, subtype, candidate.name))
        by_path[candidate] = cid
        return "cid:" + cid

    def attr(m: re.Match[str]) -> str:
        new = local(m.group("url"))
        return m.group(0) if new is None else f"{m.group('pre')}{m.group('q')}{new}{m.group('q')}"

    def css(m: re.Match[str]) -> str:
        new = local(m.group("url"))
        return m.group(0) if new is None else f"{m.group('pre')}{m.group('q')}{new}{m.group('q')}{m.group('post')}"

    html = _URL_ATTR.sub(attr, html)
    html = _CSS_URL.sub(css, html)
    return html, parts, warnings


def _unsubscribe_url(url: str) -> str:
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url) or any(ch in url for ch in "<>\"'"):
        raise ValueError("the unsubscribe URL contains spaces, quotes, angle brackets or line breaks")
    if urlsplit(url).scheme.lower() != "https" or not urlsplit(url).netloc:
        raise ValueError("the unsubscribe URL must be an https:// address (RFC 8058)")
    return url


def build_message(
    email: Any,
    *,
    from_addr: Any,
    to: Any,
    reply_to: Any = None,
    subject_prefix: str = "[TEST] ",
    list_unsubscribe_url: str | None = None,
    folder: str | Path | None = None,
) -> OutgoingMessage:
    """One recipient's email (a :class:`PersonalEmail`) as a MIME message ready to send.

    ``multipart/alternative`` with the text part and the HTML; local images (relative paths
    under the document's `folder`, as an export bundles them) become inline ``cid:`` parts in a
    ``multipart/related``. Addresses are strings (``Zoë Martin <zoe@example.com>``),
    :class:`Address` objects or ``(display name, address)`` pairs; ``to`` may be one or a list.
    Raises :class:`AddressError` for a bad address, ValueError for a bad unsubscribe URL.
    """
    msg = OutgoingMessage()
    sender = _address(from_addr, "From")
    recipients = [to] if isinstance(to, (str, Address, tuple)) else list(to)
    if not recipients:
        raise AddressError("", "no recipient (To) given")
    to_addresses: list[Address] = []
    for r in recipients:
        a = _address(r, "To")
        if a.addr_spec.lower() not in {x.addr_spec.lower() for x in to_addresses}:
            to_addresses.append(a)
    domain = sender.domain.encode("idna").decode("ascii") if not sender.domain.isascii() else sender.domain

    subject = clean_header_text(email.subject)
    prefix = clean_header_text(subject_prefix or "")
    if prefix and not subject.startswith(prefix):
        subject = prefix + (" " if subject_prefix[-1:].isspace() else "") + subject
    msg["Subject"] = subject.strip() or "(no subject)"
    msg["From"] = sender
    msg["To"] = to_addresses
    if reply_to:
        msg["Reply-To"] = _address(reply_to, "Reply-To")
    msg["Date"] = email_utils.localtime()
    msg["Message-ID"] = make_msgid(domain=domain)
    if list_unsubscribe_url:
        url = _unsubscribe_url(list_unsubscribe_url)
        msg["List-Unsubscribe"] = f"<{url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    html = email.html
    html, images, warnings = _embed_images(html, Path(folder) if folder else None, domain)
    msg.warnings.extend(warnings)
    text = email.text or "(This message has no plain-text version.)\n"
    msg.set_content(text, cte=_cte(text))
    msg.add_alternative(html, subtype="html", cte=_cte(html))
    if images:
        # after add_alternative the payload is the list [plain part, HTML part]
        html_part = cast("list[EmailMessage]", msg.get_payload())[1]
        for cid, data, maintype, subtype, filename in images:
            html_part.add_related(data, maintype, subtype, cid=f"<{cid}>", disposition="inline", filename=filename)
    size = len(html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        msg.warnings.append(_clip_warning(size))
    return msg


def _clip_warning(size: int) -> str:
    return (
        f"the HTML is {size / 1024:.1f} KB: Gmail clips messages over 102 KB "
        '(it hides the rest behind "View entire message")'
    )


# --- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientResult:
    """What happened for one recipient of one message."""

    address: str
    ok: bool
    code: int | None
    message: str
    status: str = "sent"  # sent | refused | temporary | unknown | not sent
    message_number: int = 1  # which message of the batch (1-based)

    def line(self) -> str:
        return f"{self.address}: {self.message}"


@dataclass
class SendReport:
    results: list[RecipientResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # what stopped the whole send, if anything
    cancelled: bool = False
    server: str = ""

    @property
    def ok(self) -> bool:
        """True only when every recipient of every message was accepted."""
        return bool(self.results) and self.error is None and all(r.ok for r in self.results)

    @property
    def failures(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.ok]

    @property
    def accepted(self) -> list[RecipientResult]:
        return [r for r in self.results if r.ok]


@dataclass(frozen=True)
class Step:
    """One step of a connection test: connect, tls, login."""

    name: str
    ok: bool
    message: str


_CODE_WORDS = {
    421: "the server is closing the connection for now (temporary; try later)",
    450: "mailbox temporarily unavailable (temporary; try later)",
    451: "the server had a temporary error (temporary; try later)",
    452: "the server is temporarily out of space or took too many recipients (temporary; try later)",
    455: "the server cannot accept this now (temporary; try later)",
    530: "the server requires a login first",
    534: "login refused: the server wants a stronger login method",
    535: "login refused: check the user name and password",
    550: "mailbox rejected (it does not exist, or sending to it is not allowed)",
    551: "mailbox rejected (the user is not local to this server)",
    552: "message too large (or the mailbox is full)",
    553: "address rejected (the mailbox name is not allowed)",
    554: "message rejected by the server",
    555: "the server did not accept the address parameters",
}


def _server_text(text: Any) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = clean_header_text(str(text or ""))
    return text[:200] + ("…" if len(text) > 200 else "")


def describe_reply(code: int | None, text: Any = "") -> tuple[str, str]:
    """(status, plain words) for an SMTP reply: status is temporary or refused."""
    server = _server_text(text)
    if code is None:
        return "refused", server or "refused"
    status = "temporary" if 400 <= code < 500 else "refused"
    words = _CODE_WORDS.get(code) or (
        "temporary failure (try later)" if status == "temporary" else "refused by the server"
    )
    return status, f"{words} [{code}{' ' + server if server else ''}]"


# --- the SMTP connection ----------------------------------------------------------------------


class _Tracking(SMTPMixinBase):
    """Knows whether the message data was handed over (the server answered 354 to DATA)."""

    data_started = False
    _in_data = False

    def mail(self, *args: Any, **kwargs: Any) -> Any:
        self.data_started = False
        return super().mail(*args, **kwargs)

    def data(self, msg: Any) -> Any:
        self._in_data, self.data_started = True, False
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def getreply(self) -> Any:
        code, resp = super().getreply()
        if self._in_data and code == 354:
            self.data_started = True
        return code, resp

    def set_debuglevel(self, debuglevel: Any) -> None:  # never: it prints AUTH PLAIN <base64>
        return None

    # smtplib (3.11) encodes AUTH responses and the CRAM-MD5 key as ASCII, so a password
    # with "é" or an emoji crashes the login. RFC 4616 (PLAIN) and common practice use UTF-8.
    def auth(self, mechanism: str, authobject: Any, *, initial_response_ok: bool = True) -> Any:
        import base64

        mechanism = mechanism.upper()
        initial = authobject() if initial_response_ok else None
        if initial is not None:
            encoded = base64.b64encode(initial.encode("utf-8")).decode("ascii")
            code, resp = self.docmd("AUTH", f"{mechanism} {encoded}")
            rounds = 1
        else:
            code, resp = self.docmd("AUTH", mechanism)
            rounds = 0
        while code == 334:
            rounds += 1
            if rounds > 5:
                raise smtplib.SMTPException("the server kept asking for more login data")
            challenge = base64.decodebytes(resp)
            answer = base64.b64encode(authobject(challenge).encode("utf-8")).decode("ascii")
            code, resp = self.docmd(answer)
        if code in (235, 503):
            return code, resp
        raise smtplib.SMTPAuthenticationError(code, resp)

    def auth_cram_md5(self, challenge: bytes | None = None) -> str | None:  # type: ignore[override]  # None: no challenge
        import hmac

        if challenge is None:
            return None
        key = self.password.encode("utf-8")
        return f"{self.user} {hmac.HMAC(key, challenge, 'md5').hexdigest()}"


class _SMTP(_Tracking, StepLimits, smtplib.SMTP):
    pass


class _SMTPS(_Tracking, StepLimits, smtplib.SMTP_SSL):
    pass


class _Stop(Exception):
    """A step failed; the message is for the user."""

    def __init__(self, step: str, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.step, self.message, self.code = step, message, code


def _is_timeout(error: BaseException) -> bool:
    seen = 0
    e: BaseException | None = error
    while e is not None and seen < 6:
        if isinstance(e, (TimeoutError, socket.timeout)) or "timed out" in str(e):
            return True
        e = e.__cause__ or e.__context__
        seen += 1
    return False


def _cert_hint(profile: Profile) -> str:
    return (
        "If this is your own server with a self-signed certificate, trust its CA "
        "(mailwright send --cafile CA.pem); never turn verification off."
    )


class _Session:
    """One SMTP connection with a watchdog enforcing the deadline and the cancel event."""

    def __init__(
        self,
        profile: Profile,
        password: Secret | None,
        *,
        timeout: float,
        deadline: float,
        cancel: threading.Event | None,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        self.profile = profile
        self.password = password
        self.timeout = float(timeout)
        self.deadline_seconds = float(deadline)
        self.deadline_at = time.monotonic() + float(deadline)
        self.cancel = cancel
        self.context = ssl_context
        self.client: _SMTP | _SMTPS | None = None
        self.aborted: str | None = None  # "cancelled" | "deadline"
        self.tls_version: str | None = None
        self.step_failure: StepFailed | None = None  # what the watchdog stopped
        self._finished = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="mailwright-smtp-watchdog", daemon=True)
        self._watchdog.start()

    # -- watchdog --
    def _watch(self) -> None:
        while not self._finished.wait(0.05):
            if self.cancel is not None and self.cancel.is_set():
                self._abort("cancelled")
                return
            if time.monotonic() >= self.deadline_at:
                self._abort("deadline")
                return
            client = self.client
            if client is not None and client.overdue(WATCHDOG_GRACE):
                self.step_failure = client.failure("timeout")
                client.waiting = False
                self._shut(client)

    def _abort(self, reason: str) -> None:
        self.aborted = reason
        if self.client is not None:
            self.client.waiting = False  # ends a name lookup's wait, which has no socket to shut
        self._shut(self.client)

    @staticmethod
    def _shut(client: Any) -> None:
        """Wake whatever waits on the socket (the connection is unusable afterwards)."""
        sock = getattr(client, "sock", None) if client is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def finish(self) -> None:
        self._finished.set()
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if client.sock is not None and not self.aborted:
                client.step_seconds = min(self.timeout, 5.0)
                client.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            client.close()

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def step_timeout(self) -> float:
        return max(0.1, min(self.timeout, self.remaining()))

    def why_stopped(self) -> str | None:
        if self.aborted == "cancelled" or (self.cancel is not None and self.cancel.is_set()):
            return "cancelled"
        if self.aborted == "deadline" or self.remaining() <= 0:
            return f"the send took longer than its time limit ({self.deadline_seconds:g} s) and was stopped"
        return None

    def check(self, step: str) -> None:
        why = self.why_stopped()
        if why:
            raise _Stop(step, why)

    # -- steps --
    def connect(self, steps: list[Step]) -> None:
        p = self.profile
        where = p.address
        self.check("connect")
        if p.security == "none" and not is_loopback(p.host):
            raise _Stop("connect", f"security 'none' is only allowed for a server on this computer, not {p.host}")
        context = self.context or ssl.create_default_context()
        t = self.step_timeout()
        try:
            if p.security == "tls":
                self.client = _SMTPS(local_hostname=EHLO_NAME, timeout=t, context=context)
            else:
                self.client = _SMTP(local_hostname=EHLO_NAME, timeout=t)
            # smtplib takes the TLS server name (SNI, certificate check) from _host, which only
            # its constructor sets; we connect separately so the watchdog can reach the socket.
            self.client._host = p.host
            self.client.step_seconds, self.client.limit_at = self.timeout, self.deadline_at
            code, banner = self.client.connect(p.host, p.port)
        except ssl.SSLCertVerificationError as e:
            steps.append(Step("connect", True, f"Reached {where}."))
            raise _Stop(
                "tls",
                f"the certificate of {p.host} could not be verified "
                f"({e.verify_message or e.reason}), so the connection was stopped before "
                f"any login. {_cert_hint(p)}",
            ) from None
        except ssl.SSLError as e:
            steps.append(Step("connect", True, f"Reached {where}."))
            if self._failed_words(e):
                raise _Stop("tls", self._connect_words(e, t)) from None
            raise _Stop(
                "tls",
                f"TLS could not be set up with {where} ({e.reason or e}). Port 465 usually "
                f"expects SSL/TLS and 587 STARTTLS: check the security setting.",
            ) from None
        except (smtplib.SMTPException, OSError) as e:
            if self.client is not None and self.client.step == "tls":  # SSL/TLS: the handshake timed out
                steps.append(Step("connect", True, f"Reached {where}."))
                raise _Stop("tls", self._lost_words(e, "during the TLS handshake")) from None
            raise _Stop("connect", self._connect_words(e, t)) from None
        if code != 220:
            raise _Stop("connect", f"{where} did not greet properly: {describe_reply(code, banner)[1]}", code)
        if p.security == "tls":
            steps.append(Step("connect", True, f"Connected to {where}."))
            self._note_tls(steps)
        else:
            steps.append(Step("connect", True, f"Connected to {where}; the server says {_server_text(banner)!r}."))
        self._ehlo("connect")
        if p.security == "starttls":
            if not self.client.has_extn("starttls"):
                raise _Stop(
                    "tls",
                    f"{where} does not offer STARTTLS, so the connection cannot be "
                    "encrypted; nothing was sent and no password left this computer. "
                    "Check the port, or choose SSL/TLS (usually port 465).",
                )
            try:
                self._settimeout()
                code, resp = self.client.starttls(context=context)
            except ssl.SSLCertVerificationError as e:
                raise _Stop(
                    "tls",
                    f"the certificate of {p.host} could not be verified "
                    f"({e.verify_message or e.reason}), so the connection was stopped before "
                    f"any login. {_cert_hint(p)}",
                ) from None
            except ssl.SSLError as e:
                if self._failed_words(e):
                    raise _Stop("tls", self._lost_words(e, "during STARTTLS")) from None
                raise _Stop("tls", f"STARTTLS failed with {where} ({e.reason or e}).") from None
            except smtplib.SMTPResponseException as e:
                raise _Stop(
                    "tls", f"{where} refused STARTTLS: {describe_reply(e.smtp_code, e.smtp_error)[1]}", e.smtp_code
                ) from None
            except (smtplib.SMTPException, OSError) as e:
                raise _Stop("tls", self._lost_words(e, "during STARTTLS")) from None
            self._note_tls(steps)
            self._ehlo("tls")
        elif p.security == "none":
            steps.append(Step("tls", True, "Not encrypted: allowed because the server is on this computer."))

    def _note_tls(self, steps: list[Step]) -> None:
        sock = self.client.sock if self.client else None
        version = sock.version() if isinstance(sock, ssl.SSLSocket) else None
        self.tls_version = version
        steps.append(
            Step("tls", True, f"Encrypted ({version or 'TLS'}); the certificate of {self.profile.host} is valid.")
        )

    def _settimeout(self) -> None:
        self.check("send")
        sock = self.client.sock if self.client else None
        if sock is not None:
            sock.settimeout(self.step_timeout())

    def _ehlo(self, step: str) -> None:
        try:
            self._settimeout()
            assert self.client is not None  # the greeting follows the connection
            code, resp = self.client.ehlo()
            if not 200 <= code <= 299:
                code, resp = self.client.helo()
                if not 200 <= code <= 299:
                    raise _Stop(
                        step, f"{self.profile.address} refused the greeting: {describe_reply(code, resp)[1]}", code
                    )
        except _Stop:
            raise
        except (smtplib.SMTPException, OSError) as e:
            raise _Stop(step, self._lost_words(e, "after the greeting")) from None

    def login(self, steps: list[Step]) -> None:
        p = self.profile
        if not p.username:
            steps.append(Step("login", True, "No login (no user name set)."))
            return
        if p.security == "none":
            raise _Stop("login", "a login is never sent without encryption; choose STARTTLS or SSL/TLS")
        assert self.client is not None  # the login follows the connection
        if not isinstance(self.client.sock, ssl.SSLSocket):  # defensive: never reached
            raise _Stop("login", "the connection is not encrypted, so the password was not sent")
        if self.password is None or not self.password.reveal():
            raise _Stop(
                "login", f"no password for {p.username!r}: set {'MAILWRIGHT_SMTP_PASSWORD'} or save it in the profile"
            )
        register_login(p.username, self.password)
        try:
            self._settimeout()
            self.client.login(p.username, self.password.reveal())
        except smtplib.SMTPAuthenticationError as e:
            detail = f"[{e.smtp_code} {_server_text(e.smtp_error)}]"
            if 400 <= e.smtp_code < 500:
                words = f"login failed for now (temporary; try later) {detail}"
            else:
                words = f"login refused: check the user name and password {detail}"
            raise _Stop("login", words, e.smtp_code) from None
        except smtplib.SMTPNotSupportedError:
            raise _Stop(
                "login",
                f"{p.address} does not offer a login (no AUTH); remove the user name if the server does not need one",
            ) from None
        except smtplib.SMTPResponseException as e:
            raise _Stop("login", f"login failed: {describe_reply(e.smtp_code, e.smtp_error)[1]}", e.smtp_code) from None
        except (smtplib.SMTPServerDisconnected, OSError) as e:
            raise _Stop("login", self._lost_words(e, "during the login")) from None
        except smtplib.SMTPException as e:  # "No suitable authentication method found."
            raise _Stop("login", f"login failed: {_server_text(e)}") from None
        except (UnicodeError, ValueError) as e:
            raise _Stop(
                "login", f"login failed: the user name or password cannot be sent ({type(e).__name__})"
            ) from None
        finally:
            # smtplib keeps the password on the object; drop it (tracebacks, crash reports).
            if self.client is not None:
                self.client.password = None  # type: ignore[assignment]  # the stubs say str; cleared on purpose
        steps.append(Step("login", True, f"Logged in as {p.username}."))

    def _connect_words(self, e: BaseException, t: float) -> str:
        p = self.profile
        where = p.address
        why = self.why_stopped()
        if why:
            return why
        if isinstance(e, socket.gaierror):
            return f"the server name {p.host!r} could not be found (check the host, and the network)"
        if isinstance(e, NameLookupTimeout):
            return (
                f"looking up the server name {p.host!r} took longer than {e.seconds:g} s: the name "
                "servers (DNS) did not answer; check the network and the host"
            )
        if isinstance(e, ConnectionRefusedError):
            return f"nothing answers at {where} (connection refused): check the host and port"
        words = self._failed_words(e)
        if words and words.startswith("no answer") and p.security != "tls":
            return f"{words}. If this port expects SSL/TLS (usually 465), choose SSL/TLS."
        if words:
            return words
        if _is_timeout(e):
            hint = " If this port expects SSL/TLS (usually 465), choose SSL/TLS." if p.security != "tls" else ""
            return f"no answer from {where} within {t:g} s.{hint}"
        if isinstance(e, smtplib.SMTPServerDisconnected):
            return f"{where} closed the connection before greeting"
        return f"could not connect to {where} ({_server_text(e) or type(e).__name__})"

    def _failed_words(self, e: BaseException) -> str | None:
        """What a step over its time or size limit did, or None if ``e`` is something else."""
        failure = e if isinstance(e, StepFailed) else self.step_failure
        if failure is None and self.client is not None and _is_timeout(e):
            failure = self.client.failure("timeout")
        return failure.words(self.profile.address) if failure is not None else None

    def _lost_words(self, e: BaseException, when: str) -> str:
        why = self.why_stopped()
        if why:
            return why
        words = self._failed_words(e)
        if words:
            return words
        if _is_timeout(e):
            return f"{self.profile.address} stopped answering {when} (no reply within {self.step_timeout():g} s)"
        return f"the connection to {self.profile.address} was lost {when} ({_server_text(e) or type(e).__name__})"


def _open(
    profile: Profile,
    password: Secret | None,
    *,
    timeout: float,
    deadline: float,
    cancel: threading.Event | None,
    ssl_context: ssl.SSLContext | None,
    steps: list[Step],
) -> _Session:
    session = _Session(profile, password, timeout=timeout, deadline=deadline, cancel=cancel, ssl_context=ssl_context)
    try:
        session.connect(steps)
        session.login(steps)
    except BaseException:
        session.finish()
        raise
    return session


def test_connection(
    profile: Profile,
    password: Secret | None = None,
    *,
    timeout: float = 15.0,
    ssl_context: ssl.SSLContext | None = None,
    cancel: threading.Event | None = None,
) -> list[Step]:
    """Connect, secure and log in, then quit; each step in plain words (the last failed if any).

    ``timeout`` is each step's limit (ValueError unless more than 0 and at most an hour)."""
    timeout = check_seconds(timeout)
    steps: list[Step] = []
    try:
        profile = profile.validated()
    except ProfileError as e:
        return [Step("connect", False, str(e))]
    try:
        session = _open(
            profile,
            password,
            timeout=timeout,
            deadline=timeout * 3,
            cancel=cancel,
            ssl_context=ssl_context,
            steps=steps,
        )
    except _Stop as e:
        steps.append(Step(e.step, False, e.message[:1].upper() + e.message[1:]))
        return steps
    session.finish()
    return steps


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _envelope(msg: EmailMessage) -> tuple[str, list[str]]:
    """(MAIL FROM, RCPT TO list) from the message's own headers."""
    sender_header = msg["Sender"] or msg["From"]
    senders = getattr(sender_header, "addresses", ()) if sender_header is not None else ()
    mail_from = senders[0].addr_spec if senders else ""
    rcpts: list[str] = []
    for name in ("To", "Cc", "Bcc"):
        for header in msg.get_all(name) or ():
            for a in getattr(header, "addresses", ()):
                if a.addr_spec and a.addr_spec not in rcpts:
                    rcpts.append(a.addr_spec)
    return mail_from, rcpts


def _html_size(msg: EmailMessage) -> int:
    part = msg.get_body(preferencelist=("html",))
    if part is None:
        return 0
    try:
        return len(part.get_content().encode("utf-8"))
    except Exception:  # noqa: BLE001
        return 0


def send_messages(
    messages: Sequence[EmailMessage] | EmailMessage,
    profile: Profile,
    password: Secret | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int, list[RecipientResult]], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    retry_delays: Sequence[float] | None = None,
    retrying: Callable[[int, list[str], float], None] | None = None,
) -> SendReport:
    """Send the messages over one connection and report what happened to each recipient.

    Never raises for a network or server problem: the report says it. ``progress(done,
    total, results_of_that_message)`` is called after each message. ``ssl_context`` replaces
    the default verifying context (e.g. one that also trusts a test CA). Recipients refused
    for now (4xx) are sent the message again after each of ``retry_delays`` (seconds; default
    ``RETRY_DELAYS``), within
    the deadline; the others are never sent it twice. ``retrying(message_number, recipients,
    delay)`` is called before each wait. ``timeout`` is each step's limit and ``deadline`` the
    whole send's (ValueError unless each is more than 0 and at most an hour).
    """
    timeout = check_seconds(timeout)
    deadline = check_seconds(deadline, "the deadline")
    if isinstance(messages, EmailMessage):
        messages = [messages]
    messages = list(messages)
    report = SendReport()
    for msg in messages:
        for w in getattr(msg, "warnings", ()):
            if w not in report.warnings:
                report.warnings.append(w)
        size = _html_size(msg)
        if size > GMAIL_CLIP_BYTES and _clip_warning(size) not in report.warnings:
            report.warnings.append(_clip_warning(size))
    envelopes = [_envelope(m) for m in messages]

    def fail_all(start: int, message: str, status: str = "not sent") -> None:
        for i in range(start, len(messages)):
            for rcpt in envelopes[i][1]:
                report.results.append(RecipientResult(rcpt, False, None, message, status, i + 1))

    try:
        profile = profile.validated()
    except ProfileError as e:
        report.error = str(e)
        fail_all(0, f"not sent: {e}")
        return report
    report.server = profile.address
    if len(messages) > MAX_MESSAGES:
        report.error = f"at most {MAX_MESSAGES} test messages at a time ({len(messages)} given)"
        fail_all(0, f"not sent: {report.error}")
        return report
    if not messages:
        report.error = "nothing to send"
        return report
    for i, (mail_from, rcpts) in enumerate(envelopes):
        if not mail_from or not rcpts:
            report.error = f"message {i + 1} has no {'From' if not mail_from else 'To'} address"
            fail_all(0, f"not sent: {report.error}")
            return report

    steps: list[Step] = []
    try:
        session = _open(
            profile, password, timeout=timeout, deadline=deadline, cancel=cancel, ssl_context=ssl_context, steps=steps
        )
    except _Stop as e:
        report.error = e.message
        report.cancelled = e.message == "cancelled"
        fail_all(0, f"not sent: {e.message}")
        return report
    log.debug("connected to %s (%s)", profile.address, "; ".join(s.message for s in steps))
    reconnected = False
    retry = _Retry(RETRY_DELAYS if retry_delays is None else retry_delays)
    try:
        i = 0
        while i < len(messages):
            msg, (mail_from, rcpts) = messages[i], envelopes[i]
            why = session.why_stopped()
            if why and not retry.active:
                report.cancelled = why == "cancelled"
                report.error = why
                fail_all(i, f"not sent: {why}")
                break
            if not why and (session.client is None or session.client.sock is None):
                # 421 or a drop closed the connection: reconnect once for the rest, and for
                # each retry (a 421 is a "for now" refusal too; retries are few).
                if reconnected and not retry.active:
                    report.error = "the connection was lost and could not be reopened"
                    fail_all(i, "not sent: the connection to the server was lost")
                    break
                reconnected = True
                session.finish()
                try:
                    session = _open(
                        profile,
                        password,
                        timeout=timeout,
                        deadline=max(0.1, session.remaining()),
                        cancel=cancel,
                        ssl_context=ssl_context,
                        steps=[],
                    )
                except _Stop as e:
                    report.error = e.message
                    if retry.active:
                        report.results.extend(retry.give_up(rcpts))
                        i += 1
                    fail_all(i, f"not sent: {e.message}")
                    break
            if why:  # stopped while a retry was waiting: the last answers stand
                results = retry.give_up(rcpts)
            else:
                results = _send_one(session, profile, msg, mail_from, retry.pending or rcpts, i + 1)
                delay = retry.schedule(results, session.remaining())
                if delay is not None:
                    log.debug(
                        "message %d: %d recipient(s) refused for now; retrying in %.1f s",
                        i + 1,
                        len(retry.pending),
                        delay,
                    )
                    if retrying is not None:
                        try:
                            retrying(i + 1, list(retry.pending), delay)
                        except Exception:  # noqa: BLE001 - a broken listener must not stop the send
                            log.exception("send retry callback failed")
                    if cancel is not None:
                        cancel.wait(delay)
                    else:
                        time.sleep(delay)
                    continue
                results = retry.finish(results, rcpts)
            report.results.extend(results)
            log.debug(
                "message %d/%d: %d accepted, %d failed",
                i + 1,
                len(messages),
                sum(r.ok for r in results),
                sum(not r.ok for r in results),
            )
            if progress is not None:
                try:
                    progress(i + 1, len(messages), results)
                except Exception:  # noqa: BLE001 - a broken listener must not stop the send
                    log.exception("send progress callback failed")
            i += 1
    finally:
        session.finish()
    if report.error is None and session.why_stopped() == "cancelled":
        report.cancelled = True
    return report


class _Retry:
    """The retries of one message: who is still to be tried, and what is already final."""

    def __init__(self, delays: Sequence[float]) -> None:
        self.delays = tuple(delays)
        self._reset()

    def _reset(self) -> None:
        self.attempts = 0
        self.pending: list[str] = []  # recipients the next attempt goes to
        self.final: list[RecipientResult] = []  # answers that will not change
        self.last: list[RecipientResult] = []  # the latest "for now" refusals
        self.first_words: dict[str, str] = {}

    @property
    def active(self) -> bool:
        return bool(self.pending)

    def schedule(self, results: list[RecipientResult], remaining: float) -> float | None:
        """The delay before the next attempt, or None when these results are the last."""
        temporary = [r for r in results if r.status == "temporary"]
        if not temporary or self.attempts >= len(self.delays):
            return None
        delay = self.delays[self.attempts]
        if delay + 5 > remaining:  # no time left in the send's deadline to wait and try again
            return None
        self.attempts += 1
        for r in temporary:
            self.first_words.setdefault(r.address, r.message)
        self.final += [r for r in results if r.status != "temporary"]
        self.last = temporary
        self.pending = [r.address for r in temporary]
        return delay

    def finish(self, results: list[RecipientResult], rcpts: list[str]) -> list[RecipientResult]:
        """Everything this message ended with, in the order of its recipients."""
        tries = self.attempts + 1
        out = list(self.final)
        for r in results:
            if r.address in self.first_words:
                if r.ok:
                    retries = f"{self.attempts} retr{'y' if self.attempts == 1 else 'ies'}"
                    r = replace(r, message=f"accepted after {retries} (first try: {self.first_words[r.address]})")
                elif r.status == "temporary":
                    r = replace(r, message=f"{r.message} (tried {tries} times)")
            out.append(r)
        order = {address: n for n, address in enumerate(rcpts)}
        out.sort(key=lambda r: order.get(r.address, len(order)))
        self._reset()
        return out

    def give_up(self, rcpts: list[str]) -> list[RecipientResult]:
        """The send stopped while a retry was waiting: the latest refusals are the answer."""
        return self.finish(self.last, rcpts)


def _send_one(
    session: _Session, profile: Profile, msg: EmailMessage, mail_from: str, rcpts: list[str], number: int
) -> list[RecipientResult]:
    client = session.client
    assert client is not None
    results: list[RecipientResult] = []

    def everyone(ok: bool, code: int | None, message: str, status: str) -> list[RecipientResult]:
        return [RecipientResult(r, ok, code, message, status, number) for r in rcpts]

    # Local refusals first: nothing leaves for an address the server cannot reach.
    if not profile.local:
        local = [r for r in rcpts if r.rsplit("@", 1)[-1].lower() == "localhost"]
        if local:
            results += [
                RecipientResult(
                    r,
                    False,
                    None,
                    "not sent: @localhost only reaches this computer (use it with the local test inbox)",
                    "refused",
                    number,
                )
                for r in local
            ]
            rcpts = [r for r in rcpts if r not in local]
            if not rcpts:
                return results
    limit = client.esmtp_features.get("size", "")
    if limit.isdigit() and int(limit) > 0:
        try:
            size = len(msg.as_bytes())
        except Exception:  # noqa: BLE001 - e.g. non-ASCII addresses need SMTPUTF8 serialisation
            size = 0
        if size > int(limit):
            return results + everyone(
                False,
                552,
                f"message too large for this server ({size / 1048576:.1f} MB > {int(limit) / 1048576:.1f} MB)",
                "refused",
            )
    try:
        session._settimeout()
    except _Stop as e:
        return results + everyone(False, None, f"not sent: {e.message}", "not sent")
    try:
        refused = client.send_message(msg, from_addr=mail_from, to_addrs=rcpts)
    except smtplib.SMTPRecipientsRefused as e:
        for r in rcpts:
            code, text = e.recipients.get(r, (None, b""))
            status, words = describe_reply(code, text)
            results.append(RecipientResult(r, False, code, words, status, number))
        return results
    except smtplib.SMTPSenderRefused as e:
        status, words = describe_reply(e.smtp_code, e.smtp_error)
        return results + everyone(
            False, e.smtp_code, f"not sent: the server refused the sender {mail_from}: {words}", status
        )
    except smtplib.SMTPDataError as e:
        status, words = describe_reply(e.smtp_code, e.smtp_error)
        return results + everyone(False, e.smtp_code, words, status)
    except smtplib.SMTPNotSupportedError as e:
        return results + everyone(
            False,
            None,
            "not sent: the server does not accept addresses with "
            f"non-ASCII characters (no SMTPUTF8) [{_server_text(e)}]",
            "refused",
        )
    except (smtplib.SMTPServerDisconnected, OSError) as e:
        why = session.why_stopped()
        if client.data_started:
            outcome = (
                "unknown: the connection was lost after the message was handed over, so it may "
                "have been delivered; not retried"
            )
            failed = session._failed_words(e)
            if failed:
                outcome = f"unknown: {failed}, so it may have been delivered; not retried"
            if why:
                outcome = f"unknown ({why} after the message was handed over; it may have been delivered); not retried"
            client.close()
            return results + everyone(False, None, outcome, "unknown")
        client.close()
        reason = why or session._lost_words(e, "while sending")
        return results + everyone(False, None, f"not sent: {reason}", "not sent")
    except smtplib.SMTPResponseException as e:
        status, words = describe_reply(e.smtp_code, e.smtp_error)
        return results + everyone(False, e.smtp_code, words, status)
    except smtplib.SMTPException as e:
        return results + everyone(False, None, f"not sent: {_server_text(e)}", "not sent")
    for r in rcpts:
        if r in refused:
            code, text = refused[r]
            status, words = describe_reply(code, text)
            results.append(RecipientResult(r, False, code, words, status, number))
        else:
            results.append(RecipientResult(r, True, 250, "accepted", "sent", number))
    return results
