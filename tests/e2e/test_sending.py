"""Test sends against real SMTP servers on loopback (aiosmtpd and raw sockets), no mocks.

DESIGN.md §7, hardening.md §7, bad-inputs.md rows 24-30 and 37.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import ipaddress
import json
import shutil
import logging
import os
import queue
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as AioSMTP
from aiosmtpd.smtp import AuthResult

from mailwright.app.send.inbox import Inbox, InboxError, free_port
from mailwright.app.build.personalise import CompiledEmail, PersonalEmail
from mailwright.app.build.pipeline import build_file
from mailwright.app.send.profiles import Profile, local_inbox_profile
from mailwright.app.recipients import load_recipients
from mailwright.app.send.secrets import Secret, install_log_redaction
from mailwright.app.send.sending import build_message, send_messages
from mailwright.app.send.sending import test_connection as check_connection

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "mailwright")
WELCOME = ROOT / "examples" / "welcome.mwt"
RECIPIENTS = ROOT / "examples" / "recipients.csv"
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PASSWORD = "Hunter2-correct-horse-🐎"
USER = "mailer@example.com"


# --- servers ------------------------------------------------------------------------------------


class Sink:
    """An aiosmtpd server that records envelopes, raw messages and every command it was sent."""

    def __init__(
        self,
        *,
        rcpt_codes: dict[str, str] | None = None,
        data_reply: str | None = None,
        busy_for: dict[str, int] | None = None,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        auth_ok: bool | None = None,
        auth_require_tls: bool = True,
        smtputf8: bool = True,
    ) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.commands: list[str] = []
        self.peers: list[tuple] = []
        self.logins: list[tuple[bytes, bytes]] = []
        self.rcpt_codes = rcpt_codes or {}
        self.busy_for = dict(busy_for or {})  # address prefix -> how many RCPTs get a 451 first
        self.data_reply = data_reply
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                for prefix, left in sink.busy_for.items():
                    if address.startswith(prefix) and left > 0:
                        sink.busy_for[prefix] = left - 1
                        return "451 4.7.1 Rate limited, try again shortly"
                for prefix, reply in sink.rcpt_codes.items():
                    if address.startswith(prefix):
                        return reply
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if sink.data_reply:
                    return sink.data_reply
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                sink.peers.append(session.peer)
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            sink.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=True) if auth_ok else AuthResult(success=False, handled=False)

        kwargs = dict(hostname="127.0.0.1", port=free_port(), server_hostname="localhost", enable_SMTPUTF8=smtputf8)
        if tls_context is not None:
            kwargs["tls_context"] = tls_context
        if implicit_tls is not None:
            kwargs["ssl_context"] = implicit_tls
        if auth_ok is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=auth_require_tls)

        class Recording(Controller):
            def factory(self):
                server = AioSMTP(self.handler, **self.SMTP_kwargs)
                for name, method in list(server._smtp_methods.items()):
                    server._smtp_methods[name] = sink._recorder(name, method)
                return server

            def _trigger_server(self):  # the self-test cannot speak implicit TLS without a trusted CA
                if implicit_tls is None:
                    return super()._trigger_server()
                ctx = ssl.create_default_context()
                ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
                with socket.create_connection((self.hostname, self.port), 1.0) as raw:
                    with ctx.wrap_socket(raw) as s:
                        s.recv(1024)

        self.controller = Recording(Handler(), **kwargs)
        self.port = kwargs["port"]

    def _recorder(self, name, method):
        async def record(arg):
            self.commands.append(name)
            return await method(arg)

        return record

    def __enter__(self) -> "Sink":
        self.controller.start()
        self.commands.clear()  # the controller's own self-test
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def profile(self, security: str = "none", username: str = "") -> Profile:
        return Profile(name="test", host="127.0.0.1", port=self.port, security=security, username=username)


class RawServer:
    """A raw-socket SMTP server scripted for one failure: silent, or dropping mid-DATA."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "RawServer":
        if self.mode != "silent":  # silent: connections wait in the backlog, nothing is ever sent
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            f = conn.makefile("rb")
            conn.sendall(b"220 raw.test ESMTP\r\n")
            for line in f:
                self.commands.append(line.strip())
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-raw.test\r\n250 8BITMIME\r\n")
                elif verb in (b"MAIL", b"RCPT"):
                    conn.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    f.readline()  # a little of the message, then drop
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                else:
                    conn.sendall(b"250 OK\r\n")


