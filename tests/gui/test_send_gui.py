"""Test sends from the editor: the Inbox dock, the send dialog and the SMTP profiles dialog.

Real servers on loopback (the built-in Inbox, aiosmtpd, a raw socket that never answers), a
real MainWindow on examples/welcome.mwt, no mocks of the send path. The keyring is a small
in-memory stand-in (the machine's keyring is never touched).
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from aiosmtpd.controller import Controller  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QDockWidget  # noqa: E402

from mailwright.app.send.inbox import Inbox, free_port  # noqa: E402
from mailwright.app.build.personalise import CompiledEmail, PersonalEmail  # noqa: E402
from mailwright.app.build.pipeline import build_file  # noqa: E402
from mailwright.app.send.profiles import Profile, ProfileStore, local_inbox_profile  # noqa: E402
from mailwright.app.recipients import load_recipients  # noqa: E402
from mailwright.app.send.secrets import PasswordStore  # noqa: E402
from mailwright.app.send.sending import build_message, send_messages  # noqa: E402
from mailwright.widgets import send_support  # noqa: E402
from tests.gui.conftest import RENDER_TIMEOUT  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WELCOME = ROOT / "examples" / "welcome.mwt"
RECIPIENTS = ROOT / "examples" / "recipients.csv"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SEND_TIMEOUT = 20_000


# --- stand-ins and servers -------------------------------------------------------------------------


class FakeKeyring:
    """The keyring module's four functions over a dict (or failing like a headless Linux)."""

    def __init__(self, *, fail: bool = False) -> None:
        self.data: dict[tuple[str, str], str] = {}
        self.fail = fail

    def _check(self) -> None:
        if self.fail:
            from keyring.errors import NoKeyringError

            raise NoKeyringError("No recommended backend was available.")

    def get_keyring(self):
        self._check()
        return self

    def get_password(self, service, user):
        self._check()
        return self.data.get((service, user))

    def set_password(self, service, user, value):
        self._check()
        self.data[(service, user)] = value

    def delete_password(self, service, user):
        self._check()
        self.data.pop((service, user), None)


class Sink:
    """aiosmtpd on 127.0.0.1 recording messages; RCPT replies by address prefix."""

    def __init__(self, rcpt_codes: dict[str, str] | None = None, busy_once: str | None = None) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        codes = rcpt_codes or {}
        busy = [busy_once] if busy_once else []  # an address prefix refused with 451, once
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if busy and address.startswith(busy[0]):
                    busy.clear()
                    return "451 4.7.1 Slow down"
                for prefix, reply in codes.items():
                    if address.startswith(prefix):
                        return reply
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, server_hostname="localhost")

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class Stalling:
    """Accepts connections and never says a word (not even the SMTP greeting)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def __enter__(self) -> "Stalling":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch):
    """User folders in tmp_path and an in-memory keyring for the whole process."""
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MAILWRIGHT_CONFIG_DIR", str(tmp_path / "config"))
    keyring = FakeKeyring()
    store = PasswordStore(keyring_module=keyring, timeout=5)
    send_support.set_password_store(store)
    yield {"keyring": keyring, "passwords": store, "profiles": ProfileStore(), "tmp": tmp_path}
    send_support.set_password_store(None)


@pytest.fixture
def send_window(qtbot, env, settings):
    """A MainWindow on welcome.mwt with the built-in inbox installed (as the editor does)."""
    from mailwright.app.document.session import Session
    from mailwright.app.document.storage import load_document
    from mailwright.widgets.inbox_panel import install
    from mailwright.widgets.main_window import MainWindow

    window = MainWindow(Session(load_document(WELCOME), WELCOME), in_process_compile=True, settings=settings)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.show()
    panel = install(window)  # MainWindow installs it already; install is idempotent
    assert panel is window.inbox_panel and panel.port, panel.error
    yield window
    dialog = getattr(window, "_mw_send_dialog", None)
    if dialog is not None:
        dialog.cancel()
    panel.shutdown()
    window.session.history.mark_saved()
    window.close()


def wait_sent(qtbot, dialog):
    with qtbot.waitSignal(dialog.finishedSending, timeout=SEND_TIMEOUT) as blocker:
        assert dialog.send(), dialog.problems.text()
    return blocker.args[0]


def page_html(qtbot, view, needle: str) -> str:
    """The view's document once it contains `needle` (pages load asynchronously)."""
    out: dict = {"html": ""}

    def poll() -> bool:
        view.page().toHtml(lambda html: out.update(html=html))
        return needle in out["html"]

    qtbot.waitUntil(poll, timeout=15_000)
    return out["html"]


