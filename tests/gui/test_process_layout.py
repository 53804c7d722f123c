"""What runs beside the editor window, and when: the worker process the background jobs share,
the renderer processes of web views, and Chromium's settings for a machine without a GPU.

Each is memory a user pays for the whole session (`make bench` sums the process tree), so the
tests check the processes themselves, with real children and a real QtWebEngine.
"""

from __future__ import annotations

import os
import sys

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtWidgets import QDockWidget  # noqa: E402

from mailwright.app.document.commands import InsertRow, new_block_json, new_row_json  # noqa: E402

# --- one worker process for compiles, checks and previews -----------------------------------------


def test_checks_and_compiles_share_one_worker_process_that_survives_a_crash(qtbot, make_window):
    """One Python child serves the design compile and the checks (one set of lxml, MJML and
    pydantic in memory, not one per kind of job); a native crash in a compile costs that
    compile only, and both kinds of job go on in a fresh child."""
    window = make_window(in_process=False)
    qtbot.waitUntil(lambda: window.warn_label.text() != "", timeout=RENDER_TIMEOUT)  # the checks ran
    first = window.compiler._worker.pid
    assert first is not None and window.checks.worker.pid == first
    # The editor's compiles, with the nesting pre-check switched off in the child so that deep
    # input reaches MRML and kills the process for real.
    window.compiler._worker.close()
    window.compiler._worker = window.compiler.lane("tests.reliability.helpers:build_unchecked", priority=0)
    deep = (
        "<mj-wrapper>" * 5000
        + "<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>"
        + "</mj-wrapper>" * 5000
    )
    doc = window.session.doc
    block = new_block_json(doc, "mjml", fills_row=True, mjml=deep)
    window.push(InsertRow(index=len(doc.rows), row=new_row_json(doc, [100], [[block]])))
    qtbot.waitUntil(lambda: "crashed" in window.statusBar().currentMessage(), timeout=RENDER_TIMEOUT)
    assert "(signal SIGSEGV). The editor is fine" in window.statusBar().currentMessage()
    assert window.isVisible() and window.size_label.text() == "build failed"
    window.warn_label.setText("")
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.a_undo.trigger()
    qtbot.waitUntil(lambda: window.warn_label.text() != "", timeout=RENDER_TIMEOUT)  # checks again
    second = window.compiler._worker.pid
    assert second is not None and second != first and window.checks.worker.pid == second


def test_the_preview_build_runs_in_the_same_worker_process(qtbot, make_window):
    from mailwright.widgets.preview_state import state_for

    window = make_window(in_process=False)
    state = state_for(window)
    with qtbot.waitSignal(state.built, timeout=RENDER_TIMEOUT):
        state.use("test")
    assert state.result is not None and "Spring news" in state.result.html
    assert state._worker.pid is not None and state._worker.pid == window.compiler._worker.pid


# --- renderers --------------------------------------------------------------------------------------


def test_the_test_inbox_starts_no_renderer_until_a_message_is_shown(qtbot, make_window):
    """A shown web view starts a renderer (~80 MB) even with nothing loaded, and the inbox dock
    tabbed behind the checks counts as shown."""
    from mailwright.app.build.personalise import PersonalEmail
    from mailwright.app.send.profiles import local_inbox_profile
    from mailwright.app.send.sending import build_message, send_messages

    window = make_window()
    panel = window.inbox_panel
    assert panel.port, panel.error
    window.findChild(QDockWidget, "dock-inbox").raise_()  # even with the inbox in front
    qtbot.wait(300)
    assert panel.view_placeholder.isVisible() and panel.view.isHidden()
    assert panel.view.page().renderProcessPid() == 0
    assert window.canvas.view.page().renderProcessPid() != 0

    msg = build_message(
        PersonalEmail("<p>Arrived in the inbox</p>", "Arrived\n", "Hello", "", (), ()),
        from_addr="a@example.com",
        to="b@example.com",
    )
    with qtbot.waitSignal(panel.messageArrived, timeout=5000):
        assert send_messages(msg, local_inbox_profile(panel.port), timeout=5).ok
    with qtbot.waitSignal(panel.messageShown, timeout=5000):
        assert panel.select_latest()
    assert panel.view.isVisible() and not panel.view_placeholder.isVisible()
    out: dict = {"html": ""}

    def shown() -> bool:
        panel.view.page().toHtml(lambda html: out.update(html=html))
        return "Arrived in the inbox" in out["html"]

    qtbot.waitUntil(shown, timeout=15_000)
    assert panel.view.page().renderProcessPid() != 0


# --- Chromium settings ----------------------------------------------------------------------------


def test_chromium_draws_without_a_gpu_where_there_is_none(monkeypatch, tmp_path):
    """Offscreen (screenshots, CI) or on Linux without a GPU device, Chromium would emulate a GPU
    in software only to composite; with a display and a GPU it keeps it."""
    from mailwright.widgets import app

    def flags_for(platform: str, gpu_nodes: tuple[str, ...]) -> list[str]:
        monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--lang=de")
        monkeypatch.setenv("QT_QPA_PLATFORM", platform)
        monkeypatch.setattr(app, "GPU_NODES", gpu_nodes)
        app.prepare_environment(offscreen=False)
        app.prepare_environment(offscreen=False)  # twice: no flag twice
        return os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()

    present = str(tmp_path)
    missing = str(tmp_path / "no-such-device")
    assert flags_for("offscreen", (present,)) == ["--lang=de", "--disable-background-networking", "--disable-gpu"]
    assert flags_for("xcb", (present,)) == ["--lang=de", "--disable-background-networking"]
    if sys.platform.startswith("linux"):
        assert "--disable-gpu" in flags_for("xcb", (missing,))
