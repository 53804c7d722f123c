"""Secrets: a wrapper that never prints, log redaction, and the OS keyring with a fallback.

hardening.md §6. The SMTP password of a profile lives in the OS keyring (service
``mailwright``, account = the profile name) and nowhere else: never in a profile file, a
template, an export or a log. Every keyring call runs in a helper thread with a timeout,
because a locked Secret Service collection can block forever. When the keyring is missing,
locked or broken, the password is kept in memory until the program quits, and the store says
why in words a user understands (:attr:`PasswordStore.notice`).

For the command line, ``MAILWRIGHT_SMTP_PASSWORD`` wins over the keyring
(:func:`password_from_env`).
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, TypeVar

__all__ = [
    "ENV_PASSWORD",
    "SERVICE",
    "KEYRING_TIMEOUT",
    "Secret",
    "RedactingFilter",
    "redact",
    "register_secret",
    "register_login",
    "install_log_redaction",
    "password_from_env",
    "PasswordStore",
    "KeyringOutcome",
]

ENV_PASSWORD = "MAILWRIGHT_SMTP_PASSWORD"
SERVICE = "mailwright"
KEYRING_TIMEOUT = 10.0
_MASK = "***"


class Secret:
    """A secret string that shows as ``***`` in repr, str, f-strings, logs and tracebacks.

    ``reveal()`` is the only way to the value; call it at the last moment (the SMTP login).
    Creating a Secret registers its value with the log redaction (see :func:`redact`).
    """

    __slots__ = ("_value", "__weakref__")

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a Secret wraps a str")
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, spec: str) -> str:
        return _MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:  # pragma: no cover - convenience
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode("utf-8"), other._value.encode("utf-8"))

    __hash__ = None  # type: ignore[assignment]  # unhashable on purpose: never a dict key

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled or copied into a file")

    def __getstate__(self) -> Any:
        raise TypeError("a Secret cannot be pickled or copied into a file")


# --- log redaction ---------------------------------------------------------------------------

_registry_lock = threading.Lock()
_registered: set[str] = set()  # raw values and their encoded forms
_MIN_SECRET_LEN = 6  # shorter values would redact ordinary words

# AUTH PLAIN <b64>, AUTH LOGIN <b64>, XOAUTH2, and the continuation lines smtplib logs.
_PATTERNS = [
    (re.compile(r"(?i)\b(AUTH\s+(?:PLAIN|LOGIN|XOAUTH2|OAUTHBEARER|CRAM-MD5)\b)[^\r\n'\"\\]*"), r"\1 " + _MASK),
    (re.compile(r"(?i)\b(Authorization\s*:\s*)[^\r\n'\"]+"), r"\1" + _MASK),
    (re.compile(r"(?i)\b(Bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1" + _MASK),
    (re.compile(r"(?i)\b((?:api[_-]?key|password|passwd|secret|token)\s*[=:]\s*)[^\s&'\",;]+"), r"\1" + _MASK),
]


def _b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8")).decode("ascii")


def register_secret(value: str) -> None:
    """Redact this value (and its base64 form) from every log record from now on."""
    if not isinstance(value, str) or len(value) < _MIN_SECRET_LEN:
        return
    with _registry_lock:
        _registered.update({value, _b64(value)})


def register_login(username: str, secret: Secret | str) -> None:
    """Redact the forms an SMTP login sends: base64 of ``\\0user\\0password`` (AUTH PLAIN),
    of the user and the password (AUTH LOGIN)."""
    password = secret.reveal() if isinstance(secret, Secret) else secret
    register_secret(password)
    if password:
        with _registry_lock:
            _registered.add(_b64(f"\0{username}\0{password}"))
            _registered.add(_b64(f"{username}\0{username}\0{password}"))


def redact(text: str) -> str:
    """The text with AUTH arguments, Authorization/api_key/Bearer values and registered
    secrets replaced by ``***``."""
    if not text:
        return text
    with _registry_lock:
        values = sorted(_registered, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, _MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message through :func:`redact`.

    Attach it to handlers; :func:`install_log_redaction` covers every handler at once.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, "_mailwright_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it for logging to report
        return
    clean = redact(message)
    if clean != message or record.args:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    record._mailwright_redacted = True


_installed = False
_install_lock = threading.Lock()


def install_log_redaction() -> None:
    """Redact every log record at creation, whichever logger or handler it goes to.

    Installed once per process by the CLI and the editor (a record factory, so handlers
    added later, such as pytest's, are covered too). Idempotent.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def password_from_env() -> Secret | None:
    """``MAILWRIGHT_SMTP_PASSWORD`` as a Secret (the CLI's first choice), or None."""
    value = os.environ.get(ENV_PASSWORD)
    return Secret(value) if value else None


# --- the OS keyring ---------------------------------------------------------------------------

_FALLBACK = "so the password is kept in memory until you quit"
T = TypeVar("T")


class _Timeout(Exception):
    pass


def _call_with_timeout(fn: Callable[[], T], timeout: float) -> T:
    """Run fn in a daemon thread; a keyring that blocks (a locked collection waiting for an
    unlock prompt) cannot hang the caller, nor keep the process alive at exit."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    thread = threading.Thread(target=target, name="mailwright-keyring", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise _Timeout()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _keyring_message(error: BaseException, action: str, timeout: float) -> str:
    """Plain words for a keyring failure (hardening.md §6 policy 2)."""
    try:
        from keyring import errors as kerr
    except Exception:  # keyring not importable at all
        return f"No system keyring is available here, {_FALLBACK}."
    if isinstance(error, _Timeout):
        return (
            f"The system keyring did not answer within {timeout:g} s (it may be locked and "
            f"waiting for an unlock prompt), {_FALLBACK}."
        )
    if isinstance(error, kerr.NoKeyringError):
        return f"No system keyring is available here, {_FALLBACK}."
    if isinstance(error, kerr.KeyringLocked):
        return f"The system keyring is locked (or the unlock prompt was dismissed), {_FALLBACK}."
    if isinstance(error, kerr.InitError):
        return f"The system keyring could not be opened, {_FALLBACK}."
    if isinstance(error, kerr.PasswordSetError):
        return (
            f"The system keyring refused to {action} the password (on Windows a stored "
            f"secret is limited to about 1,280 characters), {_FALLBACK}."
        )
    return f"The system keyring failed ({type(error).__name__}), {_FALLBACK}."


@dataclass(frozen=True)
class KeyringOutcome:
    """What happened to a password: stored in the keyring, or only in memory and why."""

    in_keyring: bool
    message: str = ""


class PasswordStore:
    """SMTP passwords: the OS keyring, with an in-memory fallback for this run.

    Thread-safe. After the first keyring failure the keyring is not asked again during this
    run (so a locked keyring costs one timeout, not one per send) and :attr:`notice` holds
    the message to show.
    """

    def __init__(self, *, service: str = SERVICE, timeout: float = KEYRING_TIMEOUT, keyring_module: Any = None) -> None:
        self.service = service
        self.timeout = timeout
        self._keyring = keyring_module
        self._memory: dict[str, Secret] = {}
        self._lock = threading.Lock()
        self.notice: str | None = None  # why passwords are kept in memory only, if they are

    @property
    def available(self) -> bool:
        return self.notice is None

    def _module(self) -> Any:
        if self._keyring is None:
            import keyring

            self._keyring = keyring
        return self._keyring

    def _fail(self, error: BaseException, action: str) -> str:
        message = _keyring_message(error, action, self.timeout)
        logging.getLogger(__name__).info("keyring unavailable: %s", message)
        with self._lock:
            self.notice = message
        return message

    def backend_name(self) -> str:
        """The active keyring backend, as `keyring diagnose` names it (for the settings)."""
        try:
            backend = _call_with_timeout(lambda: self._module().get_keyring(), self.timeout)
        except BaseException:  # noqa: BLE001
            return "none"
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def get(self, profile: str) -> Secret | None:
        """The password of a profile: this run's memory first, then the keyring."""
        with self._lock:
            if profile in self._memory:
                return self._memory[profile]
        if not self.available:
            return None
        try:
            value = _call_with_timeout(lambda: self._module().get_password(self.service, profile), self.timeout)
        except BaseException as e:  # noqa: BLE001 - every backend error becomes a message
            self._fail(e, "read")
            return None
        return Secret(value) if value else None

    def set(self, profile: str, secret: Secret) -> KeyringOutcome:
        """Store a password; when the keyring cannot, keep it in memory and say why."""
        if not isinstance(secret, Secret):
            raise TypeError("pass the password as a Secret")
        if self.available:
            try:
                _call_with_timeout(
                    lambda: self._module().set_password(self.service, profile, secret.reveal()), self.timeout
                )
            except BaseException as e:  # noqa: BLE001
                message = self._fail(e, "store")
            else:
                with self._lock:
                    self._memory.pop(profile, None)
                return KeyringOutcome(True)
        else:
            message = self.notice or ""
        with self._lock:
            self._memory[profile] = secret
        return KeyringOutcome(False, message)

    def delete(self, profile: str) -> None:
        """Forget a profile's password (memory and keyring; a missing entry is fine)."""
        with self._lock:
            self._memory.pop(profile, None)
        if not self.available:
            return
        try:
            _call_with_timeout(lambda: self._module().delete_password(self.service, profile), self.timeout)
        except BaseException as e:  # noqa: BLE001
            from keyring import errors as kerr

            if not isinstance(e, kerr.PasswordDeleteError):
                self._fail(e, "delete")

    def rename(self, old: str, new: str) -> KeyringOutcome | None:
        """Move a password when its profile is renamed."""
        secret = self.get(old)
        if secret is None:
            return None
        outcome = self.set(new, secret)
        self.delete(old)
        return outcome

    def names_in_memory(self) -> Iterable[str]:
        with self._lock:
            return tuple(self._memory)