def make_certs(folder: Path) -> dict[str, Path]:
    """A test CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mailwright Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


def server_context(certs) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certs["cert"], certs["key"])
    return ctx


def trusting(certs) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.load_verify_locations(cafile=certs["ca"])
    return ctx


@pytest.fixture(scope="module")
def welcome():
    return CompiledEmail(build_file(WELCOME))


@pytest.fixture(scope="module")
def zoe(welcome) -> PersonalEmail:
    return welcome.render(load_recipients(RECIPIENTS).row(1))


@pytest.fixture
def subprocess_env(tmp_path):
    env = dict(
        os.environ,
        PYTHONIOENCODING="utf-8",
        MAILWRIGHT_DATA_DIR=str(tmp_path / "data"),
        MAILWRIGHT_CONFIG_DIR=str(tmp_path / "config"),
    )
    env.pop("MAILWRIGHT_SMTP_PASSWORD", None)
    return env


def simple(zoe, **kw):
    return build_message(zoe, from_addr="Tally <hello@tally.example>", to=kw.pop("to", "you@example.com"), **kw)


# --- the message ------------------------------------------------------------------------------


def test_personalised_multipart_message_with_cid_image_arrives(tmp_path):
    """welcome.mwt + recipients.csv row 1, with a logo from the document's assets folder."""
    doc = json.loads(WELCOME.read_text(encoding="utf-8"))
    logo = doc["rows"][0]["columns"][0]["blocks"][0]
    other_src = doc["rows"][1]["columns"][0]["blocks"][0]["props"]["src"]
    logo["props"]["src"] = "assets/logo.png"
    src = tmp_path / "welcome.mwt"
    src.write_text(json.dumps(doc), encoding="utf-8")
    shutil.copytree(WELCOME.parent / "assets", tmp_path / "assets")  # the starter's own pictures
    (tmp_path / "assets" / "logo.png").write_bytes(PNG)
    personal = CompiledEmail(build_file(src)).render(load_recipients(RECIPIENTS).row(1))
    msg = build_message(
        personal,
        from_addr="Tally <hello@tally.example>",
        to="Zoë Martin <zoe.martin@example.com>",
        reply_to="support@tally.example",
        list_unsubscribe_url="https://tally.example/u/abc",
        folder=tmp_path,
    )
    assert msg.warnings == []
    with Inbox(tmp_path / "store") as inbox:
        report = send_messages(msg, local_inbox_profile(inbox.port), timeout=5)
        assert report.ok, report
        [item] = inbox.list_messages()
        got = inbox.read(item.id)
    assert item.rcpt_tos == ("zoe.martin@example.com",) and item.mail_from == "hello@tally.example"
    assert got["Subject"] == "[TEST] Welcome to Tally, Zoë — let's get you set up" == item.subject
    assert got["To"].addresses[0].display_name == "Zoë Martin"
    assert str(got["From"]) == "Tally <hello@tally.example>" and str(got["Reply-To"]) == "support@tally.example"
    assert got["Message-ID"].endswith("@tally.example>") and got["Date"].datetime is not None
    assert got["List-Unsubscribe"] == "<https://tally.example/u/abc>"
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # multipart/alternative[text/plain, multipart/related[text/html, image/png]]
    assert got.get_content_type() == "multipart/alternative"
    text_part, related = got.get_payload()
    assert text_part.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()  # the logo and the starter's own local pictures
    image = next(i for i in images if i.get_content() == PNG)
    assert html_part.get_content_type() == "text/html" and image.get_content_type() == "image/png"
    text, html = text_part.get_content(), html_part.get_content()
    assert "Hi Zoë, welcome to Tally\n========================\n" in text
    assert "<<" not in text and "<" not in text.split("\n")[0]
    assert "Hi Zoë, welcome to Tally" in html
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html and "assets/logo.png" not in html
    assert image.get_content() == PNG and image.get_content_disposition() == "inline"
    # every local picture travels as a part of its own, named from the HTML by its cid
    assert len(images) == html.count('src="cid:') and other_src not in html


