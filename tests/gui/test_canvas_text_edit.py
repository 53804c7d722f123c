"""Text edited in place on the canvas, with real mouse and key events on the render widget:
double-click (or Enter on the selection) edits the rendered text, the inspector follows while
typing, Esc or a click outside ends it as one undo step, merge tags are single tokens, and the
toolbar's Bold works on the selection. Page JavaScript stays off throughout."""

from __future__ import annotations

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import QWebEngineSettings  # noqa: E402

from mailwright.app.document.commands import SetProp  # noqa: E402
from tests.gui.test_editor import focus_canvas, page_js, rect_of  # noqa: E402

NOMOD = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


def proxy(window):
    return window.canvas.view.focusProxy()


def double_click(qtbot, window, node_id: str, dx: int = 12) -> None:
    focus_canvas(qtbot, window)  # keys (and the shortcuts they override) go to the canvas
    r = rect_of(qtbot, window, node_id)
    QTest.mouseDClick(proxy(window), LEFT, NOMOD, QPoint(int(r[0] + 32 + dx), int(r[1] + r[3] / 2)))
    qtbot.waitUntil(lambda: window.canvas.editing == node_id and window.canvas.text_bar.isVisible(), timeout=5000)


def html_of(window, node_id: str) -> str:
    return window.session.doc.find(node_id).props.html


