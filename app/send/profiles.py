"""SMTP profiles: where test sends go. Stored as JSON in the user config folder, never with secrets.

A profile names a server (host, port, security), the user name to log in with, and the
default From / Reply-To. The password is not part of a profile: it lives in the OS keyring
(app/send/secrets.py, one entry per profile name). Security ``none`` (no encryption) is allowed
only for a server on this computer and never with a login (hardening.md §7 rule 1).

Presets fill in the SMTP relays of the common ESPs (esp-dialects.md §2.1) and say what their
user name is. The built-in "Local test inbox" profile always exists and points at the running
inbox (app/send/inbox.py).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..document.atomic import SaveError, atomic_write_text
from ..messages import ShortMessage

__all__ = [
    "SECURITY",
    "SECURITY_LABELS",
    "LOCAL_INBOX",
    "Profile",
    "ProfileError",
    "Preset",
    "PRESETS",
    "from_preset",
    "is_loopback",
    "local_inbox_profile",
    "config_dir",
    "ProfileStore",
]

SECURITY = ("tls", "starttls", "none")
SECURITY_LABELS = {
    "tls": "SSL/TLS (usually port 465)",
    "starttls": "STARTTLS (usually port 587)",
    "none": "None (only for a server on this computer)",
}
LOCAL_INBOX = "Local test inbox"
CONFIG_ENV = "MAILWRIGHT_CONFIG_DIR"
PROFILES_FILE = "profiles.json"
_FORMAT = "mailwright-smtp-profiles"
_MAX_FILE = 1024 * 1024
# Keys that must never reach the profile file, whatever a caller passes.
_SECRET_KEYS = {"password", "secret", "token", "api_key", "apikey", "key"}


class ProfileError(ShortMessage, ValueError):
    """A bad profile or profile file; the message is for the user."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: a server on this computer."""
    h = (host or "").strip().lower().strip("[]")
    if h in ("localhost", "localhost.") or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$")


def _check_host(host: str) -> str:
    h = host.strip()
    if not h:
        raise ProfileError("the server host is empty")
    bare = h.strip("[]")
    try:
        ipaddress.ip_address(bare)
        return bare
    except ValueError:
        pass
    try:
        ascii_host = bare.encode("idna").decode("ascii")
    except UnicodeError:
        raise ProfileError(f"{host!r} is not a valid host name") from None
    if not _HOSTNAME.match(ascii_host):
        raise ProfileError(f"{host!r} is not a valid host name (letters, digits, dots and hyphens)")
    return ascii_host


def _check_text(label: str, value: str, limit: int = 256) -> None:
    if any(ord(ch) < 32 or ord(ch) == 0x7F for ch in value):
        raise ProfileError(f"the {label} contains a line break or control character")
    if len(value) > limit:
        raise ProfileError(f"the {label} is too long ({len(value)} > {limit} characters)")