def test_several_recipients_and_messages_share_one_connection(zoe, welcome):
    rows = load_recipients(RECIPIENTS)
    messages = [
        build_message(
            welcome.render(rows.row(n)), from_addr="hello@tally.example", to=["a@example.com", "B <b@example.com>"]
        )
        for n in (1, 2, 3)
    ]
    seen = []
    with Sink() as sink:
        report = send_messages(
            messages,
            sink.profile(),
            timeout=5,
            progress=lambda done, total, results: seen.append((done, total, len(results))),
        )
    assert report.ok and len(report.results) == 6
    assert [m[1] for m in sink.messages] == [["a@example.com", "b@example.com"]] * 3
    assert len(set(sink.peers)) == 1, "one connection for all messages"
    assert sink.commands.count("EHLO") == 1 and "AUTH" not in sink.commands
    assert seen == [(1, 3, 2), (2, 3, 2), (3, 3, 2)]
    subjects = [email.message_from_bytes(m[2], policy=email.policy.default)["Subject"] for m in sink.messages]
    assert subjects[1] == "[TEST] Welcome to Tally, José — let's get you set up"


def test_header_injection_from_csv_adds_no_recipient_or_header(tmp_path, welcome):
    data = tmp_path / "evil.csv"
    data.write_bytes(b'email,firstname\r\nbob@example.com,"Bob\r\nBcc: eve@evil.test"\r\n')
    row = load_recipients(data).row(1)
    personal = welcome.render(row)
    msg = build_message(
        personal, from_addr="hello@tally.example", to=[(row["firstname"], row["email"])]
    )  # display name straight from the data
    with Sink() as sink:
        assert send_messages(msg, sink.profile(), timeout=5).ok
    [(mail_from, rcpts, raw)] = sink.messages
    assert rcpts == ["bob@example.com"]
    got = email.message_from_bytes(raw, policy=email.policy.default)
    assert got.get_all("Bcc") is None
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc:") for line in headers.split(b"\r\n"))
    assert [a.addr_spec for a in got["To"].addresses] == ["bob@example.com"]
    assert got["To"].addresses[0].display_name == "Bob Bcc: eve@evil.test"
    assert "\n" not in got["Subject"] and "\r" not in got["Subject"]
    assert got["Subject"].startswith("[TEST] Welcome to Tally, Bob")  # the merged text, on one line


def test_bidi_and_emoji_subject_round_trips(zoe):
    personal = replace(zoe, subject="\u202eevil\u202c 🎉 שלום\r\nX-Injected: 1")
    msg = simple(personal)
    got = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert got["Subject"] == "[TEST] evil 🎉 שלום X-Injected: 1"
    assert got["X-Injected"] is None
    assert b"=?utf-8?" in msg.as_bytes().split(b"\n\n")[0]


def test_gmail_clipping_and_missing_assets_are_warned(zoe, tmp_path):
    (tmp_path / "assets").mkdir()
    big = replace(
        zoe, html=zoe.html + "<!--" + "x" * 110_000 + "-->" + '<img src="assets/nothere.png"><img src="../secret.png">'
    )
    msg = simple(big, folder=tmp_path)
    with Sink() as sink:
        report = send_messages(msg, sink.profile(), timeout=5)
    assert report.ok
    text = " | ".join(report.warnings)
    assert "Gmail clips messages over 102 KB" in text
    assert "'assets/nothere.png' was not found" in text and "'../secret.png' is outside the document's folder" in text


