"""The Preview tab's "Preview as: ESP" choice (issue 12): every frame shows the email as that
ESP's engine reads the recipient's values, the missing-field line says whose reading it is, and
the choice is remembered for the document. Real QtWebEngine frames (offscreen), a real window.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.document.model import Document  # noqa: E402

LOAD_TIMEOUT = 30_000
SEATS = "<p>Seats: << data:seats >>. <% if data:seats > 5 %>MANYSEATS<% else %>FEWSEATS<% endif %></p>"


def _document(tmp_path: Path) -> Path:
    doc = Document.model_validate(
        {
            "subject": "Your seats",
            "rows": [
                {
                    "id": "r1",
                    "columns": [{"id": "c1", "blocks": [{"id": "b1", "type": "text", "props": {"html": SEATS}}]}],
                }
            ],
        }
    )
    path = tmp_path / "seats.mwt"
    path.write_text(doc.model_dump_json(), encoding="utf-8")
    return path


def _text(frame) -> str:
    from mailwright.widgets.snapshot import SnapshotError, run_script

    try:
        return run_script(frame.view, "document.body ? document.body.innerText : ''", 2000) or ""
    except SnapshotError:
        return ""


def _window(qtbot, settings, path: Path):
    from mailwright.widgets import preview
    from mailwright.widgets.main_window import MainWindow

    window = MainWindow(in_process_compile=True, settings=settings)
    qtbot.addWidget(window)
    assert window.open_path(path)
    preview.install(window)
    window.show()
    workspace = preview.open_preview(window)
    workspace._no_confirm = True
    qtbot.waitUntil(lambda: workspace.state.compiled is not None, timeout=LOAD_TIMEOUT)
    return window, workspace


def _choose(workspace, label: str) -> None:
    box = workspace.esp_box
    index = box.findText(label)
    assert index >= 0, f"{label} is not offered"
    box.setCurrentIndex(index)
    box.activated.emit(index)  # as a click on the item does


def test_preview_as_klaviyo_shows_the_branch_klaviyo_takes_for_seats_stored_as_text(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from mailwright.app.merge.dialects import DIALECTS

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    path = _document(tmp_path)
    window, workspace = _window(qtbot, settings, path)
    # Every dialect is offered, Mailwright's own reading first.
    offered = [workspace.esp_box.itemText(i) for i in range(workspace.esp_box.count())]
    assert offered[0] == "Mailwright" and len(offered) == 1 + len(DIALECTS)
    assert {"Klaviyo", "Liquid", "Mailchimp", "Campaign Monitor"} <= set(offered)

    # A CSV row: seats is the text "7". Mailwright reads it as the number 7 next to `> 5`.
    workspace.state.set_recipient({"seats": "7"}, "row 1")
    frames = workspace.frames
    qtbot.waitUntil(lambda: all("MANYSEATS" in _text(f) for f in frames), timeout=LOAD_TIMEOUT)
    assert "as " not in workspace.recipients.missing.text()

    # Klaviyo's Django compares text with a number as false: every frame shows the else branch.
    _choose(workspace, "Klaviyo")
    qtbot.waitUntil(
        lambda: all("FEWSEATS" in _text(f) and "MANYSEATS" not in _text(f) for f in frames), timeout=LOAD_TIMEOUT
    )
    assert "as Klaviyo shows it" in workspace.recipients.missing.text()
    workspace.resize(1500, 700)
    qtbot.wait(300)
    out = os.environ.get("MAILWRIGHT_PREVIEW_PNG")
    if out:  # to look at the window: MAILWRIGHT_PREVIEW_PNG=/tmp/preview-as.png
        assert window.grab().save(out)

    # The missing-field list follows the chosen ESP too (no firstname: missing in both).
    workspace.state.set_recipient({"seats": 7}, "row 2")
    qtbot.waitUntil(lambda: all("MANYSEATS" in _text(f) for f in frames), timeout=LOAD_TIMEOUT)
    assert "✓ Every field this email uses is present · as Klaviyo shows it" in workspace.recipients.missing.text()

    # Remembered for this document: a new window on the same file previews as Klaviyo again.
    workspace.close()
    window.session.history.mark_saved()
    window.close()
    window, workspace = _window(qtbot, settings, path)
    assert workspace.esp_box.currentText() == "Klaviyo" and workspace.state.esp == "klaviyo"
    workspace.state.set_recipient({"seats": "7"}, "row 1")
    qtbot.waitUntil(lambda: all("FEWSEATS" in _text(f) for f in workspace.frames), timeout=LOAD_TIMEOUT)
    # Back to Mailwright: the if branch again.
    _choose(workspace, "Mailwright")
    qtbot.waitUntil(lambda: all("MANYSEATS" in _text(f) for f in workspace.frames), timeout=LOAD_TIMEOUT)
    assert "as " not in workspace.recipients.missing.text()
    workspace.close()
    window.session.history.mark_saved()
    window.close()


def test_the_choice_is_per_document(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = _document(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    second = _document(other)
    window, workspace = _window(qtbot, settings, first)
    _choose(workspace, "Liquid")
    assert workspace.state.esp == "liquid"
    workspace.close()
    window.session.history.mark_saved()
    window.close()
    window, workspace = _window(qtbot, settings, second)
    assert workspace.esp_box.currentText() == "Mailwright" and workspace.state.esp is None
    workspace.close()
    window.session.history.mark_saved()
    window.close()
