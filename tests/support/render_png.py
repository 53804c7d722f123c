"""Render an HTML file to PNG with QtWebEngine offscreen (a tool for looking at output).

Usage: python -m tests.support.render_png IN.html OUT.png [WIDTH]
Remote images are not loaded: the page is set from a string without a base URL and with
JavaScript off, as the editor's previews will be.
"""
from __future__ import annotations

import os
import sys


def render(html: str, out_png: str, width: int = 700) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from PySide6.QtCore import QEventLoop, QSize, QTimer
    from PySide6.QtWebEngineCore import QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    view = QWebEngineView()
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
    view.resize(QSize(width, 800))
    view.show()
    loop = QEventLoop()
    view.loadFinished.connect(lambda ok: loop.quit())
    view.setHtml(html)
    QTimer.singleShot(20000, loop.quit)
    loop.exec()
    # Measure the page height with a script in the application world (page JS stays off).
    from PySide6.QtWebEngineCore import QWebEngineScript

    heights: list[int] = []
    view.page().runJavaScript("document.documentElement.scrollHeight", QWebEngineScript.ScriptWorldId.ApplicationWorld,
                              lambda h: (heights.append(int(h or 800)), loop.quit()))
    QTimer.singleShot(5000, loop.quit)
    loop.exec()
    view.resize(QSize(width, min(max(heights[0] if heights else 800, 200), 8000)))
    QTimer.singleShot(600, loop.quit)
    loop.exec()
    view.grab().save(out_png)
    view.close()
    view.deleteLater()


if __name__ == "__main__":
    html_path, png = sys.argv[1], sys.argv[2]
    w = int(sys.argv[3]) if len(sys.argv) > 3 else 700
    render(open(html_path, encoding="utf-8").read(), png, w)
    print(png)
