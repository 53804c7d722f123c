"""SMTP profiles: list, add from an ESP preset or a custom server, edit, test, delete.

Profiles live in ``profiles.json`` in the user config folder (app/send/profiles.py), never with a
password: the password field goes to the OS keyring (one entry per profile), or, when there
is no keyring, into this run's memory, and the dialog says why (hardening.md §6). Keyring
calls and "Test connection" run off the UI thread (a locked keyring or a silent server must
not freeze the editor). The built-in "Local test inbox" is always available and not listed
here: it needs no settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..app.send.profiles import LOCAL_INBOX, PRESETS, SECURITY, SECURITY_LABELS, Profile, ProfileError, ProfileStore
from ..app.send.secrets import PasswordStore, Secret
from .send_support import Task, password_store, run_in_thread

__all__ = ["ProfilesDialog", "open_profiles_dialog", "step_line"]

CUSTOM = ""
_STANDARD_PORTS = {"tls": 465, "starttls": 587, "none": 25}
_STEP_NAMES = {"connect": "Connect", "tls": "Encryption (TLS)", "login": "Login"}


def step_line(step: Any) -> str:
    """One connection-test step in plain words, e.g. "✓ Connect: Connected to host:587."."""
    mark = "✓" if step.ok else "✗"
    return f"{mark} {_STEP_NAMES.get(step.name, step.name.title())}: {step.message}"


class ProfilesDialog(QDialog):
    """Manage SMTP profiles. ``profilesChanged`` fires after a save or a delete."""

    profilesChanged = Signal()
    tested = Signal(object)  # the list of Steps of the last connection test
    passwordSaved = Signal(object)  # KeyringOutcome of the last password save

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        store: ProfileStore | None = None,
        passwords: PasswordStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("profiles-dialog")
        self.setWindowTitle("SMTP profiles")
        self.resize(920, 700)
        self.store = store or ProfileStore()
        self.passwords = passwords or password_store()
        self.editing: str | None = None  # the saved profile in the form; None: a new one
        self.preset_key: str = CUSTOM
        self._loading = False
        self._test_task: Task | None = None
        self._saved_profile: Profile | None = None

        # left: the list and the add/delete buttons
        left = QWidget(self)
        self.list = QListWidget(left)
        self.list.setObjectName("profile-list")
        self.list.currentItemChanged.connect(self._chosen)
        self.preset_box = QComboBox(left)
        self.preset_box.setObjectName("preset-box")
        self.preset_box.addItem("Custom server", CUSTOM)
        for key, preset in PRESETS.items():
            self.preset_box.addItem(preset.label, key)
        self.add_button = QPushButton("Add", left)
        self.add_button.setObjectName("profile-add")
        self.add_button.clicked.connect(lambda: self.add_from_preset(self.preset_box.currentData()))
        self.delete_button = QPushButton("Delete", left)
        self.delete_button.setObjectName("profile-delete")
        self.delete_button.clicked.connect(lambda: self.delete_current())
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(f"Saved profiles. The “{LOCAL_INBOX}” needs none: it is always available.", left)
        intro.setWordWrap(True)
        ll.addWidget(intro)
        ll.addWidget(self.list, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.preset_box, 1)
        add_row.addWidget(self.add_button)
        ll.addLayout(add_row)
        ll.addWidget(self.delete_button)

        # right: the form
        right = QWidget(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(right)
        self.name_edit.setObjectName("profile-name")
        self.region_box = QComboBox(right)
        self.region_box.setObjectName("profile-region")
        self.region_box.setEditable(True)
        self.region_label = QLabel("Region", right)
        self.host_edit = QLineEdit(right)
        self.host_edit.setObjectName("profile-host")
        self.host_edit.setPlaceholderText("smtp.example.com")
        self.port_box = QSpinBox(right)
        self.port_box.setObjectName("profile-port")
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(587)
        self.security_box = QComboBox(right)
        self.security_box.setObjectName("profile-security")
        for key in SECURITY:
            self.security_box.addItem(SECURITY_LABELS[key], key)
        self.security_box.setCurrentIndex(SECURITY.index("starttls"))
        self.user_edit = QLineEdit(right)
        self.user_edit.setObjectName("profile-user")
        self.user_hint = QLabel("", right)
        self.user_hint.setWordWrap(True)
        self.user_hint.setStyleSheet("color:#6b7280;")
        self.password_edit = QLineEdit(right)
        self.password_edit.setObjectName("profile-password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_hint = QLabel("", right)
        self.password_hint.setWordWrap(True)
        self.password_hint.setStyleSheet("color:#6b7280;")
        self.from_edit = QLineEdit(right)
        self.from_edit.setObjectName("profile-from")
        self.from_edit.setPlaceholderText("Your Name <you@example.com>")
        self.reply_edit = QLineEdit(right)
        self.reply_edit.setObjectName("profile-reply-to")
        self.unsub_edit = QLineEdit(right)
        self.unsub_edit.setObjectName("profile-unsubscribe")
        self.unsub_edit.setPlaceholderText("https://example.com/unsubscribe (optional, adds List-Unsubscribe)")
        form.addRow("Name", self.name_edit)
        form.addRow(self.region_label, self.region_box)
        form.addRow("Host", self.host_edit)
        form.addRow("Port", self.port_box)
        form.addRow("Security", self.security_box)
        form.addRow("User name", self.user_edit)
        form.addRow("", self.user_hint)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.password_hint)
        form.addRow("Default From", self.from_edit)
        form.addRow("Reply-To", self.reply_edit)
        form.addRow("Unsubscribe URL", self.unsub_edit)

        self.error_label = QLabel("", right)
        self.error_label.setObjectName("profile-error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color:#b91c1c;")
        self.notes_label = QLabel("", right)
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color:#6b7280;")
        self.save_button = QPushButton("Save profile", right)
        self.save_button.setObjectName("profile-save")
        self.save_button.clicked.connect(lambda: self.save())
        self.test_button = QPushButton("Test connection", right)
        self.test_button.setObjectName("profile-test")
        self.test_button.clicked.connect(lambda: self.test_connection())
        self.steps = QListWidget(right)
        self.steps.setObjectName("test-steps")
        self.steps.setWordWrap(True)
        self.steps.setMaximumHeight(120)
        self.keyring_label = QLabel("Checking the system keyring…", right)
        self.keyring_label.setObjectName("keyring-notice")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setStyleSheet("color:#6b7280;")

        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(form)
        rl.addWidget(self.notes_label)
        rl.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(self.steps)
        rl.addWidget(self.keyring_label)
        rl.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        close.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(close)

        for edit in (self.name_edit, self.host_edit, self.user_edit, self.from_edit, self.reply_edit, self.unsub_edit):
            edit.textChanged.connect(self.validate)
        self.port_box.valueChanged.connect(self.validate)
        self.security_box.currentIndexChanged.connect(self._security_changed)
        self.region_box.currentTextChanged.connect(self._region_changed)
        self.password_edit.textChanged.connect(self._password_typed)

        self._set_region_visible(False)
        self.reload()
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.add_from_preset(CUSTOM)
        self._check_keyring()

    # --- keyring -----------------------------------------------------------------------------
    def _check_keyring(self) -> None:
        passwords = self.passwords

        def probe() -> tuple[str, str | None]:
            return passwords.backend_name(), passwords.notice

        run_in_thread(self, probe, self._show_keyring)

    def _show_keyring(self, result: tuple[str, str | None]) -> None:
        backend, notice = result
        notice = self.passwords.notice or notice
        if notice:
            self.keyring_label.setText(f"⚠ {notice}")
            self.keyring_label.setStyleSheet("color:#92400e;")
        elif backend.endswith("fail.Keyring") or backend == "none":
            self.keyring_label.setText(
                "⚠ No system keyring is available here, so passwords are kept in memory "
                "until you quit (you will be asked again next time)."
            )
            self.keyring_label.setStyleSheet("color:#92400e;")
        else:
            self.keyring_label.setText(
                f"Passwords are stored in the system keyring ({backend}), never in the profile file."
            )
            self.keyring_label.setStyleSheet("color:#6b7280;")

    # --- list --------------------------------------------------------------------------------
    def reload(self) -> None:
        self._loading = True
        current = self.editing
        self.list.clear()
        try:
            profiles = self.store.load()
        except ProfileError as e:
            profiles = []
            self.error_label.setText(str(e))
        for profile in profiles:
            item = QListWidgetItem(profile.name)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            item.setToolTip(f"{profile.address} · {profile.security}")
            self.list.addItem(item)
            if profile.name == current:
                self.list.setCurrentItem(item)
        self._loading = False
        self.delete_button.setEnabled(self.editing is not None)

    def profile_names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _chosen(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if self._loading or item is None:
            return
        self.load_profile(item.data(Qt.ItemDataRole.UserRole))

    def select(self, name: str) -> bool:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(i)
                self.load_profile(name)
                return True
        return False

    # --- the form ----------------------------------------------------------------------------
    def _fill(self, profile: Profile) -> None:
        self._loading = True
        self.name_edit.setText(profile.name)
        self.host_edit.setText(profile.host)
        self.port_box.setValue(profile.port)
        self.security_box.setCurrentIndex(SECURITY.index(profile.security) if profile.security in SECURITY else 1)
        self.user_edit.setText(profile.username)
        self.password_edit.clear()
        self.from_edit.setText(profile.from_addr)
        self.reply_edit.setText(profile.reply_to)
        self.unsub_edit.setText(profile.unsubscribe_url)
        self.steps.clear()
        self._loading = False
        self.validate()

    def load_profile(self, name: str) -> None:
        try:
            profile = self.store.get(name)
        except ProfileError as e:
            self.error_label.setText(str(e))
            return
        self.editing = profile.name
        self.preset_key = self._guess_preset(profile)
        self._set_region_visible(False)
        self._show_hints()
        self._fill(profile)
        self.password_edit.setPlaceholderText("Checking the keyring…")
        self.delete_button.setEnabled(True)
        passwords = self.passwords
        run_in_thread(self, lambda: passwords.get(name) is not None, lambda has: self._show_password_state(name, has))

    def _show_password_state(self, name: str, has: bool) -> None:
        if self.editing != name:
            return
        if has:
            self.password_edit.setPlaceholderText("•••••••• saved (type to replace)")
        else:
            self.password_edit.setPlaceholderText(
                "not saved yet" if self.user_edit.text().strip() else "not needed without a user name"
            )

    def _guess_preset(self, profile: Profile) -> str:
        for key, preset in PRESETS.items():
            if "{region}" in preset.host:
                prefix, suffix = preset.host.split("{region}")
                if profile.host.startswith(prefix) and profile.host.endswith(suffix):
                    return key
            elif profile.host == preset.host:
                return key
        return CUSTOM

    def _unique_name(self, base: str) -> str:
        names = {n.casefold() for n in self.profile_names()} | {LOCAL_INBOX.casefold()}
        if base.casefold() not in names:
            return base
        n = 2
        while f"{base} {n}".casefold() in names:
            n += 1
        return f"{base} {n}"

    def add_from_preset(self, key: str | None, region: str | None = None) -> None:
        """Start a new (unsaved) profile from a preset, or an empty custom one."""
        key = key or CUSTOM
        self.editing = None
        self.list.blockSignals(True)
        self.list.setCurrentRow(-1)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self.preset_key = key
        self.delete_button.setEnabled(False)
        if key == CUSTOM:
            profile = Profile(name=self._unique_name("My SMTP server"), host="", port=587, security="starttls")
            self._set_region_visible(False)
        else:
            preset = PRESETS[key]
            if preset.regions:
                self._loading = True
                self.region_box.clear()
                self.region_box.addItems(list(preset.regions))
                self.region_box.setCurrentText(region or preset.regions[0])
                self._loading = False
            self._set_region_visible(bool(preset.regions))
            try:
                host = preset.host_for(region)
            except ProfileError:
                host = preset.host_for(None)
            profile = Profile(
                name=self._unique_name(preset.label),
                host=host,
                port=preset.port,
                security=preset.security,
                username=preset.username,
            )
        self._show_hints()
        self._fill(profile)
        self.password_edit.setPlaceholderText("stored in the system keyring, never in the profile file")
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _set_region_visible(self, on: bool) -> None:
        self.region_box.setVisible(on)
        self.region_label.setVisible(on)

    def _show_hints(self) -> None:
        preset = PRESETS.get(self.preset_key)
        if preset is None:
            self.user_hint.setText("Leave empty if the server needs no login.")
            self.password_hint.setText("")
            self.notes_label.setText("")
            return
        self.user_hint.setText(f"{preset.label}: {preset.username_hint}.")
        self.password_hint.setText(f"{preset.label}: {preset.password_hint}.")
        ports = ", ".join(f"{p} ({SECURITY_LABELS[s].split(' (')[0]})" for p, s in preset.other_ports)
        notes = f"Other ports: {ports}." if ports else ""
        if preset.notes:
            notes = f"{notes} {preset.notes}".strip()
        self.notes_label.setText(notes)

    def _region_changed(self, region: str) -> None:
        if self._loading:
            return
        preset = PRESETS.get(self.preset_key)
        if preset is None or not preset.regions:
            return
        try:
            self.host_edit.setText(preset.host_for(region))
        except ProfileError as e:
            self.error_label.setText(str(e))

    def _security_changed(self, _index: int) -> None:
        if self._loading:
            return
        security = self.security_box.currentData()
        preset = PRESETS.get(self.preset_key)
        standard = set(_STANDARD_PORTS.values())
        if preset is not None:
            standard |= {preset.port} | {p for p, _ in preset.other_ports}
        if self.port_box.value() in standard:
            port = _STANDARD_PORTS[security]
            if preset is not None:
                port = (
                    preset.port
                    if security == preset.security
                    else next((p for p, s in preset.other_ports if s == security), port)
                )
            self.port_box.setValue(port)
        self.validate()

    def _password_typed(self, _text: str) -> None:
        self.validate()

    def form_profile(self) -> Profile:
        return Profile(
            name=self.name_edit.text().strip(),
            host=self.host_edit.text().strip(),
            port=self.port_box.value(),
            security=self.security_box.currentData(),
            username=self.user_edit.text().strip(),
            from_addr=self.from_edit.text().strip(),
            reply_to=self.reply_edit.text().strip(),
            unsubscribe_url=self.unsub_edit.text().strip(),
        )

    def validate(self) -> Profile | None:
        """Check the form; say what to fix inline. The valid profile, or None."""
        if self._loading:
            return None
        profile = self.form_profile()
        message = ""
        valid: Profile | None = None
        try:
            valid = profile.validated()
        except ProfileError as e:
            message = str(e)
            prefix = f"{profile.name}: "
            if profile.name and message.startswith(prefix):
                message = message[len(prefix) :]
            message = message[:1].upper() + message[1:]
        if valid is not None and valid.name.casefold() == LOCAL_INBOX.casefold():
            message, valid = f"“{LOCAL_INBOX}” is the built-in profile; choose another name.", None
        if valid is not None:
            clash = [n for n in self.profile_names() if n.casefold() == valid.name.casefold() and n != self.editing]
            if clash:
                message, valid = f"A profile named “{clash[0]}” already exists.", None
        if valid is not None and self.password_edit.text() and not valid.username:
            message = "A password is only used with a user name; enter the user name too."
            valid = None
        self.error_label.setText(message)
        self.save_button.setEnabled(valid is not None)
        self.test_button.setEnabled(valid is not None and not self.testing)
        return valid

    @property
    def testing(self) -> bool:
        return self._test_task is not None and self._test_task.running

    # --- save / delete -----------------------------------------------------------------------
    def save(self) -> Profile | None:
        """Save the form as a profile; the password (if typed) goes to the keyring. The saved
        profile, or None (the reason is shown)."""
        profile = self.validate()
        if profile is None:
            return None
        old = self.editing
        try:
            saved = self.store.save(profile, replace_name=old)
        except ProfileError as e:
            self.error_label.setText(str(e))
            return None
        self._saved_profile = saved
        typed = self.password_edit.text()
        passwords = self.passwords
        secret = Secret(typed) if typed else None
        self.password_edit.clear()
        renamed = old is not None and old != saved.name

        def keyring_work():
            outcome = None
            if renamed:
                passwords.rename(old, saved.name)
            if secret is not None:
                outcome = passwords.set(saved.name, secret)
            return outcome, passwords.get(saved.name) is not None

        if renamed or secret is not None:
            self.password_edit.setPlaceholderText("Saving the password…")
            run_in_thread(
                self,
                keyring_work,
                lambda outcome: self._password_stored(saved.name, outcome),
                lambda message: self.error_label.setText(f"The password was not saved: {message}"),
            )
        self.editing = saved.name
        self.reload()
        self.select(saved.name)
        self.profilesChanged.emit()
        return saved

    def _password_stored(self, name: str, result: Any) -> None:
        outcome, has = result
        if outcome is not None:
            if not outcome.in_keyring:
                self.keyring_label.setText(f"⚠ {outcome.message}")
                self.keyring_label.setStyleSheet("color:#92400e;")
            self.passwordSaved.emit(outcome)
        if self.editing == name:
            self._show_password_state(name, has)

    def delete_current(self, *, confirm: bool = True) -> bool:
        name = self.editing
        if name is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self, "Delete profile", f"Delete the profile “{name}” and its saved password?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.store.delete(name)
        except ProfileError as e:
            self.error_label.setText(str(e))
            return False
        passwords = self.passwords
        run_in_thread(self, lambda: passwords.delete(name))
        self.editing = None
        self.reload()
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.add_from_preset(CUSTOM)
        self.profilesChanged.emit()
        return True

    # --- test connection ---------------------------------------------------------------------
    def test_connection(self) -> bool:
        """Connect, secure and log in with the form's settings, off the UI thread. The steps
        appear in the list as they are known; ``tested`` fires with them."""
        profile = self.validate()
        if profile is None or self.testing:
            return False
        from ..app.send.sending import test_connection

        typed = self.password_edit.text()
        secret = Secret(typed) if typed else None
        passwords = self.passwords
        saved_name = self.editing

        def work():
            password = secret
            if password is None and profile.username and saved_name:
                password = passwords.get(saved_name)
            return test_connection(profile, password, timeout=15.0)

        self.steps.clear()
        self.steps.addItem(f"Testing {profile.address}…")
        self.test_button.setEnabled(False)
        self._test_task = run_in_thread(self, work, self._tested, self._test_failed, name="mailwright-smtp-test")
        return True

    def _tested(self, steps: list) -> None:
        self.steps.clear()
        for step in steps:
            item = QListWidgetItem(step_line(step))
            item.setForeground(Qt.GlobalColor.darkGreen if step.ok else Qt.GlobalColor.red)
            self.steps.addItem(item)
        if steps and all(s.ok for s in steps):
            self.steps.addItem("The server is ready for test sends.")
        self._test_task = None
        self.validate()
        self.tested.emit(steps)

    def _test_failed(self, message: str) -> None:
        self.steps.clear()
        self.steps.addItem(f"✗ The test could not run: {message}")
        self._test_task = None
        self.validate()
        self.tested.emit([])

    def step_texts(self) -> list[str]:
        return [self.steps.item(i).text() for i in range(self.steps.count())]


def open_profiles_dialog(window: QWidget | None = None) -> ProfilesDialog:
    """Show the profiles dialog (one per window)."""
    dialog = getattr(window, "_mw_profiles_dialog", None) if window is not None else None
    try:
        if dialog is not None:
            dialog.reload()
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            return dialog
    except RuntimeError:  # deleted
        pass
    dialog = ProfilesDialog(window)
    if window is not None:
        window._mw_profiles_dialog = dialog  # type: ignore[attr-defined]  # one dialog per window, kept on it
    dialog.show()
    return dialog