@dataclass(frozen=True)
class Profile:
    """An SMTP server to send tests through. No secret is ever part of it."""

    name: str
    host: str
    port: int
    security: str = "starttls"
    username: str = ""
    from_addr: str = ""
    reply_to: str = ""
    unsubscribe_url: str = ""  # List-Unsubscribe (https) for messages sent with it
    builtin: bool = field(default=False, compare=False)

    @property
    def needs_login(self) -> bool:
        return bool(self.username)

    @property
    def local(self) -> bool:
        return is_loopback(self.host)

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def validated(self) -> "Profile":
        """This profile checked and normalised, or :class:`ProfileError` saying what to fix."""
        name = (self.name or "").strip()
        if not name:
            raise ProfileError("a profile needs a name")
        _check_text("profile name", name, 80)
        host = _check_host(self.host or "")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise ProfileError(f"{name}: the port must be a number from 1 to 65535, not {self.port!r}")
        if self.security not in SECURITY:
            raise ProfileError(f"{name}: security must be one of {', '.join(SECURITY)}, not {self.security!r}")
        username = (self.username or "").strip()
        _check_text("user name", username, 512)
        if self.security == "none":
            if not is_loopback(host):
                raise ProfileError(
                    f"{name}: security 'none' sends everything unencrypted, so it is only allowed for a "
                    f"server on this computer (127.0.0.1, ::1 or localhost), not {host}. "
                    f"Choose STARTTLS (port 587) or SSL/TLS (port 465)"
                )
            if username:
                raise ProfileError(
                    f"{name}: a login is never sent without encryption; with security 'none' leave the user name empty"
                )
        from .addresses import AddressError, parse_address

        for label, value in (("From address", self.from_addr), ("Reply-To address", self.reply_to)):
            if value:
                try:
                    parse_address(value, allow_localhost=is_loopback(host))
                except AddressError as e:
                    raise ProfileError(f"{name}: the {label} {e}") from None
        url = (self.unsubscribe_url or "").strip()
        if url:
            _check_unsubscribe_url(url, name)
        return replace(
            self,
            name=name,
            host=host,
            username=username,
            from_addr=(self.from_addr or "").strip(),
            reply_to=(self.reply_to or "").strip(),
            unsubscribe_url=url,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("builtin", None)
        return data

    @classmethod
    def from_json(cls, data: Any, where: str = "profile") -> "Profile":
        if not isinstance(data, dict):
            raise ProfileError(f"{where}: expected an object")
        known = {"name", "host", "port", "security", "username", "from_addr", "reply_to", "unsubscribe_url"}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("name", "host"):
            if not isinstance(values.get(key), str):
                raise ProfileError(f"{where}: '{key}' must be a text")
        for key in ("security", "username", "from_addr", "reply_to", "unsubscribe_url"):
            if key in values and not isinstance(values[key], str):
                raise ProfileError(f"{where}: '{key}' must be a text")
        return cls(**values)


def _check_unsubscribe_url(url: str, name: str) -> None:
    from urllib.parse import urlsplit

    if any(ch.isspace() or ord(ch) < 32 for ch in url) or any(ch in url for ch in "<>\"'"):
        raise ProfileError(f"{name}: the unsubscribe URL contains spaces, quotes or angle brackets")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise ProfileError(
            f"{name}: the unsubscribe URL must be an https:// address (RFC 8058 one-click unsubscribe needs HTTPS)"
        )


def local_inbox_profile(port: int, *, host: str = "127.0.0.1") -> Profile:
    """The always-available profile of the built-in test inbox."""
    return Profile(
        name=LOCAL_INBOX,
        host=host,
        port=port,
        security="none",
        from_addr="Mailwright test <test@localhost>",
        builtin=True,
    )


# --- presets (esp-dialects.md §2.1) ------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    host: str  # may contain {region}
    port: int
    security: str
    username: str = ""  # a fixed user name (SendGrid: "apikey"), else empty
    username_hint: str = ""  # what to type as the user name
    password_hint: str = ""  # what the password is
    other_ports: tuple[tuple[int, str], ...] = ()
    regions: tuple[str, ...] = ()
    notes: str = ""

    def host_for(self, region: str | None = None) -> str:
        if "{region}" not in self.host:
            return self.host
        region = (region or self.regions[0]).strip().lower()
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
            raise ProfileError(f"{region!r} is not an AWS region (e.g. us-east-1, eu-west-1)")
        return self.host.format(region=region)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "mailjet",
            "Mailjet",
            "in-v3.mailjet.com",
            587,
            "starttls",
            username_hint="your API key (public key)",
            password_hint="your secret key (private API key)",
            other_ports=((465, "tls"), (25, "starttls")),
        ),
        Preset(
            "ses",
            "Amazon SES",
            "email-smtp.{region}.amazonaws.com",
            587,
            "starttls",
            username_hint="your SES SMTP user name (SMTP credentials, not the IAM access key)",
            password_hint="your SES SMTP password (derived from IAM, not the secret access key)",
            other_ports=((465, "tls"), (2587, "starttls"), (2465, "tls"), (25, "starttls")),
            regions=(
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
                "ca-central-1",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "eu-central-1",
                "eu-north-1",
                "eu-south-1",
                "ap-south-1",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-northeast-1",
                "ap-northeast-2",
                "sa-east-1",
                "me-south-1",
                "af-south-1",
            ),
            notes="SES requires TLS on every connection; EC2 throttles port 25.",
        ),
        Preset(
            "sendgrid",
            "SendGrid",
            "smtp.sendgrid.net",
            587,
            "starttls",
            username="apikey",
            username_hint="literally: apikey",
            password_hint="your SendGrid API key",
            other_ports=((465, "tls"), (2525, "starttls"), (25, "starttls")),
        ),
        Preset(
            "postmark",
            "Postmark",
            "smtp.postmarkapp.com",
            587,
            "starttls",
            username_hint="your Server API token",
            password_hint="the same Server API token (it is both user name and password)",
            other_ports=((2525, "starttls"), (25, "starttls")),
            notes="Broadcast streams use smtp-broadcasts.postmarkapp.com.",
        ),
        Preset(
            "mailgun",
            "Mailgun (US)",
            "smtp.mailgun.org",
            587,
            "starttls",
            username_hint="your domain's SMTP login (e.g. postmaster@mg.example.com), not the API key",
            password_hint="that SMTP login's password",
            other_ports=((465, "tls"), (2525, "starttls"), (25, "starttls")),
        ),
        Preset(
            "mailgun-eu",
            "Mailgun (EU)",
            "smtp.eu.mailgun.org",
            587,
            "starttls",
            username_hint="your domain's SMTP login (e.g. postmaster@mg.example.com), not the API key",
            password_hint="that SMTP login's password",
            other_ports=((465, "tls"), (2525, "starttls"), (25, "starttls")),
        ),
        Preset(
            "brevo",
            "Brevo",
            "smtp-relay.brevo.com",
            587,
            "starttls",
            username_hint="your Brevo SMTP login",
            password_hint="an SMTP key (not an API key)",
            other_ports=((465, "tls"), (2525, "starttls")),
        ),
    )
}


