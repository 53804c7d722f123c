"""Drops anywhere on the canvas, with real drag events on the render widget: the grey margin
shows its insertion line and lands there, a drop that changes nothing is refused ("not here"
cursor, nothing happens), the canvas scrolls while a drag is near its top or bottom edge, and
the block that landed is scrolled into view."""

from __future__ import annotations

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mailwright.app.document.drop import Payload  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from mailwright.widgets.canvas import APP_WORLD, MIME_PAYLOAD, autoscroll_speed  # noqa: E402
from tests.gui.test_editor import ids, page_js, palette_payload, rect_of  # noqa: E402

ACTIONS = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
LEFT, NOMOD = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def mime(payload: Payload) -> QMimeData:
    m = QMimeData()
    m.setData(MIME_PAYLOAD, payload.to_mime().encode("utf-8"))
    return m


def drag_over(qtbot, window, point: QPoint, payload: Payload) -> QDragMoveEvent:
    proxy = window.canvas.view.focusProxy()
    data = mime(payload)
    QApplication.sendEvent(proxy, QDragEnterEvent(QPointF(point), ACTIONS, data, LEFT, NOMOD))
    move = QDragMoveEvent(QPointF(point), ACTIONS, data, LEFT, NOMOD)
    QApplication.sendEvent(proxy, move)
    _alive.append(data)
    return move


_alive: list = []  # events keep only a pointer to their mime data


def release(window, point: QPoint, payload: Payload) -> QDropEvent:
    data = mime(payload)
    _alive.append(data)
    drop = QDropEvent(QPointF(point), ACTIONS, data, LEFT, NOMOD)
    QApplication.sendEvent(window.canvas.view.focusProxy(), drop)
    return drop


def scroll_y(qtbot, window) -> float:
    return page_js(qtbot, window, "window.scrollY")


def test_a_drop_in_the_grey_margin_shows_its_line_and_lands_on_it(qtbot, window):
    canvas = window.canvas
    r2 = rect_of(qtbot, window, "r2")
    margin = QPoint(max(2, int(r2[0]) - 40), int(r2[1] + r2[3] / 2))
    assert margin.x() < r2[0], "the point is outside the email body"
    payload = palette_payload(window, "Heading")
    assert drag_over(qtbot, window, margin, payload).isAccepted()
    qtbot.waitUntil(lambda: canvas.overlay.line is not None, timeout=5000)
    line = canvas.overlay.line.getRect()
    shown = canvas.drop
    assert (shown.kind, shown.column_id) == ("column", "c2")  # the nearest column: left of r2
    before = ids(window)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        release(window, margin, payload)
    new = (ids(window) - before).pop()
    assert [b.id for b in window.session.doc.find("c2").blocks].index(new) == shown.index
    assert len(window.session.doc.rows) == 3  # not a new row after the footer
    # drawn where the line was
    assert abs(rect_of(qtbot, window, new)[1] - (line[1] + line[3] / 2)) < 4


def test_a_move_that_changes_nothing_shows_not_here_and_does_nothing(qtbot, window):
    canvas = window.canvas
    window.select("b2")
    r = rect_of(qtbot, window, "b2")
    on_itself = QPoint(int(r[0] + 30), int(r[1] + r[3] / 2))
    payload = Payload("move-block", node_id="b2")
    drag_over(qtbot, window, on_itself, payload)
    qtbot.waitUntil(lambda: canvas.drop_refused, timeout=5000)
    assert canvas.overlay.line is None
    data = mime(payload)
    again = QDragMoveEvent(QPointF(on_itself), ACTIONS, data, LEFT, NOMOD)
    QApplication.sendEvent(canvas.view.focusProxy(), again)
    assert not again.isAccepted(), "the cursor says 'not here'"
    undo_before = window.session.history.can_undo if hasattr(window.session.history, "can_undo") else None
    release(window, on_itself, payload)
    qtbot.wait(300)
    assert [b.id for b in window.session.doc.find("c1").blocks] == ["b1", "b2", "b3"]
    assert window.session.dirty is False
    if undo_before is not None:
        assert window.session.history.can_undo == undo_before


def test_speed_grows_as_the_pointer_nears_the_edge():
    assert autoscroll_speed(300, 600) == 0
    assert 0 < autoscroll_speed(570, 600) < autoscroll_speed(590, 600) <= autoscroll_speed(600, 600)
    assert 0 > autoscroll_speed(30, 600) > autoscroll_speed(5, 600)


def test_a_drag_near_the_bottom_edge_scrolls_a_long_email_and_drops_below_the_fold(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    canvas = window.canvas
    assert scroll_y(qtbot, window) == 0
    payload = palette_payload(window, "Text")
    near_bottom = QPoint(canvas.view.width() // 2, canvas.view.height() - 4)
    drag_over(qtbot, window, near_bottom, payload)
    qtbot.waitUntil(lambda: scroll_y(qtbot, window) > 400, timeout=5000)
    # the line follows the scrolled page
    qtbot.waitUntil(lambda: canvas.overlay.line is not None, timeout=5000)
    before = ids(window)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        release(window, near_bottom, payload)
    assert not canvas._autoscroll.isActive()
    new = (ids(window) - before).pop()
    assert window.selection == new

    # the canvas shows the block that landed
    def visible() -> bool:
        r = rect_of(qtbot, window, new)
        return r[1] >= 0 and r[1] + r[3] <= canvas.view.height()

    qtbot.waitUntil(visible, timeout=5000)


def test_the_block_that_landed_is_scrolled_into_view(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    canvas = window.canvas
    last_row = window.session.doc.rows[-1]
    column = last_row.columns[0]
    payload = palette_payload(window, "Button")
    from mailwright.app.document.drop import DropTarget

    before = ids(window)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        canvas.dropRequested.emit(payload, DropTarget("column", len(column.blocks), column.id))
    new = (ids(window) - before).pop()
    qtbot.waitUntil(lambda: scroll_y(qtbot, window) > 400, timeout=5000)

    def visible() -> bool:
        r = rect_of(qtbot, window, new)
        return r[1] >= 0 and r[1] + r[3] <= canvas.view.height()

    qtbot.waitUntil(visible, timeout=5000)
    assert APP_WORLD  # the overlay's world, imported for page_js
