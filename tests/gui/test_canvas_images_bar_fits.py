"""The remote-images bar shows its whole message: on a narrow canvas the wrapped text grows the
bar instead of being cut off (it lost its last line beside the two buttons at 1200 px)."""

from __future__ import annotations

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.document.commands import InsertBlock, new_block_json  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402


@pytest.mark.parametrize("width", [1200, 900, 1600])
def test_the_whole_message_is_shown_at_any_window_width(qtbot, make_window, width):
    from tests.gui.conftest import small_document

    window = make_window(Session(small_document()))
    window.resize(width, 800)
    block = new_block_json(window.session.doc, "image")
    block.setdefault("props", {})["src"] = "https://images.example.com/hero.png"
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(InsertBlock("c1", 0, block))
    bar = window.canvas.images_bar
    qtbot.waitUntil(bar.isVisible)
    qtbot.wait(50)  # the layout settles after the text is set
    label = bar.label
    needed = label.heightForWidth(label.width())
    assert label.height() >= needed, f"{label.height()} px shown of {needed} px of text at {label.width()} px wide"
    assert bar.geometry().bottom() < window.canvas.view.geometry().top() + 1  # the page starts below it
