"""The canvas shows the email as the chosen recipient sees it, and stays editable."""

from __future__ import annotations

from pathlib import Path

from mailwright.app.document.session import Session

WELCOME = Path(__file__).resolve().parents[2] / "examples" / "welcome.mwt"


def test_choosing_a_recipient_personalises_the_canvas(make_window, qtbot):
    window = make_window(Session.open(WELCOME))
    assert "<< data:firstname" in window._last_result["html"]
    with qtbot.waitSignal(window.rendered, timeout=30000):
        window.set_canvas_recipient({"firstname": "Zoë", "email": "zoe@example.com"})
    html = window._last_result["html"]
    assert "Hi Zoë, welcome to Tally" in html
    assert "mw-id-" in html  # still the design build: blocks stay selectable
    # A recipient without the field: the default applies; no recipient: tags as written again.
    with qtbot.waitSignal(window.rendered, timeout=30000):
        window.set_canvas_recipient({"email": "x@example.com"})
    assert "Hi there, welcome to Tally" in window._last_result["html"]
    with qtbot.waitSignal(window.rendered, timeout=30000):
        window.set_canvas_recipient(None)
    assert "<< data:firstname" in window._last_result["html"]


def test_the_recipients_panel_drives_the_canvas(make_window, qtbot):
    from mailwright.widgets.preview_state import state_for

    window = make_window(Session.open(WELCOME))
    with qtbot.waitSignal(window.rendered, timeout=30000):
        state_for(window).set_recipient({"firstname": "Łukasz"}, "row 3")
    assert "Hi Łukasz, welcome to Tally" in window._last_result["html"]