def from_preset(
    key: str,
    name: str | None = None,
    *,
    region: str | None = None,
    username: str | None = None,
    security: str | None = None,
    **fields: Any,
) -> Profile:
    """A profile filled from an ESP preset (then validated)."""
    try:
        preset = PRESETS[key]
    except KeyError:
        raise ProfileError(f"unknown preset {key!r}; one of {', '.join(PRESETS)}") from None
    port = fields.pop("port", None)
    security = security or preset.security
    if port is None:
        port = (
            preset.port
            if security == preset.security
            else next((p for p, s in preset.other_ports if s == security), preset.port)
        )
    return Profile(
        name=name or preset.label,
        host=preset.host_for(region),
        port=port,
        security=security,
        username=username if username is not None else preset.username,
        **fields,
    ).validated()


# --- the profile file -------------------------------------------------------------------------


def config_dir() -> Path:
    """The user config folder (``MAILWRIGHT_CONFIG_DIR`` overrides it, e.g. for tests)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("mailwright", appauthor=False))


class ProfileStore:
    """The saved profiles (``profiles.json`` in the config folder), plus the built-in inbox."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else config_dir() / PROFILES_FILE

    def load(self) -> list[Profile]:
        """The saved profiles, in file order. A missing file is no profiles."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return []
        except OSError as e:
            raise ProfileError(f"{self.path}: cannot read the profiles ({e.strerror})") from None
        if size > _MAX_FILE:
            raise ProfileError(f"{self.path}: the profile file is too large ({size} bytes)")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as e:
            raise ProfileError(f"{self.path}: cannot read the profiles ({e})") from None
        except json.JSONDecodeError as e:
            raise ProfileError(f"{self.path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
            raise ProfileError(f'{self.path}: expected {{"format": "{_FORMAT}", "profiles": [...]}}')
        out: list[Profile] = []
        for i, item in enumerate(data["profiles"]):
            try:
                out.append(Profile.from_json(item, f"{self.path}: profiles[{i}]").validated())
            except ProfileError as e:
                raise ProfileError(
                    e.args[0] if str(self.path) in str(e) else f"{self.path}: profiles[{i}]: {e}"
                ) from None
        return out

    def all(self, inbox_port: int | None = None) -> list[Profile]:
        """The built-in "Local test inbox" (when its port is known) followed by the saved ones."""
        saved = self.load()
        return ([local_inbox_profile(inbox_port)] if inbox_port else []) + saved

    def get(self, name: str) -> Profile:
        for profile in self.load():
            if profile.name == name:
                return profile
        for profile in self.load():
            if profile.name.casefold() == name.casefold():
                return profile
        names = ", ".join(repr(p.name) for p in self.load()) or "none saved yet"
        raise ProfileError(f"no SMTP profile named {name!r} (profiles: {names})")

    def _write(self, profiles: list[Profile]) -> None:
        payload = {"format": _FORMAT, "version": 1, "profiles": [_without_secrets(p.to_json()) for p in profiles]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(
                self.path, json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n", backup=False
            )
        except SaveError as e:
            raise ProfileError(str(e)) from None
        except OSError as e:
            raise ProfileError(f"{self.path.parent}: cannot create the settings folder ({e.strerror})") from None

    def save(self, profile: Profile, *, replace_name: str | None = None) -> Profile:
        """Add or replace a profile (by name, or the one named ``replace_name`` when renaming)."""
        profile = profile.validated()
        if profile.name.casefold() == LOCAL_INBOX.casefold():
            raise ProfileError(f"{LOCAL_INBOX!r} is the built-in profile; choose another name")
        profiles = self.load()
        target = (replace_name or profile.name).casefold()
        kept = [p for p in profiles if p.name.casefold() != target]
        if any(p.name.casefold() == profile.name.casefold() for p in kept):
            raise ProfileError(f"a profile named {profile.name!r} already exists")
        index = next((i for i, p in enumerate(profiles) if p.name.casefold() == target), len(kept))
        kept.insert(min(index, len(kept)), profile)
        self._write(kept)
        return profile

    def delete(self, name: str) -> None:
        profiles = self.load()
        kept = [p for p in profiles if p.name != name]
        if len(kept) != len(profiles):
            self._write(kept)


def _without_secrets(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k.lower() not in _SECRET_KEYS}
