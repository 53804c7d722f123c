"""Built HTML rendered by a real QtWebEngine offscreen: what a reader's client would draw."""

from __future__ import annotations

import pytest

from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import build_document

pytest.importorskip("PySide6.QtWebEngineWidgets")


def _doc() -> Document:
    return Document.model_validate(
        {
            "subject": "Render check",
            "settings": {"theme": "bold"},
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "width": 100,
                            "blocks": [
                                {"id": "b1", "type": "heading", "props": {"text": "Big sale"}},
                                {
                                    "id": "b2",
                                    "type": "button",
                                    "props": {"label": "Shop", "href": "https://example.com"},
                                },
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "props": {"background_color": "#123456"},
                    "columns": [
                        {"id": "c2", "width": 50, "blocks": [{"id": "b3", "type": "spacer", "props": {"height": 80}}]},
                        {"id": "c3", "width": 50, "blocks": [{"id": "b4", "type": "spacer", "props": {"height": 80}}]},
                    ],
                },
            ],
        }
    )


def _render(qtbot, html: str, width: int):
    from PySide6.QtCore import QSize
    from PySide6.QtWebEngineCore import QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    qtbot.addWidget(view)
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
    view.resize(QSize(width, 700))
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=30000) as blocker:
        view.setHtml(html)
    assert blocker.args == [True]
    qtbot.wait(300)  # let the compositor paint
    image = view.grab().toImage()
    view.page().deleteLater()
    return image


def _color(image, x: int, y: int) -> str:
    return image.pixelColor(x, y).name()


def test_desktop_render_shows_theme_colours_and_centred_card(qtbot, tmp_path):
    html = build_document(_doc()).html
    image = _render(qtbot, html, 800)
    image.save(str(tmp_path / "desktop.png"))
    # The bold theme's page background around the 600 px email, the row colour inside it.
    assert _color(image, 10, 10) == "#fde8d7"
    found_row = any(_color(image, 400, y) == "#123456" for y in range(150, 650, 5))
    assert found_row, "the dark row should be drawn inside the card"
    # The card is centred: row colour starts about 100 px from the left at 800 px wide.
    y = next(y for y in range(150, 650, 5) if _color(image, 400, y) == "#123456")
    assert _color(image, 95, y) == "#fde8d7" and _color(image, 105, y) == "#123456"


def test_mobile_render_fills_the_width(qtbot):
    html = build_document(_doc()).html
    image = _render(qtbot, html, 375)
    ys = [y for y in range(100, 690, 5) if _color(image, 187, y) == "#123456"]
    assert ys, "the row should be visible at 375 px"
    assert _color(image, 5, ys[0]) == "#123456", "on a phone the row spans the full width"
