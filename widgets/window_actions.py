"""The main window's actions, menus and toolbar.

Each action keeps its object name (tests and the shortcuts list find actions by it). The panes'
own actions (Export, Code view, SMTP profiles) are added by their modules' `install(window)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QToolBar, QWidget

from ..themes import available_themes, display_name

if TYPE_CHECKING:
    from .main_window import MainWindow

Keys = QKeySequence.StandardKey | str
Shortcut = Keys | list[Keys] | None


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[[], Any],
    shortcut: Shortcut = None,
    *,
    name: str = "",
    tip: str = "",
    within: Sequence[QWidget] = (),
) -> QAction:
    """An action with shortcuts; `within` limits the shortcuts to when one of those panes
    has the focus (plain arrows and Esc belong to a spin box or a text field elsewhere)."""
    action = QAction(text, window)
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
        window.addAction(action)
    return action


def make_actions(w: MainWindow) -> None:
    """The window's actions (as `w.a_…`), its menus, the recent-files menu and the toolbar."""
    S = QKeySequence.StandardKey
    files, edits, clip = w.files, w.edits, w.clipboard
    w.a_new = make_action(w, "&New…", files.new_document, S.New, name="new")
    w.a_open = make_action(w, "&Open…", files.open_dialog, S.Open, name="open")
    w.a_save = make_action(w, "&Save", w.save, S.Save, name="save")
    w.a_save_as = make_action(w, "Save &As…", w.save_as, "Ctrl+Shift+S", name="save-as")
    w.a_quit = make_action(w, "&Quit", w.close, S.Quit, name="quit")
    w.a_undo = make_action(w, "&Undo", w.undo, S.Undo, name="undo")
    w.a_redo = make_action(w, "&Redo", w.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], name="redo")
    w.a_cut = make_action(w, "Cu&t", clip.cut, S.Cut, name="cut")
    w.a_copy = make_action(w, "&Copy", clip.copy, S.Copy, name="copy")
    w.a_paste = make_action(w, "&Paste", clip.paste, S.Paste, name="paste")
    w.a_duplicate = make_action(w, "&Duplicate", edits.duplicate, "Ctrl+D", name="duplicate")
    panes = (w.canvas, w.layers)
    # Del/Backspace delete a block only from the canvas or the layers tree: elsewhere
    # (the inbox list, a table in the inspector) the key belongs to that pane.
    w.a_delete = make_action(w, "De&lete", edits.delete, [S.Delete, "Backspace"], name="delete", within=panes)
    w.a_save_block = make_action(w, "Save as &block…", edits.save_as_block, name="save-block")
    w.a_up = make_action(w, "Select previous", lambda: w.step(-1), "Up", name="select-up", within=panes)
    w.a_down = make_action(w, "Select next", lambda: w.step(1), "Down", name="select-down", within=panes)
    w.a_move_up = make_action(w, "Move up", lambda: edits.move(-1), "Alt+Up", name="move-up", within=panes)
    w.a_move_down = make_action(w, "Move down", lambda: edits.move(1), "Alt+Down", name="move-down", within=panes)
    w.a_parent = make_action(w, "Select parent", w.select_parent, "Esc", name="select-parent", within=panes)
    w.a_mobile = make_action(w, "&Mobile width", w.toggle_mobile, "Ctrl+M", name="mobile")
    w.a_mobile.setCheckable(True)
    w.a_preview = make_action(w, "&Preview", w.preview, "Ctrl+P", name="preview")
    w.a_send = make_action(w, "Send &test…", w.send_test, "Ctrl+Shift+T", name="send")
    w.a_shortcuts = make_action(w, "&Keyboard shortcuts", lambda: show_shortcuts(w), "F1", name="shortcuts")
    w.a_about = make_action(w, "&About Mailwright", lambda: about(w), name="about")

    bar = w.menuBar()
    m = bar.addMenu("&File")
    for a in (w.a_new, w.a_open):
        m.addAction(a)
    w.recent_menu = m.addMenu("Open &Recent")
    m.addSeparator()
    for a in (w.a_save, w.a_save_as):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.a_quit)
    m = bar.addMenu("&Edit")
    for item in (
        *(w.a_undo, w.a_redo, None),
        *(w.a_cut, w.a_copy, w.a_paste, w.a_duplicate, w.a_delete, None),
        *(w.a_save_block, None),
        *(w.a_up, w.a_down, w.a_move_up, w.a_move_down, w.a_parent),
    ):
        m.addSeparator() if item is None else m.addAction(item)
    m = bar.addMenu("&View")
    m.addAction(w.a_mobile)
    m.addAction(w.a_preview)
    bar.addMenu("&Email").addAction(w.a_send)
    m = bar.addMenu("&Help")
    m.addAction(w.a_shortcuts)
    m.addAction(w.a_about)

    tb = QToolBar("Main", w)
    tb.setObjectName("toolbar-main")
    tb.setIconSize(QSize(18, 18))
    w.addToolBar(tb)
    for a in (w.a_undo, w.a_redo):
        tb.addAction(a)
    tb.addSeparator()
    tb.addAction(w.a_mobile)
    w.theme_box = theme_box = QComboBox(w)
    theme_box.setObjectName("theme-picker")
    for name in available_themes():
        theme_box.addItem(display_name(name), name)
    theme_box.setToolTip("Theme")
    theme_box.activated.connect(lambda _i: w.set_theme(theme_box.currentData()))
    tb.addWidget(QLabel(" Theme ", w))
    tb.addWidget(theme_box)
    tb.addSeparator()
    tb.addAction(w.a_preview)
    tb.addAction(w.a_send)
    files.refresh_recent()


def show_shortcuts(window: QWidget) -> None:
    lines = []
    for action in window.findChildren(QAction):  # also the actions bound to the canvas and layers
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
        if keys:
            lines.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
    QMessageBox.information(window, "Keyboard shortcuts", "<table cellpadding=3>" + "".join(sorted(lines)) + "</table>")


def about(window: QWidget) -> None:
    QMessageBox.about(window, "About Mailwright", "Mailwright — email templates that render everywhere.")