# --- the inbox panel -------------------------------------------------------------------------------


def test_inbox_panel_lists_a_delivered_message_live_and_shows_its_parts(qtbot, tmp_path):
    from mailwright.widgets.inbox_panel import InboxPanel

    assets = tmp_path / "doc" / "assets"
    assets.mkdir(parents=True)
    (assets / "dot.png").write_bytes(PNG)
    personal = CompiledEmail(build_file(WELCOME)).render(load_recipients(RECIPIENTS).row(1))
    html = personal.html.replace("</body>", '<img id="dot" src="assets/dot.png" alt="dot"></body>')
    personal = PersonalEmail(html, personal.text, personal.subject, personal.preheader, (), ())
    msg = build_message(
        personal, from_addr="Tally <hello@tally.example>", to="Zoë Martin <zoe@example.com>", folder=assets.parent
    )

    with Inbox(tmp_path / "store") as inbox:
        panel = InboxPanel(inbox)
        qtbot.addWidget(panel)
        panel.resize(1000, 600)
        panel.show()
        assert panel.address_label.text() == f"Local test inbox on 127.0.0.1:{inbox.port}"
        assert panel.message_ids() == []
        with qtbot.waitSignal(panel.messageArrived, timeout=5000):  # hopped from aiosmtpd's thread
            report = send_messages(msg, local_inbox_profile(inbox.port), timeout=5)
        assert report.ok, report.results
        # a second, older-looking one: the list stays newest first
        other = build_message(
            PersonalEmail("<p>Second</p>", "Second\n", "Second one", "", (), ()),
            from_addr="a@example.com",
            to="b@example.com",
        )
        with qtbot.waitSignal(panel.messageArrived, timeout=5000):
            assert send_messages(other, local_inbox_profile(inbox.port), timeout=5).ok
        assert len(panel.message_ids()) == 2
        assert panel.subjects()[0] == "[TEST] Second one"
        first = panel.list.topLevelItem(1)
        assert first.text(1) == "zoe@example.com"
        assert first.text(2).startswith("[TEST] Welcome to Tally, Zoë")

        with qtbot.waitSignal(panel.messageShown, timeout=5000):
            panel.list.setCurrentItem(first)
        assert "Zoë" in panel.text_view.toPlainText()
        headers = panel.headers_view.toPlainText()
        assert "Subject: [TEST] Welcome to Tally, Zoë" in headers
        assert "To: Zoë Martin <zoe@example.com>" in headers
        assert "multipart/alternative" in panel.raw_view.toPlainText()
        html = page_html(qtbot, panel.view, "Zoë")
        assert "Zoë" in html and "Content-Security-Policy" in html
        assert 'src="data:image/png;base64,' in html  # the cid: image, from the message itself
        assert "Remote images are not loaded" in panel.html_note.text()
        panel.remote_images.setChecked(True)
        assert panel.view._remote is True and panel.html_note.text() == ""

        # a message stored while the panel was away shows on refresh; delete and clear
        panel.delete_selected()
        assert panel.subjects() == ["[TEST] Second one"]
        assert len(inbox.list_messages()) == 1
        panel.clear()
        assert panel.message_ids() == [] and inbox.list_messages() == []
        panel.shutdown()
        assert not inbox.running


# --- the send dialog -------------------------------------------------------------------------------


def test_send_dialog_delivers_the_open_template_to_the_built_in_inbox(qtbot, send_window):
    from mailwright.widgets.send_dialog import open_send_dialog

    window = send_window
    panel = window.inbox_panel
    dock = window.findChild(QDockWidget, "dock-inbox")
    assert dock.widget() is panel
    window.a_send.trigger()  # Email > Send test…
    dialog = window._mw_send_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert window.a_profiles.text() == "SMTP &profiles…"
    assert dialog.profile_box.itemText(0) == f"Local test inbox (127.0.0.1:{panel.port})"
    assert dialog.profile_names()[0] == "Local test inbox" and dialog.current_profile().local
    assert dialog.profile_box.itemText(dialog.profile_box.count() - 1) == "Manage profiles…"
    assert dialog.to_edit.toPlainText() == "test@localhost"  # no setup needed
    assert dialog.prefix_edit.text() == "[TEST] "
    assert dialog.from_edit.text() == "Mailwright test <test@localhost>"
    assert dialog.send_button.isEnabled(), dialog.problems.text()
    window.findChild(QDockWidget, "dock-checks").raise_()
    qtbot.waitUntil(lambda: panel.visibleRegion().isEmpty(), timeout=2000)  # another tab in front

    report = wait_sent(qtbot, dialog)
    assert report.ok, report.results
    assert dialog.status.text().startswith("Sent: all 1 recipient(s) accepted")
    assert dialog.result_lines() == ["✓ test@localhost — accepted"]
    # the Inbox dock is raised and shows the message
    assert panel.subjects()[0].startswith("[TEST] Welcome to Tally, there")
    assert panel.current_id == panel.message_ids()[0]
    qtbot.waitUntil(lambda: not panel.visibleRegion().isEmpty(), timeout=2000)
    assert "Welcome to Tally" in panel.headers_view.toPlainText()
    assert "Tally" in page_html(qtbot, panel.view, "Tally")
    # the dialog stays one per window
    assert open_send_dialog(window) is dialog


