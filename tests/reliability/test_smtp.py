"""bad-inputs.md rows 27-30: SMTP servers that stall, drop the connection, refuse in every way,
or offer bad TLS. Real servers on loopback (aiosmtpd and scripted raw sockets), short timeouts.

The sink, certificate helpers and the first cases (silent banner, drop mid-DATA, 450/550/552,
535, untrusted certificate, stripped STARTTLS) live in tests/e2e/test_sending.py; this file
adds the rest of each row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import socket
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from mailwright.app.build.personalise import PersonalEmail
from mailwright.app.send.profiles import Profile
from mailwright.app.send.secrets import Secret
from mailwright.app.send.sending import SendReport, build_message, send_messages
from mailwright.app.send.sending import test_connection as check_connection
from tests.e2e.test_sending import PASSWORD, USER, Sink, make_certs, server_context, trusting

EMAIL = PersonalEmail(
    html="<p>Hello</p>", text="Hello\n", subject="Reliability", preheader="", missing=(), defaulted=()
)


def message(to="you@example.com"):
    return build_message(EMAIL, from_addr="Tally <hello@tally.example>", to=to)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


class Scripted:
    """A raw SMTP server on loopback that misbehaves at one chosen point, once per connection.

    modes: "drop-after-ehlo", "stall-after-data" (takes the whole message, never answers),
    "421-at-mail" (closes with 421 on the first MAIL, works on the next connection)."""

    conn_timeout: float | None = None  # the server's own wait for the client (None: for ever)

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.commands: list[bytes] = []
        self.connections = 0
        self.delivered: list[bytes] = []
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "Scripted":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(5)
        self.sock.close()

    def profile(self) -> Profile:
        return Profile(name="raw", host="127.0.0.1", port=self.port, security="none")

    def _serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.release.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(self.conn_timeout)
            self.connections += 1
            with conn:
                try:
                    self._session(conn)
                except OSError:
                    pass

    def _session(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        conn.sendall(b"220 raw.test ESMTP\r\n")
        for line in f:
            self.commands.append(line.strip())
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                if self.mode == "drop-after-ehlo":
                    conn.sendall(b"250-raw.test\r\n250 8BITMIME\r\n")
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                conn.sendall(b"250-raw.test\r\n250 8BITMIME\r\n")
            elif verb == b"MAIL":
                if self.mode == "421-at-mail" and self.connections == 1:
                    conn.sendall(b"421 4.3.2 Service shutting down\r\n")
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                conn.sendall(b"250 OK\r\n")
            elif verb == b"RCPT":
                conn.sendall(b"250 OK\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                data = b""
                for body in f:
                    if body == b".\r\n":
                        break
                    data += body
                if self.mode == "stall-after-data":
                    self.release.wait(10)  # took the message, never says whether it was delivered
                    return
                self.delivered.append(data)
                conn.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 OK\r\n")


# --- row 27: stalls -------------------------------------------------------------------------------


def test_row27_a_server_that_stalls_after_data_times_out_as_unknown():
    with Scripted("stall-after-data") as server:
        start = time.monotonic()
        report = send_messages(message(), server.profile(), timeout=1, deadline=10)
        elapsed = time.monotonic() - start
    assert 0.8 < elapsed < 3, elapsed
    [result] = report.results
    assert not result.ok and result.status == "unknown"
    assert "may have been delivered" in result.message and "not retried" in result.message


def test_row27_cancel_stops_a_send_stalled_in_data():
    with Scripted("stall-after-data") as server:
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        start = time.monotonic()
        report = send_messages(message(), server.profile(), timeout=30, deadline=60, cancel=cancel)
        elapsed = time.monotonic() - start
    assert elapsed < 2, elapsed
    assert report.cancelled and report.results[0].status == "unknown"


# --- row 28: dropped connections ------------------------------------------------------------------


def test_row28_a_drop_after_ehlo_is_reported_not_raised():
    with Scripted("drop-after-ehlo") as server:
        report = send_messages(message(), server.profile(), timeout=2)
    assert not report.ok
    [result] = report.results
    assert result.status == "not sent" and "lost" in result.message, result.message


def test_row28_a_drop_during_the_login_is_reported_and_nothing_is_sent(certs):
    def drop(server, session, envelope, mechanism, auth_data):
        server.transport.close()  # the connection dies in the middle of AUTH
        return AuthResult(success=False, handled=False)

    with Sink(tls_context=server_context(certs), auth_ok=True) as sink:
        sink.controller.SMTP_kwargs["authenticator"] = drop
        report = send_messages(
            message(), sink.profile("starttls", USER), Secret(PASSWORD), timeout=3, ssl_context=trusting(certs)
        )
        assert not report.ok and sink.messages == []
    assert "during the login" in report.error or "lost" in report.error, report.error
    assert report.results[0].status == "not sent"


# --- row 29: refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, status, words",
    [
        ("451 4.3.0 Local error", "temporary", "temporary error"),
        ("452 4.5.3 Too many recipients", "temporary", "temporarily out of space"),
        ("552 5.2.2 Mailbox full", "refused", "mailbox is full"),
        ("554 5.7.1 Relay denied", "refused", "rejected by the server"),
    ],
)
def test_row29_each_refusal_is_reported_per_recipient(code, status, words):
    with Sink(rcpt_codes={"bad@": code}) as sink:
        report = send_messages(
            message(["ok@example.com", "bad@example.com"]), sink.profile(), timeout=5, retry_delays=()
        )
        assert [m[1] for m in sink.messages] == [["ok@example.com"]]  # partial success is kept
    by = {r.address: r for r in report.results}
    assert by["ok@example.com"].ok and by["ok@example.com"].status == "sent"
    bad = by["bad@example.com"]
    assert not bad.ok and bad.status == status and bad.code == int(code[:3])
    assert words in bad.message and code[4:] in bad.message


def test_row29_data_refused_with_554_fails_every_recipient():
    with Sink(data_reply="554 5.7.1 Message rejected as spam") as sink:
        report = send_messages(message(["a@example.com", "b@example.com"]), sink.profile(), timeout=5)
    assert [(r.status, r.code) for r in report.results] == [("refused", 554), ("refused", 554)]
    assert all("spam" in r.message for r in report.results)


def test_row29_a_421_reconnects_for_the_next_message():
    with Scripted("421-at-mail") as server:
        report = send_messages(
            [message("a@example.com"), message("b@example.com")], server.profile(), timeout=3, retry_delays=()
        )
    first, second = report.results
    assert first.status == "temporary" and first.code == 421 and "try later" in first.message
    assert second.ok and server.connections == 2 and len(server.delivered) == 1


def test_row29_a_421_is_retried_on_a_new_connection():
    with Scripted("421-at-mail") as server:
        report = send_messages(
            [message("a@example.com"), message("b@example.com")], server.profile(), timeout=3, retry_delays=(0.05,)
        )
    first, second = report.results
    assert first.ok and "accepted after 1 retry" in first.message and "421" in first.message
    assert second.ok and server.connections == 2 and len(server.delivered) == 2


# --- row 30: bad TLS ------------------------------------------------------------------------------


def _cert(folder: Path, *, names: list[str], expired: bool) -> dict[str, Path]:
    """A CA-signed certificate that is expired, or valid only for other names."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Reliability CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
    start, end = (
        (now - dt.timedelta(days=20), now - dt.timedelta(days=10))
        if expired
        else (now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.mark.parametrize("case", ["expired", "wrong-hostname"])
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_row30_expired_or_misnamed_certificates_stop_before_any_login(tmp_path, case, security):
    certs = _cert(
        tmp_path,
        names=["mail.other.example"] if case == "wrong-hostname" else ["127.0.0.1", "localhost"],
        expired=case == "expired",
    )
    tls = {"tls_context": server_context(certs)} if security == "starttls" else {"implicit_tls": server_context(certs)}
    with Sink(auth_ok=True, **tls) as sink:
        profile = sink.profile(security, USER)
        report = send_messages(message(), profile, Secret(PASSWORD), timeout=5, ssl_context=trusting(certs))
        steps = check_connection(profile, Secret(PASSWORD), timeout=5, ssl_context=trusting(certs))
        assert sink.logins == [] and sink.messages == [] and "AUTH" not in sink.commands
    assert not report.ok and "could not be verified" in report.error, report.error
    expected = "expired" if case == "expired" else "mismatch"
    assert expected in report.error.lower(), report.error
    assert [s.name for s in steps][-1] == "tls" and not steps[-1].ok


# --- row 27: servers that answer too slowly or too much (issue 14, item 6) ------------------------


class Trickling(Scripted):
    """A raw SMTP server on loopback that drips one step's answer, or never stops sending it,
    until the client hangs up. modes: "greeting" (one byte every 0.2 s, never a line end),
    "slow-ehlo" (a complete "250-" line every 0.2 s, never the last one), "endless-ehlo"
    ("250-" lines as fast as it can), "long-line" (a 10 KB EHLO reply line), "after-data"
    (takes the message, then drips its reply one byte every 0.2 s), "tls" (implicit TLS: drips
    a TLS record a byte every 0.2 s) and "starttls" (the same after agreeing to STARTTLS)."""

    conn_timeout = 5.0

    def profile(self) -> Profile:
        security = self.mode if self.mode in ("tls", "starttls") else "none"
        return dataclasses.replace(super().profile(), security=security)

    def _drip(self, conn: socket.socket, chunk: bytes, every: float) -> None:
        while not self.release.is_set():
            conn.sendall(chunk)
            if every:
                self.release.wait(every)

    def _session(self, conn: socket.socket) -> None:
        if self.mode == "greeting":
            conn.sendall(b"220 ")
            return self._drip(conn, b"x", 0.2)
        if self.mode == "tls":
            return self._drip_tls(conn)
        conn.sendall(b"220 slow.test ESMTP\r\n")
        f = conn.makefile("rb")
        for line in f:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                if self.mode == "slow-ehlo":
                    return self._drip(conn, b"250-slow.test\r\n", 0.2)
                if self.mode == "endless-ehlo":
                    return self._drip(conn, (b"250-" + b"x" * 60 + b"\r\n") * 100, 0)
                if self.mode == "long-line":
                    conn.sendall(b"250-" + b"x" * 10240 + b"\r\n250 8BITMIME\r\n")
                    continue
                conn.sendall(b"250-slow.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
            elif verb == b"STAR":
                conn.sendall(b"220 go ahead\r\n")
                return self._drip_tls(conn)
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                for body in f:
                    if body == b".\r\n":
                        break
                return self._drip(conn, b"2", 0.2)
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 OK\r\n")

    def _drip_tls(self, conn: socket.socket) -> None:
        conn.recv(4096)  # the ClientHello
        conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KB ...
        self._drip(conn, b"\x02", 0.2)  # ... that arrives a byte at a time


def _timed_send(server: Trickling, timeout: float = 1) -> tuple[float, SendReport]:
    start = time.monotonic()
    report = send_messages(message(), server.profile(), timeout=timeout, deadline=10)
    return time.monotonic() - start, report


@pytest.mark.parametrize(
    "mode, words",
    [
        ("greeting", "the server's greeting did not finish within 1 s"),
        ("slow-ehlo", "did not finish answering EHLO within 1 s"),
        ("long-line", "sent a reply line over 2 KB to EHLO; stopped"),
    ],
)
def test_row27_a_server_answering_too_slowly_or_too_much_is_stopped_naming_the_step(mode, words):
    with Trickling(mode) as server:
        elapsed, report = _timed_send(server)
    assert elapsed < 1 * 2 + 2, elapsed  # was: the whole deadline (120 s for the CLI)
    assert not report.ok and report.results[0].status == "not sent"
    assert words in report.error and "refused" not in report.error, report.error


@pytest.mark.parametrize("stop", ["cancel", "deadline"])
def test_row27_cancel_and_the_whole_send_deadline_still_stop_a_trickled_greeting(stop):
    cancel = threading.Event()
    timer = threading.Timer(0.5, cancel.set)
    with Trickling("greeting") as server:
        start = time.monotonic()
        if stop == "cancel":
            timer.start()
        report = send_messages(
            message(), server.profile(), timeout=5, deadline=1 if stop == "deadline" else 10, cancel=cancel
        )
        elapsed = time.monotonic() - start
    timer.cancel()
    assert elapsed < 3, elapsed  # well before the 5 s step limit
    if stop == "cancel":
        assert report.cancelled and report.error == "cancelled", report.error
    else:
        assert "took longer than its time limit (1 s)" in report.error, report.error


def test_row27_a_connection_test_names_the_greeting_step():
    with Trickling("greeting") as server:
        start = time.monotonic()
        steps = check_connection(server.profile(), timeout=1)
        elapsed = time.monotonic() - start
    assert elapsed < 4, elapsed
    assert steps[-1].name == "connect" and not steps[-1].ok
    assert "greeting did not finish within 1 s" in steps[-1].message, steps[-1].message


def test_row27_endless_ehlo_lines_stop_at_64_kb_with_bounded_memory():
    import tracemalloc

    with Trickling("endless-ehlo") as server:
        msg = message()
        tracemalloc.start()
        try:
            start = time.monotonic()
            report = send_messages(msg, server.profile(), timeout=2, deadline=10)
            elapsed = time.monotonic() - start
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert elapsed < 2 * 2 + 2, elapsed
    assert "sent a reply over 64 KB to EHLO; stopped" in report.error, report.error
    assert peak < 4 * 1024 * 1024, f"{peak / 1e6:.1f} MB"  # was: growing until the deadline


def test_row27_a_final_reply_dripped_after_the_message_is_unknown_after_the_timeout():
    with Trickling("after-data") as server:
        elapsed, report = _timed_send(server)
    assert elapsed < 4, elapsed
    [result] = report.results
    assert result.status == "unknown" and "may have been delivered" in result.message
    assert "within 1 s" in result.message and "the message" in result.message, result.message


def test_row27_cli_send_to_a_trickling_server_exits_1_naming_the_step():
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("MAILWRIGHT_SMTP_PASSWORD", None)
    with Trickling("greeting") as server:
        start = time.monotonic()
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "mailwright",
                "send",
                "examples/newsletter.mwt",
                "--to",
                "a@example.com",
                "--smtp",
                f"127.0.0.1:{server.port}",
                "--security",
                "none",
                "--timeout",
                "1",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=30,
            env=env,
        )
        elapsed = time.monotonic() - start
    assert r.returncode == 1, r.stderr
    assert "greeting did not finish within 1 s" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert elapsed < 10, elapsed  # an interpreter start and a build, plus the 1 s step


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_row27_a_tls_handshake_trickled_byte_by_byte_stops_after_the_timeout(security):
    with Trickling(security) as server:
        elapsed, report = _timed_send(server)
        steps = check_connection(server.profile(), timeout=1)
    assert elapsed < 4, elapsed
    assert "the TLS handshake with 127.0.0.1" in report.error and "did not finish within 1 s" in report.error, (
        report.error
    )
    assert steps[-1].name == "tls" and not steps[-1].ok and "handshake" in steps[-1].message, steps


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0, -1])
def test_row27_a_timeout_that_is_not_a_positive_number_is_refused(value):
    with pytest.raises(ValueError, match="number of seconds"):
        send_messages(message(), Profile(name="raw", host="127.0.0.1", port=9, security="none"), timeout=value)
    with pytest.raises(ValueError, match="number of seconds"):
        check_connection(Profile(name="raw", host="127.0.0.1", port=9, security="none"), timeout=value)
