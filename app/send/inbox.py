"""The built-in test inbox: an SMTP server on this computer that keeps what it receives.

It lets a test send work with zero setup (the "Local test inbox" profile). hardening.md §7
rule 9 and §10.3: aiosmtpd on loopback only (never 0.0.0.0), on a free port chosen by
binding a socket to port 0 first (aiosmtpd 1.4.6 cannot bind port 0 itself), with its data
size limit kept. Messages are stored as ``.eml`` files in the user data folder (outside any
project), capped in number, oldest dropped. A small JSON file next to each message keeps the
envelope (MAIL FROM, RCPT TO) and the time it arrived.

The store may be a folder of the user's own mail (``--store DIR``): the cap counts and drops
only the messages listed in the inbox's index (inbox_index.py), never anything else there and
never the message that just arrived. Messages an older version kept (its naming and envelope
file, but no index) are listed and kept; other files are neither listed nor touched.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import json
import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any, Callable

from .addresses import clean_header_text
from ..document.atomic import atomic_write_bytes, atomic_write_text
from .inbox_index import INDEX_FILE, StoreIndex, is_own_id
from ..messages import ShortMessage

__all__ = [
    "Inbox",
    "InboxError",
    "InboxMessage",
    "MessageTooDeep",
    "default_store",
    "free_port",
    "running_inbox_port",
    "DATA_ENV",
    "MAX_MESSAGES",
    "MAX_PART_DEPTH",
    "DATA_SIZE_LIMIT",
    "INDEX_FILE",
]

log = logging.getLogger(__name__)

DATA_ENV = "MAILWRIGHT_DATA_DIR"
MAX_MESSAGES = 200
DATA_SIZE_LIMIT = 32 * 1024 * 1024  # aiosmtpd's default, kept explicitly
SERVER_FILE = ".inbox-server.json"  # written while an inbox serves this store
MAX_PART_DEPTH = 100  # parts inside parts; real mail nests a few levels
_ENVELOPE_KEYS = ("received_at", "mail_from", "rcpt_tos")


class InboxError(ShortMessage, Exception):
    """The inbox could not start or a message could not be found; the message is for the user."""


class MessageTooDeep(InboxError):
    """A stored message nests its parts too deeply to parse and walk safely (its raw source is fine)."""


@dataclass(frozen=True)
class InboxMessage:
    """One received message, as the list shows it."""

    id: str
    path: Path
    received_at: datetime  # timezone-aware (UTC)
    mail_from: str
    rcpt_tos: tuple[str, ...]
    subject: str
    size: int = 0
    own: bool = True  # False: kept by an older version; listed, never deleted

    def line(self) -> str:
        """One line for a terminal: time, from, to, subject."""
        when = self.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return f"{when}  from {self.mail_from or '<>'}  to {', '.join(self.rcpt_tos)}  {self.subject!s}"


def default_store() -> Path:
    """``<user data folder>/inbox`` (``MAILWRIGHT_DATA_DIR`` overrides the data folder)."""
    from ..paths import data_dir

    return data_dir() / "inbox"


def _is_loopback(host: str) -> bool:
    from .profiles import is_loopback

    return is_loopback(host)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (bind to port 0, read it, close)."""
    return _probe(host, 0)