# --- the test inbox ---------------------------------------------------------------------------


def test_inbox_stores_lists_reads_deletes_and_caps(tmp_path, zoe):
    store = tmp_path / "inbox"
    arrived = []
    with Inbox(store, max_messages=3, on_message=arrived.append) as inbox:
        assert (store / ".inbox-server.json").exists()
        messages = [simple(replace(zoe, subject=f"Message {n}"), to=f"n{n}@example.com") for n in range(5)]
        assert send_messages(messages, local_inbox_profile(inbox.port), timeout=5).ok
        listed = inbox.list_messages()
        assert [m.subject for m in listed] == ["[TEST] Message 4", "[TEST] Message 3", "[TEST] Message 2"]
        assert [m.subject for m in arrived] == [f"[TEST] Message {n}" for n in range(5)]
        assert len(list(store.glob("*.eml"))) == 3 and listed[0].path.read_bytes() == inbox.raw(listed[0].id)
        assert listed[0].rcpt_tos == ("n4@example.com",) and listed[0].received_at.tzinfo is not None
        assert inbox.read(listed[1].id)["To"] == "n3@example.com"
        inbox.delete(listed[1].id)
        assert [m.subject for m in inbox.list_messages()] == ["[TEST] Message 4", "[TEST] Message 2"]
        with pytest.raises(InboxError):
            inbox.read(listed[1].id)
        with pytest.raises(InboxError):
            inbox.read("../../etc/passwd")
        inbox.clear()
        assert inbox.list_messages() == [] and list(store.glob("*.eml")) == []
    assert not (store / ".inbox-server.json").exists()
    # A new inbox on the same store lists what an earlier one kept.
    with Inbox(store) as inbox:
        simple_msg = simple(zoe)
        assert send_messages(simple_msg, local_inbox_profile(inbox.port), timeout=5).ok
    assert len(Inbox(store).list_messages()) == 1


def test_inbox_listens_on_loopback_only():
    with pytest.raises(InboxError, match="only listens on this computer"):
        Inbox(host="0.0.0.0")
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        start = time.monotonic()
        with pytest.raises(InboxError, match="cannot listen on 127.0.0.1"):
            Inbox(port=taken.getsockname()[1]).start()
        assert time.monotonic() - start < 1
    finally:
        taken.close()


# --- TLS, STARTTLS, login ---------------------------------------------------------------------


def test_starttls_with_untrusted_certificate_is_refused_before_login(certs, zoe):
    with Sink(tls_context=server_context(certs), auth_ok=True) as sink:
        profile = sink.profile("starttls", USER)
        report = send_messages(simple(zoe), profile, Secret(PASSWORD), timeout=5)
        assert not report.ok
        assert "could not be verified" in report.error and "--cafile" in report.error
        assert report.failures[0].status == "not sent"
        assert "AUTH" not in sink.commands and "MAIL" not in sink.commands and sink.logins == []
        # Trusting the test CA: encrypted, logged in, delivered.
        report = send_messages(simple(zoe), profile, Secret(PASSWORD), timeout=5, ssl_context=trusting(certs))
        assert report.ok, report
        assert sink.commands[:3] == ["EHLO", "STARTTLS", "EHLO"] and "AUTH" in sink.commands
        assert sink.logins == [(USER.encode(), PASSWORD.encode())]
        steps = check_connection(profile, Secret(PASSWORD), timeout=5, ssl_context=trusting(certs))
        assert [(s.name, s.ok) for s in steps] == [("connect", True), ("tls", True), ("login", True)]
        assert "Encrypted (TLSv1" in steps[1].message


def test_implicit_tls_verifies_the_certificate(certs, zoe):
    with Sink(implicit_tls=server_context(certs)) as sink:
        profile = sink.profile("tls")
        report = send_messages(simple(zoe), profile, timeout=5)
        assert not report.ok and "could not be verified" in report.error
        assert sink.messages == []
        assert send_messages(simple(zoe), profile, timeout=5, ssl_context=trusting(certs)).ok
        assert len(sink.messages) == 1