def test_double_click_edits_the_text_on_the_canvas_and_esc_makes_one_undo_step(qtbot, window):
    original = html_of(window, "b2")
    assert not window.canvas.view.page().settings().testAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled)
    double_click(qtbot, window, "b2", dx=-20)  # at the very start of the paragraph
    QTest.keyClick(proxy(window), Qt.Key.Key_Home)
    QTest.keyClicks(proxy(window), "Dear reader. ")
    # the inspector and the document follow while typing
    qtbot.waitUntil(lambda: "Dear reader. " in html_of(window, "b2"), timeout=5000)
    QTest.keyClicks(proxy(window), "More.")
    QTest.keyClick(proxy(window), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    edited = html_of(window, "b2")
    assert edited.startswith("<p>Dear reader. More.Hello there") and '<a href="https://example.com/x">' in edited
    assert "style=" not in edited  # the renderer's inline styles are not stored
    assert page_js(qtbot, window, "document.querySelectorAll('[contenteditable]').length") == 0
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.undo() if hasattr(window, "undo") else window.session.history.undo()
    assert html_of(window, "b2") == original, "one undo step takes the whole edit back"


def test_the_inspector_shows_the_text_while_it_is_typed(qtbot, window):
    from PySide6.QtWidgets import QTextEdit

    double_click(qtbot, window, "b2")
    QTest.keyClick(proxy(window), Qt.Key.Key_End)
    QTest.keyClicks(proxy(window), " Live")
    editor = next(e for e in window.inspector.findChildren(QTextEdit) if e.isVisible())
    qtbot.waitUntil(lambda: "Live" in editor.toPlainText(), timeout=5000)
    assert window.canvas.editing == "b2"  # still editing: the canvas was not re-rendered under the caret


def test_merge_tags_are_single_tokens_while_editing(qtbot, window):
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(SetProp("b2", "html", '<p>Hi << data:firstname | default("there") >>!</p>'))
    double_click(qtbot, window, "b2")
    assert page_js(qtbot, window, "document.querySelectorAll('.mw-tag[contenteditable=false]').length") == 1
    QTest.keyClick(proxy(window), Qt.Key.Key_End)
    QTest.keyClick(proxy(window), Qt.Key.Key_Backspace)  # the "!"
    QTest.keyClick(proxy(window), Qt.Key.Key_Backspace)  # the whole tag, not its last ">"
    QTest.keyClick(proxy(window), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    assert html_of(window, "b2").replace(" ", "") == "<p>Hi</p>"  # no "<<" or ">>" left behind


def test_a_kept_tag_comes_back_raw_and_a_click_outside_ends_the_edit(qtbot, window):
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(SetProp("b2", "html", "<p>Hi << data:firstname >></p>"))
    double_click(qtbot, window, "b2")
    QTest.keyClick(proxy(window), Qt.Key.Key_End)
    QTest.keyClicks(proxy(window), ", welcome")
    r = rect_of(qtbot, window, "b5")
    QTest.mouseClick(proxy(window), LEFT, NOMOD, QPoint(int(r[0] + 40), int(r[1] + r[3] / 2)))
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    assert html_of(window, "b2") == "<p>Hi << data:firstname >>, welcome</p>"
    qtbot.waitUntil(lambda: window.selection == "b5", timeout=5000)  # the click selects what it hit


def test_enter_on_a_selected_heading_edits_it_and_enter_again_ends(qtbot, window):
    window.select("b1")
    focus_canvas(qtbot, window)
    QTest.keyClick(proxy(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.canvas.editing == "b1" and window.canvas.text_bar.isVisible(), timeout=5000)
    assert not window.canvas.text_bar.buttons["bold"].isVisible()  # a heading is plain text
    QTest.keyClick(proxy(window), Qt.Key.Key_End)
    QTest.keyClicks(proxy(window), " is here")
    QTest.keyClick(proxy(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    assert window.session.doc.find("b1").props.text == "Spring news is here"


def test_bold_from_the_text_toolbar(qtbot, window):
    double_click(qtbot, window, "b5")
    QTest.keyClick(proxy(window), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page_js(qtbot, window, "window.getSelection().toString()") == "The end.", timeout=5000)
    window.canvas.text_bar.buttons["bold"].click()
    window.canvas.text_bar.buttons["done"].click()
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    assert html_of(window, "b5") == "<p><strong>The end.</strong></p>"


def _tag_menu(qtbot, window):
    window.canvas.text_bar.buttons["tag"].click()
    qtbot.waitUntil(lambda: window.canvas.tag_menu is not None and window.canvas.tag_menu.isVisible(), timeout=5000)
    menu = window.canvas.tag_menu
    actions = list(menu.actions())
    for action in menu.actions():
        if action.menu() is not None:
            actions += action.menu().actions()
    return menu, {a.data(): a for a in actions if a.data()}, {a.text(): a for a in actions}


def test_the_merge_tag_button_offers_the_recipients_fields_and_inserts_one_token(qtbot, window):
    window.inspector.set_recipient_fields(["first_name", "city"])  # as the recipients dock does
    double_click(qtbot, window, "b5")
    QTest.keyClick(proxy(window), Qt.Key.Key_End)
    at_end = "(function(){var s=getSelection(); return s.anchorOffset === (s.anchorNode.length || 0);})()"
    qtbot.waitUntil(lambda: page_js(qtbot, window, at_end) is True, timeout=5000)  # the page has the key
    menu, by_tag, by_text = _tag_menu(qtbot, window)
    assert "<< data:city >>" in by_tag and '<< data:first_name | default("there") >>' in by_tag
    assert "<< link:unsubscribe >>" in by_tag and "Other field…" in by_text
    by_tag["<< data:city >>"].trigger()
    menu.hide()
    qtbot.waitUntil(lambda: "data:city" in page_js(qtbot, window, "document.body.innerText"), timeout=5000)
    qtbot.waitUntil(lambda: proxy(window).hasFocus(), timeout=5000)  # the menu gives the focus back
    QTest.keyClicks(proxy(window), " today")  # the caret is after the token, in the same paragraph
    qtbot.waitUntil(lambda: "today" in html_of(window, "b5"), timeout=5000)
    window.canvas.text_bar.buttons["done"].click()
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    # (Chromium types a space next to a non-editable token as a no-break space.)
    assert html_of(window, "b5").replace("\xa0", " ") == "<p>The end.<< data:city >> today</p>"


def test_the_link_button_completes_a_bare_domain_and_links_the_selection(qtbot, window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from mailwright.widgets.link_dialog import LinkDialog

    double_click(qtbot, window, "b5")
    QTest.keyClick(proxy(window), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page_js(qtbot, window, "window.getSelection().toString()") == "The end.", timeout=5000)
    seen: dict[str, str] = {}

    def answer() -> None:  # as a user does: type the address, read the note, press OK
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LinkDialog):
            QTimer.singleShot(50, answer)
            return
        dialog.line.setText("example.com/end")
        seen["note"] = dialog.note.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(50, answer)
    window.canvas.text_bar.buttons["link"].click()
    qtbot.waitUntil(lambda: "note" in seen, timeout=10000)
    assert seen["note"] == "Will link to https://example.com/end"
    qtbot.waitUntil(lambda: "href" in page_js(qtbot, window, "window.mwEditing.innerHTML"), timeout=5000)
    window.canvas.text_bar.buttons["done"].click()
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    assert html_of(window, "b5") == '<p><a href="https://example.com/end">The end.</a></p>'


def test_a_special_link_from_the_link_dialog_is_stored_as_its_merge_tag(qtbot, window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from mailwright.widgets.link_dialog import LinkDialog

    double_click(qtbot, window, "b5")
    QTest.keyClick(proxy(window), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page_js(qtbot, window, "window.getSelection().toString()") == "The end.", timeout=5000)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LinkDialog):
            QTimer.singleShot(50, answer)
            return
        (unsubscribe,) = [a for a in dialog.special.menu().actions() if a.text() == "Unsubscribe link"]
        unsubscribe.trigger()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(50, answer)
    window.canvas.text_bar.buttons["link"].click()
    qtbot.waitUntil(lambda: "href" in page_js(qtbot, window, "window.mwEditing.innerHTML"), timeout=10000)
    window.canvas.text_bar.buttons["done"].click()
    qtbot.waitUntil(lambda: window.canvas.editing is None, timeout=5000)
    # The tag as written, not a URL the page resolved it to: it is filled in per recipient.
    assert html_of(window, "b5") == '<p><a href="<< link:unsubscribe >>">The end.</a></p>'
