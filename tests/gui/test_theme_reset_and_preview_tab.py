"""Issue 15 items 5 and 6 in the real editor (offscreen, real QtWebEngine): a theme switch that
makes text unreadable says so at once and one click resets the clashing colours; Reset to theme
in the inspector; the preview is a tab of the main window with its own recipient stepper, its
missing-field list, and a Dark frame that says when the email has no dark styles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from mailwright.app.checks.contrast import contrast_problems  # noqa: E402
from mailwright.app.build.pipeline import build_document, build_mjml_text  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from mailwright.app.document.storage import dumps_document  # noqa: E402
from tests.gui.conftest import RENDER_TIMEOUT  # noqa: E402
from tests.gui.test_preview import DARK_MJML, _delete_now, body_text, show, two_column_doc  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def pick_theme(window, name: str) -> None:
    """As a user does: choose the theme in the toolbar's picker."""
    box = window.theme_box
    index = box.findData(name)
    box.setCurrentIndex(index)
    box.activated.emit(index)


# --- item 5: themes --------------------------------------------------------------------------------


def test_a_theme_switch_that_clashes_says_so_at_once_and_one_click_resets_the_colours(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    notice = window.workspace.theme_notice
    assert notice.isHidden()
    assert window.theme_box.currentText() == "Serif"  # the display name, as in the inspector
    pick_theme(window, "midnight")
    # At once: no compile or check run awaited.
    assert notice.isVisible()
    assert "Midnight makes the text of 12 blocks hard to read" in notice.label.text()
    assert notice.button.text() == "Reset the 14 colours that clash"
    switched = dumps_document(window.session.doc)

    click(notice.button)
    assert contrast_problems(window.session.doc) == []
    assert notice.isHidden()
    assert window.a_undo.text().replace("&", "") == "Undo Reset 14 clashing colours"
    # The canvas shows the menu in Midnight's heading colour now (it was #2d2a26 on navy).
    qtbot.waitUntil(
        lambda: (
            window._last_result is not None
            and "#2d2a26" not in window._last_result["html"].lower()
            and "#f8fafc" in window._last_result["html"].lower()
        ),
        timeout=RENDER_TIMEOUT,
    )
    qtbot.waitUntil(lambda: window.warn_label.text() == "No problems found", timeout=RENDER_TIMEOUT)

    window.a_undo.trigger()  # one step back: every colour as it was, and the bar says so again
    assert dumps_document(window.session.doc) == switched
    assert notice.isVisible()
    window.a_undo.trigger()  # back to Serif: nothing clashes, the bar goes
    assert notice.isHidden()


def test_the_bar_follows_hand_edits_and_stays_hidden_once_dismissed(qtbot, make_window, newsletter):
    from mailwright.app.document.theme_reset import clash_fix

    window = make_window(Session.open(newsletter))
    notice = window.workspace.theme_notice
    pick_theme(window, "midnight")
    assert notice.isVisible()
    window.push(reset_to_theme_of(window, "b6"))  # one colour fixed by hand: the count follows
    qtbot.waitUntil(lambda: "Reset the 13 colours" in notice.button.text(), timeout=5000)
    window.push(clash_fix(window.session.doc).command(window.session.doc))  # the rest, another way
    qtbot.waitUntil(notice.isHidden, timeout=5000)
    window.a_undo.trigger()
    assert notice.isVisible()
    from PySide6.QtWidgets import QToolButton

    click(notice.findChild(QToolButton, "theme-notice-close"))
    assert notice.isHidden()
    window.a_undo.trigger()
    window.a_redo.trigger()
    assert notice.isHidden(), "dismissed: quiet until the next theme change"
    pick_theme(window, "bold")
    pick_theme(window, "midnight")
    assert notice.isVisible()


def reset_to_theme_of(window, node_id: str):
    from mailwright.app.document.theme_reset import reset_to_theme

    return reset_to_theme(window.session.doc, node_id)


def test_inspector_reset_to_theme_on_a_block_a_row_and_the_email(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    doc = window.session.doc
    pick_theme(window, "midnight")
    before = dumps_document(doc)

    window.select("b6")  # the menu
    button = window.inspector.findChild(type(window.workspace.theme_notice.button), "reset-to-theme")
    assert button.isEnabled()
    click(button)
    assert doc.find("b6").props.color is None and doc.find("b6").props.font_size == 13
    assert window.a_undo.text().replace("&", "") == "Undo Reset menu to theme"

    window.select("r10")  # the cream band and its small print
    button = window.inspector.findChild(type(button), "reset-to-theme")
    click(button)
    assert doc.rows[9].props.background_color is None and doc.find("b30").props.color is None
    assert not window.inspector.findChild(type(button), "reset-to-theme").isEnabled(), "nothing left there"

    window.select(None)  # the whole email
    click(window.inspector.findChild(type(button), "reset-to-theme"))
    assert window.a_undo.text().replace("&", "") == "Undo Reset email to theme"
    assert contrast_problems(doc) == []
    for _ in range(3):  # three clicks, three undo steps
        window.a_undo.trigger()
    assert dumps_document(doc) == before


def test_reset_to_theme_from_the_canvas_toolbar_is_one_undo_step(qtbot, make_window, newsletter):
    window = make_window(Session.open(newsletter))
    doc = window.session.doc
    pick_theme(window, "midnight")
    before = dumps_document(doc)
    window.select("b6")  # the menu, with colours set by hand
    bar = window.canvas.bar
    qtbot.waitUntil(lambda: bar.isVisible(), timeout=5000)
    click(bar.buttons["reset"])
    assert doc.find("b6").props.color is None
    assert window.a_undo.text().replace("&", "") == "Undo Reset menu to theme"
    click(bar.buttons["reset"])  # nothing left: a word in the status bar, no empty undo step
    assert "Nothing in this block is set by hand" in window.statusBar().currentMessage()
    window.a_undo.trigger()
    assert dumps_document(doc) == before


# --- item 6: the preview tab ---------------------------------------------------------------------


def _people(tmp_path: Path) -> Path:
    rows = [
        {"email": "ann@example.com", "firstname": "Ann", "plan": "pro"},
        {"email": "bob@example.com", "firstname": "Bob"},  # lacks plan
        {"email": "cy@example.com", "firstname": "Cy", "plan": "free"},
    ]
    path = tmp_path / "people.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_preview_is_a_tab_of_the_editor_with_its_own_recipient_stepper(qtbot, make_window, tmp_path):
    window = make_window(Session(two_column_doc()))
    window.recipients_panel.load(_people(tmp_path))
    window.a_preview.trigger()  # Ctrl+P
    workspace = window._mw_preview
    assert window.workspace.currentIndex() == 1 and not workspace.isWindow(), "a tab, not a window over the editor"
    assert window.isAncestorOf(workspace) and workspace.isVisible() and not window.canvas.isVisible()
    stepper = workspace.recipients
    frame = workspace.frame(375)
    qtbot.waitUntil(lambda: "Hi Ann" in body_text(frame, 2000), timeout=RENDER_TIMEOUT)
    assert "row 1 of 3" in stepper.who.text() and not stepper.prev_button.isEnabled()
    assert "Every field" in stepper.missing.text()

    click(stepper.next_button)  # the preview's own ▶
    assert window.recipients_panel.current == 2
    qtbot.waitUntil(lambda: "Hi Bob" in body_text(frame, 2000), timeout=RENDER_TIMEOUT)
    assert "bob@example.com" in stepper.who.text()
    assert "data:plan" in stepper.missing.text(), "the fields this recipient lacks are listed in the preview"
    click(stepper.next_button)
    qtbot.waitUntil(lambda: "Hi Cy" in body_text(frame, 2000), timeout=RENDER_TIMEOUT)
    assert not stepper.next_button.isEnabled()
    click(stepper.prev_button)
    qtbot.waitUntil(lambda: "Hi Bob" in body_text(frame, 2000), timeout=RENDER_TIMEOUT)

    window.a_preview.trigger()  # Ctrl+P again: back to the design canvas
    assert window.workspace.currentIndex() == 0 and window.canvas.isVisible() and not workspace.isVisible()
    assert window.width() <= 1400, "the preview's controls do not widen the window"


def test_the_dark_frame_says_when_the_email_has_no_dark_styles(qtbot):
    from mailwright.widgets.preview import PreviewWorkspace
    from mailwright.widgets.preview_state import PreviewState

    ws = PreviewWorkspace(PreviewState())
    ws._no_confirm = True
    qtbot.addWidget(ws)
    ws.resize(1600, 900)
    ws.show()
    qtbot.waitExposed(ws)
    try:
        show(qtbot, ws, build_document(two_column_doc()))
        assert not any(f.dark_note.isVisible() for f in ws.frames), "light frames say nothing"
        ws.set_scheme("dark")
        qtbot.waitUntil(lambda: all(f.dark_note.isVisible() for f in ws.frames), timeout=RENDER_TIMEOUT)
        assert "no dark styles" in ws.frames[0].dark_note.text()
        ws.set_scheme("forced")  # forced inversion darkens any email: nothing to say
        qtbot.waitUntil(lambda: not any(f.dark_note.isVisible() for f in ws.frames), timeout=RENDER_TIMEOUT)
        ws.set_scheme("dark")
        show(qtbot, ws, build_mjml_text(DARK_MJML))  # an email with its own dark styles
        qtbot.waitUntil(lambda: not any(f.dark_note.isVisible() for f in ws.frames), timeout=RENDER_TIMEOUT)
    finally:
        ws.release()
        ws.close()
        _delete_now(ws)