def test_missing_starttls_is_refused_before_any_auth(zoe):
    # A server that hides STARTTLS and would happily take AUTH in clear text (a stripping MITM).
    with Sink(auth_ok=True, auth_require_tls=False) as sink:
        report = send_messages(simple(zoe), sink.profile("starttls", USER), Secret(PASSWORD), timeout=5)
        assert not report.ok
        assert "does not offer STARTTLS" in report.error and "no password left this computer" in report.error
        assert sink.commands == ["EHLO", "QUIT"] and sink.logins == []
        steps = check_connection(sink.profile("starttls", USER), Secret(PASSWORD), timeout=5)
        assert [(s.name, s.ok) for s in steps] == [("connect", True), ("tls", False)]


def test_login_refused_535(certs, zoe):
    with Sink(tls_context=server_context(certs), auth_ok=False) as sink:
        profile = sink.profile("starttls", USER)
        report = send_messages(simple(zoe), profile, Secret("not-the-password"), timeout=5, ssl_context=trusting(certs))
        assert not report.ok and report.error.startswith("login refused") and "535" in report.error
        assert sink.messages == [] and "MAIL" not in sink.commands
        steps = check_connection(profile, Secret("not-the-password"), timeout=5, ssl_context=trusting(certs))
        assert steps[-1].name == "login" and not steps[-1].ok and "Login refused" in steps[-1].message


def test_no_password_in_logs_or_output(certs, zoe, caplog, capsys):
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    secret = Secret(PASSWORD)
    with Sink(tls_context=server_context(certs), auth_ok=True) as sink:
        profile = sink.profile("starttls", USER)
        report = send_messages(simple(zoe), profile, secret, timeout=5, ssl_context=trusting(certs))
        steps = check_connection(profile, secret, timeout=5, ssl_context=trusting(certs))
        # Even a careless log line of ours or a library's is redacted.
        logging.getLogger("careless").debug("logging in with %s / %s", USER, PASSWORD)
        plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
        logging.getLogger("careless").debug("send: 'AUTH PLAIN %s\\r\\n'", plain)
        print(report, steps, secret, repr(secret), f"{secret}")
    assert report.ok and sink.logins
    out = capsys.readouterr()
    everything = "\n".join(
        [caplog.text, out.out, out.err, repr(report), repr(steps)] + [r.getMessage() for r in caplog.records]
    )
    assert "logging in with mailer@example.com / ***" in everything
    for forbidden in (
        PASSWORD,
        base64.b64encode(PASSWORD.encode()).decode(),
        plain,
        base64.b64encode(f"{USER}\0{USER}\0{PASSWORD}".encode()).decode(),
    ):
        assert forbidden not in everything


# --- failures: timeouts, drops, refusals -----------------------------------------------------


def test_silent_server_times_out(zoe):
    with RawServer("silent") as server:
        profile = Profile(name="t", host="127.0.0.1", port=server.port, security="none")
        start = time.monotonic()
        report = send_messages(simple(zoe), profile, timeout=1, deadline=10)
        elapsed = time.monotonic() - start
    assert 0.8 < elapsed < 2.5
    assert not report.ok and "no answer from 127.0.0.1" in report.error and "within 1 s" in report.error


def test_deadline_and_cancel_stop_a_stalled_send(zoe):
    with RawServer("silent") as server:
        profile = Profile(name="t", host="127.0.0.1", port=server.port, security="none")
        start = time.monotonic()
        report = send_messages(simple(zoe), profile, timeout=30, deadline=0.5)
        assert time.monotonic() - start < 1.5 and "time limit" in report.error
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        start = time.monotonic()
        report = send_messages(simple(zoe), profile, timeout=30, cancel=cancel)
        assert time.monotonic() - start < 1.5 and report.cancelled and report.error == "cancelled"


