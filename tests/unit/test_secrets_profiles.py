"""Secrets, keyring fallback, SMTP profiles and address validation (hardening.md §6-7,
bad-inputs.md rows 24-26, 36, 37)."""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import pickle
import subprocess
import sys
import time
import traceback

import keyring
import pytest
from keyring import errors as kerr
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.compat import properties

from mailwright.app.send.addresses import AddressError, clean_header_text, parse_address, parse_addresses
from mailwright.app.send.profiles import (
    LOCAL_INBOX,
    PRESETS,
    Profile,
    ProfileError,
    ProfileStore,
    from_preset,
    is_loopback,
    local_inbox_profile,
)
from mailwright.app.send.secrets import (
    PasswordStore,
    RedactingFilter,
    Secret,
    install_log_redaction,
    redact,
    register_login,
)

PASSWORD = "Tr0ub4dor&3-unit-secret"


# --- keyring backends for the tests (never picked by keyring's own detection) -----------------


class _TestBackend(KeyringBackend):
    @properties.classproperty
    def priority(cls):  # not viable for auto-detection: only used through set_keyring
        raise RuntimeError("test backend")


class MemoryKeyring(_TestBackend):
    def __init__(self):
        super().__init__()
        self.items = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.items[(service, username)]
        except KeyError:
            raise kerr.PasswordDeleteError("not found") from None


class LockedKeyring(_TestBackend):
    def get_password(self, service, username):
        raise kerr.KeyringLocked("the collection is locked")

    def set_password(self, service, username, password):
        raise kerr.KeyringLocked("the collection is locked")

    def delete_password(self, service, username):
        raise kerr.KeyringLocked("the collection is locked")


class SizeLimitedKeyring(MemoryKeyring):
    def set_password(self, service, username, password):
        if len(password) > 1280:
            raise kerr.PasswordSetError("The stub received bad data")
        super().set_password(service, username, password)


class HangingKeyring(_TestBackend):
    def get_password(self, service, username):
        time.sleep(3)

    def set_password(self, service, username, password):
        time.sleep(3)

    def delete_password(self, service, username):
        time.sleep(3)


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()

    def use(backend):
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILWRIGHT_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


# --- Secret ------------------------------------------------------------------------------------


def test_secret_never_shows_itself():
    s = Secret(PASSWORD)
    assert s.reveal() == PASSWORD
    shown = [repr(s), str(s), f"{s}", f"{s!r}", f"{s:>30}", "%s" % s, "{}".format(s), repr([s]), repr({"p": s})]
    assert all(PASSWORD not in text for text in shown)
    assert repr(s) == "Secret('***')" and str(s) == "***"
    assert s == Secret(PASSWORD) and s != Secret("something-else") and bool(s) and not Secret("")
    with pytest.raises(TypeError):
        pickle.dumps(s)
    with pytest.raises(TypeError):
        copy.deepcopy({"s": s})
    with pytest.raises(TypeError):
        hash(s)


def test_secret_stays_out_of_tracebacks_with_locals():
    def login(password):
        raise RuntimeError("login failed")

    try:
        login(Secret(PASSWORD))
    except RuntimeError as e:
        text = "".join(traceback.TracebackException.from_exception(e, capture_locals=True).format())
    assert "Secret('***')" in text and PASSWORD not in text


def test_redact_auth_lines_base64_and_registered_values():
    register_login("user@example.com", Secret(PASSWORD))
    plain = base64.b64encode(f"\0user@example.com\0{PASSWORD}".encode()).decode()
    assert redact(f"send: 'AUTH PLAIN {plain}\\r\\n'") == "send: 'AUTH PLAIN ***\\r\\n'"
    assert plain not in redact(f"reply: {plain}")
    assert redact(f"the password is {PASSWORD}") == "the password is ***"
    assert redact(base64.b64encode(PASSWORD.encode()).decode()) == "***"
    assert redact("Authorization: Bearer abc.def") == "Authorization: ***"
    assert redact("GET /send?api_key=SG.123456&x=1") == "GET /send?api_key=***&x=1"
    assert redact("250-AUTH PLAIN LOGIN") == "250-AUTH PLAIN ***"  # harmless over-redaction
    assert redact("nothing secret here") == "nothing secret here"


def test_logging_filter_and_record_factory(caplog):
    Secret(PASSWORD)
    logger = logging.getLogger("mailwright.test.redaction")
    handler_records = []

    class Collect(logging.Handler):
        def emit(self, record):
            handler_records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("pw=%s", PASSWORD)
        assert handler_records == ["pw=***"]
        install_log_redaction()
        install_log_redaction()  # idempotent
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger=logger.name)  # whatever an earlier CLI run set on "mailwright"
        logger.debug("login with %s", PASSWORD)
        try:
            raise ValueError(f"bad {PASSWORD}")
        except ValueError:
            logger.exception("failed")
        assert PASSWORD not in caplog.text and "login with ***" in caplog.text
    finally:
        logger.removeHandler(handler)


# --- keyring -------------------------------------------------------------------------------------


