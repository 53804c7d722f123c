"""The editor at laptop sizes: nothing cut off at the inspector's right edge or in the images bar.

At 1200 x 800 the inspector's content was wider than its dock (a check box's one-line label set
its width) and lost its right edge; the remote-images notice wrapped to three lines in a bar two
lines high.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mailwright.app.document.session import Session
from mailwright.app.document.storage import load_document
from mailwright.widgets.canvas import _ImagesBar
from mailwright.widgets.fields import BoolEditor


def _open(make_window, newsletter, size):
    return make_window(Session(load_document(newsletter), path=newsletter), size=size)


def _fits(window) -> tuple[int, int]:
    scroll = window.inspector._scroll
    return scroll.widget().minimumSizeHint().width(), scroll.viewport().width()


def test_the_inspector_fits_its_dock_for_the_email_and_every_block(qtbot, make_window, newsletter):
    window = _open(make_window, newsletter, (1200, 800))
    window.select(None)
    qtbot.wait(50)
    need, room = _fits(window)
    assert need <= room, f"email settings need {need} px in a {room} px dock"
    for row in window.session.doc.rows:
        for node in [row, *row.columns, *(b for c in row.columns for b in c.blocks)]:
            window.select(node.id)
            qtbot.wait(10)
            need, room = _fits(window)
            assert need <= room, f"{node.id} needs {need} px in a {room} px dock"


def test_a_check_box_label_wraps_and_a_click_on_it_toggles_the_box_as_one_undo_step(qtbot, make_window, newsletter):
    window = _open(make_window, newsletter, (1200, 800))
    window.select(None)
    qtbot.wait(50)
    editor = next(e for e in window.inspector.findChildren(BoolEditor) if e.isVisible())
    assert editor.caption.text() == editor.check.accessibleName().replace("&", "&&") != ""
    assert editor.caption.wordWrap()
    before = window.session.doc.settings.transactional
    qtbot.mouseClick(editor.caption, Qt.MouseButton.LeftButton)
    assert editor.check.isChecked() is (not before)
    assert window.session.doc.settings.transactional is (not before)
    window.session.history.undo()
    assert window.session.doc.settings.transactional is before


def test_the_images_notice_shows_every_line_at_1200_and_1000_px(qtbot, make_window, newsletter):
    for size in ((1200, 800), (1000, 700), (1400, 900)):
        window = _open(make_window, newsletter, size)
        bar = window.findChild(_ImagesBar)
        qtbot.waitUntil(lambda bar=bar: bar.isVisible() and bar.label.text() != "")
        qtbot.wait(50)
        label = bar.label
        # A fresh label with the same text and font says how tall the text is at that width.
        probe = QLabel(label.text())
        probe.setFont(label.font())
        probe.setWordWrap(True)
        need = probe.heightForWidth(label.width())
        assert label.height() >= need, f"{size}: {label.height()} px for text {need} px tall"
        # ...and no taller: an earlier fit left the bar ~170 px high around two lines in X11,
        # pushing the canvas down (reverted in b3d6359).
        line = label.fontMetrics().lineSpacing()
        assert label.height() <= need + line, f"{size}: {label.height()} px for text {need} px tall"
        assert label.height() <= bar.height() <= label.height() + 2 * line


def test_the_preview_controls_fit_a_laptop_window_and_leave_the_frames_the_height(qtbot, make_window, newsletter):
    # At 1280 x 720 the preview's controls were wider than the pane ("Remote images" cut off) and
    # the missing-field line, squeezed beside the stepper, wrapped to a dozen one-word lines
    # (170 px), leaving the frames ~150 px: the inbox row and nothing of the email.
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton

    window = _open(make_window, newsletter, (1280, 720))
    pane = window.workspace.show_preview()
    qtbot.wait(100)
    assert pane is not None and pane.isVisible()
    need = pane.minimumSizeHint().width()
    assert need <= pane.width(), f"the preview's controls need {need} px in a {pane.width()} px pane"
    frames = pane.tabs.widget(0)
    controls = [c for kind in (QCheckBox, QComboBox, QLineEdit, QPushButton) for c in pane.findChildren(kind)]
    for control in controls:
        if control.isVisible() and not frames.isAncestorOf(control):  # the frames scroll sideways
            right = control.mapTo(pane, control.rect().topRight()).x()
            assert right <= pane.width(), f"{control.objectName()} ends at {right} px of {pane.width()}"
    missing = pane.recipients.missing
    lines = missing.height() // missing.fontMetrics().lineSpacing()
    assert missing.text() and lines <= 2, f"the missing-field line is {lines} lines high"
    assert pane.tabs.height() >= 0.6 * pane.height()


def test_the_bottom_docks_can_be_short_on_a_laptop_screen(qtbot, make_window, newsletter):
    # They share one height, the tallest minimum of the three: the recipients' 163 px took a
    # quarter of a 720 px window from the canvas, whatever the user dragged.
    from PySide6.QtWidgets import QDockWidget

    window = _open(make_window, newsletter, (1280, 720))
    for name in ("dock-recipients", "dock-inbox", "dock-checks"):
        dock = window.findChild(QDockWidget, name)
        assert dock.minimumSizeHint().height() <= 145, (name, dock.minimumSizeHint().height())