def test_drop_mid_data_is_unknown_and_not_retried(zoe):
    with RawServer("drop-in-data") as server:
        profile = Profile(name="t", host="127.0.0.1", port=server.port, security="none")
        report = send_messages(simple(zoe), profile, timeout=3)
        server.thread.join(2)
    [result] = report.results
    assert not report.ok and result.status == "unknown"
    assert "may have been delivered" in result.message and "not retried" in result.message
    assert [c.upper() for c in server.commands].count(b"DATA") == 1


def test_a_recipient_refused_for_now_is_retried_and_the_others_get_one_copy(zoe):
    with Sink(busy_for={"busy@": 1}) as sink:
        msg = simple(zoe, to=["ok@example.com", "busy@example.com"])
        report = send_messages(msg, sink.profile(), timeout=5, retry_delays=(0.05, 0.05))
        assert [m[1] for m in sink.messages] == [["ok@example.com"], ["busy@example.com"]]
    assert report.ok and [r.address for r in report.results] == ["ok@example.com", "busy@example.com"]
    busy = report.results[1]
    assert busy.status == "sent" and "accepted after 1 retry" in busy.message and "451" in busy.message


def test_a_recipient_still_refused_after_the_retries_is_temporary(zoe):
    with Sink(busy_for={"busy@": 10}) as sink:
        report = send_messages(simple(zoe, to="busy@example.com"), sink.profile(), timeout=5, retry_delays=(0.05, 0.05))
        assert sink.messages == [] and sink.busy_for["busy@"] == 7  # three tries
    [result] = report.results
    assert result.status == "temporary" and "try later" in result.message and "tried 3 times" in result.message


def test_cancelling_during_a_retry_wait_keeps_the_answers(zoe):
    cancel = threading.Event()
    with Sink(busy_for={"busy@": 10}) as sink:
        threading.Timer(0.3, cancel.set).start()
        start = time.monotonic()
        report = send_messages(
            [simple(zoe, to=["ok@example.com", "busy@example.com"]), simple(zoe, to="later@example.com")],
            sink.profile(),
            timeout=5,
            cancel=cancel,
            retry_delays=(30.0,),
        )
        assert time.monotonic() - start < 5
    by = {r.address: r for r in report.results}
    assert by["ok@example.com"].ok
    assert by["busy@example.com"].status == "temporary"
    assert by["later@example.com"].status == "not sent" and report.cancelled


def test_refused_recipients_are_reported_one_by_one(zoe):
    codes = {"busy@": "450 4.2.1 Mailbox busy", "nouser@": "550 5.1.1 No such user"}
    with Sink(rcpt_codes=codes) as sink:
        msg = simple(zoe, to=["ok@example.com", "busy@example.com", "nouser@example.com"])
        report = send_messages(msg, sink.profile(), timeout=5, retry_delays=())
        assert sink.messages[0][1] == ["ok@example.com"]
        by = {r.address: r for r in report.results}
        assert not report.ok and report.error is None
        assert by["ok@example.com"].ok and by["ok@example.com"].status == "sent"
        assert by["busy@example.com"].status == "temporary" and by["busy@example.com"].code == 450
        assert "try later" in by["busy@example.com"].message
        assert by["nouser@example.com"].status == "refused" and "mailbox rejected" in by["nouser@example.com"].message
        assert "No such user" in by["nouser@example.com"].message
        # Every recipient refused: the connection stays usable for the next message.
        report = send_messages(
            [simple(zoe, to="nouser@example.com"), simple(zoe, to="ok2@example.com")], sink.profile(), timeout=5
        )
        assert [r.ok for r in report.results] == [False, True] and len(sink.peers) == 2


def test_message_refused_at_data(zoe):
    with Sink(data_reply="552 5.3.4 Message too big for system") as sink:
        report = send_messages(simple(zoe), sink.profile(), timeout=5)
    [result] = report.results
    assert result.code == 552 and "message too large" in result.message and result.status == "refused"


