"""Fixtures for editor tests: a MainWindow on a small document, isolated from the user's
settings (an ini file in tmp_path) and data folder (MAILWRIGHT_DATA_DIR=tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

RENDER_TIMEOUT = 30_000


def small_document():
    """r1: heading b1, text b2, button b3 · r2: image b4 | empty column c3 · r3: text b5."""
    from mailwright.app.document.model import Document

    return Document.model_validate(
        {
            "subject": "Editor test",
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "width": 100,
                            "blocks": [
                                {"id": "b1", "type": "heading", "props": {"text": "Spring news"}},
                                {
                                    "id": "b2",
                                    "type": "text",
                                    "props": {
                                        "html": "<p>Hello there, a paragraph of text "
                                        '<a href="https://example.com/x">with a link</a>.</p>'
                                    },
                                },
                                {
                                    "id": "b3",
                                    "type": "button",
                                    "props": {"label": "Read more", "href": "https://example.com"},
                                },
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "columns": [
                        {"id": "c2", "width": 50, "blocks": [{"id": "b4", "type": "spacer", "props": {"height": 60}}]},
                        {"id": "c3", "width": 50, "blocks": []},
                    ],
                },
                {
                    "id": "r3",
                    "columns": [
                        {
                            "id": "c4",
                            "width": 100,
                            "blocks": [
                                {"id": "b5", "type": "text", "props": {"html": "<p>The end.</p>"}},
                            ],
                        }
                    ],
                },
            ],
        }
    )


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch, settings):
    """make_window(session=None, in_process=True) -> a shown MainWindow whose canvas has rendered."""
    monkeypatch.setenv("MAILWRIGHT_DATA_DIR", str(tmp_path / "data"))
    from mailwright.app.document.session import Session
    from mailwright.widgets.main_window import MainWindow

    windows = []

    def make(session: Session | None = None, *, in_process: bool = True, size=(1400, 900)):
        if session is None:
            session = Session(small_document())
        window = MainWindow(session, in_process_compile=in_process, settings=settings)
        windows.append(window)
        qtbot.addWidget(window, before_close_func=_forget_changes)
        window.resize(*size)
        with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
            window.show()
        return window

    yield make
    for window in windows:
        _forget_changes(window)
        window.close()
        window.deleteLater()  # pages go before the shared web profiles
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _forget_changes(window) -> None:
    """Tear-down never asks about unsaved changes."""
    if window.session is not None:
        window.session.history.mark_saved()
        window.session.recovered = False


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def newsletter(tmp_path) -> Path:
    """A writable copy of the newsletter starter, with its pictures."""
    import shutil

    src = Path(__file__).resolve().parents[2] / "examples" / "newsletter.mwt"
    dst = tmp_path / "newsletter.mwt"
    dst.write_bytes(src.read_bytes())
    shutil.copytree(src.parent / "assets", tmp_path / "assets", dirs_exist_ok=True)
    return dst
