"""The preview workspace (Ctrl+P, the editor's Preview tab): the email as readers get it, side
by side at exact widths, for the recipient its stepper chose.

Frames at exact CSS pixel widths (mobile 375, tablet 768, desktop 1024 with the email centred,
plus any width the user adds), each with an inbox-row mock above it (sender, subject, preheader
snippet), each scrolling on its own. Variants per frame or for all: light, dark for a client
that honours `prefers-color-scheme`, dark by forced inversion (Gmail's and Outlook's apps),
images off. Zoom to fit scales the frames (QWebEngine zoom factor) while the CSS widths stay
exact. Remote images stay off unless the user turns them on (https only).

Everything shown comes from the export build of the document personalised for the chosen
recipient (widgets/preview_state.py); the HTML variants are made by app/build/preview_html.py.

A frame loads a page for its first email and for a variant change (scheme, images, remote
images). After that an edit, another recipient or sender replaces the shown document's content
in place (EmailView.show_html): no new page, no blank frame, the scroll kept; forced
dark is a page setting and stays on. A frame's `shown` signal says when a requested email is on
screen either way; `pending` is True until the latest one is.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPainterPath
from PySide6.QtWebEngineCore import QWebEngineScript, QWebEngineSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..app.merge.dialects import DIALECTS, get_dialect
from ..app.build.preview_html import SCHEME_LABELS, SCHEMES, Scheme, has_dark_styles, preview_html, snippet
from .email_view import EmailView
from .preview_recipients import RecipientStepper
from .preview_state import PreviewState, state_for

APP_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld  # scripts the tests run in a frame
DEFAULT_WIDTHS = ((375, "Mobile"), (768, "Tablet"), (1024, "Desktop"))
MIN_WIDTH, MAX_WIDTH = 200, 3000
NO_DARK_NOTE = (
    "This email has no dark styles (no @media (prefers-color-scheme: dark) rule): clients that "
    "honour the reader's dark mode show it as in Light."
)
REMOTE_NOTE = (
    "Remote images are loaded from the sender's servers (https only). That reveals to them, "
    "and to any tracking pixel, that the email was opened, from which IP address and when."
)


def width_label(width: int) -> str:
    for w, name in DEFAULT_WIDTHS:
        if w == width:
            return f"{name} · {width} px"
    return f"{width} px"


class PreviewView(EmailView):
    """The hardened view with forced dark mode and a zoom that survive page changes."""

    _force_dark = False
    _zoom = 1.0

    def __init__(self, parent: QWidget | None = None, *, remote_images: bool = False) -> None:
        super().__init__(parent, remote_images=remote_images, scrollbars=False)

    def _make_page(self) -> None:
        super()._make_page()
        page = self.page()
        page.settings().setAttribute(QWebEngineSettings.WebAttribute.ForceDarkMode, self._force_dark)
        page.setZoomFactor(self._zoom)

    def set_force_dark(self, on: bool) -> None:
        self._force_dark = on
        self.page().settings().setAttribute(QWebEngineSettings.WebAttribute.ForceDarkMode, on)

    def set_zoom(self, zoom: float) -> None:
        self._zoom = zoom
        self.page().setZoomFactor(zoom)


class InboxRow(QWidget):
    """A mail-list row as the reader's inbox shows it: sender, subject, preheader snippet."""

    sender: str  # type: ignore[assignment]  # a field here, not QObject.sender()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sender = "Sender"
        self.subject = ""
        self.preheader = ""
        self.dark = False
        self.setMinimumHeight(64)
        self.setMaximumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_message(self, sender: str, subject: str, preheader: str, dark: bool = False) -> None:
        self.sender, self.subject, self.preheader, self.dark = sender, subject, preheader, dark
        self.setToolTip(f"{sender}\n{subject}\n{preheader}")
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        bg, fg, muted, line = (
            ("#1f2937", "#f9fafb", "#9ca3af", "#374151") if self.dark else ("#ffffff", "#111827", "#6b7280", "#e5e7eb")
        )
        p.fillRect(self.rect(), QColor(bg))
        p.setPen(QColor(line))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        # avatar
        path = QPainterPath()
        path.addEllipse(QRectF(10, 14, 34, 34))
        p.fillPath(path, QColor("#2563eb"))
        p.setPen(QColor("white"))
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(12)
        p.setFont(font)
        p.drawText(QRectF(10, 14, 34, 34), Qt.AlignmentFlag.AlignCenter, (self.sender.strip()[:1] or "?").upper())
        x = 54
        w = max(10, self.width() - x - 8)
        font.setPointSizeF(9.5)
        p.setFont(font)
        fm = p.fontMetrics()
        p.setPen(QColor(fg))
        time_w = fm.horizontalAdvance("09:41") + 4
        p.drawText(
            QRectF(x, 6, w - time_w, 18),
            Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(self.sender, Qt.TextElideMode.ElideRight, int(w - time_w)),
        )
        p.setPen(QColor(muted))
        p.drawText(
            QRectF(x + w - time_w, 6, time_w, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "09:41"
        )
        font.setBold(False)
        font.setPointSizeF(9)
        p.setFont(font)
        fm = p.fontMetrics()
        p.setPen(QColor(fg))
        p.drawText(
            QRectF(x, 24, w, 18),
            Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(self.subject or "(no subject)", Qt.TextElideMode.ElideRight, int(w)),
        )
        p.setPen(QColor(muted))
        p.drawText(
            QRectF(x, 42, w, 18),
            Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(self.preheader, Qt.TextElideMode.ElideRight, int(w)),
        )
        p.end()


class PreviewFrame(QFrame):
    """One device: header (width, variant, images, remove), inbox row, and the email."""

    removeRequested = Signal(object)
    variantChanged = Signal(object)
    shown = Signal(object)  # a requested email is on screen, after a page load or an in-place patch

    def __init__(
        self,
        width: int,
        scheme: Scheme = "light",
        images: bool = True,
        *,
        remote_images: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"preview-frame-{width}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.css_width = width
        self.scheme: Scheme = scheme
        self.images = images
        self.zoom = 1.0
        self.html = ""  # the HTML last shown (after the variant's rewrite)
        self._page_variant: tuple[Scheme, bool] | None = None  # what the page was loaded for

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        head = QHBoxLayout()
        head.setSpacing(4)
        self.title = QLabel(width_label(width), self)
        self.title.setToolTip(width_label(width))
        self.title.setMinimumWidth(10)
        self.title.setObjectName("frame-title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        head.addWidget(self.title, 1)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("✕")
        self.remove_button.setObjectName("frame-remove")
        self.remove_button.setToolTip("Remove this frame")
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
        head.addWidget(self.remove_button)
        layout.addLayout(head)
        controls = QHBoxLayout()
        controls.setSpacing(4)
        self.scheme_box = QComboBox(self)
        self.scheme_box.setObjectName("frame-scheme")
        for s in SCHEMES:
            self.scheme_box.addItem({"light": "Light", "dark": "Dark", "forced": "Dark (forced)"}[s], s)
            self.scheme_box.setItemData(self.scheme_box.count() - 1, SCHEME_LABELS[s], Qt.ItemDataRole.ToolTipRole)
        self.scheme_box.setCurrentIndex(SCHEMES.index(scheme))
        self.scheme_box.setToolTip("Colour scheme of this frame")
        self.scheme_box.activated.connect(lambda i: self.set_variant(SCHEMES[i], self.images))
        controls.addWidget(self.scheme_box, 1)
        self.images_box = QCheckBox("Images", self)
        self.images_box.setObjectName("frame-images")
        self.images_box.setChecked(images)
        self.images_box.setToolTip("Untick to see the email as a client that blocks images shows it (alt text)")
        self.images_box.toggled.connect(lambda on: self.set_variant(self.scheme, on))
        controls.addWidget(self.images_box)
        layout.addLayout(controls)
        self.dark_note = QLabel(NO_DARK_NOTE, self)
        self.dark_note.setObjectName("frame-no-dark-styles")
        self.dark_note.setWordWrap(True)
        self.dark_note.setStyleSheet("color:#1e3a8a;background:#dbeafe;padding:3px;border-radius:3px;")
        self.dark_note.hide()
        layout.addWidget(self.dark_note)

        self.inbox = InboxRow(self)
        layout.addWidget(self.inbox, 0, Qt.AlignmentFlag.AlignHCenter)
        self.view = PreviewView(self, remote_images=remote_images)
        self.view.setObjectName(f"preview-view-{width}")
        self.view.shown.connect(lambda _request, _ok: self.shown.emit(self))
        layout.addWidget(self.view, 1, Qt.AlignmentFlag.AlignHCenter)
        self._apply_size()

    # --- size ----------------------------------------------------------------------------------
    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self._apply_size()

    def _apply_size(self) -> None:
        pixels = max(1, round(self.css_width * self.zoom))
        # Each frame's own factor makes its CSS width exactly css_width despite the rounding.
        self.view.set_zoom(pixels / self.css_width)
        self.view.setFixedWidth(pixels)
        self.inbox.setFixedWidth(pixels)
        self.setMinimumWidth(pixels + 10)
        self.dark_note.setFixedWidth(pixels)

    # --- content -------------------------------------------------------------------------------
    def set_variant(self, scheme: Scheme, images: bool) -> None:
        changed = (scheme, images) != (self.scheme, self.images)
        self.scheme, self.images = scheme, images
        self.scheme_box.setCurrentIndex(SCHEMES.index(scheme))
        self.images_box.blockSignals(True)
        self.images_box.setChecked(images)
        self.images_box.blockSignals(False)
        if changed:
            self.variantChanged.emit(self)

    def set_remote_images(self, on: bool) -> None:
        page = self.view.page()
        self.view.set_remote_images(on)
        if self.view.page() is not page:
            self._page_variant = None  # a new page: nothing to patch

    # Counted by the view: the frame is up to date (`pending` False) when `finished` equals
    # `requested`; `loads` counts new pages (an edit patches the page in place instead).
    requested = property(lambda self: self.view.requested)
    finished = property(lambda self: self.view.finished)
    loads = property(lambda self: self.view.loads)
    pending = property(lambda self: self.view.pending)

    def show_email(self, html: str, *, sender: str, subject: str, preheader: str) -> None:
        self.html = preview_html(html, self.scheme, images=self.images)
        # A "dark" frame of an email without dark styles looks exactly like the light one: say why.
        self.dark_note.setVisible(self.scheme == "dark" and not has_dark_styles(html))
        self.inbox.set_message(sender, subject, preheader, dark=self.scheme != "light")
        # An edit (or another recipient) in the same variant replaces the shown document's
        # content in place. The variant's rewrite lives in the HTML (head styles included),
        # forced dark in the page's settings: another variant loads a new page, so that forced
        # dark and images are right from the first paint (and loadFinished waits for images).
        variant = (self.scheme, self.images)
        new_page = variant != self._page_variant
        if new_page:
            self.view.set_force_dark(self.scheme == "forced")
            self._page_variant = variant
        self.view.show_html(self.html, new_page=new_page)

    def release(self) -> None:
        self.view.release()


class PreviewWorkspace(QWidget):
    """The frames, the controls for all of them, and the code view in a second tab."""

    rendered = Signal()  # every frame has loaded the latest email
    scroll: QScrollArea  # type: ignore[assignment]  # the frames' strip, not QWidget.scroll()

    def __init__(
        self, state: PreviewState, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preview-workspace")
        self.setWindowTitle("Preview — Mailwright")
        self.state = state
        self.settings = settings
        self.folder_provider: Callable[[], Path | None] | None = None  # the document's folder
        # The open document's file (None: untitled): the "Preview as" choice is kept per file.
        self.document_provider: Callable[[], Path | None] | None = None
        self._esp_document: object = ()  # the document whose choice the box shows
        self.frames: list[PreviewFrame] = []
        self.remote_images = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(QLabel("All frames:", self))
        self.scheme_box = QComboBox(self)
        self.scheme_box.setObjectName("scheme-all")
        for s in SCHEMES:
            self.scheme_box.addItem(SCHEME_LABELS[s], s)
        self.scheme_box.activated.connect(lambda i: self.set_scheme(SCHEMES[i]))
        # Compact: the workspace shares the window with the docks.
        self.scheme_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scheme_box.setMinimumContentsLength(8)  # "Dark (forc…": the list shows each whole
        bar.addWidget(self.scheme_box)
        self.side_by_side = QCheckBox("Light + dark", self)
        self.side_by_side.setObjectName("side-by-side")
        self.side_by_side.setToolTip("Light and dark side by side: each width twice, light and the chosen dark variant")
        self.side_by_side.toggled.connect(lambda _on: self.reset_frames())
        bar.addWidget(self.side_by_side)
        self.images_box = QCheckBox("Images", self)
        self.images_box.setObjectName("images-all")
        self.images_box.setChecked(True)
        self.images_box.setToolTip("Untick: every frame shows alt text where images were")
        self.images_box.toggled.connect(self.set_images)
        bar.addWidget(self.images_box)
        self.remote_box = QCheckBox("Remote images", self)
        self.remote_box.setObjectName("remote-images")
        self.remote_box.setToolTip(REMOTE_NOTE)
        self.remote_box.toggled.connect(self.set_remote_images)
        bar.addWidget(self.remote_box)
        # The frame widths sit beside the Devices/Code tabs (a corner of the tab bar).
        sizes_box = QWidget(self)
        sizes = QHBoxLayout(sizes_box)
        sizes.setContentsMargins(0, 0, 0, 2)
        sizes.setSpacing(4)
        self.width_box = QSpinBox(self)
        self.width_box.setObjectName("add-width")
        self.width_box.setRange(MIN_WIDTH, MAX_WIDTH)
        self.width_box.setValue(414)
        self.width_box.setSuffix(" px")
        sizes.addWidget(self.width_box)
        add = QPushButton("Add width", self)
        add.setObjectName("add-width-button")
        add.clicked.connect(lambda: self.add_frame(self.width_box.value()))
        sizes.addWidget(add)
        reset = QPushButton("Reset", self)
        reset.setToolTip("Back to mobile, tablet and desktop")
        reset.clicked.connect(lambda: self.reset_frames(DEFAULT_WIDTHS))
        sizes.addWidget(reset)
        self.fit_box = QCheckBox("Zoom to fit", self)
        self.fit_box.setObjectName("zoom-to-fit")
        self.fit_box.setToolTip("Scale the frames so all fit; the email still lays out at each exact width")
        self.fit_box.toggled.connect(lambda _on: self.fit())
        sizes.addWidget(self.fit_box)
        self.sender_edit = QLineEdit(self)
        self.sender_edit.setObjectName("sender-name")
        self.sender_edit.setPlaceholderText("Sender name")
        self.sender_edit.setMaximumWidth(160)
        self.sender_edit.setMinimumWidth(90)  # "Your Company" whole, in a narrow window too
        self.sender_edit.setText(self._setting("preview/sender", "Your Company"))
        self.sender_edit.editingFinished.connect(self._sender_changed)
        # The sender's name in every frame's inbox row, with the other settings of all frames.
        bar.addWidget(QLabel("From:", self))
        bar.addWidget(self.sender_edit)
        self.esp_box = QComboBox(self)
        self.esp_box.setObjectName("preview-as-esp")
        self.esp_box.setToolTip(
            "Show every frame as this ESP's engine reads the recipient's values "
            '(e.g. Klaviyo compares the text "7" with 5 as false); remembered per document'
        )
        self.esp_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.esp_box.setMinimumContentsLength(10)  # "Campaign Monitor" need not widen the pane
        self.esp_box.addItem("Mailwright", "")
        for name in DIALECTS:
            self.esp_box.addItem(get_dialect(name).label, name)
        self.esp_box.activated.connect(lambda i: self.set_esp(self.esp_box.itemData(i) or None))
        bar.addStretch(1)
        outer.addLayout(bar)
        # Who reads it: the recipient stepper, the engine that reads their values, and below,
        # what their row lacks. Two short rows: one long one ran past a 1280 px window's centre.
        who = QHBoxLayout()
        self.recipients = RecipientStepper(state, self)
        who.addWidget(self.recipients, 1)
        who.addWidget(QLabel("Preview as:", self))
        who.addWidget(self.esp_box)
        outer.addLayout(who)
        outer.addWidget(self.recipients.missing)

        self.status = QLabel(self)
        self.status.setObjectName("preview-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.status)
        self.remote_note = QLabel("⚠ " + REMOTE_NOTE, self)
        self.remote_note.setObjectName("remote-note")
        self.remote_note.setWordWrap(True)
        self.remote_note.setStyleSheet("color:#92400e;background:#fef3c7;padding:4px;border-radius:3px;")
        self.remote_note.hide()
        outer.addWidget(self.remote_note)

        self.tabs = QTabWidget(self)
        self.tabs.setCornerWidget(sizes_box, Qt.Corner.TopRightCorner)
        self.tabs.setObjectName("preview-tabs")
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setObjectName("preview-scroll")
        self.strip = QWidget()
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(4, 4, 4, 4)
        self.strip_layout.setSpacing(10)
        self.strip_layout.addStretch(1)
        self.scroll.setWidget(self.strip)
        self.tabs.addTab(self.scroll, "Devices")
        from .code_view import CodeView

        self.code = CodeView(self)
        self.tabs.addTab(self.code, "Code")
        self.tabs.currentChanged.connect(lambda _i: self._refresh_code())
        outer.addWidget(self.tabs, 1)

        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(50)
        self._fit_timer.timeout.connect(self.fit)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self.render_all)

        self.a_code = QAction("Code", self)
        self.a_code.setShortcut(QKeySequence("Ctrl+U"))
        self.a_code.triggered.connect(self.show_code)
        self.addAction(self.a_code)

        state.changed.connect(self._state_changed)
        self.reset_frames(DEFAULT_WIDTHS)
        self.resize(1500, 950)

    # --- settings ------------------------------------------------------------------------------
    def _setting(self, key: str, default: str) -> str:
        if self.settings is None:
            return default
        value = self.settings.value(key)
        return str(value) if value else default

    def _sender_changed(self) -> None:
        if self.settings is not None:
            self.settings.setValue("preview/sender", self.sender_edit.text())
        self.render_all()

    # --- preview as an ESP ----------------------------------------------------------------------
    def _esp_key(self) -> str | None:
        path = self.document_provider() if self.document_provider else None
        return f"preview/esp/{quote(str(Path(path).resolve()), safe='')}" if path else None

    def set_esp(self, esp: str | None) -> None:
        """Every frame as this ESP's engine reads the values (None: Mailwright's own meaning),
        remembered for the open document."""
        index = max(0, self.esp_box.findData(esp or ""))
        self.esp_box.setCurrentIndex(index)
        key = self._esp_key()
        if self.settings is not None and key is not None:
            self.settings.setValue(key, esp or "")
        self.state.set_esp(esp)

    def _restore_esp(self) -> None:
        """Another document is open: show it as the ESP chosen for it last time."""
        document = self.document_provider() if self.document_provider else None
        if document == self._esp_document:
            return
        self._esp_document = document
        key = self._esp_key()
        saved = str(self.settings.value(key) or "") if self.settings is not None and key else ""
        if saved and self.esp_box.findData(saved) < 0:
            saved = ""  # a name this version does not know
        if key is not None:
            self.esp_box.setCurrentIndex(max(0, self.esp_box.findData(saved)))
            self.state.set_esp(saved or None)

    # --- frames --------------------------------------------------------------------------------
    def _widths(self) -> list[int]:
        seen: list[int] = []
        for f in self.frames:
            if f.css_width not in seen:
                seen.append(f.css_width)
        return seen

    def reset_frames(self, widths=None) -> None:
        """Rebuild the frames: one per width (two, light and dark, when side by side)."""
        if widths is None:
            widths = [(w, "") for w in self._widths()] or list(DEFAULT_WIDTHS)
        scheme = self.global_scheme()
        for frame in list(self.frames):
            self._drop_frame(frame)
        for width, _name in widths:
            if self.side_by_side.isChecked():
                self.add_frame(width, "light", render=False)
                self.add_frame(width, scheme if scheme != "light" else self._auto_dark(), render=False)
            else:
                self.add_frame(width, scheme, render=False)
        self.fit()
        self.render_all()

    def _auto_dark(self) -> Scheme:
        """The dark variant worth showing: the email's own dark styles if it has some, else the
        forced inversion most phone apps apply."""
        from ..app.build.preview_html import dark_variant

        result = self.state.result
        return dark_variant(result.html) if result is not None else "forced"

    def add_frame(
        self, width: int, scheme: Scheme | None = None, images: bool | None = None, *, render: bool = True
    ) -> PreviewFrame:
        width = max(MIN_WIDTH, min(MAX_WIDTH, int(width)))
        frame = PreviewFrame(
            width,
            scheme or self.global_scheme(),
            self.images_box.isChecked() if images is None else images,
            remote_images=self.remote_images,
            parent=self.strip,
        )
        frame.removeRequested.connect(self.remove_frame)
        frame.variantChanged.connect(self._render_frame)
        frame.shown.connect(self._frame_loaded)
        frame.view.linkClicked.connect(self._link_clicked)
        self.strip_layout.insertWidget(self.strip_layout.count() - 1, frame, 0)
        self.frames.append(frame)
        frame.set_zoom(self._zoom())
        if render:
            self.fit()
            self._render_frame(frame)
        return frame

    def remove_frame(self, frame: PreviewFrame) -> None:
        if frame in self.frames and len(self.frames) > 1:
            self._drop_frame(frame)
            self.fit()

    def _drop_frame(self, frame: PreviewFrame) -> None:
        self.frames.remove(frame)
        self.strip_layout.removeWidget(frame)
        frame.release()
        frame.hide()
        frame.deleteLater()

    def frame(self, width: int, scheme: Scheme | None = None) -> PreviewFrame | None:
        for f in self.frames:
            if f.css_width == width and (scheme is None or f.scheme == scheme):
                return f
        return None

    # --- variants ------------------------------------------------------------------------------
    def global_scheme(self) -> Scheme:
        return SCHEMES[max(0, self.scheme_box.currentIndex())]

    def set_scheme(self, scheme: Scheme) -> None:
        """Every frame in this scheme (the dark ones only, when light and dark are side by side)."""
        self.scheme_box.setCurrentIndex(SCHEMES.index(scheme))
        if self.side_by_side.isChecked():
            self.reset_frames()
            return
        for f in self.frames:
            f.set_variant(scheme, f.images)

    def set_images(self, on: bool) -> None:
        self.images_box.blockSignals(True)
        self.images_box.setChecked(on)
        self.images_box.blockSignals(False)
        for f in self.frames:
            f.set_variant(f.scheme, on)

    def set_remote_images(self, on: bool) -> None:
        if on and not self.remote_images and self.isVisible() and not getattr(self, "_no_confirm", False):
            answer = QMessageBox.question(self, "Load remote images", REMOTE_NOTE + "\n\nLoad them?")
            if answer != QMessageBox.StandardButton.Yes:
                self.remote_box.blockSignals(True)
                self.remote_box.setChecked(False)
                self.remote_box.blockSignals(False)
                return
        self.remote_images = on
        self.remote_box.blockSignals(True)
        self.remote_box.setChecked(on)
        self.remote_box.blockSignals(False)
        self.remote_note.setVisible(on)
        for f in self.frames:
            f.set_remote_images(on)
        self.render_all()

    # --- zoom ----------------------------------------------------------------------------------
    def _zoom(self) -> float:
        if not self.fit_box.isChecked() or not self.frames:
            return 1.0
        spacing = self.strip_layout.spacing() * (len(self.frames) - 1) + 8 + 20 * len(self.frames)
        available = max(100, self.scroll.viewport().width() - spacing)
        need = sum(f.css_width for f in self.frames)
        return max(0.25, min(1.0, available / need))

    def fit(self) -> None:
        zoom = self._zoom()
        for f in self.frames:
            f.set_zoom(zoom)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.fit_box.isChecked():
            self._fit_timer.start()

    # --- rendering -----------------------------------------------------------------------------
    def _state_changed(self) -> None:
        self._restore_esp()
        self._render_timer.start()

    def render_all(self) -> None:
        for f in self.frames:
            self._render_frame(f)
        self._update_status()
        if self.tabs.currentWidget() is self.code:
            self._refresh_code()

    def _render_frame(self, frame: PreviewFrame) -> None:
        email = self.state.personal()
        if email is None:
            self._update_status()
            return
        # Local (relative) images are read from the document's folder, as on the canvas.
        frame.view.set_base(self.folder_provider() if self.folder_provider else None)
        frame.show_email(
            email.html,
            sender=self.sender_edit.text().strip() or "Sender",
            subject=email.subject,
            preheader=snippet(email.preheader, email.text),
        )

    def _frame_loaded(self, _frame: PreviewFrame) -> None:
        # A frame counts what it shows before it says so: this sees every frame's current state.
        if not any(f.pending for f in self.frames):
            self.rendered.emit()

    def _update_status(self) -> None:
        state = self.state
        parts = []
        if state.error:
            parts.append(f'<span style="color:#b91c1c"><b>Error:</b> {htmllib.escape(state.error)}</span>')
        if state.compiled is None and not state.error:
            parts.append("Building the email…")
        # Who the email is for and what their row lacks: the recipient strip above.
        self.status.setText(" · ".join(parts))
        self.status.setVisible(bool(parts))

    # --- code ----------------------------------------------------------------------------------
    def show_code(self) -> None:
        self.tabs.setCurrentWidget(self.code)
        self._refresh_code()

    def _refresh_code(self) -> None:
        if self.tabs.currentWidget() is not self.code or self.state.result is None:
            return
        result = self.state.result
        email = self.state.personal() if self.state.recipient is not None else None
        self.code.set_sources(
            mjml=result.mjml,
            html=result.html,
            text=result.text,
            personal_html=email.html if email is not None else None,
        )

    # --- misc ----------------------------------------------------------------------------------
    def _link_clicked(self, url) -> None:
        from PySide6.QtGui import QDesktopServices

        answer = QMessageBox.question(self, "Open link", f"Open this link in your browser?\n\n{url.toString()}")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(url)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.state.use("preview", True)
        self.fit()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.state.use("preview", False)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.state.use("preview", False)
        super().closeEvent(event)

    def release(self) -> None:
        for f in self.frames:
            f.release()


def _make_workspace(window) -> PreviewWorkspace:
    workspace = PreviewWorkspace(state_for(window), window, settings=getattr(window, "settings", None))
    panel = getattr(window, "recipients_panel", None)
    if panel is not None:
        workspace.recipients.bind(panel)
    workspace.folder_provider = lambda: getattr(getattr(window, "session", None), "folder", None)
    workspace.document_provider = lambda: getattr(getattr(window, "session", None), "path", None)
    workspace._restore_esp()
    window._mw_preview = workspace
    return workspace


def open_preview(window) -> PreviewWorkspace:
    """Ctrl+P: show the window's preview workspace (created on first use) in its Preview tab;
    a window without the tabs gets it as a window of its own."""
    tabs = getattr(window, "workspace", None)
    if tabs is not None and hasattr(tabs, "show_preview"):
        if tabs.make_preview is None:
            tabs.make_preview = lambda: _make_workspace(window)
        workspace = tabs.show_preview()
    else:
        workspace = getattr(window, "_mw_preview", None)
        if workspace is None:
            workspace = _make_workspace(window)
            workspace.setWindowFlag(Qt.WindowType.Window, True)
            workspace.resize(QSize(1500, 950))
        workspace.show()
        workspace.raise_()
        workspace.activateWindow()
    workspace.state.use("preview", True)
    workspace.render_all()
    return workspace


def install(window) -> None:
    """Add View > Code (Ctrl+U) to a MainWindow: opens the preview workspace on its Code tab.
    In a window with the Design | Preview tabs, Ctrl+P flips between them and the Preview tab
    makes the workspace when first shown."""
    if getattr(window, "a_code_view", None) is not None:
        return  # installed already
    tabs = getattr(window, "workspace", None)
    if tabs is not None and hasattr(tabs, "toggle_preview"):
        # The Preview tab is made on first show, by a click on it as well as by Ctrl+P.
        tabs.make_preview = lambda: _make_workspace(window)
        # Ctrl+P flips between Design and Preview (both are tabs of this window now).
        preview_action = getattr(window, "a_preview", None)
        if preview_action is not None:
            preview_action.triggered.disconnect()
            preview_action.triggered.connect(lambda _=False: tabs.toggle_preview())
    action = QAction("&Code (MJML and HTML)", window)
    action.setObjectName("code-view")
    action.setShortcut(QKeySequence("Ctrl+U"))
    action.triggered.connect(lambda _=False: open_preview(window).show_code())
    window.addAction(action)
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "View" and menu_action.menu() is not None:
            menu_action.menu().addAction(action)
            break
    window.a_code_view = action