def test_security_none_is_only_for_this_computer(zoe):
    report = send_messages(simple(zoe), Profile(name="x", host="smtp.example.com", port=25, security="none"))
    assert not report.ok and "only allowed for a server on this computer" in report.error
    with Sink() as sink:  # @localhost is fine for a server on this computer (the test inbox)
        msg = build_message(zoe, from_addr="hello@tally.example", to=["a@localhost"])
        assert send_messages(msg, sink.profile(), timeout=5).ok


def test_non_ascii_address_needs_smtputf8(zoe):
    msg = simple(zoe, to="用户@例子.广告")
    with Sink(smtputf8=False) as sink:
        report = send_messages(msg, sink.profile(), timeout=5)
        assert not report.ok and "SMTPUTF8" in report.results[0].message and sink.messages == []
    with Sink() as sink:
        assert send_messages(msg, sink.profile(), timeout=5).ok
        assert sink.messages[0][1] == ["用户@xn--fsqu00a.xn--4rr70v"]  # the IDN domain in ASCII


# --- command line -----------------------------------------------------------------------------


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60, env=env)


def test_cli_send_to_local_server(tmp_path, subprocess_env):
    with Inbox(tmp_path / "store") as inbox:
        r = run_cli(
            "send",
            "examples/welcome.mwt",
            "--to",
            "you@example.com",
            "--smtp",
            f"127.0.0.1:{inbox.port}",
            "--security",
            "none",
            "--data",
            "examples/recipients.csv",
            "--row",
            "1",
            env=subprocess_env,
        )
        assert r.returncode == 0, r.stderr
        [item] = inbox.list_messages()
        assert item.subject == "[TEST] Welcome to Tally, Zoë — let's get you set up"
        assert item.rcpt_tos == ("you@example.com",)
        body = inbox.read(item.id).get_body(("plain",)).get_content()
        assert "Hi Zoë, welcome to Tally" in body
        assert "you@example.com" in r.stdout and "[TEST]" in r.stdout
        # The built-in profile finds a running inbox on the default store.
        with Inbox(Path(subprocess_env["MAILWRIGHT_DATA_DIR"]) / "inbox") as default_inbox:
            r = run_cli(
                "send",
                "examples/welcome.mwt",
                "--to",
                "Zoë <zoe@localhost>",
                "--profile",
                "Local test inbox",
                "--subject-prefix",
                "[PROOF] ",
                env=subprocess_env,
            )
            assert r.returncode == 0, r.stderr
            assert default_inbox.list_messages()[0].subject.startswith("[PROOF] Welcome to Tally")


