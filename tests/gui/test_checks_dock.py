"""The Checks dock says when the email is clean, and lists findings when it is not."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from mailwright.app.document.commands import SetProp
from mailwright.app.document.session import Session

from .conftest import RENDER_TIMEOUT

EVENT = Path(__file__).resolve().parents[2] / "examples" / "event_invitation.mwt"


def _rows(window) -> list[str]:
    return [window.checks.item(i).text() for i in range(window.checks.count())]


def test_a_clean_email_says_so_in_the_dock(make_window, qtbot):
    window = make_window(Session.open(EVENT))
    qtbot.waitUntil(lambda: window.warn_label.text() == "No problems found", timeout=RENDER_TIMEOUT)
    assert len(_rows(window)) == 1 and "No problems found" in _rows(window)[0]
    item = window.checks.item(0)
    assert not item.flags() & Qt.ItemFlag.ItemIsSelectable  # nothing to select
    block = next(window.session.doc.iter_blocks())
    window.select(block.id)
    window.checks.itemClicked.emit(item)  # a click keeps the selection
    assert window.canvas.selection == block.id


def test_findings_replace_the_clean_row(make_window, qtbot):
    window = make_window(Session.open(EVENT))
    qtbot.waitUntil(lambda: window.warn_label.text() == "No problems found", timeout=RENDER_TIMEOUT)
    image = next(b for b in window.session.doc.iter_blocks() if b.type == "image")
    window.session.history.push(SetProp(image.id, "alt", ""))
    qtbot.waitUntil(
        lambda: "warning" in window.warn_label.text() or "error" in window.warn_label.text(), timeout=RENDER_TIMEOUT
    )
    rows = _rows(window)
    assert rows and not any("No problems found" in r for r in rows)
    # The severity is an icon every platform draws (the ⛔ glyph had no font on a plain Linux
    # desktop), and a word for a screen reader; the text is the finding alone.
    item = window.checks.item(0)
    assert not item.icon().isNull() and not any(mark in rows[0] for mark in "⛔⚠ℹ")
    assert item.data(Qt.ItemDataRole.AccessibleTextRole).split(":", 1)[0] in ("Error", "Warning", "Note")
