"""The main window: assembles the panes and routes their requests to the open session.

It does not do the panes' work: the canvas, palette, layers and inspector report gestures;
the edit, clipboard and file commands (edit_commands.py, clipboard_commands.py,
file_commands.py) turn them into commands on the session's history; the window refreshes the
views when the history says the document changed. Every pane is imported and made here, so a
pane that cannot be made stops the window from opening instead of leaving a dock empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QComboBox, QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from ..app.document.commands import Change, Command, CommandError, SetDocField, node_kind
from ..app.document.model import BlockBase
from ..app.document.selection import parent_of, step
from ..app.document.session import Session
from ..blocks import REGISTRY
from ..themes import display_name
from . import export_dialog, inbox_panel, recipients_panel, send_dialog
from . import preview as previews
from .canvas import Canvas
from .checks_pane import ChecksPane
from .clipboard_commands import ClipboardCommands
from .compiler import Compiler
from .disk_watch import DiskWatch
from .edit_commands import EditCommands
from .editor_settings import editor_settings
from .file_commands import FileCommands
from .inspector import Inspector
from .layers import Layers
from .palette import Palette
from .preview_state import state_for
from .status_readout import StatusReadout
from .window_actions import make_actions
from .workspace import Workspace

LEFT, RIGHT, BOTTOM = (
    Qt.DockWidgetArea.LeftDockWidgetArea,
    Qt.DockWidgetArea.RightDockWidgetArea,
    Qt.DockWidgetArea.BottomDockWidgetArea,
)


class MainWindow(QMainWindow):
    rendered = Signal()  # the canvas shows the current document

    # made by window_actions.make_actions
    a_new: QAction
    a_open: QAction
    a_save: QAction
    a_save_as: QAction
    a_quit: QAction
    a_undo: QAction
    a_redo: QAction
    a_cut: QAction
    a_copy: QAction
    a_paste: QAction
    a_duplicate: QAction
    a_delete: QAction
    a_save_block: QAction
    a_up: QAction
    a_down: QAction
    a_move_up: QAction
    a_move_down: QAction
    a_parent: QAction
    a_mobile: QAction
    a_preview: QAction
    a_send: QAction
    a_shortcuts: QAction
    a_about: QAction
    recent_menu: QMenu
    theme_box: QComboBox
    palette: Palette  # type: ignore[assignment]  # the Blocks pane; QWidget.palette() is not used on the window

    def __init__(
        self, session: Session | None = None, *, in_process_compile: bool = False, settings: QSettings | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.resize(1440, 900)
        self.settings = settings if settings is not None else editor_settings()
        self.session: Session | None = None
        self.selection: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._last_result: dict[str, Any] | None = None
        self._snapshot_key: tuple[int, int] | None = None
        self._snapshot_text = ""
        self.canvas_recipient: dict[str, Any] | None = None  # the recipient the canvas is personalised for
        self.compiler = Compiler(self, in_process=in_process_compile)
        self.compiler.finished.connect(self._on_compiled)
        self.compiler.failed.connect(self._on_compile_failed)
        self.files = FileCommands(self)
        self.edits = EditCommands(self)
        self.clipboard = ClipboardCommands(self)

        self.canvas = Canvas(self)
        self.canvas.doc_provider = lambda: self.session.doc if self.session else None
        self.canvas.folder_provider = lambda: self.session.folder if self.session else None
        self.canvas.names = self.node_name
        self.canvas.selected.connect(self.select)
        self.canvas.dropRequested.connect(self.edits.drop)
        self.canvas.commandRequested.connect(self.push)  # text edited in place
        self.canvas.historySeal.connect(lambda: self.session and self.session.history.seal())
        self.canvas.barAction.connect(self.edits.bar_action)
        self.canvas.rendered.connect(self.rendered)
        self.canvas.linkClicked.connect(self._link_clicked)
        self.workspace = Workspace(self.canvas, self.push, self)  # Design | Preview
        self.setCentralWidget(self.workspace)

        self.palette = Palette(self)
        self.palette.activated.connect(self.edits.append)
        self._dock("Blocks", self.palette, LEFT, "dock-palette")
        self.layers = Layers(self)
        self.layers.selected.connect(self.select)
        self.layers.moveRequested.connect(self.edits.drop)
        self._dock("Layers", self.layers, LEFT, "dock-layers")
        self.inspector = Inspector(self)
        self.inspector.status.connect(lambda m: self.statusBar().showMessage(m, 5000))
        self.canvas.merge_context = self.inspector.editor_context  # the inspector's { } menu, on the canvas
        self._dock("Inspector", self.inspector, RIGHT, "dock-inspector")

        self.status = StatusReadout(self.statusBar())
        self.size_label, self.warn_label = self.status.size_label, self.status.warn_label
        self.checks = ChecksPane(self.compiler, lambda: self.session, self._snapshot, self)
        self.checks.locationChosen.connect(self.select)
        self.checks.findingsShown.connect(self.status.show_findings)
        self.checks.problem.connect(lambda m: self.statusBar().showMessage(m, 6000))
        checks_dock = self._dock("Checks", self.checks, BOTTOM, "dock-checks")
        self.recipients_panel = recipients_panel.install(self)
        recipients_dock = self._dock("Recipients", self.recipients_panel, BOTTOM, "dock-recipients")
        self.inbox_panel = inbox_panel.install(self)  # starts the built-in test inbox
        inbox_dock = self._dock("Test inbox", self.inbox_panel, BOTTOM, "dock-inbox")
        self.tabifyDockWidget(checks_dock, recipients_dock)
        self.tabifyDockWidget(recipients_dock, inbox_dock)
        checks_dock.raise_()

        make_actions(self)
        export_dialog.install(self)  # File > Export…
        previews.install(self)  # View > Code; Ctrl+P flips Design | Preview
        send_dialog.install(self)  # Email > SMTP profiles…
        state_for(self).recipientChanged.connect(self.set_canvas_recipient)
        self.disk_watch = DiskWatch(self)  # reload, or ask, when another program changes the file

        # Sensible first-run proportions; a remembered layout (QSettings, layout only) wins.
        self.resizeDocks(
            [self._find_dock("dock-palette"), self._find_dock("dock-inspector")], [250, 360], Qt.Orientation.Horizontal
        )
        self.resizeDocks([checks_dock], [150], Qt.Orientation.Vertical)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.set_session(session or Session.new())

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _find_dock(self, name: str) -> QDockWidget:
        dock = self.findChild(QDockWidget, name)
        assert dock is not None, name
        return dock

    # --- the open document ---------------------------------------------------------------
    def _snapshot(self) -> str:
        """The document as JSON, serialised once per revision (compile and checks share it)."""
        assert self.session is not None
        key = (id(self.session), self.session.history.revision)
        if self._snapshot_key != key:
            self._snapshot_key, self._snapshot_text = key, self.session.snapshot()
        return self._snapshot_text

    def set_session(self, session: Session) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        self.files.opened()
        self.session = session
        self._unsubscribe = session.history.subscribe(self._on_change)
        self.disk_watch.follow(session.path)
        self.inspector.set_session(session)
        self.workspace.set_session(session)
        self.inspector.set_save_handler(self.save_as)
        self.selection = None
        self.refresh_all(compile_now=True)

    def set_canvas_recipient(self, row: dict[str, Any] | None) -> None:
        """Show the canvas as this recipient sees it (None: merge tags as written)."""
        self.canvas_recipient = dict(row) if row else None
        if self.session is not None:
            self.compiler.request(
                self.session.history.revision, self._snapshot(), immediate=True, recipient=self.canvas_recipient
            )

    def _on_change(self, change: Change) -> None:
        if self.selection and self.session and self.session.doc.find(self.selection) is None:
            self.selection = None
        self.refresh_all()
        self.files.edited()

    def refresh_all(self, compile_now: bool = False) -> None:
        session = self.session
        if session is None:
            return
        self.setWindowTitle(session.title())
        self.a_undo.setEnabled(session.history.can_undo())
        self.a_redo.setEnabled(session.history.can_redo())
        self.a_undo.setText(f"&Undo {session.history.undo_label()}".strip())
        self.a_redo.setText(f"&Redo {session.history.redo_label()}".strip())
        self.theme_box.setCurrentIndex(self.theme_box.findData(session.doc.settings.theme))
        self.layers.rebuild(session.doc, self.selection)
        self.sync_selection_views()
        self.compiler.request(
            session.history.revision, self._snapshot(), immediate=compile_now, recipient=self.canvas_recipient
        )

    def _on_compiled(self, revision: int, result: dict[str, Any]) -> None:
        if revision != self.compiler.latest:
            return  # a newer edit is on its way
        self._last_result = result
        self.canvas.set_html(result["html"])
        self.status.show_size(result["html"])
        self.checks.schedule()

    def _on_compile_failed(self, revision: int, message: str) -> None:
        if revision != self.compiler.latest:
            return
        self.statusBar().showMessage(f"Could not build the email: {message}", 10000)
        self.status.show_build_failed()

    # --- selection -----------------------------------------------------------------------
    def node_name(self, node_id: str) -> str:
        node = self.session.doc.find(node_id) if self.session else None
        if self.session is None or node is None:
            return node_id
        if isinstance(node, BlockBase):
            return REGISTRY[node.type].label
        return node_kind(self.session.doc, node_id).capitalize()

    def select(self, node_id: str | None) -> None:
        if self.session and node_id and self.session.doc.find(node_id) is None:
            node_id = None
        self.selection = node_id
        if self.session:
            self.session.history.seal()
        self.sync_selection_views()

    def sync_selection_views(self) -> None:
        self.canvas.set_selection(self.selection)
        self.layers.set_selection(self.selection)
        self.inspector.set_target(self.selection)
        has = self.selection is not None
        for a in (
            self.a_cut,
            self.a_copy,
            self.a_duplicate,
            self.a_delete,
            self.a_move_up,
            self.a_move_down,
            self.a_save_block,
        ):
            a.setEnabled(has)

    def step(self, delta: int) -> None:
        if self.session:
            self.select(step(self.session.doc, self.selection, delta))

    def select_parent(self) -> None:
        if self.session:
            self.select(parent_of(self.session.doc, self.selection))

    # --- commands ------------------------------------------------------------------------
    def push(self, command: Command | None) -> bool:
        """Apply a command; a refusal is a status message, never a crash."""
        if self.session is None or command is None:
            return False
        try:
            self.session.history.push(command)
        except CommandError as e:
            self.statusBar().showMessage(str(e), 8000)
            return False
        return True

    def undo(self) -> None:
        if self.session:
            self.session.history.undo()

    def redo(self) -> None:
        if self.session:
            self.session.history.redo()

    def set_theme(self, name: str) -> None:
        if self.session and name != self.session.doc.settings.theme:
            self.push(SetDocField("settings.theme", name, f"Switch theme to {display_name(name)}"))

    def toggle_mobile(self) -> None:
        self.canvas.set_mobile(self.a_mobile.isChecked())

    def refresh_saved_blocks(self) -> None:
        self.edits.refresh_saved_blocks()

    # --- files (file_commands.py) ------------------------------------------------------------
    def open_path(self, path: str | Path) -> bool:
        return self.files.open_path(path)

    def save(self) -> bool:
        return self.files.save()

    def save_as(self) -> bool:
        return self.files.save_as()

    # --- preview and sending ---------------------------------------------------------------
    def preview(self) -> None:
        previews.open_preview(self)

    def send_test(self) -> None:
        send_dialog.open_send_dialog(self)

    def _link_clicked(self, url: QUrl) -> None:
        answer = QMessageBox.question(self, "Open link", f"Open this link in your browser?\n\n{url.toString()}")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(url)

    # --- closing -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.files.maybe_keep_changes():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        # Nothing scheduled may run against the workers closed below.
        self.files.close()
        self.compiler.close()
        self.checks.close_worker()
        self.canvas.view.release()
        event.accept()