def test_keyring_round_trip_one_entry_per_profile(use_keyring):
    backend = use_keyring(MemoryKeyring())
    store = PasswordStore()
    assert store.set("Marketing", Secret(PASSWORD)).in_keyring
    assert backend.items == {("mailwright", "Marketing"): PASSWORD}
    assert store.get("Marketing") == Secret(PASSWORD) and store.get("Other") is None
    store.rename("Marketing", "Newsletters")
    assert set(backend.items) == {("mailwright", "Newsletters")}
    store.delete("Newsletters")
    store.delete("Newsletters")  # a missing entry is fine
    assert backend.items == {} and store.available and store.notice is None
    assert store.backend_name().endswith("MemoryKeyring")


def test_no_keyring_falls_back_to_memory_with_a_message(use_keyring):
    use_keyring(fail.Keyring())
    store = PasswordStore()
    outcome = store.set("Transactional", Secret(PASSWORD))
    assert not outcome.in_keyring
    assert outcome.message == ("No system keyring is available here, so the password is kept in memory until you quit.")
    assert store.notice == outcome.message and not store.available
    assert store.get("Transactional") == Secret(PASSWORD)
    assert PasswordStore().get("Transactional") is None  # a new run has forgotten it


def test_locked_and_size_limited_keyrings(use_keyring):
    use_keyring(LockedKeyring())
    store = PasswordStore()
    assert store.get("x") is None and "locked" in store.notice and "in memory" in store.notice
    use_keyring(SizeLimitedKeyring())
    store = PasswordStore()
    outcome = store.set("big", Secret("k" * 3000))
    assert not outcome.in_keyring and "1,280 characters" in outcome.message
    assert store.get("big").reveal() == "k" * 3000


def test_a_hanging_keyring_times_out(use_keyring):
    use_keyring(HangingKeyring())
    store = PasswordStore(timeout=0.3)
    start = time.monotonic()
    assert store.get("x") is None
    assert time.monotonic() - start < 1.5
    assert "did not answer within 0.3 s" in store.notice
    start = time.monotonic()
    assert not store.set("x", Secret(PASSWORD)).in_keyring  # not asked again this run
    assert time.monotonic() - start < 0.2


def test_keyring_unavailable_in_a_fresh_process(tmp_path):
    code = (
        "from mailwright.app.send.secrets import PasswordStore, Secret\n"
        "s = PasswordStore()\n"
        "o = s.set('p', Secret('a-long-password'))\n"
        "print(o.in_keyring, o.message)\n"
        "print(s.get('p'))\n"
    )
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "False No system keyring is available here, so the password is kept in memory until you quit.",
        "***",
    ]


# --- profiles ----------------------------------------------------------------------------------


def test_security_none_only_for_loopback_and_never_with_login():
    for host in ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"):
        assert is_loopback(host)
        Profile(name="sink", host=host, port=25, security="none").validated()
    for host in ("smtp.example.com", "10.0.0.1", "0.0.0.0", "localhost.example.com"):
        assert not is_loopback(host)
        with pytest.raises(ProfileError, match="only allowed for a server on this computer"):
            Profile(name="p", host=host, port=25, security="none").validated()
    with pytest.raises(ProfileError, match="never sent without encryption"):
        Profile(name="p", host="127.0.0.1", port=25, security="none", username="me").validated()
    for bad, match in (
        (dict(port=0), "port"),
        (dict(port=70000), "port"),
        (dict(security="ssl"), "security"),
        (dict(host="smtp example.com"), "not a valid host"),
        (dict(name=""), "needs a name"),
        (dict(username="a\r\nb"), "line break"),
        (dict(from_addr="nobody"), "no @"),
        (dict(unsubscribe_url="http://x.test/u"), "https"),
        (dict(unsubscribe_url="https://x.test/u>\r\nBcc: x"), "spaces"),
    ):
        with pytest.raises(ProfileError, match=match):
            Profile(**{**dict(name="p", host="smtp.example.com", port=587), **bad}).validated()


def test_presets_match_the_relays():
    assert set(PRESETS) == {"mailjet", "ses", "sendgrid", "postmark", "mailgun", "mailgun-eu", "brevo"}
    mj = from_preset("mailjet", username="PUBLICKEY")
    assert (mj.host, mj.port, mj.security) == ("in-v3.mailjet.com", 587, "starttls")
    ses = from_preset("ses", "SES Ireland", region="eu-west-1", username="AKIA-SMTP")
    assert ses.host == "email-smtp.eu-west-1.amazonaws.com" and (ses.port, ses.security) == (587, "starttls")
    assert from_preset("ses", region="us-east-1", username="u", security="tls").port == 465
    with pytest.raises(ProfileError, match="not an AWS region"):
        from_preset("ses", region="mars-1; rm")
    sg = from_preset("sendgrid")
    assert (sg.host, sg.port, sg.username) == ("smtp.sendgrid.net", 587, "apikey")
    assert "same Server API token" in PRESETS["postmark"].password_hint
    assert from_preset("postmark", username="tok").host == "smtp.postmarkapp.com"
    assert from_preset("mailgun", username="postmaster@mg.example.com").host == "smtp.mailgun.org"
    assert from_preset("mailgun-eu", username="postmaster@mg.example.com").host == "smtp.eu.mailgun.org"
    assert "not the API key" in PRESETS["mailgun"].username_hint
    brevo = from_preset("brevo", username="me@example.com")
    assert (brevo.host, brevo.port) == ("smtp-relay.brevo.com", 587) and "SMTP key" in PRESETS["brevo"].password_hint
    assert all(p.security != "none" for p in PRESETS.values())


