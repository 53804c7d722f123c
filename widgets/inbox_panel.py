"""The Inbox dock: the built-in test inbox, started with the editor, and what it received.

`install(window)` starts an :class:`~mailwright.app.send.inbox.Inbox` on 127.0.0.1 (a free port,
messages stored in the user data folder; ``MAILWRIGHT_DATA_DIR`` overrides it), owned by the
window and stopped when the window is destroyed or the application quits, and makes the
:class:`InboxPanel` the main window shows in its "dock-inbox" dock.

The panel lists time, recipient and subject, newest first, and updates live: the inbox calls
``on_message`` on aiosmtpd's thread, and a queued signal carries it to the Qt thread. A
message shows as HTML (the hardened :class:`EmailView`; remote images off unless the user
turns them on, inline ``cid:`` images shown from the message itself), text, headers and raw
source. A message nested too deeply to parse safely, or one that cannot be shown for any
other reason, shows its headers and raw source with a note saying why: showing never raises.
Messages an earlier version kept are listed but cannot be deleted here (the inbox deletes
only what it stored itself).
"""

from __future__ import annotations

import base64
import html as htmllib
import logging
import re
import threading
from datetime import datetime
from email.message import EmailMessage, Message
from typing import Any, cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..app.send.inbox import Inbox, InboxError, InboxMessage, MessageTooDeep, default_store

log = logging.getLogger(__name__)

__all__ = ["InboxPanel", "install", "inbox_of", "message_html", "message_text", "message_headers"]

ROLE = Qt.ItemDataRole.UserRole
OWN_ROLE = Qt.ItemDataRole.UserRole + 1  # False: kept by an earlier version, not deletable here
EARLIER_NOTE = "Kept by an earlier version of Mailwright: the test inbox does not delete it."
RAW_SHOWN = 2 * 1024 * 1024  # the raw source tab shows at most this much
INLINE_IMAGE_LIMIT = 5 * 1024 * 1024  # cid: images above this are not shown inline
REMOTE_WARNING = (
    "Remote images are loaded from the internet: the sender (and any tracker) learns "
    "that the message was opened and your IP address."
)


# --- reading a message ---------------------------------------------------------------------------


def _part_text(part: Message) -> str:
    try:
        return part.get_content()  # type: ignore[attr-defined]  # parsed with policy.default: an EmailMessage
    except Exception:  # noqa: BLE001 - a bad charset: show what we can
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def _cid_images(msg: EmailMessage) -> dict[str, str]:
    """Content-ID → data: URI of the message's inline images (so `cid:` references show)."""
    out: dict[str, str] = {}
    for part in msg.walk():
        cid = part.get("Content-ID")
        if not cid or part.get_content_maintype() != "image":
            continue
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes) or len(data) > INLINE_IMAGE_LIMIT:
            continue
        mime = part.get_content_type()
        if not re.fullmatch(r"image/[A-Za-z0-9.+-]+", mime) or mime == "image/svg+xml":
            continue  # SVG can carry scripts and links; the view would block them, but skip it anyway
        out[str(cid).strip().strip("<>")] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return out


def message_html(msg: EmailMessage) -> str | None:
    """The HTML part with inline (cid:) images turned into data: URIs; None without HTML."""
    part = msg.get_body(preferencelist=("html",))
    if part is None:
        return None
    html = _part_text(part)
    images = _cid_images(msg)
    if images:
        html = re.sub(r"cid:([^\"'\s)>]+)", lambda m: images.get(htmllib.unescape(m.group(1)), m.group(0)), html)
    return html


def message_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        return "(This message has no plain-text part.)"
    return _part_text(part)


def message_headers(msg: EmailMessage) -> str:
    """The top-level headers, decoded (RFC 2047), one per line."""
    lines = []
    for name, value in msg.items():
        try:
            text = str(value)
        except Exception:  # noqa: BLE001
            text = repr(value)
        lines.append(f"{name}: {text}")
    return "\n".join(lines)