def test_personalising_as_the_previewed_recipient_and_as_two_rows(qtbot, send_window):
    from mailwright.widgets import recipients_panel
    from mailwright.widgets.send_dialog import SendDialog

    window = send_window
    panel = window.inbox_panel
    # the Recipients panel's current row is the default "personalise as"
    recipients = recipients_panel.install(window)
    assert recipients.load(RECIPIENTS)
    recipients.set_row(3)
    dialog = SendDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.mode() == "preview"
    assert dialog.preview_radio.text() == "The previewed recipient: row 3 of 12 (lukasz.wojcik@example.com)"
    recipients.set_row(1)  # followed live
    assert "row 1 of 12 (zoe.martin@example.com)" in dialog.preview_radio.text()
    recipients.set_row(3)
    report = wait_sent(qtbot, dialog)
    assert report.ok, report.results
    assert panel.subjects() and "Łukasz" in panel.subjects()[0]
    panel.clear()

    # several rows of a file: one message per row
    dialog.to_edit.setPlainText('"Tester, QA" <qa@localhost>')
    assert dialog.load_recipients(RECIPIENTS)
    assert dialog.mode() == "rows" and dialog.rows_list.count() == len(load_recipients(RECIPIENTS))
    dialog.check_rows([1, 2])
    assert dialog.checked_rows() == [1, 2]
    report = wait_sent(qtbot, dialog)
    assert report.ok, report.results
    assert len(report.results) == 2
    subjects = panel.subjects()
    assert len(subjects) == 2
    assert any("Zoë" in s for s in subjects) and any("José" in s for s in subjects)
    for msg_id in panel.message_ids():
        msg = panel.inbox.read(msg_id)
        name = "Zoë" if "Zoë" in str(msg["Subject"]) else "José"
        assert name in msg.get_body(("plain",)).get_content()
        assert str(msg["To"]) == '"Tester, QA" <qa@localhost>'
    dialog.check_rows([])
    assert not dialog.send_button.isEnabled() and "Check at least one row." in dialog.problems.text()


def test_bad_addresses_show_a_reason_each_and_disable_send(qtbot, send_window):
    from mailwright.widgets.send_dialog import SendDialog

    dialog = SendDialog(send_window)
    qtbot.addWidget(dialog)
    dialog.to_edit.setPlainText(
        'ok@example.com, bob@@example.com\nno-at-sign; "Smith, Jr." <smith@example.com>\nzero\u200bwidth@example.com'
    )
    errors = dialog.to_errors.text().splitlines()
    assert len(errors) == 3, errors
    assert errors[0].startswith("✗ 'bob@@example.com':")
    assert "'no-at-sign': it has no @" in errors[1]
    assert "invisible character" in errors[2] and "\\u200b" in errors[2]
    good, bad = dialog.addresses()
    assert [a.addr_spec for a in good] == ["ok@example.com", "smith@example.com"]
    assert not dialog.send_button.isEnabled()
    assert "3 address(es) above cannot be used." in dialog.problems.text()
    assert dialog.send() is False

    dialog.to_edit.setPlainText('ok@example.com, "Smith, Jr." <smith@example.com>')
    assert dialog.to_errors.text() == "" and dialog.send_button.isEnabled()
    dialog.from_edit.setText("Broken <nope>")
    assert "has no @" in dialog.from_error.text() and not dialog.send_button.isEnabled()
    dialog.from_edit.setText("Me <me@example.com>")
    assert dialog.send_button.isEnabled()
    dialog.to_edit.setPlainText("")
    assert not dialog.send_button.isEnabled()


