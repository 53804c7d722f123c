"""Issue 17: the main window makes every pane itself; nothing is skipped quietly.

Before, panes were imported by name and a module that failed to import or install was skipped
(a status message, an empty dock). After the layout move that hid real breakage: Copy, Paste,
Duplicate and Save as block looked for modules under their old names and did nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QInputDialog


def _blocks(window, block_type: str) -> list[str]:
    return [n.id for n in window.session.doc.iter_nodes() if getattr(n, "type", None) == block_type]


def test_copy_paste_cut_and_duplicate_change_the_document(qtbot, window):
    from mailwright.app.document.clipboard import MIME_TYPE as CLIP_MIME

    window.select("b1")  # the heading "Spring news"
    window.a_copy.trigger()
    assert QApplication.clipboard().mimeData().hasFormat(CLIP_MIME)
    assert "Spring news" in QApplication.clipboard().text()  # other programs get MJML text
    window.select("b5")
    window.a_paste.trigger()
    headings = _blocks(window, "heading")
    assert len(headings) == 2 and window.selection in headings and window.selection != "b1"
    window.a_duplicate.trigger()
    assert len(_blocks(window, "heading")) == 3
    window.select("b3")  # the button
    window.a_cut.trigger()
    assert _blocks(window, "button") == []
    window.a_paste.trigger()
    assert len(_blocks(window, "button")) == 1
    window.a_undo.trigger()
    assert _blocks(window, "button") == []


def test_save_as_block_puts_the_block_in_the_palette(qtbot, window, monkeypatch, make_window):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: ("Greeting", True)))
    window.select("b1")
    window.a_save_block.trigger()
    assert "Greeting" in {item.text(0) for item in window.palette.items()}
    later = make_window()  # the next start shows it too (app.py asks for the saved blocks)
    later.refresh_saved_blocks()
    assert "Greeting" in {item.text(0) for item in later.palette.items()}


def test_the_recipients_and_inbox_docks_hold_their_panels(window):
    from mailwright.widgets.inbox_panel import InboxPanel
    from mailwright.widgets.recipients_panel import RecipientsPanel

    recipients = window.findChild(QDockWidget, "dock-recipients").widget()
    inbox = window.findChild(QDockWidget, "dock-inbox").widget()
    assert isinstance(recipients, RecipientsPanel) and recipients is window.recipients_panel
    assert isinstance(inbox, InboxPanel) and inbox is window.inbox_panel


def test_a_pane_that_cannot_be_made_stops_the_window_loudly(qtbot, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(tmp_path / "data"))
    from mailwright.widgets import main_window, recipients_panel

    def broken(window):
        raise ImportError("No module named 'mailwright.widgets.missing'")

    monkeypatch.setattr(recipients_panel, "install", broken)
    with pytest.raises(ImportError, match="missing"):
        main_window.MainWindow(in_process_compile=True, settings=settings)