def _when(received: datetime) -> str:
    local = received.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


# --- the panel -----------------------------------------------------------------------------------


class _Relay(QObject):
    """Carries messages from aiosmtpd's thread to the Qt thread."""

    arrived = Signal(object)


class InboxPanel(QWidget):
    """List + viewer for the test inbox.

    Signals: ``messageArrived(InboxMessage)`` on the Qt thread for each new message;
    ``messageShown(str)`` with the id of the message now shown.
    """

    messageArrived = Signal(object)
    messageShown = Signal(str)

    def __init__(self, inbox: Inbox | None, parent: QWidget | None = None, *, error: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("inbox-panel")
        self.inbox = inbox
        self.error = error
        self.current_id: str | None = None
        self._relay = _Relay(self)
        self._relay.arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)

        self.address_label = QLabel(self)
        self.address_label.setObjectName("inbox-address")
        self.address_label.setWordWrap(True)
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("inbox-delete")
        self.delete_button.setToolTip("Delete the selected message")
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setObjectName("inbox-clear")
        self.clear_button.setToolTip("Delete every message the test inbox stored")
        self.clear_button.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(self.address_label, 1)
        top.addWidget(self.delete_button)
        top.addWidget(self.clear_button)

        self.list = QTreeWidget(self)
        self.list.setObjectName("inbox-list")
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Time", "To", "Subject"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(True)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.setMinimumHeight(48)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inbox-tabs")
        html_page = QWidget(self.tabs)
        self.remote_images = QCheckBox("Load remote images", html_page)
        self.remote_images.setObjectName("inbox-remote-images")
        self.remote_images.setToolTip(REMOTE_WARNING)
        self.remote_images.toggled.connect(self._remote_toggled)
        self.html_note = QLabel("", html_page)
        self.html_note.setWordWrap(True)
        from .email_view import EmailView

        self.view = EmailView(html_page)
        self.view.setObjectName("inbox-html")
        self.view.linkClicked.connect(self._link_clicked)
        # A web view that is shown starts a renderer process (~80 MB) even with nothing loaded,
        # and a dock tabbed behind another counts as shown: the view stays hidden until the
        # first message is shown.
        self.view.hide()
        self.view_placeholder = QLabel("Select a message to see it here.", html_page)
        self.view_placeholder.setObjectName("inbox-html-placeholder")
        self.view_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view_placeholder.setStyleSheet("color:#6b7280")
        hl = QVBoxLayout(html_page)
        hl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.remote_images)
        row.addWidget(self.html_note, 1)
        hl.addLayout(row)
        hl.addWidget(self.view, 1)
        hl.addWidget(self.view_placeholder, 1)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text_view = self._text_tab("inbox-text", mono)
        self.headers_view = self._text_tab("inbox-headers", mono)
        self.raw_view = self._text_tab("inbox-raw", mono)
        self.tabs.addTab(html_page, "HTML")
        self.tabs.addTab(self.text_view, "Text")
        self.tabs.addTab(self.headers_view, "Headers")
        self.tabs.addTab(self.raw_view, "Raw source")

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        if inbox is not None:
            inbox.on_message = self._from_server_thread
        self._update_address()
        self.refresh()

    def _text_tab(self, name: str, font: QFont) -> QPlainTextEdit:
        view = QPlainTextEdit(self.tabs)
        view.setObjectName(name)
        view.setReadOnly(True)
        view.setFont(font)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        view.setMinimumHeight(48)  # the bottom docks share one height (see the recipients panel)
        return view

    # --- state -----------------------------------------------------------------------------------
    @property
    def port(self) -> int | None:
        return self.inbox.port if self.inbox is not None and self.inbox.running else None

    def _update_address(self) -> None:
        if self.port:
            host = self.inbox.host  # type: ignore[union-attr]  # a port means a running inbox
            self.address_label.setText(f"Local test inbox on {host}:{self.port}")
            self.address_label.setToolTip(f"Messages are kept in {self.inbox.store}")  # type: ignore[union-attr]  # running, as above
            self.address_label.setStyleSheet("")
        else:
            why = self.error or "it is not running"
            self.address_label.setText(f"The local test inbox is not available: {why}")
            self.address_label.setStyleSheet("color:#b91c1c;")
        has_store = self.inbox is not None
        self.clear_button.setEnabled(has_store)

    def _from_server_thread(self, message: InboxMessage) -> None:
        """Inbox.on_message: runs on aiosmtpd's thread; only hands over to the Qt thread."""
        try:
            self._relay.arrived.emit(message)
        except RuntimeError:  # the panel is gone (the editor is closing)
            pass

    def _on_arrived(self, message: InboxMessage) -> None:
        if self._find(message.id) is None:
            self.list.insertTopLevelItem(0, self._item(message))
            # The inbox dropped its oldest own messages to keep its cap (not the bottom rows:
            # messages an earlier version kept are listed last and stay).
            for i in reversed(range(self.list.topLevelItemCount())):
                item = self._at(i)
                if item.data(0, OWN_ROLE) and self.inbox is not None and not self.inbox.has(item.data(0, ROLE)):
                    self.list.takeTopLevelItem(i)
                    if item.data(0, ROLE) == self.current_id:
                        self._show(None)
            self._resize_columns()
        self.messageArrived.emit(message)

    def _item(self, message: InboxMessage) -> QTreeWidgetItem:
        to = ", ".join(message.rcpt_tos)
        item = QTreeWidgetItem([_when(message.received_at), to, message.subject or "(no subject)"])
        item.setData(0, ROLE, message.id)
        item.setData(0, OWN_ROLE, message.own)
        item.setToolTip(0, message.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
        item.setToolTip(1, f"From {message.mail_from or '<>'} to {to}")
        item.setToolTip(2, message.subject if message.own else f"{message.subject}\n{EARLIER_NOTE}")
        if not message.own:
            for column in range(3):
                item.setForeground(column, Qt.GlobalColor.darkGray)
        return item

    def _at(self, i: int) -> QTreeWidgetItem:
        """The listed item at row `i` (below topLevelItemCount(), so never None)."""
        return cast(QTreeWidgetItem, self.list.topLevelItem(i))

    def _find(self, msg_id: str) -> QTreeWidgetItem | None:
        for i in range(self.list.topLevelItemCount()):
            item = self._at(i)
            if item.data(0, ROLE) == msg_id:
                return item
        return None

    def _resize_columns(self) -> None:
        self.list.resizeColumnToContents(0)
        if self.list.columnWidth(1) < 60:
            self.list.resizeColumnToContents(1)

    def message_ids(self) -> list[str]:
        """The listed message ids, as shown (newest first)."""
        return [self._at(i).data(0, ROLE) for i in range(self.list.topLevelItemCount())]

    def subjects(self) -> list[str]:
        return [self._at(i).text(2) for i in range(self.list.topLevelItemCount())]

    def refresh(self) -> None:
        """Re-read the stored messages (keeps the selection when it still exists)."""
        selected = self.current_id
        self.list.blockSignals(True)
        self.list.clear()
        messages: list[InboxMessage] = []
        if self.inbox is not None:
            try:
                messages = self.inbox.list_messages()
            except OSError as e:
                self.address_label.setText(f"Cannot read the test inbox: {e}")
        for message in messages:
            self.list.addTopLevelItem(self._item(message))
        self._resize_columns()
        self.list.blockSignals(False)
        if selected and self._find(selected) is not None:
            self.select(selected)
        else:
            self._show(None)

    def select(self, msg_id: str) -> bool:
        item = self._find(msg_id)
        if item is None:
            return False
        self.list.setCurrentItem(item)
        item.setSelected(True)
        if self.current_id != msg_id:
            self._show(msg_id)
        return True

    def select_latest(self) -> bool:
        ids = self.message_ids()
        return self.select(ids[0]) if ids else False

    def _deletable(self) -> bool:
        return any(item.data(0, OWN_ROLE) for item in self.list.selectedItems())

    def _selection_changed(self) -> None:
        items = self.list.selectedItems()
        self.delete_button.setEnabled(self._deletable())
        current = self.list.currentItem()
        if current is not None and current.isSelected():
            self._show(current.data(0, ROLE))
        elif items:
            self._show(items[0].data(0, ROLE))
        else:
            self._show(None)

    # --- showing ---------------------------------------------------------------------------------
    def _show(self, msg_id: str | None) -> None:
        if msg_id == self.current_id and msg_id is not None:
            return
        self.current_id = msg_id
        self.delete_button.setEnabled(msg_id is not None and self._deletable())
        if msg_id is None or self.inbox is None:
            # Until a message is shown the view stays hidden (see __init__): no renderer process
            # for a panel the user may never open.
            if getattr(self.view, "_current_key", None):
                self.view.set_email_html("<p style='font-family:sans-serif;color:#6b7280'>Select a message.</p>")
            for view in (self.text_view, self.headers_view, self.raw_view):
                view.setPlainText("")
            self.html_note.setText("")
            return
        if self.view.isHidden():
            self.view_placeholder.hide()
            self.view.show()
        try:
            raw = self.inbox.raw(msg_id)
        except (InboxError, OSError) as e:
            self.html_note.setText(str(e))
            self.view.set_email_html("")
            return
        self._show_raw(raw)
        try:
            msg = self.inbox.read(msg_id)
            html = message_html(msg)
            text, headers = message_text(msg), message_headers(msg)
        except MessageTooDeep as e:
            self._show_unparsed(msg_id, str(e))
        except (InboxError, OSError) as e:
            self.html_note.setText(str(e))
            self.view.set_email_html("")
            return
        except Exception as e:  # noqa: BLE001 - whatever a hostile message does, it is still shown
            log.exception("test inbox: could not show message %s", msg_id)
            self._show_unparsed(
                msg_id,
                f"This message could not be shown ({type(e).__name__}); its headers and "
                "raw source are in the other tabs.",
            )
        else:
            if html is None:
                self.view.set_email_html(
                    "<p style='font-family:sans-serif;color:#6b7280'>This message has no "
                    "HTML part; see the Text tab.</p>"
                )
            else:
                self.view.set_email_html(html)
            note = "" if self.remote_images.isChecked() else "Remote images are not loaded."
            item = self._find(msg_id)
            if item is not None and not item.data(0, OWN_ROLE):
                note = f"{note} {EARLIER_NOTE}".strip()
            self.html_note.setText(note)
            self.text_view.setPlainText(text)
            self.headers_view.setPlainText(headers)
        self.messageShown.emit(msg_id)

    def _show_raw(self, raw: bytes) -> None:
        shown = raw[:RAW_SHOWN].decode("utf-8", "replace").replace("\r\n", "\n")
        if len(raw) > RAW_SHOWN:
            shown += f"\n\n[… {len(raw) - RAW_SHOWN:,} more bytes not shown]"
        self.raw_view.setPlainText(shown)

    def _show_unparsed(self, msg_id: str, why: str) -> None:
        """A message that cannot be parsed safely: the reason, its top-level headers, its raw source."""
        paragraph = f"<p style='font-family:sans-serif;color:#b91c1c'>{htmllib.escape(why)}</p>"
        self.view.set_email_html(paragraph)
        self.html_note.setText(why)
        self.text_view.setPlainText(why)
        try:
            assert self.inbox is not None  # a message is shown from the inbox
            self.headers_view.setPlainText(message_headers(self.inbox.read_headers(msg_id)))
        except Exception:  # noqa: BLE001 - the reason is already shown; headers are a bonus
            self.headers_view.setPlainText("")

    def _remote_toggled(self, on: bool) -> None:
        self.view.set_remote_images(on)
        current, self.current_id = self.current_id, None
        self._show(current)

    def _link_clicked(self, url) -> None:
        from PySide6.QtGui import QDesktopServices

        answer = QMessageBox.question(self, "Open link", f"Open this link in your browser?\n\n{url.toString()}")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(url)

    # --- actions ---------------------------------------------------------------------------------
    def delete_selected(self) -> None:
        if self.inbox is None:
            return
        ids = [item.data(0, ROLE) for item in self.list.selectedItems() if item.data(0, OWN_ROLE)]
        for msg_id in ids:
            try:
                self.inbox.delete(msg_id)
            except InboxError:
                pass  # already gone
        self.current_id = None
        self.refresh()

    def clear(self) -> None:
        if self.inbox is None:
            return
        self.inbox.clear()
        self.current_id = None
        self.refresh()

    def shutdown(self) -> None:
        """Stop the server (idempotent)."""
        inbox = self.inbox
        if inbox is not None:
            inbox.on_message = None
            _stop(inbox)
        try:
            self.view.release()
        except RuntimeError:
            pass


# --- ownership -----------------------------------------------------------------------------------

_running: set[Inbox] = set()
_running_lock = threading.Lock()


def _stop(inbox: Inbox) -> None:
    with _running_lock:
        _running.discard(inbox)
    try:
        inbox.stop()
    except Exception:  # noqa: BLE001 - stopping at exit must not raise
        log.debug("could not stop the test inbox", exc_info=True)


def _stop_all() -> None:
    with _running_lock:
        inboxes = list(_running)
    for inbox in inboxes:
        _stop(inbox)


# aiosmtpd's server thread is not a daemon: an inbox left running would keep the process from
# exiting. threading's own atexit hook runs before non-daemon threads are joined.
try:
    threading._register_atexit(_stop_all)  # type: ignore[attr-defined]  # private: runs before threads are joined
except (AttributeError, RuntimeError):  # pragma: no cover - other Pythons
    import atexit

    atexit.register(_stop_all)


def inbox_of(window) -> InboxPanel | None:
    """The window's inbox panel, if installed."""
    panel = getattr(window, "inbox_panel", None)
    return panel if isinstance(panel, InboxPanel) else None


def install(window, *, store=None, port: int | None = None) -> InboxPanel:
    """Start the test inbox for this window and make its panel (the main window shows it in
    its "dock-inbox" dock).

    Idempotent. The inbox is stopped when the window is destroyed or the application quits.
    A failure to start (folder not writable, ...) is shown in the panel, not raised.
    """
    existing = inbox_of(window)
    if existing is not None:
        return existing
    inbox: Inbox | None = None
    error = ""
    try:
        inbox = Inbox(store if store is not None else default_store(), port=port)
        inbox.start()
    except InboxError as e:
        error = str(e)
        log.warning("test inbox: %s", error)
        if inbox is not None and not inbox.running:
            inbox = inbox if inbox.store.is_dir() else None  # still list what was kept before
    if inbox is not None and inbox.running:
        with _running_lock:
            _running.add(inbox)
    panel = InboxPanel(inbox, window, error=error)
    window.inbox_panel = panel
    window.inbox = inbox

    def stop(*_args: Any) -> None:
        if inbox is not None:
            inbox.on_message = None
            _stop(inbox)

    window.destroyed.connect(stop)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(stop)
    return panel


def show_inbox(window, msg_id: str | None = None) -> InboxPanel | None:
    """Raise the Inbox dock, re-read the inbox and show a message (the newest by default)."""
    panel = inbox_of(window)
    if panel is None:
        return None
    dock = window.findChild(QDockWidget, "dock-inbox")
    if dock is not None:
        dock.show()
        dock.raise_()
        if not dock.isFloating() and dock.height() < 300 and hasattr(window, "resizeDocks"):
            window.resizeDocks([dock], [min(360, max(300, window.height() // 3))], Qt.Orientation.Vertical)
    panel.refresh()
    if msg_id is None or not panel.select(msg_id):
        panel.select_latest()
    return panel