def test_a_refused_recipient_shows_in_the_results(qtbot, send_window, env):
    from mailwright.widgets.send_dialog import SendDialog

    with Sink({"nobody@": "550 5.1.1 No such user here"}) as sink:
        env["profiles"].save(Profile(name="Strict server", host="127.0.0.1", port=sink.port, security="none"))
        dialog = SendDialog(send_window)
        qtbot.addWidget(dialog)
        assert dialog.profile_names() == ["Local test inbox", "Strict server"]
        assert dialog.select_profile("Strict server")
        dialog.to_edit.setPlainText("ok@example.com\nnobody@example.com")
        report = wait_sent(qtbot, dialog)
    assert not report.ok
    lines = dialog.result_lines()
    assert lines[0] == "✓ ok@example.com — accepted"
    assert lines[1].startswith("✗ nobody@example.com — mailbox rejected")
    assert "550" in lines[1] and "No such user here" in lines[1]
    assert dialog.status.text().startswith("Partly sent: 1 of 2 recipient(s) accepted")
    assert len(sink.messages) == 1 and sink.messages[0][1] == ["ok@example.com"]
    assert send_window.inbox_panel.message_ids() == []  # not the local inbox


def test_a_recipient_refused_for_now_is_retried_and_the_dialog_says_so(qtbot, send_window, env, monkeypatch):
    from mailwright.app.send import sending
    from mailwright.widgets.send_dialog import SendDialog

    monkeypatch.setattr(sending, "RETRY_DELAYS", (0.6,))
    with Sink(busy_once="busy@") as sink:
        env["profiles"].save(Profile(name="Busy server", host="127.0.0.1", port=sink.port, security="none"))
        dialog = SendDialog(send_window)
        qtbot.addWidget(dialog)
        assert dialog.select_profile("Busy server")
        dialog.to_edit.setPlainText("busy@example.com")
        seen: list[str] = []
        dialog._bridge.stage.connect(seen.append)
        report = wait_sent(qtbot, dialog)
    assert report.ok
    assert any("refused busy@example.com for now; trying again in 1 s" in s for s in seen), seen
    [line] = dialog.result_lines()
    assert line.startswith("✓ busy@example.com — accepted after 1 retry") and "451" in line
    assert len(sink.messages) == 1


def test_cancel_stops_a_send_to_a_server_that_never_answers_without_freezing(qtbot, send_window, env):
    from mailwright.widgets.send_dialog import SendDialog

    with Stalling() as server:
        env["profiles"].save(Profile(name="Silent", host="127.0.0.1", port=server.port, security="none"))
        dialog = SendDialog(send_window)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.select_profile("Silent")
        dialog.to_edit.setPlainText("someone@example.com")
        ticks = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start()
        assert dialog.send()
        assert dialog.sending and not dialog.send_button.isEnabled() and dialog.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: bool(server.conns), timeout=5000)  # connected; the server stays silent
        qtbot.wait(700)
        assert dialog.sending
        assert len(ticks) > 20  # the event loop kept running during the send
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        assert max(gaps) < 0.5
        started = time.monotonic()
        with qtbot.waitSignal(dialog.finishedSending, timeout=5000) as blocker:
            dialog.cancel_button.click()
        timer.stop()
    report = blocker.args[0]
    assert time.monotonic() - started < 3.0  # well before the 10 s step timeout
    assert report.cancelled
    assert dialog.status.text().startswith("Cancelled")
    assert not dialog.sending and dialog.send_button.isEnabled()
    assert any("not sent: cancelled" in line for line in dialog.result_lines())


def test_a_profile_needing_a_password_asks_once_and_keeps_it_in_memory_without_a_keyring(qtbot, send_window, env):
    from mailwright.widgets.send_dialog import SendDialog

    failing = PasswordStore(keyring_module=FakeKeyring(fail=True), timeout=5)
    with Sink() as sink:  # no STARTTLS offered: the send must stop before any login
        env["profiles"].save(
            Profile(
                name="Work",
                host="127.0.0.1",
                port=sink.port,
                security="starttls",
                username="me@example.com",
                from_addr="Me <me@example.com>",
            )
        )
        dialog = SendDialog(send_window, passwords=failing)
        qtbot.addWidget(dialog)
        assert dialog.select_profile("Work")
        assert dialog.from_edit.text() == "Me <me@example.com>"
        dialog.to_edit.setPlainText("you@example.com")
        asked = []
        dialog.ask_password = lambda profile: asked.append(profile.name) or "pw-Sekret-42"
        report = wait_sent(qtbot, dialog)
        assert asked == ["Work"]
        assert "does not offer STARTTLS" in (report.error or "")
        assert sink.messages == []
        # no keyring: kept in memory for this run, and the dialog says why
        assert failing.get("Work") is not None and failing.get("Work").reveal() == "pw-Sekret-42"
        assert "kept in memory until you quit" in dialog.password_notice.text()
        assert not dialog.password_notice.isHidden()
        assert "kept in memory" in dialog.warnings.text()
        # the second send finds it without asking
        wait_sent(qtbot, dialog)
        assert asked == ["Work"]
    text = (env["tmp"] / "config" / "profiles.json").read_text(encoding="utf-8")
    assert "pw-Sekret-42" not in text


