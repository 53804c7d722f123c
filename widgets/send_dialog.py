"""Send test: the open template to one or more addresses, through the built-in inbox or a profile.

`open_send_dialog(window)` shows it (non-modal: the editor stays usable). The "Local test
inbox" profile is always first and the default, so a test send needs no setup; after a send
to it the Inbox dock is raised and shows the message.

Everything slow runs on a background thread: building and personalising the email, the
keyring, and the SMTP conversation (app/send/sending.py: timeouts, deadline, verified TLS,
per-recipient results). Progress and results arrive through queued signals; Cancel sets the
send's cancel event, which closes the connection at once, even on a server that never answers.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..app.send.addresses import AddressError, parse_address, parse_addresses
from ..app.send.profiles import LOCAL_INBOX, Profile, ProfileError, ProfileStore, local_inbox_profile
from ..app.send.secrets import PasswordStore, Secret
from .send_support import Task, password_store, run_in_thread, split_addresses

if TYPE_CHECKING:  # imported when a send needs them: the dialog opens without them
    from ..app.recipients import Recipients
    from ..app.send.sending import SendReport

log = logging.getLogger(__name__)

__all__ = ["SendDialog", "open_send_dialog", "install", "MAX_ROWS", "MAX_RECIPIENTS"]

MAX_ROWS = 50  # one message per row, at most this many per send
MAX_RECIPIENTS = 50
LOCAL_KEY = "\x00local"
MANAGE_KEY = "\x00manage"
DEFAULT_LOCAL_TO = "test@localhost"
LOCAL_FROM = "Mailwright test <test@localhost>"
MODE_NONE, MODE_PREVIEW, MODE_ROWS = "none", "preview", "rows"
ROLE = Qt.ItemDataRole.UserRole


class _Bridge(QObject):
    """From the send thread to the Qt thread (queued)."""

    progress = Signal(int, int, object)  # done, total, results of that message
    stage = Signal(str)


def _row_label(n: int, row: dict[str, Any], email_field: str | None) -> str:
    parts = []
    if email_field and row.get(email_field):
        parts.append(str(row[email_field]))
    for key, value in row.items():
        if key == email_field or value in (None, "") or isinstance(value, (dict, list)):
            continue
        parts.append(str(value))
        if len(parts) >= 3:
            break
    text = " · ".join(p.replace("\n", " ")[:40] for p in parts)
    return f"Row {n}: {text}" if text else f"Row {n}"


class SendDialog(QDialog):
    """The send-test dialog. ``finishedSending(SendReport)`` fires when a send ends."""

    finishedSending = Signal(object)
    started = Signal()

    def __init__(
        self,
        window: QWidget,
        *,
        profiles: ProfileStore | None = None,
        passwords: PasswordStore | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("send-dialog")
        self.setWindowTitle("Send test")
        self.resize(640, 720)
        self.window_ = window
        self.profile_store = profiles or ProfileStore()
        self.passwords = passwords or password_store()
        self.settings = settings if settings is not None else getattr(window, "settings", None)
        self.recipients: Recipients | None = None  # loaded here (else the window's)
        self.report: SendReport | None = None  # the last send's
        self.notes: list[str] = []  # missing fields and build warnings of the last send
        self._cancel: threading.Event | None = None
        self._task: Task | None = None
        self._profile_key = LOCAL_KEY
        self._from_auto = True
        self._prompt_again: set[str] = set()  # profiles whose saved password was refused
        self._total = 0
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._bridge.stage.connect(self._on_stage, Qt.ConnectionType.QueuedConnection)

        # --- To
        self.to_edit = QPlainTextEdit(self)
        self.to_edit.setObjectName("send-to")
        self.to_edit.setPlaceholderText(
            'you@example.com, "Zoë Martin" <zoe@example.com>\n(separate addresses with commas or new lines)'
        )
        self.to_edit.setTabChangesFocus(True)
        self.to_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.to_errors = QLabel("", self)
        self.to_errors.setObjectName("send-to-errors")
        self.to_errors.setWordWrap(True)
        self.to_errors.setStyleSheet("color:#b91c1c;")
        self.to_errors.setTextFormat(Qt.TextFormat.PlainText)

        # --- personalise
        self.mode_group = QButtonGroup(self)
        self.none_radio = QRadioButton("Nobody (merge fields show their defaults)", self)
        self.none_radio.setObjectName("personalise-none")
        self.preview_radio = QRadioButton("The previewed recipient", self)
        self.preview_radio.setObjectName("personalise-preview")
        self.rows_radio = QRadioButton("Rows of a recipients file (one message per row, at most 50)", self)
        self.rows_radio.setObjectName("personalise-rows")
        for i, radio in enumerate((self.none_radio, self.preview_radio, self.rows_radio)):
            self.mode_group.addButton(radio, i)
        self.none_radio.setChecked(True)
        self.mode_group.buttonToggled.connect(lambda *_: self._mode_changed())
        self.rows_box = QWidget(self)
        self.rows_file = QLabel("No recipients loaded", self.rows_box)
        self.rows_file.setWordWrap(True)
        self.load_button = QPushButton("Load file…", self.rows_box)
        self.load_button.setObjectName("send-load-recipients")
        self.load_button.clicked.connect(self._load_dialog)
        self.rows_list = QListWidget(self.rows_box)
        self.rows_list.setObjectName("send-rows")
        self.rows_list.itemChanged.connect(lambda *_: self.validate())
        self.rows_first = QPushButton("Check the first 50", self.rows_box)
        self.rows_first.clicked.connect(lambda: self.check_rows(range(1, MAX_ROWS + 1)))
        self.rows_clear = QPushButton("Uncheck all", self.rows_box)
        self.rows_clear.clicked.connect(lambda: self.check_rows([]))
        self.rows_count = QLabel("", self.rows_box)
        rl = QVBoxLayout(self.rows_box)
        rl.setContentsMargins(18, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.rows_file, 1)
        top.addWidget(self.load_button)
        rl.addLayout(top)
        rl.addWidget(self.rows_list, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.rows_first)
        bottom.addWidget(self.rows_clear)
        bottom.addWidget(self.rows_count, 1)
        rl.addLayout(bottom)

        # --- subject, From, profile
        self.prefix_edit = QLineEdit("[TEST] ", self)
        self.prefix_edit.setObjectName("send-prefix")
        self.from_edit = QLineEdit(self)
        self.from_edit.setObjectName("send-from")
        self.from_edit.textEdited.connect(self._from_edited)
        self.from_error = QLabel("", self)
        self.from_error.setObjectName("send-from-error")
        self.from_error.setWordWrap(True)
        self.from_error.setStyleSheet("color:#b91c1c;")
        self.from_error.setTextFormat(Qt.TextFormat.PlainText)
        self.profile_box = QComboBox(self)
        self.profile_box.setObjectName("send-profile")
        self.profile_box.activated.connect(self._profile_activated)
        self.profile_info = QLabel("", self)
        self.profile_info.setObjectName("send-profile-info")
        self.profile_info.setWordWrap(True)
        self.profile_info.setStyleSheet("color:#6b7280;")
        self.password_notice = QLabel("", self)
        self.password_notice.setObjectName("send-password-notice")
        self.password_notice.setWordWrap(True)
        self.password_notice.setStyleSheet("color:#92400e;")

        # --- progress, results
        self.problems = QLabel("", self)
        self.problems.setObjectName("send-problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color:#b91c1c;")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("send-progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setObjectName("send-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.results = QListWidget(self)
        self.results.setObjectName("send-results")
        self.results.setWordWrap(True)
        self.warnings = QLabel("", self)
        self.warnings.setObjectName("send-warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color:#92400e;")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)

        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("send-button")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(lambda: self.send())
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("send-cancel")
        self.cancel_button.setToolTip("Stop the send in progress")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)

        form = self._form = QFormLayout()
        form.addRow("To", self.to_edit)
        form.addRow("", self.to_errors)
        personalise = QVBoxLayout()
        for w in (self.none_radio, self.preview_radio, self.rows_radio, self.rows_box):
            personalise.addWidget(w)
        form.addRow("Personalise as", personalise)
        form.addRow("Subject prefix", self.prefix_edit)
        form.addRow("From", self.from_edit)
        form.addRow("", self.from_error)
        form.addRow("Send through", self.profile_box)
        form.addRow("", self.profile_info)
        form.addRow("", self.password_notice)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.warnings)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.to_edit.textChanged.connect(self.validate)
        self.from_edit.textChanged.connect(self.validate)
        self.prefix_edit.textChanged.connect(self.validate)

        self.reload_profiles()
        self._restore()
        self.refresh_sources()

    # --- settings -------------------------------------------------------------------------------
    def _value(self, key: str, default: str = "") -> str:
        if self.settings is None:
            return default
        value = self.settings.value(f"send/{key}")
        return str(value) if value is not None else default

    def _remember(self, key: str, value: str) -> None:
        if self.settings is not None:
            self.settings.setValue(f"send/{key}", value)

    def _restore(self) -> None:
        wanted = self._value("profile")
        if wanted and self.select_profile(wanted, quiet=True):
            pass
        else:
            self.select_profile(LOCAL_INBOX, quiet=True)
        profile = self.current_profile()
        to = self._value("to")
        if not to and profile is not None and profile.local:
            to = DEFAULT_LOCAL_TO
        self.to_edit.setPlainText(to)
        self.prefix_edit.setText(self._value("prefix", "[TEST] "))
        self._set_default_from()

    # --- profiles -------------------------------------------------------------------------------
    def inbox_port(self) -> int | None:
        from .inbox_panel import inbox_of

        panel = inbox_of(self.window_)
        return panel.port if panel is not None else None

    def reload_profiles(self) -> None:
        """Refill the profile list: the local inbox first, then the saved profiles, then Manage."""
        key = self._profile_key
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        port = self.inbox_port()
        label = f"{LOCAL_INBOX} (127.0.0.1:{port})" if port else f"{LOCAL_INBOX} (not running)"
        self.profile_box.addItem(label, LOCAL_KEY)
        self._saved: dict[str, Profile] = {}
        self._profiles_error = ""
        try:
            saved = self.profile_store.load()
        except ProfileError as e:
            saved = []
            self._profiles_error = str(e)
        for profile in saved:
            self._saved[profile.name] = profile
            self.profile_box.addItem(f"{profile.name} ({profile.address})", profile.name)
        self.profile_box.insertSeparator(self.profile_box.count())
        self.profile_box.addItem("Manage profiles…", MANAGE_KEY)
        index = self.profile_box.findData(key)
        self.profile_box.setCurrentIndex(index if index >= 0 else 0)
        self._profile_key = self.profile_box.currentData()
        self.profile_box.blockSignals(False)
        self._profile_changed()

    def profile_names(self) -> list[str]:
        names = []
        for i in range(self.profile_box.count()):
            data = self.profile_box.itemData(i)
            if data == LOCAL_KEY:
                names.append(LOCAL_INBOX)
            elif data and data != MANAGE_KEY:
                names.append(data)
        return names

    def select_profile(self, name: str, *, quiet: bool = False) -> bool:
        key = LOCAL_KEY if name == LOCAL_INBOX else name
        index = self.profile_box.findData(key)
        if index < 0:
            return False
        self.profile_box.setCurrentIndex(index)
        self._profile_key = key
        self._profile_changed()
        return True

    def current_profile(self) -> Profile | None:
        if self._profile_key == LOCAL_KEY:
            port = self.inbox_port()
            return local_inbox_profile(port) if port else None
        return self._saved.get(self._profile_key)

    def _profile_activated(self, index: int) -> None:
        data = self.profile_box.itemData(index)
        if data == MANAGE_KEY:
            back = self.profile_box.findData(self._profile_key)
            self.profile_box.setCurrentIndex(back if back >= 0 else 0)
            self.manage_profiles()
            return
        self._profile_key = data
        self._profile_changed()

    def manage_profiles(self):
        from .profiles_dialog import ProfilesDialog

        dialog = ProfilesDialog(self, store=self.profile_store, passwords=self.passwords)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.profilesChanged.connect(self.reload_profiles)
        dialog.finished.connect(lambda *_: self.reload_profiles())
        dialog.show()
        return dialog

    def _profile_changed(self) -> None:
        profile = self.current_profile()
        if self._profile_key == LOCAL_KEY:
            if profile is None:
                self.profile_info.setText("The built-in test inbox is not running (see the Test inbox panel).")
            else:
                self.profile_info.setText(
                    "Messages stay on this computer and appear in the Test inbox panel; any address works."
                )
        elif profile is not None:
            login = f", login {profile.username}" if profile.username else ", no login"
            self.profile_info.setText(f"{profile.address}, {profile.security}{login}")
        else:
            self.profile_info.setText(self._profiles_error)
        self._update_password_notice()
        self._form.setRowVisible(self.profile_info, bool(self.profile_info.text()))
        if self._from_auto:
            self._set_default_from()
        self.validate()

    def _update_password_notice(self) -> None:
        profile = self.current_profile()
        notice = self.passwords.notice
        shown = bool(profile is not None and profile.needs_login and notice)
        if shown:
            self.password_notice.setText(f"⚠ {notice}")
        self._form.setRowVisible(self.password_notice, shown)

    def _set_default_from(self) -> None:
        profile = self.current_profile()
        text = ""
        if profile is not None:
            text = profile.from_addr or (LOCAL_FROM if profile.local else "")
        self.from_edit.setText(text)  # setText does not emit textEdited: still automatic
        self._from_auto = True

    def _from_edited(self, _text: str) -> None:
        self._from_auto = False

    # --- personalisation sources ----------------------------------------------------------------
    def preview_recipient(self) -> tuple[dict[str, Any], str] | None:
        """The row the previews show now (the Recipients panel's), or None."""
        panel = getattr(self.window_, "recipients_panel", None)
        try:
            row = panel.row_dict() if panel is not None else None
            if row is not None and panel is not None:
                return row, panel.label()
        except (AttributeError, RuntimeError):
            pass
        state = getattr(self.window_, "_mw_preview_state", None)
        if state is not None and getattr(state, "recipient", None) is not None:
            return state.recipient, state.recipient_label or "the chosen row"
        return None

    def loaded_recipients(self):
        """Recipients loaded in this dialog, else the Recipients panel's."""
        if self.recipients is not None:
            return self.recipients
        panel = getattr(self.window_, "recipients_panel", None)
        try:
            return getattr(panel, "recipients", None)
        except RuntimeError:
            return None

    def refresh_sources(self) -> None:
        """Re-read the previewed recipient and the loaded recipients (on each open, and when the
        Recipients panel changes row)."""
        panel = getattr(self.window_, "recipients_panel", None)
        if (
            panel is not None
            and panel is not getattr(self, "_watched_panel", None)
            and hasattr(panel, "recipientChanged")
        ):
            self._watched_panel = panel
            panel.recipientChanged.connect(lambda *_: self.refresh_sources())
        current = self.preview_recipient()
        if current is None:
            self.preview_radio.setText("The previewed recipient (none chosen in the Recipients panel)")
            self.preview_radio.setEnabled(False)
            if self.preview_radio.isChecked():
                self.none_radio.setChecked(True)
        else:
            self.preview_radio.setText(f"The previewed recipient: {current[1]}")
            self.preview_radio.setEnabled(True)
            if self.none_radio.isChecked() and not self.report:
                self.preview_radio.setChecked(True)
        self._fill_rows()
        self._mode_changed()

    def _fill_rows(self) -> None:
        recipients = self.loaded_recipients()
        checked = set(self.checked_rows())
        self.rows_list.blockSignals(True)
        self.rows_list.clear()
        if recipients is None:
            self.rows_file.setText("No recipients loaded: load a .csv or .json file.")
        else:
            self.rows_file.setText(f"{recipients.source}: {len(recipients)} row(s)")
            email_field = recipients.email_field
            for n, row in enumerate(recipients.rows, 1):
                item = QListWidgetItem(_row_label(n, row, email_field))
                item.setData(ROLE, n)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if n in checked else Qt.CheckState.Unchecked)
                self.rows_list.addItem(item)
        self.rows_list.blockSignals(False)

    def load_recipients(self, path: str | Path) -> bool:
        from ..app.recipients import RecipientsError, load_recipients

        try:
            recipients = load_recipients(path)
        except RecipientsError as e:
            self.rows_file.setText(str(e))
            return False
        self.recipients = recipients
        self.rows_list.clear()
        self._fill_rows()
        if len(recipients):
            self.check_rows([1])
        self.rows_radio.setChecked(True)
        self.validate()
        return True

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Load recipients",
            self._value("recipients_dir"),
            "Recipients (*.csv *.tsv *.txt *.json);;All files (*)",
        )
        if path:
            self._remember("recipients_dir", str(Path(path).parent))
            self.load_recipients(path)

    def check_rows(self, numbers) -> None:
        wanted = set(numbers)
        self.rows_list.blockSignals(True)
        for i in range(self.rows_list.count()):
            item = self.rows_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ROLE) in wanted else Qt.CheckState.Unchecked)
        self.rows_list.blockSignals(False)
        self.validate()

    def checked_rows(self) -> list[int]:
        return [
            self.rows_list.item(i).data(ROLE)
            for i in range(self.rows_list.count())
            if self.rows_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def mode(self) -> str:
        if self.rows_radio.isChecked():
            return MODE_ROWS
        if self.preview_radio.isChecked():
            return MODE_PREVIEW
        return MODE_NONE

    def set_mode(self, mode: str) -> None:
        {MODE_NONE: self.none_radio, MODE_PREVIEW: self.preview_radio, MODE_ROWS: self.rows_radio}[mode].setChecked(
            True
        )
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.rows_box.setVisible(self.rows_radio.isChecked())
        self.validate()

    # --- validation -----------------------------------------------------------------------------
    def addresses(self) -> tuple[list, list[AddressError]]:
        profile = self.current_profile()
        local = profile.local if profile is not None else True
        return parse_addresses(split_addresses(self.to_edit.toPlainText()), allow_localhost=local)

    def validate(self) -> bool:
        """Check every input; show what is wrong; enable Send only when all is well."""
        problems: list[str] = []
        profile = self.current_profile()
        local = profile.local if profile is not None else True
        good, bad = self.addresses()
        if bad:
            self.to_errors.setText(
                "\n".join(f"✗ {e}" for e in bad[:20]) + (f"\n… and {len(bad) - 20} more" if len(bad) > 20 else "")
            )
        elif not good:
            self.to_errors.setText("")
            problems.append("Enter at least one address to send to.")
        else:
            self.to_errors.setText("")
        if len(good) > MAX_RECIPIENTS:
            problems.append(f"At most {MAX_RECIPIENTS} test recipients at a time ({len(good)} given).")
        if bad:
            problems.append(f"{len(bad)} address(es) above cannot be used.")
        from_text = self.from_edit.text().strip()
        self.from_error.setText("")
        if not from_text:
            if not local:
                self.from_error.setText("Enter a From address (this profile has no default).")
                problems.append("The From address is missing.")
        else:
            try:
                parse_address(from_text, allow_localhost=local)
            except AddressError as e:
                self.from_error.setText(f"✗ {e}")
                problems.append("The From address cannot be used.")
        if profile is None:
            problems.append(self._profiles_error or "The local test inbox is not running; choose a profile.")
        mode = self.mode()
        if mode == MODE_PREVIEW and self.preview_recipient() is None:
            problems.append("No recipient is chosen in the Recipients panel.")
        rows = self.checked_rows()
        if mode == MODE_ROWS:
            if self.loaded_recipients() is None:
                problems.append("Load a recipients file, or personalise as nobody.")
            elif not rows:
                problems.append("Check at least one row.")
            elif len(rows) > MAX_ROWS:
                problems.append(f"At most {MAX_ROWS} messages at a time ({len(rows)} rows checked).")
        self.rows_count.setText(f"{len(rows)} checked" + (f" (max {MAX_ROWS})" if len(rows) > MAX_ROWS else ""))
        if self.window_ is not None and getattr(self.window_, "session", None) is None:
            problems.append("No template is open.")
        self.problems.setText(
            "\n".join(problems) if problems and (bad or self.to_edit.toPlainText().strip() or mode != MODE_NONE) else ""
        )
        for label in (self.to_errors, self.from_error):
            self._form.setRowVisible(label, bool(label.text()))
        self.problems.setVisible(bool(self.problems.text()))
        ok = not problems
        self.send_button.setEnabled(ok and not self.sending)
        return ok

    @property
    def sending(self) -> bool:
        return self._cancel is not None

    # --- sending --------------------------------------------------------------------------------
    def _rows_to_send(self) -> list[tuple[str, dict[str, Any] | None]]:
        mode = self.mode()
        if mode == MODE_PREVIEW:
            current = self.preview_recipient()
            return [(current[1], dict(current[0]))] if current else []
        if mode == MODE_ROWS:
            recipients = self.loaded_recipients()
            return [(f"row {n}", dict(recipients.row(n))) for n in self.checked_rows()[:MAX_ROWS]]
        return [("", None)]

    def send(self) -> bool:
        """Start a send with the dialog's inputs. False when an input is wrong or a send runs."""
        if self.sending or not self.validate():
            return False
        profile = self.current_profile()
        assert profile is not None
        if profile.needs_login:
            name = profile.name
            if name in self._prompt_again:
                return self._prompt_and_send(profile)
            self.status.setText("Looking for the saved password…")
            self.send_button.setEnabled(False)
            passwords = self.passwords
            self._cancel = threading.Event()  # a send is on its way: no second one
            self.cancel_button.setEnabled(True)
            run_in_thread(
                self,
                lambda: passwords.get(name),
                lambda secret: self._password_found(profile, secret),
                lambda message: self._password_found(profile, None),
            )
            return True
        return self._start(profile, None, store=False)

    def _password_found(self, profile: Profile, secret: Secret | None) -> None:
        cancelled = self._cancel is not None and self._cancel.is_set()
        self._cancel = None
        self.cancel_button.setEnabled(False)
        self._update_password_notice()
        if cancelled:
            self.status.setText("Cancelled.")
            self.validate()
            return
        if secret is not None:
            self._start(profile, secret, store=False)
        else:
            self._prompt_and_send(profile)

    def ask_password(self, profile: Profile) -> str | None:
        """Ask for the profile's password (None when the user cancels). Tests replace this."""
        lines = [f"Password for {profile.username} on {profile.address}:"]
        notice = self.passwords.notice
        if notice:
            lines.insert(0, f"{notice}.")
        elif profile.name in self._prompt_again:
            lines.insert(0, "The server refused the saved password.")
        text, ok = QInputDialog.getText(
            self, f"Password for {profile.name}", "\n\n".join(lines), QLineEdit.EchoMode.Password
        )
        return text if ok and text else None

    def _prompt_and_send(self, profile: Profile) -> bool:
        typed = self.ask_password(profile)
        if not typed:
            self.status.setText("Not sent: this profile needs a password.")
            self.validate()
            return False
        self._prompt_again.discard(profile.name)
        return self._start(profile, Secret(typed), store=True)

    def _start(self, profile: Profile, password: Secret | None, *, store: bool) -> bool:
        window = self.window_
        session = getattr(window, "session", None)
        if session is None:
            return False
        good, _bad = self.addresses()
        local = profile.local
        from_text = self.from_edit.text().strip() or (LOCAL_FROM if local else "")
        sender = parse_address(from_text, allow_localhost=local)
        reply_to = parse_address(profile.reply_to, allow_localhost=local) if profile.reply_to else None
        rows = self._rows_to_send()
        prefix = self.prefix_edit.text()
        snapshot = session.snapshot()
        source = session.name
        folder = session.path.parent if getattr(session, "path", None) else None
        cancel = threading.Event()
        passwords = self.passwords
        bridge = self._bridge
        timeout = 10.0 if local else 30.0

        def work():
            from ..app.build.personalise import CompiledEmail
            from ..app.build.preview_html import build_preview_job
            from ..app.send.sending import build_message, send_messages

            notes: list[str] = []
            if store and password is not None:
                outcome = passwords.set(profile.name, password)
                if not outcome.in_keyring and outcome.message:
                    notes.append(outcome.message[:1].upper() + outcome.message[1:] + ".")
            bridge.stage.emit("Building the email…")
            result = build_preview_job("mwt", snapshot, source)
            compiled = CompiledEmail(result)
            links = {"unsubscribe": profile.unsubscribe_url} if profile.unsubscribe_url else None
            messages = []
            for label, row in rows:
                if cancel.is_set():
                    break
                personal = compiled.render(row or {}, links=links)
                if personal.missing and row is not None:
                    notes.append(f"{label.capitalize()} lacks {', '.join(personal.missing)} (shown empty).")
                messages.append(
                    build_message(
                        personal,
                        from_addr=sender,
                        to=good,
                        reply_to=reply_to,
                        subject_prefix=prefix,
                        list_unsubscribe_url=profile.unsubscribe_url or None,
                        folder=folder,
                    )
                )
            if cancel.is_set():
                from ..app.send.sending import SendReport

                return SendReport(error="cancelled", cancelled=True, server=profile.address), notes
            bridge.stage.emit(f"Connecting to {profile.address}…")

            def retrying(number: int, recipients: list[str], delay: float) -> None:
                who = recipients[0] if len(recipients) == 1 else f"{len(recipients)} recipients"
                bridge.stage.emit(f"Message {number}: the server refused {who} for now; trying again in {delay:.0f} s…")

            report = send_messages(
                messages,
                profile,
                password,
                timeout=timeout,
                cancel=cancel,
                progress=lambda done, total, results: bridge.progress.emit(done, total, results),
                retrying=retrying,
            )
            return report, notes

        self._cancel = cancel
        self.report = None
        self.notes = []
        self.results.clear()
        self.warnings.setText("")
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self.progress.show()
        self.status.setText("Preparing…")
        self._total = len(rows)
        self.send_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._task = run_in_thread(
            self,
            work,
            lambda value: self._finished(profile, value),
            lambda message: self._failed(profile, message),
            name="mailwright-send",
        )
        self.started.emit()
        return True

    def cancel(self) -> None:
        """Stop the send in progress (the connection is closed at once)."""
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _on_stage(self, text: str) -> None:
        if self._cancel is not None and not self._cancel.is_set():
            self.status.setText(text)

    def _on_progress(self, done: int, total: int, results: list) -> None:
        if self._cancel is None:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} of {total} message(s)")
        self.status.setText(f"Sent {done} of {total} message(s)…")
        for r in results:
            self._add_result(r)

    def _add_result(self, r) -> None:
        mark = "✓" if r.ok else ("…" if r.status in ("temporary", "unknown") else "✗")
        prefix = f"message {r.message_number}: " if self._total > 1 else ""
        item = QListWidgetItem(f"{mark} {prefix}{r.address} — {r.message}")
        item.setData(ROLE, (r.address, r.ok, r.status))
        item.setForeground(Qt.GlobalColor.darkGreen if r.ok else Qt.GlobalColor.red)
        self.results.addItem(item)

    def _finished(self, profile: Profile, value) -> None:
        report, notes = value
        self._cancel = None
        self._task = None
        self.report = report
        self.notes = notes
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, max(1, self._total))
        self.progress.setValue(self._total if report.ok else self.progress.value())
        self.results.clear()
        for r in report.results:
            self._add_result(r)
        accepted = len(report.accepted)
        total = len(report.results)
        if report.cancelled:
            text = "Cancelled." + (f" {accepted} recipient(s) had already been accepted." if accepted else "")
        elif report.ok:
            text = f"Sent: all {total} recipient(s) accepted" + (f" by {report.server}." if report.server else ".")
        elif accepted:
            text = f"Partly sent: {accepted} of {total} recipient(s) accepted; see the failures below."
        else:
            text = "Not sent." + (f" {report.error[:1].upper()}{report.error[1:]}." if report.error else "")
        self.status.setText(text)
        if report.error and "login refused" in report.error:
            self._prompt_again.add(profile.name)
        self.warnings.setText("\n".join(["⚠ " + w for w in [*report.warnings, *notes]]))
        self._update_password_notice()
        if accepted:
            self._remember("to", self.to_edit.toPlainText().strip())
            self._remember("prefix", self.prefix_edit.text())
            self._remember("profile", profile.name)
        if accepted and profile.local and self._profile_key == LOCAL_KEY:
            from .inbox_panel import show_inbox

            show_inbox(self.window_)
        self.validate()
        self.finishedSending.emit(report)

    def _failed(self, profile: Profile, message: str) -> None:
        from ..app.send.sending import SendReport

        self._cancel = None
        self._task = None
        self.cancel_button.setEnabled(False)
        self.progress.hide()
        self.report = SendReport(error=message, server=profile.address)
        self.status.setText(f"Not sent: {message}")
        self.validate()
        self.finishedSending.emit(self.report)

    # --- results (for tests and callers) --------------------------------------------------------
    def result_lines(self) -> list[str]:
        return [self.results.item(i).text() for i in range(self.results.count())]

    def closeEvent(self, event) -> None:  # noqa: N802
        self.cancel()
        super().closeEvent(event)


