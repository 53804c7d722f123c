"""The main window: assembles the panes and routes their requests to the open session.

It does not do the panes' work: the canvas, palette, layers and inspector report gestures;
this window turns them into commands on the session's history and refreshes the views when
the history says the document changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from ..app.document.commands import Change, CommandError, RemoveNode, node_kind
from ..app.document.autosave import Autosaver
from ..app.document.drop import DropTarget, Payload, drop_command, drop_target
from ..app.document.selection import move_command, parent_of, step
from ..app.document.session import ExternalChange, Session
from ..app.document.storage import DocumentError
from ..blocks import REGISTRY
from ..themes import available_themes, display_name
from .canvas import Canvas
from .compiler import Compiler
from .inspector import Inspector
from .layers import Layers
from .palette import Palette
from .workspace import Workspace

GMAIL_CLIP = 102 * 1024
CLIP_MIME = "application/x-mailwright-nodes+json"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _lazy(module: str):
    import importlib

    try:
        return importlib.import_module(f"mailwright.{module}")
    except ImportError:
        return None


class MainWindow(QMainWindow):
    rendered = Signal()  # the canvas shows the current document
    _closed = False  # set once the window closed and its workers stopped
    _checks_done = Signal(int, object)  # from the checks worker's thread to the Qt thread

    def __init__(
        self, session: Session | None = None, *, in_process_compile: bool = False, settings: QSettings | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.resize(1440, 900)
        if settings is None:
            from .editor_settings import editor_settings

            settings = editor_settings()
        self.settings = settings
        self.session: Session | None = None
        self.selection: str | None = None
        self._unsubscribe = None
        self._last_result: dict | None = None
        self._html_bytes = 0
        self._warnings = 0
        self.compiler = Compiler(self, in_process=in_process_compile)
        self.compiler.finished.connect(self._on_compiled)
        self.compiler.failed.connect(self._on_compile_failed)
        self._check_worker = None
        self._checks_done.connect(self._show_checks)
        self.canvas_recipient: dict | None = None  # the recipient the canvas is personalised for

        # panes
        self.canvas = Canvas(self)
        self.canvas.doc_provider = lambda: self.session.doc if self.session else None
        self.canvas.folder_provider = lambda: self.session.folder if self.session else None
        self.canvas.names = self._node_name
        self.canvas.selected.connect(self.select)
        self.canvas.dropRequested.connect(self._drop)
        self.canvas.commandRequested.connect(lambda command: self.push(command))  # text edited in place
        self.canvas.historySeal.connect(lambda: self.session and self.session.history.seal())
        self.canvas.barAction.connect(self._bar_action)
        self.canvas.rendered.connect(self.rendered)
        self.canvas.linkClicked.connect(self._link_clicked)
        self.workspace = Workspace(self.canvas, lambda command: self.push(command), self)  # Design | Preview
        self.setCentralWidget(self.workspace)

        self.palette = Palette(self)
        self.palette.activated.connect(self._append)
        self._dock("Blocks", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea, "dock-palette")
        self.layers = Layers(self)
        self.layers.selected.connect(self.select)
        self.layers.moveRequested.connect(self._drop)
        self._dock("Layers", self.layers, Qt.DockWidgetArea.LeftDockWidgetArea, "dock-layers")

        self.inspector = Inspector(self)
        self.inspector.status.connect(lambda m: self.statusBar().showMessage(m, 5000))
        self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea, "dock-inspector")

        self.checks = QListWidget(self)
        self.checks.setObjectName("checks")
        self.checks.itemActivated.connect(self._check_chosen)
        self.checks.itemClicked.connect(self._check_chosen)
        self._dock("Checks", self.checks, Qt.DockWidgetArea.BottomDockWidgetArea, "dock-checks")
        self.recipients_placeholder = QLabel(
            "Load recipients to preview each person's email (coming with the preview workspace).", self
        )
        self.recipients_placeholder.setWordWrap(True)
        self._dock("Recipients", self.recipients_placeholder, Qt.DockWidgetArea.BottomDockWidgetArea, "dock-recipients")
        self.inbox_placeholder = QLabel("The built-in test inbox shows sent tests here.", self)
        self._dock("Test inbox", self.inbox_placeholder, Qt.DockWidgetArea.BottomDockWidgetArea, "dock-inbox")
        self.tabifyDockWidget(
            self.findChild(QDockWidget, "dock-checks"), self.findChild(QDockWidget, "dock-recipients")
        )
        self.tabifyDockWidget(self.findChild(QDockWidget, "dock-recipients"), self.findChild(QDockWidget, "dock-inbox"))
        self.findChild(QDockWidget, "dock-checks").raise_()

        self.size_label = QLabel(self)
        self.size_label.setObjectName("html-size")
        self.warn_label = QLabel(self)
        self.warn_label.setObjectName("warning-count")
        self.statusBar().addPermanentWidget(self.warn_label)
        self.statusBar().addPermanentWidget(self.size_label)

        self._make_actions()
        from .disk_watch import DiskWatch

        self.disk_watch = DiskWatch(self)  # reload, or ask, when another program changes the file
        self._autosaver = None
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(3000)
        self._autosave_timer.timeout.connect(self._autosave)
        self._checks_timer = QTimer(self)
        self._checks_timer.setSingleShot(True)
        self._checks_timer.setInterval(250)
        self._checks_timer.timeout.connect(self._run_checks)

        # Sensible first-run proportions; a remembered layout (QSettings, layout only) wins.
        self.resizeDocks(
            [self.findChild(QDockWidget, "dock-palette"), self.findChild(QDockWidget, "dock-inspector")],
            [250, 360],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.findChild(QDockWidget, "dock-checks")], [150], Qt.Orientation.Vertical)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.set_session(session or Session.new())
        self._install_extensions()

    # Panes and dialogs of later milestones plug in here: each module's install(window)
    # adds its docks, actions and connections (a module not present is simply skipped).
    EXTENSIONS = (
        "widgets.export_dialog",
        "widgets.recipients_panel",
        "widgets.preview",
        "widgets.inbox_panel",
        "widgets.send_dialog",
    )

    def _snapshot(self) -> str:
        """The document as JSON, serialised once per revision (compile and checks share it)."""
        key = (id(self.session), self.session.history.revision)
        if getattr(self, "_snapshot_key", None) != key:
            self._snapshot_key, self._snapshot_text = key, self.session.snapshot()
        return self._snapshot_text

    def set_canvas_recipient(self, row: dict | None) -> None:
        """Show the canvas as this recipient sees it (None: merge tags as written)."""
        self.canvas_recipient = dict(row) if row else None
        if self.session is not None:
            self.compiler.request(
                self.session.history.revision, self._snapshot(), immediate=True, recipient=self.canvas_recipient
            )

    def _install_extensions(self) -> None:
        self.extensions = {}
        for name in self.EXTENSIONS:
            module = _lazy(name)
            if module is not None and hasattr(module, "install"):
                try:
                    self.extensions[name] = module.install(self)
                except Exception as e:  # noqa: BLE001 - a broken extension must not stop the editor
                    self.statusBar().showMessage(f"{name} could not start: {e}", 10000)
        preview_state = _lazy("widgets.preview_state")
        if preview_state is not None and hasattr(preview_state, "state_for"):
            preview_state.state_for(self).recipientChanged.connect(self.set_canvas_recipient)

    # --- assembly ------------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(
        self, text: str, slot, shortcut=None, *, name: str = "", tip: str = "", within: tuple[QWidget, ...] = ()
    ) -> QAction:
        """An action with shortcuts; `within` limits the shortcuts to when one of those panes
        has the focus (plain arrows and Esc belong to a spin box or a text field elsewhere)."""
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda _=False: slot())
        action.setObjectName(name or text)
        if tip:
            action.setStatusTip(tip)
        if within:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for widget in within:
                widget.addAction(action)
        else:
            self.addAction(action)
        return action

    def _make_actions(self) -> None:
        S = QKeySequence.StandardKey
        self.a_new = self._action("&New…", self.new_document, S.New, name="new")
        self.a_open = self._action("&Open…", self.open_dialog, S.Open, name="open")
        self.a_save = self._action("&Save", self.save, S.Save, name="save")
        self.a_save_as = self._action("Save &As…", self.save_as, "Ctrl+Shift+S", name="save-as")
        self.a_quit = self._action("&Quit", self.close, S.Quit, name="quit")
        self.a_undo = self._action("&Undo", self.undo, S.Undo, name="undo")
        self.a_redo = self._action("&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], name="redo")
        self.a_cut = self._action("Cu&t", self.cut, S.Cut, name="cut")
        self.a_copy = self._action("&Copy", self.copy, S.Copy, name="copy")
        self.a_paste = self._action("&Paste", self.paste, S.Paste, name="paste")
        self.a_duplicate = self._action("&Duplicate", self.duplicate, "Ctrl+D", name="duplicate")
        panes = (self.canvas, self.layers)
        # Del/Backspace delete a block only from the canvas or the layers tree: elsewhere
        # (the inbox list, a table in the inspector) the key belongs to that pane.
        self.a_delete = self._action(
            "De&lete",
            self.delete_selection,
            [QKeySequence.StandardKey.Delete, "Backspace"],
            name="delete",
            within=panes,
        )
        self.a_save_block = self._action("Save as &block…", self.save_as_block, name="save-block")
        self.a_up = self._action("Select previous", lambda: self._step(-1), "Up", name="select-up", within=panes)
        self.a_down = self._action("Select next", lambda: self._step(1), "Down", name="select-down", within=panes)
        self.a_move_up = self._action("Move up", lambda: self._move(-1), "Alt+Up", name="move-up", within=panes)
        self.a_move_down = self._action("Move down", lambda: self._move(1), "Alt+Down", name="move-down", within=panes)
        self.a_parent = self._action("Select parent", self._select_parent, "Esc", name="select-parent", within=panes)
        self.a_mobile = self._action("&Mobile width", self._toggle_mobile, "Ctrl+M", name="mobile")
        self.a_mobile.setCheckable(True)
        self.a_preview = self._action("&Preview", self.preview, "Ctrl+P", name="preview")
        self.a_send = self._action("Send &test…", self.send_test, "Ctrl+Shift+T", name="send")
        self.a_shortcuts = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1", name="shortcuts")
        self.a_about = self._action("&About Mailwright", self.about, name="about")

        bar = self.menuBar()
        m = bar.addMenu("&File")
        for a in (self.a_new, self.a_open):
            m.addAction(a)
        self.recent_menu = m.addMenu("Open &Recent")
        m.addSeparator()
        for a in (self.a_save, self.a_save_as):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.a_quit)
        m = bar.addMenu("&Edit")
        for a in (
            self.a_undo,
            self.a_redo,
            None,
            self.a_cut,
            self.a_copy,
            self.a_paste,
            self.a_duplicate,
            self.a_delete,
            None,
            self.a_save_block,
            None,
            self.a_up,
            self.a_down,
            self.a_move_up,
            self.a_move_down,
            self.a_parent,
        ):
            m.addSeparator() if a is None else m.addAction(a)
        m = bar.addMenu("&View")
        m.addAction(self.a_mobile)
        m.addAction(self.a_preview)
        m = bar.addMenu("&Email")
        m.addAction(self.a_send)
        m = bar.addMenu("&Help")
        m.addAction(self.a_shortcuts)
        m.addAction(self.a_about)

        tb = QToolBar("Main", self)
        tb.setObjectName("toolbar-main")
        tb.setIconSize(QSize(18, 18))
        self.addToolBar(tb)
        for a in (self.a_undo, self.a_redo):
            tb.addAction(a)
        tb.addSeparator()
        tb.addAction(self.a_mobile)
        self.theme_box = QComboBox(self)
        self.theme_box.setObjectName("theme-picker")
        for name in available_themes():
            self.theme_box.addItem(display_name(name), name)
        self.theme_box.setToolTip("Theme")
        self.theme_box.activated.connect(lambda _i: self._set_theme(self.theme_box.currentData()))
        tb.addWidget(QLabel(" Theme ", self))
        tb.addWidget(self.theme_box)
        tb.addSeparator()
        tb.addAction(self.a_preview)
        tb.addAction(self.a_send)
        self._refresh_recent()

    # --- session -------------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        if self._autosaver is not None:
            try:
                self._autosaver.discard()
            except Exception:  # noqa: BLE001
                pass
        self.session = session
        self._unsubscribe = session.history.subscribe(self._on_change)
        self._autosaver = Autosaver()
        self.disk_watch.follow(session.path)
        self.inspector.set_session(session)
        self.workspace.set_session(session)
        self.inspector.set_save_handler(self.save_as)
        self.selection = None
        self._refresh_all(compile_now=True)

    def _on_change(self, change: Change) -> None:
        if self.selection and self.session and self.session.doc.find(self.selection) is None:
            self.selection = None
        self._refresh_all()
        # Started, not restarted: continuous editing still autosaves every few seconds.
        if not self._autosave_timer.isActive():
            self._autosave_timer.start()

    def _refresh_all(self, compile_now: bool = False) -> None:
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
        self._sync_selection_views()
        self.compiler.request(
            session.history.revision, self._snapshot(), immediate=compile_now, recipient=self.canvas_recipient
        )

    def _on_compiled(self, revision: int, result: dict) -> None:
        if revision != self.compiler.latest:
            return  # a newer edit is on its way
        self._last_result = result
        html = result["html"]
        self.canvas.set_html(html)
        import re

        export_bytes = len(re.sub(r" ?mw-id-[A-Za-z0-9_-]+", "", html).encode("utf-8"))
        self._html_bytes = export_bytes
        kb = export_bytes / 1024
        over = export_bytes > GMAIL_CLIP
        self.size_label.setText(f"{kb:.1f} KB of 102 KB" + (" — Gmail will clip this email" if over else ""))
        self.size_label.setStyleSheet("color:#b91c1c;font-weight:bold;" if over else "")
        self._checks_timer.start()

    def _on_compile_failed(self, revision: int, message: str) -> None:
        if revision != self.compiler.latest:
            return
        self.statusBar().showMessage(f"Could not build the email: {message}", 10000)
        self.size_label.setText("build failed")

    # --- selection -----------------------------------------------------------------------
    def _node_name(self, node_id: str) -> str:
        if not self.session:
            return node_id
        node = self.session.doc.find(node_id)
        if node is None:
            return node_id
        kind = node_kind(self.session.doc, node_id)
        if kind == "block":
            return REGISTRY[node.type].label
        return kind.capitalize()

    def select(self, node_id: str | None) -> None:
        if self.session and node_id and self.session.doc.find(node_id) is None:
            node_id = None
        self.selection = node_id
        self.session and self.session.history.seal()
        self._sync_selection_views()

    def _sync_selection_views(self) -> None:
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

    def _step(self, delta: int) -> None:
        if self.session:
            self.select(step(self.session.doc, self.selection, delta))

    def _select_parent(self) -> None:
        if self.session:
            self.select(parent_of(self.session.doc, self.selection))

    # --- commands ------------------------------------------------------------------------
    def push(self, command) -> bool:
        """Apply a command; a refusal is a status message, never a crash."""
        if self.session is None or command is None:
            return False
        try:
            self.session.history.push(command)
        except CommandError as e:
            self.statusBar().showMessage(str(e), 8000)
            return False
        return True

    def _drop(self, payload: Payload, target: DropTarget) -> None:
        if self.session is None:
            return
        doc = self.session.doc
        before = {n.id for n in doc.iter_nodes()}
        try:
            command = drop_command(doc, payload, target)
        except CommandError as e:
            self.statusBar().showMessage(str(e), 8000)
            return
        if self.push(command):
            if payload.kind in ("move-block", "move-row"):
                self.select(payload.node_id)
            else:
                added = [n.id for n in doc.iter_nodes() if n.id not in before]
                blocks = [i for i in added if node_kind(doc, i) == "block"]
                self.select(blocks[0] if blocks else (added[0] if added else None))

    def _append(self, payload: Payload) -> None:
        """Double-click in the palette: add after the selection (or at the end)."""
        if self.session is None:
            return
        doc = self.session.doc
        target = None
        if self.selection:
            kind = node_kind(doc, self.selection)
            from ..app.document.commands import locate

            loc = locate(doc, self.selection)
            if payload.row_level:  # layouts and heroes go after the selected row
                target = DropTarget("row", loc.row_index + 1)
            elif kind == "block" and not loc.row.hero:
                target = DropTarget("column", loc.block_index + 1, loc.column.id)
            elif kind == "column" and not loc.row.hero:
                target = DropTarget("column", len(loc.column.blocks), loc.column.id)
            elif kind == "row":
                target = DropTarget("row", loc.row_index + 1)
        if target is None:
            target = drop_target(doc, [], 0, payload)
        self._drop(payload, target)

    def _bar_action(self, name: str) -> None:
        {
            "up": lambda: self._move(-1),
            "down": lambda: self._move(1),
            "duplicate": self.duplicate,
            "delete": self.delete_selection,
            "save": self.save_as_block,
        }[name]()

    def _move(self, delta: int) -> None:
        if self.session and self.selection:
            command = move_command(self.session.doc, self.selection, delta)
            if command is not None:
                self.push(command)
                self._sync_selection_views()

    def delete_selection(self) -> None:
        if not (self.session and self.selection):
            return
        doc = self.session.doc
        kind = node_kind(doc, self.selection)
        if kind == "column":
            self.statusBar().showMessage("Change the row's columns in the inspector to remove a column", 6000)
            return
        nxt = step(doc, self.selection, 1)
        if nxt == self.selection:
            nxt = step(doc, self.selection, -1)
        label = f"Delete {self._node_name(self.selection).lower()}"
        if self.push(RemoveNode(self.selection, label)):
            self.select(nxt if nxt and doc.find(nxt) else None)

    def undo(self) -> None:
        if self.session:
            self.session.history.undo()

    def redo(self) -> None:
        if self.session:
            self.session.history.redo()

    def _set_theme(self, name: str) -> None:
        from ..app.document.commands import SetDocField

        if self.session and name != self.session.doc.settings.theme:
            self.push(SetDocField("settings.theme", name, f"Switch theme to {display_name(name)}"))

    def _toggle_mobile(self) -> None:
        self.canvas.set_mobile(self.a_mobile.isChecked())

    # --- clipboard -------------------------------------------------------------------------
    def copy(self) -> bool:
        clip = _lazy("app.clipboard")
        if not (self.session and self.selection and clip):
            return False
        try:
            data = clip.copy_nodes(self.session.doc, [self.selection])
        except CommandError as e:
            self.statusBar().showMessage(str(e), 6000)
            return False
        from PySide6.QtCore import QMimeData
        from PySide6.QtWidgets import QApplication

        mime = QMimeData()
        mime.setData(CLIP_MIME, data.json_text.encode("utf-8"))
        mime.setText(data.mjml_text)
        QApplication.clipboard().setMimeData(mime)
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete_selection()

    def paste(self) -> None:
        clip = _lazy("app.clipboard")
        if not (self.session and clip):
            return
        from PySide6.QtWidgets import QApplication

        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(CLIP_MIME):
            self.statusBar().showMessage("Nothing to paste: copy a block or a row first", 5000)
            return
        text = bytes(mime.data(CLIP_MIME)).decode("utf-8")
        doc = self.session.doc
        before = {n.id for n in doc.iter_nodes()}
        try:
            command = clip.paste_commands(doc, text, self.selection)
        except CommandError as e:
            self.statusBar().showMessage(str(e), 6000)
            return
        if self.push(command):
            added = [n.id for n in doc.iter_nodes() if n.id not in before]
            self.select(added[0] if added else self.selection)

    def duplicate(self) -> None:
        clip = _lazy("app.clipboard")
        if not (self.session and self.selection and clip):
            return
        doc = self.session.doc
        before = {n.id for n in doc.iter_nodes()}
        try:
            command = clip.duplicate_command(doc, self.selection)
        except CommandError as e:
            self.statusBar().showMessage(str(e), 6000)
            return
        if self.push(command):
            added = [n.id for n in doc.iter_nodes() if n.id not in before]
            kind = node_kind(doc, self.selection)
            same = [i for i in added if node_kind(doc, i) == kind]
            self.select(same[0] if same else self.selection)

    def save_as_block(self) -> None:
        saved = _lazy("app.saved_blocks")
        if not (self.session and self.selection and saved):
            return
        from PySide6.QtWidgets import QInputDialog

        default = self._node_name(self.selection)
        name, ok = QInputDialog.getText(self, "Save as block", "Name for the saved block:", text=default)
        if not ok or not name.strip():
            return
        try:
            saved.save_block(self.session.doc, self.selection, name.strip())
        except (CommandError, ValueError) as e:
            QMessageBox.warning(self, "Save as block", str(e))
            return
        self.refresh_saved_blocks()
        self.statusBar().showMessage(f"Saved “{name.strip()}” to the palette", 5000)

    def refresh_saved_blocks(self) -> None:
        saved = _lazy("app.saved_blocks")
        if saved is None or not hasattr(saved, "list_saved"):
            return
        import json

        items = []
        for item in saved.list_saved():
            node = getattr(item, "node", None)
            kind = getattr(item, "kind", "blocks")
            items.append(
                (
                    item.name,
                    json.dumps(
                        {
                            "format": "mailwright-nodes",
                            "version": 1,
                            "kind": "rows" if kind in ("row", "rows") else "blocks",
                            "nodes": [node],
                        }
                    ),
                )
            )
        self.palette.set_saved(items)

    # --- files ---------------------------------------------------------------------------
    def maybe_keep_changes(self) -> bool:
        """Ask about unsaved changes; False when the user cancels."""
        if not (self.session and self.session.dirty):
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.session.name} before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return True

    def new_document(self) -> None:
        if not self.maybe_keep_changes():
            return
        gallery = _lazy("widgets.gallery")
        template = None
        if gallery is not None:
            dialog = gallery.StarterGallery(self, EXAMPLES)
            accepted = dialog.exec()
            template = dialog.chosen
            dialog.deleteLater()
            if not accepted:
                return
        self.set_session(Session.new(template))

    def open_dialog(self) -> None:
        if not self.maybe_keep_changes():
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open email template",
            str(self._last_dir()),
            "Email templates (*.mwt *.mjml *.html *.htm);;All files (*)",
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | os.PathLike) -> bool:
        try:
            session = Session.open(path)
        except (DocumentError, ValueError, OSError, ImportError) as e:
            QMessageBox.warning(self, "Open", f"Could not open {path}:\n{e}")
            return False
        self.set_session(session)
        self._add_recent(Path(path))
        return True

    def save(self) -> bool:
        if self.session is None:
            return False
        if self.session.path is None:
            return self.save_as()
        try:
            self.session.save()
        except ExternalChange:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "File changed on disk",
                f"{self.session.path.name} was changed by another program since you opened it.",
                parent=self,
            )
            reload_b = box.addButton("Reload from disk", QMessageBox.ButtonRole.DestructiveRole)
            overwrite_b = box.addButton("Overwrite", QMessageBox.ButtonRole.AcceptRole)
            save_as_b = box.addButton("Save As…", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            clicked = box.clickedButton()
            if clicked is reload_b:
                try:
                    self.session.reload()
                except (DocumentError, ValueError, OSError) as e:  # the other program left it unreadable
                    QMessageBox.warning(self, "Reload", f"Could not reload {self.session.path}:\n{e}")
                return False
            if clicked is overwrite_b:
                return self._save_to(None, force=True)
            if clicked is save_as_b:
                return self.save_as()
            return False
        except Exception as e:  # noqa: BLE001 - SaveError and friends: say it, keep the document
            QMessageBox.critical(self, "Save", str(e))
            return False
        self._saved()
        return True

    def _save_to(self, path: Path | None, force: bool = False) -> bool:
        try:
            self.session.save(path, force=force)
        except Exception as e:  # noqa: BLE001
            QMessageBox.critical(self, "Save", str(e))
            return False
        self._saved()
        return True

    def save_as(self) -> bool:
        if self.session is None:
            return False
        folder = self._last_dir()
        if folder == EXAMPLES:  # a new email from a starter is not saved over the starter
            folder = Path.home()
        suggestion = self.session.path or self.session.suggested_path or (folder / self.session.name)
        path, _ = QFileDialog.getSaveFileName(
            self, "Save email template", str(suggestion), "Mailwright templates (*.mwt)"
        )
        if not path:
            return False
        if not path.endswith(".mwt"):
            path += ".mwt"
        return self._save_to(Path(path), force=True)

    def _saved(self) -> None:
        self.disk_watch.follow(self.session.path)  # Save As: now this file
        if self._autosaver is not None:
            try:
                self._autosaver.discard()
            except Exception:  # noqa: BLE001
                pass
        self._add_recent(self.session.path)
        self._refresh_all()
        self.statusBar().showMessage(f"Saved {self.session.path}", 4000)

    def _autosave(self) -> None:
        if self._autosaver is not None and self.session is not None and self.session.dirty:
            try:
                self._autosaver.save(self.session)
            except Exception as e:  # noqa: BLE001 - autosave failing must not interrupt work
                self.statusBar().showMessage(f"Autosave failed: {e}", 6000)

    def _last_dir(self) -> Path:
        value = self.settings.value("files/last_dir")
        return Path(value) if value and Path(value).is_dir() else (EXAMPLES if EXAMPLES.is_dir() else Path.home())

    def _add_recent(self, path: Path | None) -> None:
        if path is None:
            return
        recent = [p for p in (self.settings.value("files/recent") or []) if p != str(path)]
        recent.insert(0, str(path))
        self.settings.setValue("files/recent", recent[:10])
        self.settings.setValue("files/last_dir", str(path.parent))
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.value("files/recent") or []:
            action = self.recent_menu.addAction(p)
            action.triggered.connect(lambda _=False, p=p: self.maybe_keep_changes() and self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    # --- checks ----------------------------------------------------------------------------
    def _run_checks(self) -> None:
        """Checks run after each compile in the compile worker's process; the UI never waits."""
        if self.session is None or self._closed:
            return
        revision = self.session.history.revision
        try:
            if getattr(self, "_check_worker", None) is None:
                self._check_worker = self.compiler.lane(
                    "mailwright.app.checks:check_job", failure="The checks were interrupted"
                )
            folder = self.session.folder  # local images are looked for next to the document
            future = self._check_worker.submit(
                self._snapshot(), str(folder / self.session.name) if folder else self.session.name
            )
        except RuntimeError:  # the window is closing
            return
        future.add_done_callback(lambda f, r=revision: self._checks_done.emit(r, f))

    def _check_chosen(self, item: QListWidgetItem) -> None:
        location = item.data(Qt.ItemDataRole.UserRole)
        if location:  # the "No problems found" row points nowhere
            self.select(location)

    def _show_checks(self, revision: int, future) -> None:
        from ..app.worker import JobCancelled

        if self.session is None or revision != self.session.history.revision:
            return
        try:
            findings = future.result()
        except JobCancelled:
            return
        except Exception as e:  # noqa: BLE001
            self.statusBar().showMessage(f"Checks could not run: {e}", 6000)
            return
        self.checks.clear()
        errors = sum(f["severity"] == "error" for f in findings)
        warnings = sum(f["severity"] == "warning" for f in findings)
        self._warnings = errors + warnings
        for f in findings:
            mark = {"error": "⛔", "warning": "⚠", "info": "ℹ"}.get(f["severity"], "•")
            item = QListWidgetItem(f"{mark}  {f['message']}  [{f['code']} · {f['location']}]")
            item.setToolTip(f.get("hint") or "")
            item.setData(Qt.ItemDataRole.UserRole, f["location"])
            self.checks.addItem(item)
        if not findings:
            # Say so where the user looks, not only in the status bar; the row selects nothing.
            item = QListWidgetItem(
                "✓  No problems found: size, links, images, contrast, merge tags and client support all pass"
            )
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setForeground(QColor("#15803d"))
            self.checks.addItem(item)
        self.warn_label.setText(f"{errors} errors · {warnings} warnings" if findings else "No problems found")
        self.warn_label.setStyleSheet("color:#b91c1c;" if errors else "")

    # --- later milestones --------------------------------------------------------------------
    def preview(self) -> None:
        preview = _lazy("widgets.preview")
        if preview is not None and hasattr(preview, "open_preview"):
            preview.open_preview(self)
        else:
            self.statusBar().showMessage("Use View > Mobile width; the preview workspace comes next", 5000)

    def send_test(self) -> None:
        send = _lazy("widgets.send_dialog")
        if send is not None and hasattr(send, "open_send_dialog"):
            send.open_send_dialog(self)
        else:
            self.statusBar().showMessage("Test sends: use `mailwright send` for now", 5000)

    def _link_clicked(self, url: QUrl) -> None:
        answer = QMessageBox.question(self, "Open link", f"Open this link in your browser?\n\n{url.toString()}")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(url)

    def show_shortcuts(self) -> None:
        lines = []
        for action in self.findChildren(QAction):  # also the actions bound to the canvas and layers
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys:
                lines.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
        QMessageBox.information(
            self, "Keyboard shortcuts", "<table cellpadding=3>" + "".join(sorted(lines)) + "</table>"
        )

    def about(self) -> None:
        QMessageBox.about(self, "About Mailwright", "Mailwright — email templates that render everywhere.")

    # --- closing -------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.maybe_keep_changes():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        # Nothing scheduled may run against the workers closed below.
        self._closed = True
        self._checks_timer.stop()
        self._autosave_timer.stop()
        if self._autosaver is not None:
            try:
                self._autosaver.discard()
            except Exception:  # noqa: BLE001
                pass
        self._checks_timer.stop()
        self._autosave_timer.stop()
        self.compiler.close()
        if self._check_worker is not None:
            self._check_worker.close()
        self.canvas.view.release()
        event.accept()