# --- the profiles dialog ---------------------------------------------------------------------------


def test_profiles_dialog_saves_without_the_password_and_tests_the_connection(qtbot, env):
    from mailwright.widgets.profiles_dialog import ProfilesDialog

    keyring = env["keyring"]
    dialog = ProfilesDialog(store=env["profiles"], passwords=env["passwords"])
    qtbot.addWidget(dialog)
    assert dialog.profile_names() == []

    # a preset: SendGrid's host, port and fixed user name, with hints
    dialog.add_from_preset("sendgrid")
    assert dialog.host_edit.text() == "smtp.sendgrid.net" and dialog.port_box.value() == 587
    assert dialog.security_box.currentData() == "starttls" and dialog.user_edit.text() == "apikey"
    assert "API key" in dialog.password_hint.text()
    dialog.name_edit.setText("Marketing")
    dialog.password_edit.setText("SG.super-secret-key-123")
    dialog.from_edit.setText("Tally <news@tally.example>")
    dialog.unsub_edit.setText("https://tally.example/unsubscribe")
    with qtbot.waitSignal(dialog.passwordSaved, timeout=5000):
        saved = dialog.save()
    assert saved is not None and saved.name == "Marketing"
    text = env["profiles"].path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert [p["name"] for p in data["profiles"]] == ["Marketing"]
    assert "SG.super-secret-key-123" not in text and "password" not in text.lower()
    assert keyring.data[("mailwright", "Marketing")] == "SG.super-secret-key-123"
    assert dialog.profile_names() == ["Marketing"]
    assert dialog.password_edit.text() == ""

    # Amazon SES by region; inline validation
    dialog.add_from_preset("ses", region="eu-west-1")
    assert dialog.host_edit.text() == "email-smtp.eu-west-1.amazonaws.com"
    dialog.region_box.setCurrentText("us-west-2")
    assert dialog.host_edit.text() == "email-smtp.us-west-2.amazonaws.com"
    dialog.security_box.setCurrentIndex(dialog.security_box.findData("tls"))
    assert dialog.port_box.value() == 465
    dialog.security_box.setCurrentIndex(dialog.security_box.findData("none"))
    assert "only allowed for a server on this computer" in dialog.error_label.text()
    assert not dialog.save_button.isEnabled() and not dialog.test_button.isEnabled()
    dialog.name_edit.setText("Marketing")
    dialog.security_box.setCurrentIndex(dialog.security_box.findData("starttls"))
    assert "already exists" in dialog.error_label.text()
    dialog.name_edit.setText("Local test inbox")
    assert "built-in profile" in dialog.error_label.text()

    # "Test connection" against a local aiosmtpd, each step in plain words
    with Sink() as sink:
        dialog.add_from_preset("")
        dialog.name_edit.setText("Local sink")
        dialog.host_edit.setText("127.0.0.1")
        dialog.port_box.setValue(sink.port)
        dialog.security_box.setCurrentIndex(dialog.security_box.findData("none"))
        assert dialog.error_label.text() == "" and dialog.test_button.isEnabled()
        with qtbot.waitSignal(dialog.tested, timeout=10_000) as blocker:
            dialog.test_button.click()
        steps = blocker.args[0]
        assert [s.name for s in steps] == ["connect", "tls", "login"] and all(s.ok for s in steps)
        lines = dialog.step_texts()
        assert lines[0].startswith(f"✓ Connect: Connected to 127.0.0.1:{sink.port}")
        assert lines[1] == "✓ Encryption (TLS): Not encrypted: allowed because the server is on this computer."
        assert lines[2] == "✓ Login: No login (no user name set)."
        assert lines[-1] == "The server is ready for test sends."

        # a login over a server without STARTTLS is refused before the password leaves
        dialog.security_box.setCurrentIndex(dialog.security_box.findData("starttls"))
        dialog.user_edit.setText("someone")
        dialog.password_edit.setText("never-sent-123")
        with qtbot.waitSignal(dialog.tested, timeout=10_000):
            dialog.test_connection()
        assert dialog.step_texts()[-1].startswith("✗ Encryption (TLS):")
        assert "does not offer STARTTLS" in dialog.step_texts()[-1]

    # delete: the profile and its keyring entry
    assert dialog.select("Marketing")
    assert dialog.delete_current(confirm=False)
    qtbot.waitUntil(lambda: ("mailwright", "Marketing") not in keyring.data, timeout=5000)
    assert env["profiles"].load() == []