def open_send_dialog(window) -> SendDialog:
    """Show the send dialog for this window (one per window; the inbox is started if needed)."""
    from .inbox_panel import install

    install(window)  # idempotent: normally done when the editor starts
    dialog = getattr(window, "_mw_send_dialog", None)
    try:
        if dialog is not None:
            dialog.reload_profiles()
            dialog.refresh_sources()
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            return dialog
    except RuntimeError:  # deleted with its window
        pass
    dialog = SendDialog(window)
    window._mw_send_dialog = dialog
    dialog.show()
    return dialog


def install(window):
    """Add Email > SMTP profiles… next to Send test (MainWindow calls this at start-up)."""
    from PySide6.QtGui import QAction

    existing = getattr(window, "a_profiles", None)
    if existing is not None:
        return existing
    action = QAction("SMTP &profiles…", window)
    action.setObjectName("smtp-profiles")
    action.setStatusTip("Add, edit and test the SMTP servers that test sends can go through")

    def show() -> None:
        from .profiles_dialog import open_profiles_dialog

        dialog = open_profiles_dialog(window)
        send = getattr(window, "_mw_send_dialog", None)
        if send is not None:
            try:
                dialog.profilesChanged.connect(send.reload_profiles, Qt.ConnectionType.UniqueConnection)
            except (RuntimeError, TypeError):
                pass

    action.triggered.connect(lambda _=False: show())
    send_action = getattr(window, "a_send", None)
    menu = None
    for top in window.menuBar().actions():
        if top.menu() is not None and send_action in top.menu().actions():
            menu = top.menu()
            break
    if menu is not None:
        menu.addAction(action)
    else:
        window.addAction(action)
    window.a_profiles = action
    return action