def _probe(host: str, port: int) -> int:
    """Bind (and release) host:port the way asyncio's server will; OSError when taken.

    aiosmtpd waits its whole ready_timeout before reporting a bind failure, so a busy port
    is detected here first.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if os.name == "posix":  # as asyncio.create_server does (TIME_WAIT is no obstacle)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        return s.getsockname()[1]


def _envelope_text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return clean_header_text(str(value or ""))[:320]


class _Handler:
    def __init__(self, inbox: "Inbox") -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            message = self.inbox._store(envelope.mail_from, envelope.rcpt_tos, content)
        except Exception:  # disk full, folder removed: the sender is told to try later
            log.exception("test inbox: could not store a message")
            return "451 4.3.0 The test inbox could not store the message"
        self.inbox._notify(message)
        return "250 2.0.0 OK: in the Mailwright test inbox"


class Inbox:
    """The test inbox. ``start()`` returns the port; use it as a context manager.

    ``on_message(InboxMessage)`` is called (from the server's thread) for each message
    once it is stored; the GUI marshals it to its own thread.
    """

    def __init__(
        self,
        store: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        max_messages: int = MAX_MESSAGES,
        data_size_limit: int = DATA_SIZE_LIMIT,
        on_message: Callable[[InboxMessage], None] | None = None,
    ) -> None:
        if not _is_loopback(host):
            raise InboxError(f"the test inbox only listens on this computer (127.0.0.1 or ::1), not {host}")
        if port is not None and not (isinstance(port, int) and 1 <= port <= 65535):
            raise InboxError(f"the port must be a number from 1 to 65535, not {port!r}")
        if max_messages < 1:
            raise InboxError("the inbox must keep at least one message")
        self.store = Path(store) if store is not None else default_store()
        self.host = "127.0.0.1" if host == "localhost" else host
        self.requested_port = port
        self.port: int | None = None
        self.max_messages = max_messages
        self.data_size_limit = data_size_limit
        self.on_message = on_message
        self._controller: Any = None
        self._lock = threading.RLock()
        self._index = StoreIndex(self.store)

    # --- server ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> int:
        """Start listening; returns the port. A busy explicit port is an InboxError."""
        if self._controller is not None:
            return self.port  # type: ignore[return-value]  # running, so the port is known
        self._prepare_store()
        from aiosmtpd.controller import Controller

        attempts = 1 if self.requested_port else 5
        last: Exception | None = None
        for _ in range(attempts):
            try:
                port = _probe(self.host, self.requested_port or 0)
            except OSError as e:
                last = e
                continue
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=port,
                server_hostname="localhost",
                ident="Mailwright test inbox",
                data_size_limit=self.data_size_limit,
                enable_SMTPUTF8=True,
                ready_timeout=5.0,
            )
            try:
                controller.start()
            except Exception as e:  # noqa: BLE001 - port taken (a race, or the user's --port)
                last = e
                try:
                    controller.loop.close()
                except Exception:  # noqa: BLE001
                    pass
                continue
            self._controller, self.port = controller, port
            self._write_server_file()
            log.info("test inbox listening on %s:%s, storing in %s", self.host, port, self.store)
            return port
        reason = getattr(last, "strerror", None) or str(last) or type(last).__name__
        if self.requested_port:
            raise InboxError(
                f"the test inbox cannot listen on {self.host}:{self.requested_port} ({reason}); "
                f"is another program using that port?"
            )
        raise InboxError(f"the test inbox could not start ({reason})")

    def stop(self) -> None:
        with self._lock:
            controller, self._controller = self._controller, None
        if controller is None:
            return
        try:
            controller.stop()
        finally:
            self._remove_server_file()
            log.info("test inbox stopped")

    def __enter__(self) -> "Inbox":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _prepare_store(self) -> None:
        try:
            self.store.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise InboxError(f"{self.store}: cannot create the inbox folder ({e.strerror})") from None
        if not os.access(self.store, os.W_OK):
            raise InboxError(f"{self.store}: the inbox folder is not writable")

    def _write_server_file(self) -> None:
        data = {"pid": os.getpid(), "host": self.host, "port": self.port}
        try:
            atomic_write_text(self.store / SERVER_FILE, json.dumps(data) + "\n", backup=False)
        except Exception:  # noqa: BLE001 - only a convenience for `send --profile`
            log.debug("could not write the inbox server file", exc_info=True)

    def _remove_server_file(self) -> None:
        path = self.store / SERVER_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("pid") == os.getpid() and data.get("port") == self.port:
                path.unlink()
        except (OSError, ValueError, AttributeError):
            pass

    # --- storage ---------------------------------------------------------------------------

    def _store(self, mail_from: Any, rcpt_tos: Any, content: bytes) -> InboxMessage:
        received = datetime.now(timezone.utc)
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(content)
        try:
            subject = clean_header_text(str(headers.get("subject", "") or ""))
        except Exception:  # noqa: BLE001 - a malformed header still gets stored
            subject = ""
        with self._lock:
            own = self._own_ids()
            msg_id = self._index.new_id(own)
            while self._taken(msg_id):  # never write over a file already there
                msg_id = self._index.new_id([msg_id])
            path = self.store / f"{msg_id}.eml"
            message = InboxMessage(
                msg_id,
                path,
                received,
                _envelope_text(mail_from),
                tuple(_envelope_text(r) for r in rcpt_tos or ()),
                subject[:500],
                len(content),
            )
            meta = {
                "received_at": received.isoformat(),
                "mail_from": message.mail_from,
                "rcpt_tos": list(message.rcpt_tos),
                "subject": message.subject,
                "size": message.size,
            }
            try:
                atomic_write_bytes(path, content, backup=False)
                atomic_write_text(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False) + "\n", backup=False)
                own.append(msg_id)
                # The index is written before anything is dropped: a crash in between leaves
                # messages unlisted (kept), never listed ones missing.
                keep, drop = own[-self.max_messages :], own[: -self.max_messages]
                self._index.write(keep)
            except BaseException:
                self._remove(path)  # not in the index: the sender is told to try again
                raise
            for old in drop:
                if old != msg_id:
                    self._remove(self.store / f"{old}.eml")
        return message

    def _notify(self, message: InboxMessage) -> None:
        callback = self.on_message
        if callback is None:
            return
        try:
            callback(message)
        except Exception:  # noqa: BLE001 - a broken listener must not lose mail
            log.exception("test inbox: the on_message callback failed")

    def _own_ids(self) -> list[str]:
        """The ids in the index whose message is still there, oldest first (hold the lock)."""
        return [i for i in self._index.read() if (self.store / f"{i}.eml").is_file()]

    def _taken(self, msg_id: str) -> bool:
        return any(os.path.lexists(self.store / f"{msg_id}{ext}") for ext in (".eml", ".json"))

    def _listed(self) -> tuple[list[str], list[str]]:
        """(own ids, ids an older version kept), each newest first (hold the lock)."""
        own = self._own_ids()
        known = set(own)
        earlier = []
        try:
            for p in self.store.iterdir():
                if p.suffix == ".eml" and is_own_id(p.stem) and p.stem not in known and self._kept_earlier(p):
                    earlier.append(p.stem)
        except FileNotFoundError:
            pass
        return own[::-1], sorted(earlier, reverse=True)

    @staticmethod
    def _kept_earlier(path: Path) -> bool:
        """An older version's message: its naming, a regular file, its envelope file matching it."""
        try:
            if not path.is_file() or path.is_symlink():
                return False
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            return (
                isinstance(meta, dict)
                and all(k in meta for k in _ENVELOPE_KEYS)
                and meta.get("size") == path.stat().st_size
            )
        except (OSError, ValueError):
            return False

    def _remove(self, path: Path) -> None:
        for p in (path, path.with_suffix(".json")):
            try:
                p.unlink()
            except FileNotFoundError:
                pass

    def _path(self, msg_id: str) -> Path:
        """The file of a listed message; anything else in the store is not the inbox's."""
        if not is_own_id(msg_id):
            raise InboxError(f"no message {str(msg_id)[:80]!r} in the test inbox")
        path = self.store / f"{msg_id}.eml"
        if not path.is_file():
            raise InboxError(f"no message {msg_id!r} in the test inbox (deleted?)")
        if msg_id not in self._index.read() and not self._kept_earlier(path):
            raise InboxError(f"no message {msg_id!r} in the test inbox ({path} was not stored by it)")
        return path

    def has(self, msg_id: str) -> bool:
        """True while the message is in the inbox (the cap drops the oldest)."""
        try:
            with self._lock:
                self._path(msg_id)
        except (InboxError, OSError):
            return False
        return True

    def _describe(self, path: Path, own: bool = True) -> InboxMessage:
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            return InboxMessage(
                path.stem,
                path,
                datetime.fromisoformat(meta["received_at"]),
                str(meta.get("mail_from", "")),
                tuple(map(str, meta.get("rcpt_tos", ()))),
                str(meta.get("subject", "")),
                int(meta.get("size", 0)),
                own,
            )
        except (OSError, ValueError, KeyError, TypeError):
            pass
        # Its envelope file is gone or damaged: read the headers.
        stat = path.stat()
        with path.open("rb") as f:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parse(f)
        to = [_envelope_text(a) for a in (headers.get_all("to") or [])]
        return InboxMessage(
            path.stem,
            path,
            datetime.fromtimestamp(stat.st_mtime, timezone.utc),
            _envelope_text(headers.get("from", "")),
            tuple(to),
            clean_header_text(str(headers.get("subject", "") or "")),
            stat.st_size,
            own,
        )

    def list_messages(self) -> list[InboxMessage]:
        """The inbox's messages, newest first, then those an older version kept (newest first)."""
        with self._lock:
            own, earlier = self._listed()
            out = []
            for msg_id in own + earlier:
                try:
                    out.append(self._describe(self.store / f"{msg_id}.eml", own=msg_id not in earlier))
                except OSError:  # deleted meanwhile
                    continue
            return out

    def raw(self, msg_id: str) -> bytes:
        """The message exactly as received (the raw source view)."""
        with self._lock:
            return self._path(msg_id).read_bytes()

    def read(self, msg_id: str) -> EmailMessage:
        """The message parsed with the modern policy (headers decoded, parts walkable).

        Line endings are normalised to ``\n`` as a mail client shows them; :meth:`raw` gives
        the bytes exactly as received (CRLF).

        A message whose parts nest more than MAX_PART_DEPTH levels deep raises
        :class:`MessageTooDeep` (the parser and every walk over its parts recurse per level).
        """
        with self._lock:
            path = self._path(msg_id)
            data = path.read_bytes().replace(b"\r\n", b"\n")
        try:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            deep = _depth_over(msg, MAX_PART_DEPTH)
        except RecursionError:
            deep = True
        if deep:
            raise MessageTooDeep(
                f"{path}: this message nests its parts more than {MAX_PART_DEPTH} levels "
                "deep, too deep to show; read its raw source instead"
            )
        return msg

    def read_headers(self, msg_id: str) -> EmailMessage:
        """Only the message's top-level headers: no parts, so no recursion, whatever it holds."""
        return email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(self.raw(msg_id))

    def delete(self, msg_id: str) -> None:
        """Delete one of the inbox's own messages; one an older version kept is refused."""
        with self._lock:
            path = self._path(msg_id)
            if msg_id not in self._index.read():
                raise InboxError(
                    f"{path}: kept by an earlier version of Mailwright, so the test inbox "
                    "does not delete it; delete the file yourself if you no longer need it"
                )
            self._forget([msg_id])

    def clear(self) -> None:
        """Delete every message the inbox stored; nothing else in the store is touched."""
        with self._lock:
            self._forget(self._own_ids())

    def _forget(self, ids: list[str]) -> None:
        gone = set(ids)
        self._index.write([i for i in self._index.read() if i not in gone])
        for msg_id in ids:
            self._remove(self.store / f"{msg_id}.eml")


def _depth_over(msg: Message, limit: int) -> bool:
    """True when parts nest more than `limit` levels (iterative: no recursion to run out of)."""
    stack = [(msg, 1)]
    while stack:
        part, depth = stack.pop()
        if depth > limit:
            return True
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in payload if isinstance(p, Message))
    return False


def running_inbox_port(store: str | os.PathLike[str] | None = None, *, timeout: float = 0.5) -> int | None:
    """The port of a test inbox serving this store now (the editor's or `mailwright inbox`), or None."""
    path = (Path(store) if store is not None else default_store()) / SERVER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        port, host = int(data["port"]), str(data.get("host", "127.0.0.1"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _is_loopback(host):
        return None
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            banner = s.recv(512)
            s.sendall(b"QUIT\r\n")
    except OSError:
        return None
    return port if banner.startswith(b"220") else None