def test_profile_file_round_trip_holds_no_secret(config, use_keyring):
    backend = use_keyring(MemoryKeyring())
    store = ProfileStore()
    assert store.path == config / "profiles.json" and store.load() == []
    marketing = from_preset(
        "sendgrid", "Marketing", from_addr="Tally <news@tally.example>", unsubscribe_url="https://tally.example/u"
    )
    store.save(marketing)
    store.save(from_preset("postmark", "Transactional", username="server-token"))
    PasswordStore().set("Marketing", Secret(PASSWORD))
    text = store.path.read_text(encoding="utf-8")
    assert PASSWORD not in text and "password" not in text.lower()
    assert json.loads(text)["profiles"][0]["username"] == "apikey"
    assert backend.items[("mailwright", "Marketing")] == PASSWORD
    assert [p.name for p in store.load()] == ["Marketing", "Transactional"]
    assert store.get("marketing") == marketing
    with pytest.raises(ProfileError, match="no SMTP profile named 'Nope'"):
        store.get("Nope")
    renamed = Profile(**{**marketing.to_json(), "name": "Newsletters", "port": 465, "security": "tls"})
    store.save(renamed, replace_name="Marketing")
    assert [p.name for p in store.load()] == ["Newsletters", "Transactional"]
    with pytest.raises(ProfileError, match="already exists"):
        store.save(Profile(**{**renamed.to_json(), "name": "Transactional"}), replace_name="Newsletters")
    with pytest.raises(ProfileError, match="built-in"):
        store.save(Profile(name=LOCAL_INBOX, host="127.0.0.1", port=2525, security="none"))
    store.delete("Newsletters")
    assert [p.name for p in store.load()] == ["Transactional"]
    assert [p.name for p in store.all(inbox_port=2525)] == [LOCAL_INBOX, "Transactional"]
    assert list(config.glob("*.tmp*")) == []


def test_bad_profile_file_gives_a_message(config):
    config.mkdir()
    (config / "profiles.json").write_text('{"profiles": [ {"name": 1} ', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"profiles.json:1:\d+: not valid JSON"):
        ProfileStore().load()
    (config / "profiles.json").write_text(
        json.dumps({"profiles": [{"name": "x", "host": "smtp.example.com", "port": 25, "security": "none"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"profiles\[0\].*only allowed for a server on this computer"):
        ProfileStore().load()


def test_local_inbox_profile():
    p = local_inbox_profile(2525)
    assert (p.name, p.host, p.port, p.security, p.username) == (LOCAL_INBOX, "127.0.0.1", 2525, "none", "")
    assert p.validated() == p and p.builtin


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a..b@x.com", "two periods in a row"),
        ("a b@x.com", "SPACE"),
        ("nobody.example.com", "no @"),
        ("zo\u200be@example.com", "invisible character (ZERO WIDTH SPACE)"),
        ("bob@example.com\r\nBcc: eve@evil.test", "line break"),
        ("bob@example.com\0", "line break"),
        ("\u202eeve@example.com", "text-direction control"),
        ("user@[1.2.3.4]", "bracketed IP"),
        ("user@localhost", "only reaches this computer"),
        ("Bob <b@example.com>, Eve <e@evil.test>", "comma"),
        ("Bob Smith, Jr. <bob@example.com>", "comma"),
        ("<>", "no address"),
        ("", "empty"),
        ("@example.com", "nothing before the @"),
    ],
)
def test_bad_addresses_have_a_reason(text, reason):
    with pytest.raises(AddressError) as info:
        parse_address(text)
    assert reason in str(info.value)


def test_good_addresses():
    zoe = parse_address("Zoë Martin <zoe@example.com>")
    assert (zoe.display_name, zoe.addr_spec) == ("Zoë Martin", "zoe@example.com")
    assert parse_address('"Smith, Jr." <bob@example.com>').display_name == "Smith, Jr."
    assert parse_address("user@bücher.example").addr_spec == "user@xn--bcher-kva.example"
    assert parse_address("用户@例子.广告").username == "用户"
    assert parse_address("Tester <me@localhost>", allow_localhost=True).addr_spec == "me@localhost"
    good, bad = parse_addresses(["a@example.com", "A@EXAMPLE.com", "x y@z.com", "b@example.com"])
    assert [a.addr_spec for a in good] == ["a@example.com", "b@example.com"]
    assert len(bad) == 1 and bad[0].address == "x y@z.com"


def test_clean_header_text():
    assert clean_header_text("Bob\r\nBcc: eve@evil.test") == "Bob Bcc: eve@evil.test"
    assert clean_header_text("a\0b\u202ec\u2066d\u2069 \u2028e") == "abcd e"
    assert clean_header_text("Zoë 🎉 שלום") == "Zoë 🎉 שלום"
