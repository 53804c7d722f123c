"""After an edit the canvas replaces its content in place: the new text shows, no new page
loads (no blank frame), and the reader keeps their scroll position."""

from __future__ import annotations

import json

from mailwright.app.document.commands import SetDocField, SetProp
from mailwright.widgets.canvas import APP_WORLD

from .conftest import RENDER_TIMEOUT


def _js(qtbot, view, script: str):
    answer = []
    view.page().runJavaScript(script, APP_WORLD, answer.append)
    qtbot.waitUntil(lambda: bool(answer), timeout=RENDER_TIMEOUT)
    return answer[0]


def _tall(window, qtbot):
    """Make the small document tall enough to scroll."""
    paragraphs = "".join(f"<p>Paragraph {i} of a long letter.</p>" for i in range(60))
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.session.history.push(SetProp("b2", "html", paragraphs))


def test_an_edit_patches_the_page_and_keeps_the_scroll(make_window, qtbot):
    window = make_window(size=(1200, 700))
    view = window.canvas.view
    _tall(window, qtbot)
    url = view.url().toString()
    _js(qtbot, view, "window.scrollTo(0, 400)")
    loads = []
    view.loadStarted.connect(lambda: loads.append(1))
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.session.history.push(SetProp("b5", "html", "<p>A brand new ending.</p>"))
    state = json.loads(
        _js(
            qtbot,
            view,
            "JSON.stringify([document.body.innerText, window.scrollY, document.querySelectorAll('style').length])",
        )
    )
    assert "A brand new ending." in state[0] and "The end." not in state[0]
    assert state[1] == 400
    assert state[2] > 0  # the head's styles came along
    assert loads == [] and view.url().toString() == url


def test_a_theme_change_restyles_the_patched_page(make_window, qtbot):
    window = make_window()
    view = window.canvas.view
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.session.history.push(SetDocField("settings.theme", "midnight"))
    background = _js(qtbot, view, "getComputedStyle(document.body).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")


def test_an_edit_that_needs_a_new_page_keeps_the_scroll(make_window, qtbot, monkeypatch):
    """An email too large to patch in place loads a new page, and the reader stays where they were."""
    from mailwright.widgets import email_view

    window = make_window(size=(1200, 700))
    view = window.canvas.view
    _tall(window, qtbot)
    _js(qtbot, view, "window.scrollTo(0, 400)")
    # A new page restores what the browser side last heard of the scroll (it hears it async).
    qtbot.waitUntil(lambda: view.page().scrollPosition().y() == 400, timeout=RENDER_TIMEOUT)
    monkeypatch.setattr(email_view, "PATCH_MAX_CHARS", 0)  # every email is "too large" now
    loads = []
    view.loadStarted.connect(lambda: loads.append(1))
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.session.history.push(SetProp("b5", "html", "<p>A brand new ending.</p>"))
    text, scroll_y = json.loads(_js(qtbot, view, "JSON.stringify([document.body.innerText, window.scrollY])"))
    assert loads, "a new page"
    assert "A brand new ending." in text
    assert scroll_y == 400
