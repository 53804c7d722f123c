"""The editor window, driven the way a designer uses it: drops on the canvas, clicks, the
layers tree, keys, undo/redo, themes, files and the compile worker.

The canvas is the real email in QtWebEngine (offscreen). Positions come from the page itself
(`canvas.rects`), so the tests drop and click where a block is actually drawn.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.conftest import RENDER_TIMEOUT, small_document

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import QWebEnginePage  # noqa: E402
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,  # noqa: E402
    QMessageBox,
)

from mailwright.app.document.commands import InsertRow, SetProp, new_block_json, new_row_json  # noqa: E402
from mailwright.app.document.model import Document  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from mailwright.app.document.storage import dumps_document, load_document  # noqa: E402
from mailwright.blocks import REGISTRY  # noqa: E402
from mailwright.widgets.canvas import APP_WORLD, MIME_PAYLOAD  # noqa: E402
from mailwright.widgets.compiler import Compiler  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ROLE = Qt.ItemDataRole.UserRole
Pos = QAbstractItemView.DropIndicatorPosition
SELECTION_BLUE = "#2563eb"


# --- helpers ----------------------------------------------------------------------------------


def rects(qtbot, window, ids: list[str]) -> dict[str, list[float]]:
    out: dict = {}
    window.canvas.rects(ids, lambda r: out.update(r=r))
    qtbot.waitUntil(lambda: "r" in out, timeout=5000)
    return out["r"]


def rect_of(qtbot, window, node_id: str) -> list[float]:
    r = rects(qtbot, window, [node_id])
    assert node_id in r, f"{node_id} is not drawn on the canvas"
    return r[node_id]


def centre(r) -> QPoint:
    return QPoint(int(r[0] + r[2] / 2), int(r[1] + r[3] / 2))


def hits_at(qtbot, window, point: QPoint) -> list[str]:
    out: dict = {}
    window.canvas.hit_test(point, lambda hits: out.update(h=[h.id for h in hits]))
    qtbot.waitUntil(lambda: "h" in out, timeout=5000)
    return out["h"]


def page_js(qtbot, window, code: str):
    out: dict = {}
    window.canvas.view.page().runJavaScript(code, APP_WORLD, lambda r: out.update(r=r))
    qtbot.waitUntil(lambda: "r" in out, timeout=5000)
    return out["r"]


def palette_payload(window, label: str):
    for item in window.palette.items():
        if item.text(0) == label:
            return item.data(0, ROLE)
    raise AssertionError(f"no palette item {label!r}")


def blocks_of(window, column_id: str) -> list[str]:
    return [b.id for b in window.session.doc.find(column_id).blocks]


def row_ids(window) -> list[str]:
    return [r.id for r in window.session.doc.rows]


def dump(window) -> str:
    return dumps_document(window.session.doc)


def drop_at(qtbot, window, point: QPoint, payload) -> None:
    """Drag `payload` over the canvas to `point` (the indicator appears), then drop."""
    canvas = window.canvas
    canvas.clear_drop()
    canvas.drag_move(point, payload)
    qtbot.waitUntil(lambda: canvas.drop is not None, timeout=5000)
    assert canvas.overlay.line is not None, "an insertion line shows while dragging"
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        canvas.finish_drop(payload)
    assert canvas.overlay.line is None


def click_canvas(qtbot, window, point: QPoint) -> None:
    proxy = window.canvas.view.focusProxy()
    QTest.mouseClick(proxy, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def focus_canvas(qtbot, window) -> None:
    window.activateWindow()
    proxy = window.canvas.view.focusProxy()
    proxy.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is proxy, timeout=3000)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(window, k, modifier)


def added_block(before: set[str], window) -> str:
    new = [n.id for n in window.session.doc.iter_nodes() if n.id not in before]
    assert len(new) == 1, new
    return new[0]


def ids(window) -> set[str]:
    return {n.id for n in window.session.doc.iter_nodes()}


def layers_selection(window) -> str | None:
    items = window.layers.selectedItems()
    return items[0].data(0, ROLE) if items else None


def wait_selection_outline(qtbot, window, node_id: str) -> None:
    expected = rect_of(qtbot, window, window.canvas._element_id(node_id))
    qtbot.waitUntil(
        lambda: (
            window.canvas.overlay.selection is not None
            and [round(v) for v in window.canvas.overlay.selection.getRect()] == [round(v) for v in expected]
        ),
        timeout=5000,
    )


def grab_colour_near(window, view_point: QPoint, radius: int = 2) -> set[str]:
    image = window.grab().toImage()
    p = window.canvas.view.mapTo(window, view_point)
    return {
        image.pixelColor(p.x() + dx, p.y() + dy).name()
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
    }


# --- the window -------------------------------------------------------------------------------


def test_window_shows_panes_and_html_size(window):
    for name in ("dock-palette", "dock-layers", "dock-inspector", "dock-checks"):
        dock = window.findChild(QDockWidget, name)
        assert dock is not None and dock.isVisible(), name
    assert window.centralWidget() is window.workspace and window.workspace.currentWidget().isAncestorOf(window.canvas)
    assert window.canvas.view.width() > 400
    labels = {item.text(0) for item in window.palette.items()}
    assert {"2 columns", "Heading", "Text", "Button", "Image", "Hero"} <= labels
    assert [window.layers.topLevelItem(i).data(0, ROLE) for i in range(window.layers.topLevelItemCount())] == [
        "r1",
        "r2",
        "r3",
    ]
    text = window.size_label.text()
    assert text.endswith("KB of 102 KB"), text
    kb = float(text.split()[0])
    assert abs(kb - window.status.html_bytes / 1024) < 0.1 and 1 < kb < 102
    assert "mw-id-" not in window.size_label.text()
    assert "Editor test" not in window.windowTitle() and "Untitled" in window.windowTitle()


def test_hit_testing_names_blocks_columns_and_rows(qtbot, window):
    r = rects(qtbot, window, ["r1", "c1", "b1", "b2", "b3", "c2", "c3", "b4", "b5"])
    assert hits_at(qtbot, window, centre(r["b1"])) == ["b1", "c1", "r1"]
    assert hits_at(qtbot, window, centre(r["b3"])) == ["b3", "c1", "r1"]
    assert hits_at(qtbot, window, centre(r["b4"])) == ["b4", "c2", "r2"]
    # the empty column's "drop here" placeholder belongs to the column
    assert hits_at(qtbot, window, centre(r["c3"])) == ["c3", "r2"]
    # the row's own padding above its first block
    assert r["c1"][1] - r["r1"][1] >= 8
    assert hits_at(qtbot, window, QPoint(int(r["r1"][0] + 20), int(r["r1"][1] + 4))) == ["r1"]
    # outside the email: nothing
    assert hits_at(qtbot, window, QPoint(3, int(r["b1"][1] + 5))) == []


def test_every_block_kind_is_hit_where_it_is_drawn(qtbot, make_window):
    doc = Document()
    session = Session(doc)
    for block_type in REGISTRY:
        if block_type == "mjml":
            continue  # raw MJML carries no class of ours
        block = new_block_json(doc, block_type)
        session.history.push(InsertRow(len(doc.rows), new_row_json(doc, [100], [[block]])))
    session.history.mark_saved()
    window = make_window(session)
    for row in doc.rows:
        block = row.hero or row.columns[0].blocks[0]
        page_js(qtbot, window, f"document.getElementsByClassName('mw-id-{block.id}')[0].scrollIntoView(); 1")
        r = rect_of(qtbot, window, block.id)
        probe = QPoint(int(r[0] + r[2] / 2), int(r[1] + min(r[3] / 2, 20)))
        hits = hits_at(qtbot, window, probe)
        expected = [block.id] if row.hero else [block.id, row.columns[0].id, row.id]
        assert hits == expected, (block.type, hits)


# --- drops on the canvas ------------------------------------------------------------------------


def test_drop_above_the_middle_of_a_block_lands_before_it(qtbot, window):
    before = ids(window)
    r = rect_of(qtbot, window, "b2")
    drop_at(qtbot, window, QPoint(int(r[0] + r[2] / 2), int(r[1] + r[3] * 0.3)), palette_payload(window, "Button"))
    new = added_block(before, window)
    assert blocks_of(window, "c1") == ["b1", new, "b2", "b3"]
    assert window.session.doc.find(new).type == "button"
    assert window.selection == new and layers_selection(window) == new
    wait_selection_outline(qtbot, window, new)
    assert window.canvas.bar.isVisible()


def test_drop_below_the_middle_of_a_block_lands_after_it(qtbot, window):
    before = ids(window)
    r = rect_of(qtbot, window, "b2")
    drop_at(qtbot, window, QPoint(int(r[0] + r[2] / 2), int(r[1] + r[3] * 0.8)), palette_payload(window, "Divider"))
    new = added_block(before, window)
    assert blocks_of(window, "c1") == ["b1", "b2", new, "b3"]
    assert window.selection == new
    # the new block is drawn between its neighbours on the canvas
    r2 = rects(qtbot, window, ["b2", new, "b3"])
    assert r2["b2"][1] < r2[new][1] < r2["b3"][1]


def test_real_drag_and_drop_events_land_the_block_at_the_drop_point(qtbot, window):
    canvas = window.canvas
    proxy = canvas.view.focusProxy()
    payload = palette_payload(window, "Heading")
    r = rects(qtbot, window, ["b1", "b3"])
    mime = QMimeData()
    mime.setData(MIME_PAYLOAD, payload.to_mime().encode("utf-8"))
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    over_b1 = QPoint(int(r["b1"][0] + 40), int(r["b1"][1] + 3))
    enter = QDragEnterEvent(QPointF(over_b1), actions, mime, buttons, mods)
    QApplication.sendEvent(proxy, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(QPointF(over_b1), actions, mime, buttons, mods)
    QApplication.sendEvent(proxy, move)
    assert move.isAccepted()
    qtbot.waitUntil(lambda: canvas.overlay.line is not None, timeout=5000)
    # Released straight away somewhere else: the drop point decides, not the last move.
    below_b3 = QPoint(int(r["b3"][0] + 40), int(r["b3"][1] + r["b3"][3] - 3))
    before = ids(window)
    drop = QDropEvent(QPointF(below_b3), actions, mime, buttons, mods)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        QApplication.sendEvent(proxy, drop)
    assert drop.isAccepted()
    new = added_block(before, window)
    assert blocks_of(window, "c1") == ["b1", "b2", "b3", new]
    assert window.selection == new
    assert canvas.overlay.line is None


def test_drag_leave_removes_the_insertion_line(qtbot, window):
    canvas = window.canvas
    r = rect_of(qtbot, window, "b2")
    canvas.drag_move(centre(r), palette_payload(window, "Text"))
    qtbot.waitUntil(lambda: canvas.overlay.line is not None, timeout=5000)
    from PySide6.QtGui import QDragLeaveEvent

    QApplication.sendEvent(canvas.view.focusProxy(), QDragLeaveEvent())
    assert canvas.overlay.line is None and canvas.drop is None
    assert dump(window) == dumps_document(small_document())


def test_drop_a_layout_between_rows_inserts_a_row_there(qtbot, window):
    r = rect_of(qtbot, window, "r1")
    before = ids(window)
    drop_at(qtbot, window, QPoint(int(r[0] + r[2] / 2), int(r[1] + r[3] - 6)), palette_payload(window, "3 columns"))
    rows = row_ids(window)
    assert rows[0] == "r1" and rows[2:] == ["r2", "r3"]
    new_row = window.session.doc.rows[1]
    assert len(new_row.columns) == 3 and new_row.id not in before
    assert window.selection == new_row.id
    # on the canvas it sits between the first and the second row
    r2 = rects(qtbot, window, ["r1", new_row.id, "r2"])
    assert r2["r1"][1] < r2[new_row.id][1] < r2["r2"][1]


def test_drop_into_an_empty_column_lands_in_that_column(qtbot, window):
    assert page_js(qtbot, window, "document.querySelectorAll('.mw-id-c3 .mw-empty').length") == 1
    before = ids(window)
    drop_at(qtbot, window, centre(rect_of(qtbot, window, "c3")), palette_payload(window, "Text"))
    new = added_block(before, window)
    assert blocks_of(window, "c3") == [new]
    assert blocks_of(window, "c2") == ["b4"]
    assert page_js(qtbot, window, "document.querySelectorAll('.mw-id-c3 .mw-empty').length") == 0


def test_drag_a_selected_block_to_move_it(qtbot, window):
    from mailwright.app.document.drop import Payload

    window.select("b3")
    r = rect_of(qtbot, window, "b1")
    drop_at(qtbot, window, QPoint(int(r[0] + 30), int(r[1] + 3)), Payload("move-block", node_id="b3"))
    assert blocks_of(window, "c1") == ["b3", "b1", "b2"]
    assert window.selection == "b3"


# --- selection ---------------------------------------------------------------------------------


def test_click_on_a_block_selects_it_and_the_layers_follow(qtbot, window):
    r = rect_of(qtbot, window, "b3")
    click_canvas(qtbot, window, centre(r))
    qtbot.waitUntil(lambda: window.selection == "b3", timeout=5000)
    assert layers_selection(window) == "b3"
    wait_selection_outline(qtbot, window, "b3")
    # the selection bar sits on the block's top edge, at its right
    bar = window.canvas.bar
    assert bar.isVisible()
    g = bar.geometry()
    assert abs(g.bottom() - r[1]) <= 4 or abs(g.top() - (r[1] + r[3])) <= 4
    assert r[0] <= g.left() and g.right() <= r[0] + r[2] + 1
    # the click gave the canvas the keyboard focus
    assert QApplication.focusWidget() is window.canvas.view.focusProxy()
    # a click beside the email clears the selection
    click_canvas(qtbot, window, QPoint(3, int(r[1] + 5)))
    qtbot.waitUntil(lambda: window.selection is None, timeout=5000)
    assert layers_selection(window) is None and not bar.isVisible()


def test_selecting_in_the_layers_outlines_the_block_on_the_canvas(qtbot, window):
    window.layers._items["b5"].setSelected(True)
    assert window.selection == "b5"
    wait_selection_outline(qtbot, window, "b5")


def test_the_selection_outline_is_drawn_over_the_web_view(qtbot, window):
    r = rect_of(qtbot, window, "b2")
    left_edge = QPoint(int(r[0]) + 1, int(r[1] + r[3] / 2))
    right_edge = QPoint(int(r[0] + r[2]) - 2, int(r[1] + r[3] / 2))
    assert SELECTION_BLUE not in grab_colour_near(window, left_edge)
    window.select("b2")
    wait_selection_outline(qtbot, window, "b2")
    assert SELECTION_BLUE in grab_colour_near(window, left_edge)
    assert SELECTION_BLUE in grab_colour_near(window, right_edge)
    # the bar's buttons are drawn too
    bar = window.canvas.bar
    image = window.grab().toImage()
    p = bar.mapTo(window, QPoint(bar.width() // 2, bar.height() - 2))
    assert image.pixelColor(p).name() in ("#2563eb", "#1d4ed8")


def test_hero_rows_are_outlined_through_their_hero(qtbot, make_window):
    doc = small_document()
    session = Session(doc)
    hero = new_block_json(doc, "hero")
    session.history.push(InsertRow(1, new_row_json(doc, [100], [[hero]])))
    window = make_window(session)
    hero_row = window.session.doc.rows[1]
    window.select(hero_row.id)
    wait_selection_outline(qtbot, window, hero_row.id)
    assert hits_at(qtbot, window, centre(rect_of(qtbot, window, hero["id"]))) == [hero["id"]]


# --- layers tree -------------------------------------------------------------------------------


def test_layers_drag_reorders_blocks(qtbot, window):
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.layers.request_move("b3", "b1", Pos.AboveItem)
    assert blocks_of(window, "c1") == ["b3", "b1", "b2"]
    assert window.selection == "b3"
    col = window.layers._items["c1"]
    assert [col.child(i).data(0, ROLE) for i in range(col.childCount())] == ["b3", "b1", "b2"]
    r = rects(qtbot, window, ["b3", "b1"])
    assert r["b3"][1] < r["b1"][1]
    # below an item, and into another (empty) column
    window.layers.request_move("b3", "b2", Pos.BelowItem)
    assert blocks_of(window, "c1") == ["b1", "b2", "b3"]
    window.layers.request_move("b5", "c3", Pos.OnItem)
    assert blocks_of(window, "c3") == ["b5"] and blocks_of(window, "c4") == []


def test_layers_drag_reorders_rows(qtbot, window):
    window.layers.request_move("r3", "r1", Pos.AboveItem)
    assert row_ids(window) == ["r3", "r1", "r2"]
    window.layers.request_move("r3", "r2", Pos.BelowItem)
    assert row_ids(window) == ["r1", "r2", "r3"]
    # dropping a row on a block inside another row places it before that row
    window.layers.request_move("r1", "b5", Pos.OnItem)
    assert row_ids(window) == ["r2", "r1", "r3"]
    assert [window.layers.topLevelItem(i).data(0, ROLE) for i in range(3)] == ["r2", "r1", "r3"]


# --- keyboard ----------------------------------------------------------------------------------


def test_arrow_keys_select_next_and_previous(qtbot, window):
    click_canvas(qtbot, window, centre(rect_of(qtbot, window, "b2")))
    qtbot.waitUntil(lambda: window.selection == "b2", timeout=5000)
    key(qtbot, window, Qt.Key.Key_Down)
    assert window.selection == "b3" and layers_selection(window) == "b3"
    key(qtbot, window, Qt.Key.Key_Down)
    assert window.selection == "b4"
    key(qtbot, window, Qt.Key.Key_Up)
    key(qtbot, window, Qt.Key.Key_Up)
    key(qtbot, window, Qt.Key.Key_Up)
    assert window.selection == "b1"
    assert dump(window) == dumps_document(small_document())  # selection is not an edit
    assert not window.session.dirty


def test_alt_arrows_move_the_block_and_undo_puts_it_back(qtbot, window):
    original = dump(window)
    window.select("b1")
    focus_canvas(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert blocks_of(window, "c1") == ["b2", "b1", "b3"]
    key(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert blocks_of(window, "c1") == ["b2", "b3", "b1"]
    assert window.selection == "b1"
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dump(window) == original


def test_delete_key_removes_the_block_and_selects_the_next(qtbot, window):
    window.select("b2")
    focus_canvas(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Delete)
    assert blocks_of(window, "c1") == ["b1", "b3"]
    assert window.selection == "b3"
    assert window.a_undo.text().replace("&", "").startswith("Undo Delete text")


def test_escape_selects_the_parent(qtbot, window):
    window.select("b2")
    focus_canvas(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.selection == "c1"
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.selection == "r1"
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.selection is None


def test_arrow_keys_belong_to_text_fields_when_they_have_the_focus(qtbot, window):
    window.select("b2")
    window.activateWindow()
    window.palette.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.palette.search, timeout=3000)
    key(qtbot, window, Qt.Key.Key_Down)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.selection == "b2"
    # but the layers tree takes them like the canvas does
    window.layers.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.layers, timeout=3000)
    key(qtbot, window, Qt.Key.Key_Down)
    assert window.selection == "b3"


# --- undo / redo ---------------------------------------------------------------------------


def _insert(qtbot, window):
    r = rect_of(qtbot, window, "b1")
    drop_at(qtbot, window, centre(r), palette_payload(window, "Image"))


def _insert_layout(qtbot, window):
    r = rect_of(qtbot, window, "r2")
    drop_at(qtbot, window, QPoint(int(r[0] + 10), int(r[1] + 2)), palette_payload(window, "2 columns"))


def _delete(qtbot, window):
    window.select("b1")
    window.a_delete.trigger()


def _move(qtbot, window):
    window.select("b3")
    window.a_move_up.trigger()


def _move_row(qtbot, window):
    window.layers.request_move("r3", "r1", Pos.AboveItem)


def _theme(qtbot, window):
    box = window.theme_box
    index = box.findData("midnight")
    box.setCurrentIndex(index)
    box.activated.emit(index)


@pytest.mark.parametrize(
    "edit",
    [_insert, _insert_layout, _delete, _move, _move_row, _theme],
    ids=["insert", "insert-layout", "delete", "move", "move-row", "theme"],
)
def test_undo_and_redo_of_each_command_kind(qtbot, window, edit):
    original = dump(window)
    edit(qtbot, window)
    changed = dump(window)
    assert changed != original and window.session.dirty
    assert window.a_undo.isEnabled()
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_undo.trigger()
    assert dump(window) == original
    assert not window.session.dirty and "•" not in window.windowTitle()
    assert window.a_redo.isEnabled()
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_redo.trigger()
    assert dump(window) == changed
    assert window.theme_box.currentData() == window.session.doc.settings.theme


def test_a_whole_session_undone_returns_the_original(qtbot, window):
    original = dump(window)
    for edit in (_insert, _delete, _move, _theme, _move_row, _insert_layout):
        edit(qtbot, window)
    final = dump(window)
    while window.a_undo.isEnabled():
        window.a_undo.trigger()
    assert dump(window) == original
    while window.a_redo.isEnabled():
        window.a_redo.trigger()
    assert dump(window) == final


def test_theme_picker_restyles_the_canvas(qtbot, window):
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        _theme(qtbot, window)
    assert window.session.doc.settings.theme == "midnight"
    assert "#020617" in window._last_result["html"].lower()
    # the page around the email is painted in the midnight background
    qtbot.waitUntil(lambda: window.canvas.view.grab().toImage().pixelColor(4, 4).name() == "#020617", timeout=5000)
    # One name per theme everywhere: the toolbar, the inspector and the undo label say "Midnight".
    assert window.a_undo.text().replace("&", "") == "Undo Switch theme to Midnight"
    assert window.theme_box.currentText() == "Midnight"
    inspector_box = window.inspector.editor("settings.theme").focus_widget()
    assert inspector_box.currentText() == "Midnight"


def test_mobile_width_toggle(qtbot, window):
    r = rects(qtbot, window, ["c2", "c3"])
    assert abs(r["c2"][1] - r["c3"][1]) < 1  # side by side on desktop
    window.select("b4")
    window.a_mobile.trigger()
    qtbot.waitUntil(lambda: window.canvas.view.width() == 375, timeout=5000)
    qtbot.waitUntil(lambda: page_js(qtbot, window, "window.innerWidth") <= 375, timeout=5000)
    qtbot.waitUntil(
        lambda: (lambda q: "c3" in q and q["c3"][1] > q["c2"][1] + q["c2"][3] - 1)(rects(qtbot, window, ["c2", "c3"])),
        timeout=5000,
    )  # stacked on a phone
    wait_selection_outline(qtbot, window, "b4")
    window.a_mobile.trigger()
    qtbot.waitUntil(lambda: window.canvas.view.width() > 600, timeout=5000)
    qtbot.waitUntil(lambda: window.canvas.overlay.width() == window.canvas.view.width(), timeout=5000)
    wait_selection_outline(qtbot, window, "b4")


# --- files ---------------------------------------------------------------------------------


def test_save_and_open_round_trip_with_unsaved_marker(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()
    assert "•" not in window.windowTitle()
    window.select("b2")
    window.a_delete.trigger()
    assert window.windowTitle().startswith("•")
    target = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.save()  # untitled: asks for a name (Save As)
    saved = tmp_path / "mine.mwt"
    assert saved.exists() and window.session.path == saved
    assert "•" not in window.windowTitle() and "mine.mwt" in window.windowTitle()
    expected = dump(window)
    # open something else, then the saved file again
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.set_session(Session.new())
    assert window.open_path(saved)
    assert dump(window) == expected == dumps_document(load_document(saved))
    assert window.session.path == saved and "•" not in window.windowTitle()
    # Ctrl+S on an opened file saves in place
    window.select("b1")
    window.a_delete.trigger()
    assert window.windowTitle().startswith("•")
    window.a_save.trigger()
    assert "•" not in window.windowTitle()
    assert "b1" not in {n.id for n in load_document(saved).iter_nodes()}
    assert str(saved) in (window.settings.value("files/recent") or [])


class _FakeBox:
    """Stand-in for QMessageBox.exec/clickedButton: records the box, clicks a button by text."""

    def __init__(self, monkeypatch, answer: str):
        self.shown: list[tuple[str, list[str]]] = []
        self.answer = answer
        fake = self

        def exec_(box):
            texts = [b.text() for b in box.buttons()]
            fake.shown.append((box.text(), texts))
            fake.clicked = next(b for b in box.buttons() if b.text().replace("&", "") == fake.answer)
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)
        monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: fake.clicked)


@pytest.mark.parametrize("answer", ["Cancel", "Reload from disk", "Overwrite"])
def test_saving_over_a_file_changed_on_disk_asks(qtbot, make_window, newsletter, monkeypatch, answer):
    window = make_window(Session.open(newsletter))
    window.select("b3")
    window.a_delete.trigger()
    ours = dump(window)
    theirs = newsletter.read_text(encoding="utf-8").replace("The Fernwood Letter", "Changed elsewhere")
    newsletter.write_text(theirs, encoding="utf-8")
    box = _FakeBox(monkeypatch, answer)
    result = window.save()
    assert len(box.shown) == 1
    text, buttons = box.shown[0]
    assert "changed by another program" in text
    assert {"Reload from disk", "Overwrite", "Save As…"} <= {b.replace("&", "") for b in buttons}
    on_disk = newsletter.read_text(encoding="utf-8")
    if answer == "Cancel":
        assert not result and on_disk == theirs and dump(window) == ours and window.session.dirty
    elif answer == "Reload from disk":
        assert not result and on_disk == theirs
        assert dump(window) == dumps_document(load_document(newsletter))
        assert "Changed elsewhere" in dump(window) and not window.session.dirty
    else:
        assert result and dumps_document(load_document(newsletter)) == ours and not window.session.dirty


def test_closing_with_unsaved_changes_asks(qtbot, make_window, monkeypatch):
    window = make_window()
    window.select("b1")
    window.a_delete.trigger()
    asked = []

    def answer(choice):
        def question(*args, **kwargs):
            asked.append(args[1] if len(args) > 1 else "")
            return choice

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.close()
    assert window.isVisible() and asked == ["Unsaved changes"]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    assert window.close()
    assert not window.isVisible() and len(asked) == 2


def test_closing_a_saved_document_does_not_ask(qtbot, make_window, monkeypatch):
    window = make_window()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked without changes"))
    assert window.close()


def test_screenshot_flag(tmp_path):
    exe = Path(sys.executable).parent / "mailwright"
    out = tmp_path / "x.png"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        MAILWRIGHT_DATA_DIR=str(tmp_path / "data"),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    proc = subprocess.run(
        [str(exe), str(ROOT / "examples" / "newsletter.mwt"), "--screenshot", str(out), "--size", "1200x800"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 29)}
    assert len(colours) > 20
    # the centre (the canvas) shows the email, not an empty page
    canvas = {image.pixel(x, y) for x in range(350, 800, 7) for y in range(100, 600, 7)}
    assert len(canvas) > 10


# --- the compile worker --------------------------------------------------------------------


def test_quick_edits_end_with_the_last_edit_on_the_canvas(qtbot, make_window):
    window = make_window(in_process=False)
    delivered = []
    window.compiler.finished.connect(lambda revision, _result: delivered.append(revision))
    for i in range(1, 9):
        window.push(SetProp("b1", "text", f"Edit number {i}", mergeable=False))
        # some edits inside the debounce, some after it: results of older edits are still
        # on their way while newer edits arrive
        qtbot.wait(10 if i % 2 else Compiler.DEBOUNCE_MS + 30)
    qtbot.waitUntil(
        lambda: window._last_result is not None and "Edit number 8" in window._last_result["html"],
        timeout=RENDER_TIMEOUT,
    )
    qtbot.waitUntil(
        lambda: "Edit number 8" in (page_js(qtbot, window, "document.body.innerText") or ""), timeout=RENDER_TIMEOUT
    )
    qtbot.wait(200)  # any stale result arriving late must not replace it
    text = page_js(qtbot, window, "document.body.innerText")
    assert "Edit number 8" in text and "Edit number 7" not in text
    assert len(delivered) >= 2  # intermediate compiles happened and were not shown last
    assert window._last_result is not None and "Edit number 8" in window._last_result["html"]


def test_a_bad_merge_tag_is_a_status_message_not_a_crash(qtbot, make_window):
    window = make_window(in_process=False)
    before = page_js(qtbot, window, "document.body.innerText")
    window.push(SetProp("b2", "html", "<p>Hi << data:name | nosuchfilter >></p>"))
    qtbot.waitUntil(lambda: "Could not build" in window.statusBar().currentMessage(), timeout=RENDER_TIMEOUT)
    assert "nosuchfilter" in window.statusBar().currentMessage()
    assert window.isVisible()
    assert page_js(qtbot, window, "document.body.innerText") == before  # the last good email stays
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_undo.trigger()
    assert "KB of 102 KB" in window.size_label.text()


# --- the canvas is not a browser -------------------------------------------------------------


def test_link_clicks_on_the_canvas_never_navigate(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    url = window.canvas.view.url()
    assert url.scheme() == "mwemail"
    link = json.loads(
        page_js(
            qtbot,
            window,
            "JSON.stringify((function(){var r=document.querySelector("
            "'a[href=\"https://example.com/x\"]').getBoundingClientRect();"
            "return [r.left,r.top,r.width,r.height];})())",
        )
    )
    click_canvas(qtbot, window, centre(link))
    qtbot.waitUntil(lambda: window.selection == "b2", timeout=5000)
    qtbot.wait(150)
    assert window.canvas.view.url() == url
    # A navigation that does reach the page (keyboard, say) is refused and reported instead.
    page = window.canvas.view.page()
    assert not page.acceptNavigationRequest(
        QUrl("https://example.com/x"), QWebEnginePage.NavigationType.NavigationTypeLinkClicked, True
    )
    assert len(asked) == 1  # the window asked before opening a browser; the user said no
    assert window.canvas.view.url() == url


def test_edits_keep_the_canvas_scroll_position(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    page_js(qtbot, window, "window.scrollTo(0, 600); 1")
    qtbot.waitUntil(lambda: window.canvas.view.page().scrollPosition().y() == 600, timeout=5000)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(SetProp("b10", "html", "<p>Edited far down the page.</p>"))
    qtbot.waitUntil(lambda: abs(window.canvas.view.page().scrollPosition().y() - 600) < 2, timeout=5000)


def test_palette_double_click_adds_after_the_selection(qtbot, window):
    window.select("b1")
    before = ids(window)
    window.palette._activate(next(i for i in window.palette.items() if i.text(0) == "Spacer"))
    new = added_block(before, window)
    assert blocks_of(window, "c1") == ["b1", new, "b2", "b3"]
    # a hero (a whole row) goes after the selected block's row
    window.select("b4")
    rows_before = row_ids(window)
    window.palette._activate(next(i for i in window.palette.items() if i.text(0) == "Hero"))
    rows = row_ids(window)
    assert rows[:2] == rows_before[:2] and rows[3:] == rows_before[2:]
    assert window.session.doc.rows[2].hero is not None


def test_reload_of_a_file_left_unreadable_keeps_the_document(qtbot, make_window, newsletter, monkeypatch):
    window = make_window(Session.open(newsletter))
    window.select("b3")
    window.a_delete.trigger()
    ours = dump(window)
    newsletter.write_text("{ not json", encoding="utf-8")
    _FakeBox(monkeypatch, "Reload from disk")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[1]))
    assert not window.save()
    assert warned == ["Reload"]
    assert dump(window) == ours and window.session.dirty
    assert newsletter.read_text(encoding="utf-8") == "{ not json"