def test_cli_send_failures_and_bad_input(tmp_path, subprocess_env):
    with Sink(rcpt_codes={"nouser@": "550 5.1.1 No such user"}) as sink:
        r = run_cli(
            "send",
            "examples/welcome.mwt",
            "--to",
            "ok@example.com",
            "--to",
            "nouser@example.com",
            "--smtp",
            f"127.0.0.1:{sink.port}",
            "--security",
            "none",
            env=subprocess_env,
        )
        assert r.returncode == 1
        assert r.stderr.strip().splitlines() == [
            "mailwright: nouser@example.com: mailbox rejected (it does not exist, or sending to it is not "
            "allowed) [550 5.1.1 No such user]"
        ]
        assert sink.messages[0][1] == ["ok@example.com"]
    bad = run_cli(
        "send",
        "examples/welcome.mwt",
        "--to",
        "Bob <b@example.com>, Eve <e@evil.test>",
        "--to",
        "a..b@example.com",
        "--smtp",
        "127.0.0.1:25",
        "--security",
        "none",
        env=subprocess_env,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "comma" in bad.stderr and "two periods in a row" in bad.stderr
    r = run_cli(
        "send",
        "examples/welcome.mwt",
        "--to",
        "a@example.com",
        "--smtp",
        "smtp.example.com:587",
        "--user",
        "me",
        "--from",
        "me@example.com",
        env=subprocess_env,
    )
    assert r.returncode == 2 and "MAILWRIGHT_SMTP_PASSWORD" in r.stderr
    r = run_cli(
        "send", "examples/welcome.mwt", "--to", "a@example.com", "--profile", "Local test inbox", env=subprocess_env
    )
    assert r.returncode == 2 and "not running" in r.stderr
    # A saved profile with a login, no password in the environment and no keyring: a clear message.
    from mailwright.app.send.profiles import ProfileStore, from_preset

    ProfileStore(Path(subprocess_env["MAILWRIGHT_CONFIG_DIR"]) / "profiles.json").save(
        from_preset("sendgrid", "Marketing", from_addr="news@tally.example")
    )
    env = dict(subprocess_env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    r = run_cli("send", "examples/welcome.mwt", "--to", "a@example.com", "--profile", "Marketing", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no password for profile 'Marketing'" in r.stderr and "No system keyring is available here" in r.stderr
    r = run_cli("send", "examples/welcome.mwt", "--to", "a@example.com", "--profile", "Nope", env=env)
    assert r.returncode == 2 and "no SMTP profile named 'Nope'" in r.stderr and "'Marketing'" in r.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "soon"])
def test_cli_send_refuses_a_timeout_that_is_not_a_positive_number(value, subprocess_env):
    r = run_cli(
        "send",
        "examples/newsletter.mwt",
        "--to",
        "a@example.com",
        "--smtp",
        "127.0.0.1:9",
        "--security",
        "none",
        f"--timeout={value}",
        env=subprocess_env,
    )
    assert r.returncode == 2, r.stderr
    [line] = r.stderr.strip().splitlines()
    assert "--timeout" in line and "number of seconds more than 0" in line, line


def test_cli_send_with_tls_and_cafile(certs, subprocess_env):
    with Sink(tls_context=server_context(certs), auth_ok=True) as sink:
        args = (
            "send",
            "examples/welcome.mwt",
            "--to",
            "you@example.com",
            "--smtp",
            f"127.0.0.1:{sink.port}",
            "--security",
            "starttls",
            "--user",
            USER,
            "--from",
            "hello@tally.example",
        )
        env = dict(subprocess_env, MAILWRIGHT_SMTP_PASSWORD=PASSWORD)
        r = run_cli(*args, env=env)
        assert r.returncode == 1 and "could not be verified" in r.stderr and sink.logins == []
        r = run_cli(*args, "--cafile", str(certs["ca"]), env=env)
        assert r.returncode == 0, r.stderr
        assert sink.logins == [(USER.encode(), PASSWORD.encode())]
        assert PASSWORD not in r.stdout + r.stderr


def test_cli_inbox_runs_prints_and_stops_on_sigint(tmp_path, subprocess_env, zoe):
    port = free_port()
    proc = subprocess.Popen(
        [CLI, "inbox", "--port", str(port), "--store", str(tmp_path / "store")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=subprocess_env,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=15)
        assert f"127.0.0.1:{port}" in first
        lines.get(timeout=5)  # how to send to it
        report = send_messages(simple(zoe), Profile(name="t", host="127.0.0.1", port=port, security="none"), timeout=5)
        assert report.ok
        line = lines.get(timeout=5)
        assert "hello@tally.example" in line and "you@example.com" in line
        assert "[TEST] Welcome to Tally, Zoë" in line
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "stopped" in lines.get(timeout=5)
        assert len(list((tmp_path / "store").glob("*.eml"))) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_inbox_stops_on_sigterm(tmp_path, subprocess_env):
    proc = subprocess.Popen(
        [CLI, "inbox", "--store", str(tmp_path / "store")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=subprocess_env,
    )
    try:
        first = proc.stdout.readline()
        port = int(first.split("127.0.0.1:")[1].split(";")[0])
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            assert client.noop()[0] == 250
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
